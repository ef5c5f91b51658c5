#!/usr/bin/env bash
# The main job on embedded defaults: the control plane (embedded PostgreSQL + S3Proxy), one worker agent, and a
# real golden image built end to end (reference-tiny installer, QEMU under KVM or TCG), then both keep running.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/install-deps.sh"
source "$here/env.sh"
cd "$GOLDSMITH_ROOT"

export GOLDSMITH_DATA_DIR="${GOLDSMITH_DATA_DIR:-$HOME/.goldsmith}"
export GOLDSMITH_ADMIN_TOKEN="${GOLDSMITH_ADMIN_TOKEN:-demo-admin-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
export SERVER_PORT="${SERVER_PORT:-8080}"
url="http://127.0.0.1:$SERVER_PORT"
cp_jar="build-service/target/build-service-0.1.0-SNAPSHOT-exec.jar"
worker_jar="worker-agent/target/worker-agent-0.1.0-SNAPSHOT-exec.jar"

if [ ! -f "$cp_jar" ] || [ ! -f "$worker_jar" ] || \
   [ -n "$(find openapi/src db/src build-service/src worker-agent/src -newer "$worker_jar" -print -quit)" ]; then
    echo "== building Goldsmith"
    mvn -B -ntp -q install -DskipTests
fi
mkdir -p "$GOLDSMITH_DATA_DIR/installers" "$GOLDSMITH_DATA_DIR/logs"
echo "== building the reference-tiny installer medium (cached); the control plane registers it at start-up"
installers/reference-tiny/build.sh "$GOLDSMITH_DATA_DIR/installers" >/dev/null

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

echo "== starting the control plane on $url (logs: $GOLDSMITH_DATA_DIR/logs/control-plane.log)"
"$JAVA_HOME/bin/java" -jar "$cp_jar" >"$GOLDSMITH_DATA_DIR/logs/control-plane.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do curl -fs "$url/actuator/health" >/dev/null 2>&1 && break; sleep 1; done
curl -fs "$url/actuator/health" >/dev/null || { echo "control plane did not start"; exit 1; }

auth=(-H "Authorization: Bearer $GOLDSMITH_ADMIN_TOKEN" -H 'Content-Type: application/json')
token() { curl -fs -X POST "$url/api/v1/tokens" "${auth[@]}" -d "{\"team\":\"$1\",\"roles\":[\"$2\"]}" \
    | sed -E 's/.*"token":"([^"]+)".*/\1/'; }
worker_token=$(token farm worker)
builder_token=$(token platform builder)

echo "== starting a worker agent (logs: $GOLDSMITH_DATA_DIR/logs/worker.log)"
GOLDSMITH_URL="$url" GOLDSMITH_WORKER_TOKEN="$worker_token" GOLDSMITH_WORK_DIR="$GOLDSMITH_DATA_DIR/worker" \
GOLDSMITH_WORKER_CACHE_DIR="$GOLDSMITH_DATA_DIR/worker-cache" GOLDSMITH_WORKER_NAME="demo-worker" \
GOLDSMITH_RECIPES_DIR="$GOLDSMITH_ROOT/installers" \
    "$JAVA_HOME/bin/java" -jar "$worker_jar" >"$GOLDSMITH_DATA_DIR/logs/worker.log" 2>&1 &
pids+=($!)

commit=$(git rev-parse HEAD 2>/dev/null || echo 0000000000000000000000000000000000000000)
echo "== submitting a build (reference-tiny, qcow2 + vmdk + vhd, promoted into channel 'demo' on success)"
build=$(curl -fs -X POST "$url/api/v1/builds" -H "Authorization: Bearer $builder_token" \
    -H 'Content-Type: application/json' -d "{
      \"distro\": \"debian\", \"profile\": \"core\", \"installer\": \"reference-tiny\",
      \"answers\": {\"KLDLOAD_HOSTNAME\": \"golden-demo\", \"KLDLOAD_USERNAME\": \"admin\"},
      \"formats\": [\"qcow2\", \"vmdk\", \"vhd\"], \"force\": true, \"channel\": \"demo\",
      \"source\": {\"repository\": \"https://git.example.com/goldsmith-demo.git\", \"commit\": \"$commit\"}}")
id=$(jq -r .id <<<"$build")
echo "   build $id — following its log:"
curl -fsN "$url/api/v1/builds/$id/logs?follow=true" -H "Authorization: Bearer $builder_token" | sed 's/^/   | /' || true
while curl -fs "$url/api/v1/builds/$id" -H "Authorization: Bearer $builder_token" | grep -qE '"status":"(QUEUED|RUNNING)"'; do
    sleep 2
done
view=$(curl -fs "$url/api/v1/builds/$id" -H "Authorization: Bearer $builder_token")
if [ "$(jq -r .status <<<"$view")" != SUCCEEDED ]; then
    echo "== build $id ended $(jq -r .status <<<"$view"): $(jq -c .failure <<<"$view")"
    exit 1
fi

registry="$url/api/v1/registry/debian/core/demo"
entry=$(curl -fs "$registry" -H "Authorization: Bearer $builder_token")
name=$(jq -r .name <<<"$entry")
link=$(jq -r .artifacts.qcow2.url <<<"$entry")
sha=$(jq -r .artifacts.qcow2.sha256 <<<"$entry")
work="$GOLDSMITH_DATA_DIR/demo/$name"
mkdir -p "$work"
curl -fsSL -o "$work/$name.qcow2" "$link"
curl -fsS -H "Authorization: Bearer $builder_token" "$url/api/v1/images/$name/artifacts/qcow2/sha256" > "$work/$name.qcow2.sha256"
checked=$(cd "$work" && sha256sum -c "$name.qcow2.sha256")
echo
echo "== image      $name"
echo "   registry   $registry   (channel 'demo' of team platform, what Terraform reads)"
echo "   qcow2      $link"
echo "   sha256     $sha   (download: $checked)"
for format in vmdk vhd; do
    printf '   %-10s %s\n' "$format" "$(jq -r ".artifacts.$format.sha256" <<<"$entry")"
done
"$here/verify-provenance.sh" "$url" "$builder_token" "$name" "$work" | sed 's/^/   /'
echo
echo "== refreshing reference-tiny against the archive (the golden loop's first step, docs/golden-loop.md)"
refresh=$(curl -fs -X POST "$url/api/v1/installers/reference-tiny/refresh?wait=PT2M" "${auth[@]}")
echo "   refresh $(jq -r .id <<<"$refresh"): $(jq -r .status <<<"$refresh")" \
    "(upgraded: $(jq -c '[.packages.upgraded[]? | "\(.name) \(.from) -> \(.to)"]' <<<"$refresh"))"
echo
echo "== done. Control plane: $url   admin token: $GOLDSMITH_ADMIN_TOKEN   builder token: $builder_token"
echo "   Images are in the embedded S3 folder $GOLDSMITH_DATA_DIR/s3; the downloaded one in $work."
if [ "${1:-}" = "--once" ]; then
    exit 0
fi
echo "   Ctrl-C stops everything."
wait
