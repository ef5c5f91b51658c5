// Validates Kubernetes manifests offline: each object against the Kubernetes OpenAPI schema (kubernetes-models'
// validate()), then unknown fields (which that schema lets through), references between the objects, and the
// deployment rules docs/deploy.md promises (replicas, probes, secrets from Secrets, no privileged pods, ...).
//
//   node deploy/kubernetes/validate.mjs [FILE|DIR|-]...   (default: every *.yaml here but kustomization.yaml)
//
// Needs kubernetes-models and js-yaml from npm, found through GOLDSMITH_VALIDATE_MODULES (a folder holding
// node_modules, as deploy/verify.sh installs it) or next to this file. Exits 1 on any problem.
import { createRequire } from "node:module";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(process.env.GOLDSMITH_VALIDATE_MODULES || here, "noop.js"));
const yaml = require("js-yaml");

const problems = [];
const problem = (where, message) => problems.push(`${where}: ${message}`);

// ---- loading -------------------------------------------------------------------------------------------

function inputs(args) {
  if (args.length === 0) args = [here];
  const files = [];
  for (const arg of args) {
    if (arg === "-") files.push("-");
    else if (statSync(arg).isDirectory()) {
      for (const name of readdirSync(arg).sort()) {
        if (/\.ya?ml$/.test(name) && !/^kustomization\.ya?ml$/.test(name)) files.push(path.join(arg, name));
      }
    } else files.push(arg);
  }
  return files;
}

const objects = [];
for (const file of inputs(process.argv.slice(2))) {
  const text = file === "-" ? readFileSync(0, "utf8") : readFileSync(file, "utf8");
  let docs;
  try {
    // Kubernetes reads YAML 1.1 (yes/no/on/off are booleans, 010 is octal): parse it the same way.
    docs = yaml.loadAll(text, { schema: yaml.YAML11_SCHEMA });
  } catch (e) {
    problem(file, `not YAML: ${e.message}`);
    continue;
  }
  docs.forEach((doc, i) => {
    if (doc === null || doc === undefined) return;
    const where = `${file === "-" ? "stdin" : path.relative(process.cwd(), file)}#${i + 1}`;
    objects.push({ doc, where });
  });
}

// ---- schema and unknown fields -------------------------------------------------------------------------

function modelClass(apiVersion, kind) {
  try {
    return require(`kubernetes-models/${apiVersion}`)[kind];
  } catch {
    return undefined;
  }
}

// The schema validator reads every property it knows (and iterates free-form maps); a key it never read is
// unknown to the schema — what the API server would drop or refuse under strict field validation.
function tracked(value, at, seen) {
  if (value === null || typeof value !== "object") return value;
  return new Proxy(value, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (typeof key === "string" && Object.prototype.hasOwnProperty.call(target, key)) {
        seen.add(`${at}/${key}`);
        return tracked(v, `${at}/${key}`, seen);
      }
      return v;
    },
  });
}

function unknownFields(value, at, seen, out) {
  if (value === null || typeof value !== "object") return;
  for (const key of Object.keys(value)) {
    const p = `${at}/${key}`;
    if (!seen.has(p)) out.push(p);
    else unknownFields(value[key], p, seen, out);
  }
}

const keyOf = (kind, ns, name) => `${kind}/${ns ?? ""}/${name}`;
const index = new Map();
const valid = [];
for (const { doc, where } of objects) {
  const { apiVersion, kind, metadata } = doc;
  const label = `${where} ${kind ?? "?"}/${metadata?.name ?? "?"}`;
  if (!apiVersion || !kind || !metadata?.name) {
    problem(label, "apiVersion, kind and metadata.name are required");
    continue;
  }
  const Model = modelClass(apiVersion, kind);
  if (!Model) {
    problem(label, `no schema for ${apiVersion} ${kind}`);
    continue;
  }
  try {
    new Model(doc).validate();
  } catch (e) {
    problem(label, `schema: ${e.message}`);
    continue;
  }
  const seen = new Set();
  Model.prototype.validate.call(tracked(doc, "", seen));
  const unknown = [];
  unknownFields(doc, "", seen, unknown);
  for (const field of unknown) problem(label, `unknown field ${field}`);
  if (kind !== "Namespace" && !metadata.namespace) problem(label, "metadata.namespace is missing");
  const key = keyOf(kind, metadata.namespace, metadata.name);
  if (index.has(key)) problem(label, `duplicate of ${index.get(key).where}`);
  index.set(key, { doc, where: label });
  valid.push({ doc, where: label });
}

// ---- references between objects --------------------------------------------------------------------------

