-- Simulated workers for QueueBenchmarkTest: each wrk thread has one connection and is one registered worker
-- that claims (wait PT0S), completes the lease it got with the body in GOLDSMITH_BENCH_COMPLETION, and claims
-- again until the queue answers 204. Unexpected answers are written to stderr.

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
    return wrk.format("POST", "/api/v1/leases/" .. lease .. "/complete", headers, completion)
  end
  return wrk.format("POST", "/api/v1/workers/" .. worker_id .. "/claim?wait=PT0S", headers, "")
end

function response(status, _, body)
  if lease then
    if status ~= 200 then
      io.stderr:write("complete " .. lease .. " answered " .. status .. ": " .. body .. "\n")
    end
    lease = nil
  elseif status == 200 then
    lease = body:match('"leaseId"%s*:%s*"([0-9a-f-]+)"')
  elseif status == 204 then
    wrk.thread:stop()
  else
    io.stderr:write("claim answered " .. status .. ": " .. body .. "\n")
  end
end
