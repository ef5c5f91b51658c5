#!/usr/bin/env bash
# The record of the last passing e2e run: .ci/e2e-verified holds a digest of everything the golden path runs
# (every file's path and content): the installers, the worker agent, the control plane, the contract, the
# migrations, the builds and the e2e scripts and tests. `check` exits 0 when none of it changed since then;
# `write` records it as it is now (scripts/e2e.sh does this after a green run; commit the file with the change).
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/env.sh"
cd "$GOLDSMITH_ROOT"
stamp=.ci/e2e-verified
inputs=(installers worker-agent/src build-service/src/main openapi/src/main db/src pom.xml openapi/pom.xml
    db/pom.xml build-service/pom.xml worker-agent/pom.xml scripts/e2e.sh scripts/env.sh scripts/install-deps.sh)
digest() {
    find "${inputs[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}
case ${1:-check} in
    check) [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(digest)" ] ;;
    write) digest >"$stamp" ;;
    *) echo "usage: $0 check|write" >&2; exit 2 ;;
esac
