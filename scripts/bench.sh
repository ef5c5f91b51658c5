#!/usr/bin/env bash
# Runs the benchmarks (tag "bench"); they print lines starting with BENCH.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/install-deps.sh"
source "$here/env.sh"
cd "$GOLDSMITH_ROOT"
mvn -B -ntp -Pbench -Dsurefire.failIfNoSpecifiedTests=false verify "$@" | grep -E '^BENCH|Tests run:|BUILD'
