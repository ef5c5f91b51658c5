#!/usr/bin/env bash
# Installs the Debian packages Goldsmith's build, tests and workers need. Safe to run again.
set -euo pipefail
packages=(
    maven                      # build
    qemu-system-x86 qemu-utils # worker: VMs and image conversion
    ovmf                       # worker: UEFI firmware
    mtools dosfstools          # worker: FAT seed disk without mounting
    e2fsprogs fdisk            # reference installers
    busybox-static cpio zstd binutils systemd-boot-efi # reference-tiny medium
    mmdebstrap dpkg-dev        # reference-debian-zfs medium (darksite, live system)
    curl ca-certificates
    prometheus shellcheck jq   # deploy/verify.sh: promtool, script lint
    rclone                     # tests: a standard S3 client reads the bucket layout
    wrk                        # benchmarks: HTTP load on the registry
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ] || [ "${CI:-}" = "true" ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${packages[@]}"
fi