const find = (kind, ns, name) => index.get(keyOf(kind, ns, name))?.doc;
const byKind = (kind) => valid.filter((o) => o.doc.kind === kind);
const workloads = valid.filter((o) => ["Deployment", "DaemonSet", "StatefulSet"].includes(o.doc.kind));
const matches = (selector, labels) =>
  Object.entries(selector ?? {}).every(([k, v]) => (labels ?? {})[k] === v) && Object.keys(selector ?? {}).length > 0;
const secretKeys = (s) => new Set([...Object.keys(s.data ?? {}), ...Object.keys(s.stringData ?? {})]);
const allContainers = (pod) => [...(pod.initContainers ?? []), ...(pod.containers ?? [])];

for (const { doc, where } of valid) {
  const ns = doc.metadata.namespace;
  if (ns && !find("Namespace", undefined, ns)) problem(where, `namespace ${ns} is not defined`);
}

for (const { doc, where } of workloads) {
  const ns = doc.metadata.namespace;
  const pod = doc.spec.template.spec ?? {};
  const podLabels = doc.spec.template.metadata?.labels;
  if (!matches(doc.spec.selector.matchLabels, podLabels)) problem(where, "selector.matchLabels do not match the pod labels");
  if (pod.serviceAccountName && !find("ServiceAccount", ns, pod.serviceAccountName)) {
    problem(where, `serviceAccount ${pod.serviceAccountName} is not defined`);
  }
  const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
  const mounted = new Set();
  for (const v of volumes.values()) {
    if (v.secret && !find("Secret", ns, v.secret.secretName)) problem(where, `volume ${v.name}: Secret ${v.secret.secretName} is not defined`);
    if (v.configMap && !find("ConfigMap", ns, v.configMap.name)) problem(where, `volume ${v.name}: ConfigMap ${v.configMap.name} is not defined`);
  }
  for (const c of allContainers(pod)) {
    const at = `${where} container ${c.name}`;
    const ports = new Set((c.ports ?? []).map((p) => p.name).filter(Boolean));
    for (const m of c.volumeMounts ?? []) {
      if (!volumes.has(m.name)) problem(at, `volumeMount ${m.name} has no volume`);
      mounted.add(m.name);
    }
    for (const from of c.envFrom ?? []) {
      if (from.configMapRef && !find("ConfigMap", ns, from.configMapRef.name)) problem(at, `envFrom ConfigMap ${from.configMapRef.name} is not defined`);
      if (from.secretRef && !find("Secret", ns, from.secretRef.name)) problem(at, `envFrom Secret ${from.secretRef.name} is not defined`);
    }
    const defined = new Set();
    for (const e of c.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      if (ref) {
        const secret = find("Secret", ns, ref.name);
        if (!secret) problem(at, `env ${e.name}: Secret ${ref.name} is not defined`);
        else if (!secretKeys(secret).has(ref.key)) problem(at, `env ${e.name}: Secret ${ref.name} has no key ${ref.key}`);
      }
      const cmRef = e.valueFrom?.configMapKeyRef;
      if (cmRef) {
        const cm = find("ConfigMap", ns, cmRef.name);
        if (!cm || !(cmRef.key in (cm.data ?? {}))) problem(at, `env ${e.name}: ConfigMap ${cmRef.name} key ${cmRef.key} is not defined`);
      }
      for (const [, name] of (e.value ?? "").matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
        if (!defined.has(name)) problem(at, `env ${e.name}: $(${name}) is not an env var defined before it`);
      }
      defined.add(e.name);
    }
    for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
      const port = c[probe]?.httpGet?.port;
      if (typeof port === "string" && !ports.has(port)) problem(at, `${probe} names port ${port}, which the container lacks`);
    }
  }
  for (const name of volumes.keys()) if (!mounted.has(name)) problem(where, `volume ${name} is never mounted`);
}

for (const { doc, where } of byKind("Service")) {
  const targets = workloads.filter((w) => w.doc.metadata.namespace === doc.metadata.namespace
    && matches(doc.spec.selector, w.doc.spec.template.metadata?.labels));
  if (targets.length === 0) problem(where, "selector matches no workload");
  for (const p of doc.spec.ports ?? []) {
    if (typeof p.targetPort !== "string") continue;
    const named = targets.some((w) => allContainers(w.doc.spec.template.spec).some((c) => (c.ports ?? []).some((cp) => cp.name === p.targetPort)));
    if (!named) problem(where, `targetPort ${p.targetPort} is no named container port`);
  }
}

