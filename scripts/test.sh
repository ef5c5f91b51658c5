#!/usr/bin/env bash
# Runs every test: unit, integration (embedded PostgreSQL, S3Proxy), real QEMU pipelines (tag "vm"), and the
# checks of the deployment files.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/install-deps.sh"
source "$here/env.sh"
cd "$GOLDSMITH_ROOT"
mvn -B -ntp verify "$@"
# Deployment files: systemd units, Kubernetes and Compose manifests, Prometheus rules, CI job examples.
./deploy/verify.sh
