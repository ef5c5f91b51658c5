// Runs the CI jobs of docs/ci-examples.md for real against a stand-in Goldsmith on 127.0.0.1: the GitHub
// Actions step under bash (as Actions runs it), the GitLab script under busybox sh (Alpine's shell) or dash,
// each through success, failure, a refused request, a cached build, a retried POST, an interrupted log
// stream, a missing registry entry, a channel, no password, the deadline and cancellation.
//
//   node deploy/test-ci-examples.mjs
//
// Needs curl, jq, bash and js-yaml (through GOLDSMITH_VALIDATE_MODULES, as deploy/verify.sh installs it).
import { createRequire } from "node:module";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(process.env.GOLDSMITH_VALIDATE_MODULES || here, "noop.js"));
const yaml = require("js-yaml");

// ---- the jobs, as the document has them --------------------------------------------------------------------

const markdown = readFileSync(path.join(here, "../docs/ci-examples.md"), "utf8");
const blocks = [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => yaml.load(m[1]));
const github = blocks.find((b) => b?.jobs?.["golden-image"]?.["runs-on"]);
const gitlab = blocks.find((b) => b?.["golden-image"]?.script);
if (!github || !gitlab) {
  console.log("ci-examples.md must hold a GitHub Actions workflow and a GitLab CI job named golden-image");
  console.log("0 passed, 1 failed");
  process.exit(1);
}
const ghJob = github.jobs["golden-image"];
const ghBuild = ghJob.steps.find((s) => s.id === "build");
const ghCancel = ghJob.steps.find((s) => s.if === "cancelled()");
const glJob = gitlab["golden-image"];

const TOKEN = "tok-builder-0123456789";
const PASSWORD = "s3cret-Image-Pass";
const SHA = "0123456789abcdef0123456789abcdef01234567";
const IMAGE = "golden-debian-server-v20261126-0123456";

// A tiny evaluator for the ${{ }} expressions the workflow uses: context lookups and `a || 'default'`.
function githubEnv(ctx, ...envs) {
  const evalExpr = (expr) => {
    for (const alt of expr.split("||").map((s) => s.trim())) {
      const lit = alt.match(/^'(.*)'$/);
      const value = lit ? lit[1] : ctx[alt];
      if (value === undefined && !lit) throw new Error(`unknown expression ${alt}`);
      if (value !== "") return value;
    }
    return "";
  };
  const out = {};
  for (const env of envs) {
    for (const [k, v] of Object.entries(env ?? {})) out[k] = String(v).replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, e) => evalExpr(e));
  }
  return out;
}
const gitlabEnv = (ci, project) => {
  const out = { ...ci, ...project };
  for (const [k, v] of Object.entries(glJob.variables ?? {})) {
    if (k in project) continue; // project variables override the job's defaults
    out[k] = String(v).replace(/\$\{([A-Z0-9_]+)\}|\$([A-Z0-9_]+)/g, (_, a, b) => ci[a ?? b] ?? "");
  }
  return out;
};

// ---- the stand-in control plane ---------------------------------------------------------------------------

const buildView = (over) => ({
  id: "5d9e2a6e-0000-4000-8000-000000000001", team: "platform", status: "QUEUED", cached: false,
  distro: "debian", profile: "server", formats: ["qcow2", "vmdk"], imageName: IMAGE, attempt: 1, maxAttempts: 3,
  notScheduledReason: null, failure: null, artifacts: [],
  stages: [], ...over,
});
const artifacts = [
  { format: "qcow2", fileName: `${IMAGE}.qcow2`, sha256: "a".repeat(64), size: 1000 },
  { format: "vmdk", fileName: `${IMAGE}.vmdk`, sha256: "b".repeat(64), size: 2000 },
];
const done = buildView({
  status: "SUCCEEDED", artifacts,
  stages: ["INSTALL", "TEST", "SEAL", "EXPORT", "STORE"].map((stage) => ({ stage, attempt: 1, status: "SUCCEEDED", durationMs: 1500 })),
});
const url = (fmt) => `http://127.0.0.1:9/goldsmith-images/images/${IMAGE}/${IMAGE}.${fmt}?X-Amz-Signature=abc`;

