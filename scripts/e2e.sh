#!/usr/bin/env bash
# The reference-debian-zfs golden image through the whole farm (Maven profile e2e, tag "e2e"): builds the medium
# with installers/reference-debian-zfs/build.sh (darksite, zfs module and medium cached under
# /var/cache/goldsmith), then a real Debian ZFS-on-root build must pass the golden suite, the boot-environment
# cycle and the sealed-clone proof. About 15 minutes on warm caches, 35 on a fresh machine. A green run records
# the installer in .ci/e2e-verified, which `./goldsmith test` compares to decide whether to run this.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/install-deps.sh"
source "$here/env.sh"
cd "$GOLDSMITH_ROOT"
mvn -B -ntp -Pe2e verify "$@"
"$here/e2e-stamp.sh" write
echo "e2e passed; installer recorded in .ci/e2e-verified"
