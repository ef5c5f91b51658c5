-- Simulated workers for QueueBenchmarkTest: each wrk thread has one connection and is one registered worker
-- that claims (wait PT0S), then completes each lease it holds with the body in GOLDSMITH_BENCH_COMPLETION and
-- next=PT0S, as the worker agent does, taking the next lease from the reply; when a reply has none it claims
-- again, and stops when the queue answers 204. Unexpected answers are written to stderr.

local workers = {}
local next_worker = 1

function setup(thread)
  if #workers == 0 then
    for line in io.lines(os.getenv("GOLDSMITH_BENCH_WORKERS")) do
      local id, token = line:match("^(%S+) (%S+)$")
      table.insert(workers, { id = id, token = token })
    end
  end
  local worker = workers[next_worker]
  next_worker = next_worker + 1
  thread:set("worker_id", worker.id)
  thread:set("token", worker.token)
end

local completion
local lease
local headers

function init(args)
  local file = io.open(os.getenv("GOLDSMITH_BENCH_COMPLETION"))
  completion = file:read("*a")
  file:close()
  headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
end

function request()
  if lease then
    return wrk.format("POST", "/api/v1/leases/" .. lease .. "/complete?next=PT0S", headers, completion)
  end
  return wrk.format("POST", "/api/v1/workers/" .. worker_id .. "/claim?wait=PT0S", headers, "")
end

function response(status, _, body)
  if lease then
    if status ~= 200 then
      io.stderr:write("complete " .. lease .. " answered " .. status .. ": " .. body .. "\n")
    end
    lease = body:match('"next"%s*:%s*{%s*"leaseId"%s*:%s*"([0-9a-f-]+)"')
  elseif status == 200 then
    lease = body:match('"leaseId"%s*:%s*"([0-9a-f-]+)"')
  elseif status == 204 then
    wrk.thread:stop()
  else
    io.stderr:write("claim answered " .. status .. ": " .. body .. "\n")
  end
end
