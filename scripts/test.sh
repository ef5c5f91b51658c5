#!/usr/bin/env bash
# Runs every test: unit, integration against embedded PostgreSQL, and (tag "vm") real QEMU pipelines.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/install-deps.sh"
source "$here/env.sh"
cd "$GOLDSMITH_ROOT"
mvn -B -ntp verify "$@"
