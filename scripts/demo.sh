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
cp_jar=build-service/target/build-service-0.1.0-SNAPSHOT-exec.jar
worker_jar=worker-agent/target/worker-agent-0.1.0-SNAPSHOT-exec.jar

if [ ! -f "$cp_jar" ] || [ ! -f "$worker_jar" ] || \
   [ -n "$(find openapi/src db/src build-service/src worker-agent/src -newer "$worker_jar" -print -quit)" ]; then
    echo "== building Goldsmith"
    mvn -B -ntp -q install -DskipTests
fi
mkdir -p "$GOLDSMITH_DATA_DIR/installers" "$GOLDSMITH_DATA_DIR/logs"
echo "== building the reference-tiny installer medium (cached)"
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
GOLDSMITH_INSTALLER_DIR="$GOLDSMITH_DATA_DIR/installers" GOLDSMITH_WORKER_NAME="demo-worker" \
    "$JAVA_HOME/bin/java" -jar "$worker_jar" >"$GOLDSMITH_DATA_DIR/logs/worker.log" 2>&1 &
pids+=($!)

commit=$(git rev-parse HEAD 2>/dev/null || echo 0000000000000000000000000000000000000000)
echo "== submitting a build (reference-tiny, qcow2 + vmdk + vhd)"
build=$(curl -fs -X POST "$url/api/v1/builds" -H "Authorization: Bearer $builder_token" \
    -H 'Content-Type: application/json' -d "{
      \"distro\": \"debian\", \"profile\": \"core\", \"installer\": \"reference-tiny\",
      \"answers\": {\"KLDLOAD_HOSTNAME\": \"golden-demo\", \"KLDLOAD_USERNAME\": \"admin\"},
      \"formats\": [\"qcow2\", \"vmdk\", \"vhd\"], \"force\": true,
      \"source\": {\"repository\": \"https://git.example.com/goldsmith-demo.git\", \"commit\": \"$commit\"}}")
id=$(echo "$build" | sed -E 's/.*"id":"([^"]+)".*/\1/')
echo "   build $id — following its log:"
curl -fsN "$url/api/v1/builds/$id/logs?follow=true" -H "Authorization: Bearer $builder_token" | sed 's/^/   | /' || true
while curl -fs "$url/api/v1/builds/$id" -H "Authorization: Bearer $builder_token" | grep -qE '"status":"(QUEUED|RUNNING)"'; do
    sleep 2
done
echo
curl -fs "$url/api/v1/builds/$id" -H "Authorization: Bearer $builder_token"
echo
name=$(curl -fs "$url/api/v1/builds/$id" -H "Authorization: Bearer $builder_token" | sed -E 's/.*"imageName":"([^"]+)".*/\1/')
echo "== image $name:"
curl -fs "$url/api/v1/images/$name" -H "Authorization: Bearer $builder_token"
echo
echo "== done. Control plane: $url   admin token: $GOLDSMITH_ADMIN_TOKEN   builder token: $builder_token"
echo "   Images are in the embedded S3 folder $GOLDSMITH_DATA_DIR/s3. Ctrl-C stops everything."
wait