let scenario;
let requests;
const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    requests.push({ method: req.method, url: req.url, headers: req.headers, body });
    const send = (code, value, type = "application/json") => {
      res.writeHead(code, { "Content-Type": type });
      res.end(typeof value === "string" ? value : JSON.stringify(value));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { title: "Unauthorized", status: 401 });
    const u = new URL(req.url, "http://x");
    const id = done.id;
    if (req.method === "POST" && u.pathname === "/api/v1/builds") {
      const [code, value] = scenario.submit.shift() ?? scenario.submit.last;
      return send(code, value, code >= 400 ? "application/problem+json" : "application/json");
    }
    if (req.method === "GET" && u.pathname === `/api/v1/builds/${id}/logs`) {
      if (scenario.log === "interrupted") {
        res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": "10000" });
        res.write("INSTALL: booting installer\n");
        return setTimeout(() => res.destroy(), 50);
      }
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.write("INSTALL: booting installer\n");
      return setTimeout(() => res.end("STORE: 2 artifacts verified\n"), 50);
    }
    if (req.method === "GET" && u.pathname === `/api/v1/builds/${id}`) {
      const next = scenario.statuses.length > 1 ? scenario.statuses.shift() : scenario.statuses[0];
      return send(200, next);
    }
    if (req.method === "POST" && u.pathname === `/api/v1/builds/${id}/cancel`) {
      return send(200, buildView({ status: "CANCELLED" }));
    }
    if (req.method === "GET" && u.pathname === `/api/v1/images/${IMAGE}`) {
      if (!scenario.images) return send(404, { title: "Not found", status: 404 });
      return send(200, scenario.images);
    }
    if (req.method === "GET" && u.pathname === "/api/v1/registry/debian/server/staging") {
      return send(200, { channel: "staging", version: IMAGE, artifacts: { qcow2: { url: url("qcow2"), sha256: "a".repeat(64), size: 1000 } } });
    }
    send(404, { title: "Not found", status: 404 });
  });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}`;

// ---- running a job ----------------------------------------------------------------------------------------

const shell = ["busybox", "dash", "sh"].find((s) => spawnSync("sh", ["-c", `command -v ${s}`]).status === 0);
const glShell = shell === "busybox" ? ["busybox", "sh", "-e"] : [shell, "-e"];

function run(argv, script, env) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ci-example-"));
  const file = path.join(dir, "script.sh");
  writeFileSync(file, script);
  const fullEnv = { PATH: process.env.PATH, HOME: dir, TMPDIR: dir, GOLDSMITH_POLL_SECONDS: "0", ...env };
  for (const [k, v] of Object.entries(fullEnv)) fullEnv[k] = String(v).replaceAll("@DIR@", dir);
  return new Promise((resolve) => {
    const child = spawn(argv[0], [...argv.slice(1), file], { cwd: dir, env: fullEnv });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      const files = {};
      for (const f of ["github-output", "goldsmith.env", "goldsmith-build-id"]) {
        const p = path.join(dir, f);
        if (existsSync(p)) files[f] = readFileSync(p, "utf8");
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, out, files });
    });
  });
}

const platforms = {
  github: {
    env: (over) => {
      const ctx = {
        "vars.GOLDSMITH_URL": base, "secrets.GOLDSMITH_TOKEN": TOKEN, "secrets.IMAGE_PASSWORD": PASSWORD,
        "vars.IMAGE_DISTRO": "", "vars.IMAGE_PROFILE": "", "vars.IMAGE_INSTALLER": "", "vars.IMAGE_HOSTNAME": "",
        "vars.IMAGE_USERNAME": "", "vars.IMAGE_FORMATS": "", "vars.IMAGE_CHANNEL": "",
        "github.run_id": "4242", "github.run_attempt": "2", "github.server_url": "https://github.com",
        "github.repository": "platform/images", "github.sha": SHA, "runner.temp": "@DIR@", ...over,
      };
      return { ...githubEnv(ctx, ghJob.env, ghBuild.env), GITHUB_OUTPUT: "@DIR@/github-output" };
    },
    build: (env) => run(["bash", "--noprofile", "--norc", "-eo", "pipefail"], ghBuild.run, env),
    cancel: (env) => run(["bash", "--noprofile", "--norc", "-eo", "pipefail"],
      `printf '%s\\n' ${done.id} > "$GOLDSMITH_BUILD_ID_FILE"\n${ghCancel.run}`,
      { ...env, ...githubEnv({ "secrets.GOLDSMITH_TOKEN": TOKEN }, ghCancel.env) }),
    key: "github-4242-2",
    repository: "https://github.com/platform/images",
    idFile: "goldsmith-build-id",
    outputs: (files) => files["github-output"] ?? "",
  },
  gitlab: {
    env: (over) => {
      const project = { GOLDSMITH_URL: base, GOLDSMITH_TOKEN: TOKEN, IMAGE_PASSWORD: PASSWORD };
      for (const [k, v] of Object.entries(over)) if (k.startsWith("vars.") || k.startsWith("secrets.")) project[k.split(".")[1]] = v;
      const ci = { CI_PIPELINE_ID: "777", CI_JOB_ID: "9001", CI_PROJECT_URL: "https://gitlab.example.com/platform/images", CI_COMMIT_SHA: SHA };
      return gitlabEnv(ci, project);
    },
    build: (env) => run(glShell, glJob.script.join("\n"), env),
    cancel: (env) => run(glShell, `printf '%s\\n' ${done.id} > "$GOLDSMITH_BUILD_ID_FILE"\n${glJob.after_script.join("\n")}`,
      { ...env, CI_JOB_STATUS: "canceled" }),
    key: "gitlab-777-9001",
    repository: "https://gitlab.example.com/platform/images",
    idFile: "goldsmith-build-id",
    outputs: (files) => files["goldsmith.env"] ?? "",
  },
};

// ---- the cases -------------------------------------------------------------------------------------------

const queued = buildView({});
const running = buildView({ status: "RUNNING" });
const cases = [
  {
    name: "success: submits, streams the log, prints the image and its URLs, sets outputs",
    scenario: () => ({ submit: [[202, queued]], statuses: [running, done],
      images: { name: IMAGE, artifacts: { qcow2: { url: url("qcow2"), sha256: "a".repeat(64), size: 1000 }, vmdk: { url: url("vmdk"), sha256: "b".repeat(64), size: 2000 } } } }),
    check: (r, p, expect) => {
      expect(r.code === 0, `exit ${r.code}`);
      const post = requests.find((q) => q.method === "POST");
      const body = JSON.parse(post.body);
      expect(post.headers["idempotency-key"] === p.key, `Idempotency-Key ${post.headers["idempotency-key"]}`);
      expect(post.headers["content-type"] === "application/json", "content type");
      expect(body.source.commit === SHA && body.source.repository === p.repository, `source ${JSON.stringify(body.source)}`);
      expect(body.distro === "debian" && body.profile === "server" && body.installer === "reference-tiny", "defaults");
      expect(JSON.stringify(body.formats) === '["qcow2","vmdk"]', `formats ${body.formats}`);
      expect(body.answers.KLDLOAD_PASSWORD === PASSWORD && body.answers.KLDLOAD_HOSTNAME === "golden", "answers");
      expect(!("channel" in body), "no channel");
      expect(requests.some((q) => q.url.endsWith("/logs?follow=true")), "log followed");
      expect(r.out.includes("STORE: 2 artifacts verified"), "log printed");
      expect(r.out.includes(`image: ${IMAGE}`), "image printed");
      expect(r.out.includes(url("qcow2")) && r.out.includes(url("vmdk")), "URLs printed");
      expect(/qcow2 +http/.test(r.out), "format named");
      expect(!r.out.includes(PASSWORD) && !r.out.includes(TOKEN), "no secret in the output");
      expect(p.outputs(r.files).includes(IMAGE), "image in the job's outputs");
      expect((r.files[p.idFile] ?? "").trim() === done.id, "build id saved for cancellation");
    },
  },
  {
    name: "failed build fails the job with its failure code",
    scenario: () => ({ submit: [[202, queued]], statuses: [running, buildView({ status: "FAILED",
      failure: { code: "TEST_FAILED", stage: "TEST", reason: "check ssh-root-refused failed", retryable: false } })] }),
    check: (r, p, expect) => {
      expect(r.code !== 0, "exit 0");
      expect(r.out.includes("TEST_FAILED") && r.out.includes("ssh-root-refused"), "failure shown");
      expect(!p.outputs(r.files).includes(IMAGE), "no image output");
    },
  },
  {
    name: "cancelled build fails the job",
    scenario: () => ({ submit: [[202, queued]], statuses: [buildView({ status: "CANCELLED" })] }),
    check: (r, p, expect) => expect(r.code !== 0, "exit 0"),
  },
  {
    name: "refused request fails at once and shows the problem",
    scenario: () => ({ submit: [[422, { type: "https://goldsmith.dev/problems/validation", title: "Invalid request", status: 422,
      detail: "answers.KLDLOAD_HOSTNAME: must be an RFC 1123 host name", errors: [{ field: "answers.KLDLOAD_HOSTNAME", message: "must be an RFC 1123 host name" }] }]], statuses: [done] }),
    check: (r, p, expect) => {
      expect(r.code !== 0, "exit 0");
      expect(r.out.includes("HTTP 422") && r.out.includes("answers.KLDLOAD_HOSTNAME: must be"), "problem shown");
      expect(requests.filter((q) => q.method === "GET").length === 0, "nothing followed");
    },
  },
  {
    name: "cached build succeeds without waiting",
    scenario: () => ({ submit: [[200, { ...done, cached: true }]], statuses: [done], images: { versions: [{ name: IMAGE, artifacts: [{ format: "qcow2", url: url("qcow2"), sha256: "a".repeat(64), size: 1000 }] }] } }),
    check: (r, p, expect) => {
      expect(r.code === 0, `exit ${r.code}`);
      expect(r.out.includes("cached"), "cached said");
      expect(r.out.includes(url("qcow2")), "URL printed");
    },
  },
  {
    name: "a POST answered 503 is resent with the same Idempotency-Key",
    scenario: () => ({ submit: [[503, { title: "Service unavailable", status: 503, retryable: true }], [202, queued]], statuses: [done], images: null }),
    check: (r, p, expect) => {
      expect(r.code === 0, `exit ${r.code}`);
      const posts = requests.filter((q) => q.method === "POST" && q.url === "/api/v1/builds");
      expect(posts.length === 2, `${posts.length} POSTs`);
      expect(posts.every((q) => q.headers["idempotency-key"] === p.key && q.body === posts[0].body), "same key and body");
    },
  },
  {
    name: "interrupted log stream: waits for the outcome anyway",
    scenario: () => ({ submit: [[202, queued]], statuses: [running, running, done], log: "interrupted", images: null }),
    check: (r, p, expect) => {
      expect(r.code === 0, `exit ${r.code}`);
      expect(r.out.includes("(log stream interrupted)"), "interruption said");
      expect(requests.filter((q) => q.method === "GET" && q.url === `/api/v1/builds/${done.id}`).length === 3, "polled until done");
    },
  },
  {
    name: "no registry entry: lists the build's verified artifacts",
    scenario: () => ({ submit: [[202, queued]], statuses: [done], images: null }),
    check: (r, p, expect) => {
      expect(r.code === 0, `exit ${r.code}`);
      expect(r.out.includes(`${IMAGE}.vmdk`) && r.out.includes("b".repeat(64)), "artifacts listed");
    },
  },
  {
    name: "channel and no password: sends the channel, leaves the password to the farm, shows the registry",
    env: { "vars.IMAGE_CHANNEL": "staging", "secrets.IMAGE_PASSWORD": "" },
    scenario: () => ({ submit: [[202, queued]], statuses: [done], images: null }),
    check: (r, p, expect) => {
      expect(r.code === 0, `exit ${r.code}`);
      const body = JSON.parse(requests.find((q) => q.method === "POST").body);
      expect(body.channel === "staging", "channel sent");
      expect(!("KLDLOAD_PASSWORD" in body.answers), "no password sent");
      expect(requests.some((q) => q.url === "/api/v1/registry/debian/server/staging"), "registry read");
    },
  },
  {
    name: "deadline: cancels the build and fails",
    env: { GOLDSMITH_WAIT_MINUTES: "0" },
    scenario: () => ({ submit: [[202, queued]], statuses: [buildView({ notScheduledReason: "no online worker offers accel=kvm" })] }),
    check: (r, p, expect) => {
      expect(r.code !== 0, "exit 0");
      expect(requests.some((q) => q.method === "POST" && q.url.endsWith("/cancel")), "cancelled");
    },
  },
];

// ---- run ----------------------------------------------------------------------------------------------------

let passed = 0;
let failed = 0;
const report = (ok, name, why = []) => {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok" : "not ok"} - ${name}${ok ? "" : `: ${why.join("; ")}`}`);
};

