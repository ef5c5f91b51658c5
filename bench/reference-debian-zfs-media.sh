#!/usr/bin/env bash
# Benchmark: building the reference-debian-zfs medium, first build against rebuilds (prints BENCH lines; about
# 15 minutes, most of it DKMS). Runs installers/reference-debian-zfs/build.sh three times against a private,
# empty cache directory (the machine's own cache under /var/cache/goldsmith is not touched):
#   1. first build: resolve + download the darksite, compile the zfs module with DKMS, assemble the medium;
#   2. rebuild with warm darksite and module caches (the cached medium removed, as when an installer file changed);
#   3. unchanged re-run (everything cached by content).
# The farm half of the figures (wall time per stage under TCG, bytes written into the pool per second) is printed
# by the e2e profile: ./goldsmith e2e.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/installers/reference-debian-zfs/build.sh"
work=$(mktemp -d "${TMPDIR:-/var/tmp}/rdz-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export GOLDSMITH_CACHE_DIR=$work/cache

# run NAME: one build.sh run; prints its wall time and when each phase ended (from build.sh's [Ns] stamps)
run() {
    local name=$1 start end
    start=$(date +%s.%N)
    "$build" "$work/out-$name" >/dev/null 2>"$work/$name.log" || { tail -20 "$work/$name.log"; exit 1; }
    end=$(date +%s.%N)
    printf 'BENCH medium %-10s %7.1f s' "$name" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
    awk '/zfs module package/ && !m { sub(/.*\[/, ""); sub(/s\].*/, ""); m = $0 }
         /build.sh: \[[0-9]+s\] darksite sha256:/ && !d { sub(/.*\[/, ""); sub(/s\].*/, ""); d = $0 }
         END { printf "   (zfs module ready at %ss, darksite at %ss)\n", m, d }' "$work/$name.log"
}

echo "BENCH reference-debian-zfs medium builds, cache $GOLDSMITH_CACHE_DIR (empty at start)"
run first
rm -rf "$GOLDSMITH_CACHE_DIR/reference-debian-zfs/out"
run rebuild
run unchanged
printf 'BENCH medium size %d MiB, darksite %s packages\n' "$(($(stat -c %s "$work/out-first/reference-debian-zfs.img") / 1048576))" \
    "$(grep -vc '^#' "$work/out-first/darksite.lock")"
cmp -s "$work/out-first/darksite.lock" "$work/out-rebuild/darksite.lock" \
    && echo "BENCH darksite identical across the builds: $(cat "$work/out-first/darksite.digest")"