for (const { doc, where } of byKind("PodDisruptionBudget")) {
  const targets = workloads.filter((w) => w.doc.metadata.namespace === doc.metadata.namespace
    && matches(doc.spec.selector?.matchLabels, w.doc.spec.template.metadata?.labels));
  if (targets.length === 0) problem(where, "selector matches no workload");
  for (const t of targets) {
    if (typeof doc.spec.minAvailable === "number" && doc.spec.minAvailable >= (t.doc.spec.replicas ?? 1)) {
      problem(where, `minAvailable ${doc.spec.minAvailable} leaves no disruption for ${t.doc.metadata.name}'s ${t.doc.spec.replicas} replicas`);
    }
  }
}

// ---- the rules docs/deploy.md promises ------------------------------------------------------------------

const SECRET_NAME = /(TOKEN|PASSWORD|SECRET|ACCESS_KEY|SECRET_KEY)$/;
for (const { doc, where } of byKind("ConfigMap")) {
  for (const key of Object.keys(doc.data ?? {})) {
    if (SECRET_NAME.test(key)) problem(where, `${key} looks like a secret: reference it from a Secret instead`);
  }
}

for (const { doc, where } of workloads) {
  const pod = doc.spec.template.spec;
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) problem(where, "host namespaces are not allowed");
  if (pod.automountServiceAccountToken !== false) problem(where, "automountServiceAccountToken must be false (the pods never call the API server)");
  if (pod.securityContext?.runAsNonRoot !== true) problem(where, "securityContext.runAsNonRoot must be true");
  for (const c of allContainers(pod)) {
    const at = `${where} container ${c.name}`;
    const sc = c.securityContext ?? {};
    if (sc.privileged) problem(at, "must not be privileged");
    if (sc.allowPrivilegeEscalation !== false) problem(at, "allowPrivilegeEscalation must be false");
    if (sc.readOnlyRootFilesystem !== true) problem(at, "readOnlyRootFilesystem must be true");
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) problem(at, "capabilities must drop ALL");
    if (!(c.volumeMounts ?? []).some((m) => m.mountPath === "/tmp")) problem(at, "a read-only root needs a writable /tmp");
    if (!c.resources?.requests?.memory || !c.resources?.limits?.memory || !c.resources?.requests?.cpu) {
      problem(at, "resources need cpu and memory requests and a memory limit");
    }
    if (!c.image || /:latest$/.test(c.image) || !/:[^/]+$/.test(c.image)) problem(at, `image ${c.image} needs a fixed tag`);
    for (const e of c.env ?? []) {
      if (SECRET_NAME.test(e.name) && e.value !== undefined) problem(at, `env ${e.name} holds a literal value: use a secretKeyRef`);
    }
  }
}

const env = (c) => new Map((c.env ?? []).map((e) => [e.name, e]));
const configKeys = (doc, c) => new Set((c.envFrom ?? []).flatMap((f) =>
  Object.keys(find("ConfigMap", doc.metadata.namespace, f.configMapRef?.name)?.data ?? {})));
// A container's setting: its own env value, else the first envFrom ConfigMap that has it.
const settingOf = (doc, c, name) => env(c).get(name)?.value ?? find("ConfigMap", doc.metadata.namespace,
  (c.envFrom ?? []).find((f) => name in (find("ConfigMap", doc.metadata.namespace, f.configMapRef?.name)?.data ?? {}))?.configMapRef?.name)?.data?.[name];
// The mount a path lives on in a container: the one at the path itself or at its nearest parent.
const mountHolding = (c, p) => (c.volumeMounts ?? [])
  .filter((m) => { const t = m.mountPath.replace(/\/+$/, ""); return p === t || p.startsWith(`${t}/`); })
  .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
