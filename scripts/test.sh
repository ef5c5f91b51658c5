#!/usr/bin/env bash
# Runs every test: unit, integration (embedded PostgreSQL, S3Proxy), real QEMU pipelines (tag "vm"), the
# checks of the deployment files, and, when anything the golden path runs (installers, worker, control plane,
# contract, migrations; scripts/e2e-stamp.sh lists them) changed since the last green e2e run
# (.ci/e2e-verified), the ZFS golden image through the farm (scripts/e2e.sh). GOLDSMITH_E2E=always|never
# overrides that choice.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/install-deps.sh"
source "$here/env.sh"
cd "$GOLDSMITH_ROOT"
mvn -B -ntp verify "$@"
# Deployment files: systemd units, Kubernetes and Compose manifests, Prometheus rules, CI job examples.
./deploy/verify.sh
case ${GOLDSMITH_E2E:-changed} in
    always) "$here/e2e.sh" ;;
    never) ;;
    *) if "$here/e2e-stamp.sh" check; then
           echo "the golden path is unchanged since its last green e2e run (.ci/e2e-verified): e2e skipped"
       else
           echo "the golden path changed since its last green e2e run: running scripts/e2e.sh"
           "$here/e2e.sh"
       fi ;;
esac