// Every variable a script reads is given by its job (or the runner, or is optional with a default).
const given = {
  github: new Set([...Object.keys(ghJob.env ?? {}), ...Object.keys(ghBuild.env ?? {}), ...Object.keys(ghCancel.env ?? {}), "GITHUB_OUTPUT"]),
  gitlab: new Set([...Object.keys(glJob.variables ?? {}), "GOLDSMITH_URL", "GOLDSMITH_TOKEN", "IMAGE_PASSWORD", "CI_JOB_STATUS"]),
};
const optional = new Set(["GOLDSMITH_WAIT_MINUTES", "GOLDSMITH_POLL_SECONDS", "IMAGE_CHANNEL", "IMAGE_PASSWORD"]);
for (const [name, script] of [["github", ghBuild.run + ghCancel.run], ["gitlab", glJob.script.join("\n") + glJob.after_script.join("\n")]]) {
  const read = new Set([...script.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]).filter((v) => v !== "ENV"));
  const missing = [...read].filter((v) => !given[name].has(v) && !optional.has(v));
  report(missing.length === 0, `${name}: every variable the script reads is set by the job`, missing);
}
const shellcheck = spawnSync("sh", ["-c", "command -v shellcheck"]).status === 0;
if (shellcheck) {
  for (const [name, script, dialect] of [["github", ghBuild.run, "bash"], ["gitlab", glJob.script.join("\n"), "sh"]]) {
    const r = spawnSync("shellcheck", ["-s", dialect, "-e", "SC2016", "-"], { input: script, encoding: "utf8" });
    report(r.status === 0, `${name}: shellcheck -s ${dialect}`, [r.stdout.trim()]);
  }
}

for (const [name, p] of Object.entries(platforms)) {
  for (const c of cases) {
    scenario = c.scenario();
    scenario.submit.last = scenario.submit[scenario.submit.length - 1];
    requests = [];
    const env = p.env({ ...(c.env ?? {}) });
    for (const [k, v] of Object.entries(c.env ?? {})) if (!k.includes(".")) env[k] = v;
    const r = await p.build(env);
    const why = [];
    try {
      c.check(r, p, (ok, what) => ok || why.push(what));
    } catch (e) {
      why.push(e.message);
    }
    report(why.length === 0, `${name}: ${c.name}`, [...why, ...(why.length ? [`output:\n${r.out}`] : [])]);
  }
  scenario = { submit: [[202, queued]], statuses: [running] };
  requests = [];
  const r = await p.cancel(p.env({}));
  const cancelled = requests.some((q) => q.method === "POST" && q.url === `/api/v1/builds/${done.id}/cancel`);
  report(r.code === 0 && cancelled, `${name}: a cancelled CI run cancels the build`, [`exit ${r.code}`, r.out]);
}

server.close();
console.log(`ci-examples (${glShell[0]} for GitLab): ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