// Kubernetes quantities (512Mi, 4Gi, 100G) and the agent's sizes (512M, 20G, 1T: binary units) in bytes.
const UNITS = { "": 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const quantity = (q) => {
  const m = String(q ?? "").match(/^([0-9]+(?:\.[0-9]+)?)(|k|K|M|G|T|Ki|Mi|Gi|Ti)$/);
  return m ? Number(m[1]) * UNITS[m[2]] : undefined;
};
const agentSize = (v) => {
  const m = String(v ?? "").match(/^([1-9][0-9]{0,6})([MGT])$/);
  return m ? Number(m[1]) * { M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[m[2]] : undefined;
};

// Pods are evicted when their emptyDirs outgrow the containers' ephemeral-storage limits.
for (const { doc, where } of workloads) {
  const pod = doc.spec.template.spec;
  const limits = (pod.containers ?? []).map((c) => quantity(c.resources?.limits?.["ephemeral-storage"]));
  if (limits.length === 0 || limits.some((l) => l === undefined)) continue;
  const dirs = (pod.volumes ?? []).filter((v) => v.emptyDir && v.emptyDir.medium !== "Memory");
  const total = dirs.reduce((sum, v) => sum + (quantity(v.emptyDir.sizeLimit) ?? Infinity), 0);
  if (total > limits.reduce((a, b) => a + b, 0)) problem(where, `the emptyDirs (${dirs.map((v) => `${v.name} ${v.emptyDir.sizeLimit}`).join(", ")}) exceed the ephemeral-storage limit`);
}

const controlPlanes = byKind("Deployment").filter((o) => o.doc.metadata.name === "goldsmith-build-service");
const workers = byKind("DaemonSet").filter((o) => o.doc.metadata.name === "goldsmith-worker");
// The folder as a whole must hold both; a single file given on the command line need not.
const whole = process.argv.length <= 2 || process.argv.slice(2).some((a) => a === "-" || statSync(a).isDirectory());
if (whole && controlPlanes.length !== 1) problem("manifests", "expected one Deployment goldsmith-build-service");
if (whole && workers.length !== 1) problem("manifests", "expected one DaemonSet goldsmith-worker");

for (const { doc, where } of controlPlanes) {
  const pod = doc.spec.template.spec;
  const c = pod.containers[0];
  if ((doc.spec.replicas ?? 1) < 2) problem(where, "the control plane runs at least 2 replicas");
  if ((pod.terminationGracePeriodSeconds ?? 30) < 45) problem(where, "terminationGracePeriodSeconds must be at least 45 (graceful shutdown releases long-polls)");
  if (c.livenessProbe?.httpGet?.path !== "/actuator/health/liveness") problem(where, "livenessProbe must GET /actuator/health/liveness");
  if (c.readinessProbe?.httpGet?.path !== "/actuator/health/readiness") problem(where, "readinessProbe must GET /actuator/health/readiness");
  const vars = env(c);
  for (const name of ["GOLDSMITH_ADMIN_TOKEN", "GOLDSMITH_DB_PASSWORD", "GOLDSMITH_S3_ACCESS_KEY", "GOLDSMITH_S3_SECRET_KEY"]) {
    if (!vars.get(name)?.valueFrom?.secretKeyRef) problem(where, `${name} must come from a Secret (secretKeyRef)`);
  }
  const settings = configKeys(doc, c);
  for (const name of ["GOLDSMITH_DB_URL", "GOLDSMITH_S3_ENDPOINT", "GOLDSMITH_S3_BUCKET"]) {
    if (!settings.has(name) && !vars.has(name)) problem(where, `${name} is not set (an external database and store are needed for 2 replicas)`);
  }
  // Reference installer media: GOLDSMITH_INSTALLER_DIR, a read-only volume of the service that an initContainer
  // fills when it starts empty (an emptyDir).
  const mediaDir = settingOf(doc, c, "GOLDSMITH_INSTALLER_DIR");
  const media = mediaDir && (c.volumeMounts ?? []).find((m) => m.mountPath === mediaDir);
  const mediaVolume = media && (pod.volumes ?? []).find((v) => v.name === media.name);
  if (!mediaDir) problem(where, "GOLDSMITH_INSTALLER_DIR (the reference media it registers) is not set");
  else if (!media) problem(where, `GOLDSMITH_INSTALLER_DIR ${mediaDir} is not a volume`);
  else {
    if (media.readOnly !== true) problem(where, "the reference media are only read: mount GOLDSMITH_INSTALLER_DIR readOnly");
    if (mediaVolume?.emptyDir && !(pod.initContainers ?? []).some((i) => (i.volumeMounts ?? []).some((m) => m.name === media.name && !m.readOnly))) {
      problem(where, `GOLDSMITH_INSTALLER_DIR is an emptyDir (${media.name}) that no initContainer fills`);
    }
  }
  const pdb = byKind("PodDisruptionBudget").some((p) => p.doc.metadata.namespace === doc.metadata.namespace
    && matches(p.doc.spec.selector?.matchLabels, doc.spec.template.metadata?.labels) && p.doc.spec.minAvailable >= 1);
  if (!pdb) problem(where, "needs a PodDisruptionBudget with minAvailable >= 1");
  if (!byKind("Service").some((s) => s.doc.metadata.namespace === doc.metadata.namespace && matches(s.doc.spec.selector, doc.spec.template.metadata?.labels))) {
    problem(where, "needs a Service");
  }
}

for (const { doc, where } of workers) {
  const pod = doc.spec.template.spec;
  const c = pod.containers[0];
  if (!pod.nodeSelector?.["goldsmith.dev/kvm"]) problem(where, "must run only on nodes labelled goldsmith.dev/kvm");
  const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
  const mountOf = (p) => (c.volumeMounts ?? []).find((m) => m.mountPath === p);
  const kvm = mountOf("/dev/kvm");
  if (!kvm || volumes.get(kvm.name)?.hostPath?.path !== "/dev/kvm") problem(where, "must mount the node's /dev/kvm");
  const vars = env(c);
  const settings = configKeys(doc, c);
  const setting = (name) => settingOf(doc, c, name);
  for (const name of ["GOLDSMITH_URL", "GOLDSMITH_SLOTS", "GOLDSMITH_WORK_DIR"]) {
    if (!settings.has(name) && !vars.has(name)) problem(where, `${name} is not set`);
  }
  if (!mountOf(setting("GOLDSMITH_WORK_DIR"))) problem(where, "the work dir must be a volume");
  // Installer media: none on the node; fetched by digest into a writable cache volume that holds the cache size.
  if (settings.has("GOLDSMITH_INSTALLER_DIR") || vars.has("GOLDSMITH_INSTALLER_DIR")) {
    problem(where, "GOLDSMITH_INSTALLER_DIR is set, but workers no longer read it (media come from the control plane)");
  }
  for (const v of volumes.values()) {
    if (v.hostPath && v.hostPath.path !== "/dev/kvm") problem(where, `volume ${v.name}: no hostPath but /dev/kvm (installer media come from the control plane)`);
  }
  const cacheDir = setting("GOLDSMITH_WORKER_CACHE_DIR") ?? `${(setting("GOLDSMITH_WORK_DIR") ?? "/var/lib/goldsmith-worker").replace(/\/+$/, "")}/cache`;
  const cache = mountHolding(c, cacheDir);
  const cacheVolume = cache && volumes.get(cache.name);
  const cacheSize = setting("GOLDSMITH_WORKER_CACHE_SIZE") ?? "20G";
  if (cacheDir.includes(",")) problem(where, "GOLDSMITH_WORKER_CACHE_DIR must not contain a comma");
  if (agentSize(cacheSize) === undefined) problem(where, `GOLDSMITH_WORKER_CACHE_SIZE ${cacheSize} is not like 512M, 20G or 1T`);
  if (!cache || !cacheVolume) problem(where, `the media cache ${cacheDir} (GOLDSMITH_WORKER_CACHE_DIR) is on no volume`);
  else if (cache.readOnly) problem(where, `the media cache ${cacheDir} (GOLDSMITH_WORKER_CACHE_DIR) is on a read-only mount`);
  else if (cacheVolume.emptyDir && cache.mountPath === cacheDir && agentSize(cacheSize) !== undefined) {
    const limit = quantity(cacheVolume.emptyDir.sizeLimit);
    if (limit === undefined || limit < agentSize(cacheSize)) {
      problem(where, `the media cache volume ${cache.name} (sizeLimit ${cacheVolume.emptyDir.sizeLimit ?? "none"}) must hold GOLDSMITH_WORKER_CACHE_SIZE ${cacheSize}`);
    }
  }
  // The control plane's address: a Service of these manifests, on one of its ports.
  const cpUrl = setting("GOLDSMITH_URL");
  const m = (cpUrl ?? "").match(/^https?:\/\/([a-z0-9-]+)(?:\.([a-z0-9-]+))?(?:\.svc(?:\.[a-z0-9.-]+)?)?(?::([0-9]+))?\/?$/);
  if (m) {
    const service = find("Service", m[2] ?? doc.metadata.namespace, m[1]);
    const port = Number(m[3] ?? (cpUrl.startsWith("https") ? 443 : 80));
    if (!service) problem(where, `GOLDSMITH_URL ${cpUrl} names no Service of these manifests`);
    else if (!service.spec.ports.some((p) => p.port === port)) problem(where, `GOLDSMITH_URL ${cpUrl}: the Service has no port ${port}`);
  }
  const tokenFile = vars.get("GOLDSMITH_WORKER_TOKEN_FILE")?.value;
  const tokenFromSecret = vars.get("GOLDSMITH_WORKER_TOKEN")?.valueFrom?.secretKeyRef
    || (tokenFile && (c.volumeMounts ?? []).some((m) => tokenFile.startsWith(m.mountPath + "/") && volumes.get(m.name)?.secret));
  if (!tokenFromSecret) problem(where, "the worker token must come from a Secret");
}

// ---- report ----------------------------------------------------------------------------------------------

for (const p of problems) console.error(`FAIL ${p}`);
console.log(`kubernetes: ${valid.length} object(s) checked, ${problems.length} problem(s)`);
process.exit(problems.length === 0 && objects.length > 0 ? 0 : 1);
