#!/usr/bin/env bash
# The record of the last passing e2e run: .ci/e2e-verified holds a digest of installers/reference-debian-zfs
# (every file's path and content). `check` exits 0 when the installer is unchanged since then; `write` records
# the installer as it is now (scripts/e2e.sh does this after a green run; commit the file with the change).
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/env.sh"
cd "$GOLDSMITH_ROOT"
stamp=.ci/e2e-verified
digest() {
    find installers/reference-debian-zfs -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum \
        | cut -d' ' -f1
}
case ${1:-check} in
    check) [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(digest)" ] ;;
    write) digest >"$stamp" ;;
    *) echo "usage: $0 check|write" >&2; exit 2 ;;
esac
