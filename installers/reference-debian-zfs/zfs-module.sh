#!/usr/bin/env bash
# Builds the ZFS kernel module once per (kernel, zfs) version pair and packages
# it as a small .deb, so that neither the image nor a rebuild ever runs DKMS.
#
#   zfs-module.sh OUT_DIR KERNEL_ABI KERNEL_VERSION ZFS_VERSION
#   e.g. zfs-module.sh /tmp/m 6.1.0-56-cloud-amd64 6.1.192-2 2.1.11-1+deb12u1
#
# Builds in a throw-away chroot (mmdebstrap: linux-headers-KERNEL_ABI at
# KERNEL_VERSION, zfs-dkms at ZFS_VERSION, from Debian bookworm main + contrib;
# the host kernel never loads anything), then wraps the .ko files with
# dpkg-deb into goldsmith-zfs-modules-KERNEL_ABI (Provides: zfs-modules, which
# satisfies zfsutils-linux and zfs-initramfs instead of zfs-dkms).
# (Debian's dkms 3.0.10 has no mkdeb.)
#
# Cache: ${GOLDSMITH_CACHE_DIR:-/var/cache/goldsmith}/reference-debian-zfs/zfs-modules/<ABI>_<KVER>_<ZFSVER>/
# A cached pair is copied to OUT_DIR in well under a second. The last stdout
# line is the path of the .deb in OUT_DIR.
set -euo pipefail
umask 022

log() { echo "zfs-module.sh: $*" >&2; }
die() { echo "zfs-module.sh: error: $*" >&2; exit 1; }

[ $# -eq 4 ] || { echo "usage: $0 OUT_DIR KERNEL_ABI KERNEL_VERSION ZFS_VERSION" >&2; exit 2; }
OUT_DIR=$1 ABI=$2 KVERSION=$3 ZFSVER=$4
[ "$(id -u)" = 0 ] || die "must run as root"
case $ABI in *[!a-z0-9.-]* | '') die "bad kernel ABI '$ABI'" ;; esac
case "$KVERSION$ZFSVER" in *[!A-Za-z0-9.+:~-]*) die "bad version" ;; esac
for t in mmdebstrap dpkg-deb sha256sum flock; do
    command -v "$t" >/dev/null || die "missing tool: $t"
done

# bump when the packaging below changes (part of the cache key)
FORMAT=1
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1704067200}
CACHE=${GOLDSMITH_CACHE_DIR:-/var/cache/goldsmith}/reference-debian-zfs/zfs-modules
KEY="${ABI}_${KVERSION//:/%3a}_${ZFSVER//:/%3a}_f$FORMAT"
PKG=goldsmith-zfs-modules-$ABI
PKGVER=${ZFSVER}+k${KVERSION//-/.}
DEB=${PKG}_${PKGVER//:/%3a}_amd64.deb
mkdir -p "$CACHE" "$OUT_DIR"

exec 7>"$CACHE/.lock"
flock 7

if [ -f "$CACHE/$KEY/$DEB" ] && [ -f "$CACHE/$KEY/$DEB.sha256" ] \
    && [ "$(sha256sum <"$CACHE/$KEY/$DEB" | cut -d' ' -f1)" = "$(cat "$CACHE/$KEY/$DEB.sha256")" ]; then
    log "cached: $KEY (DKMS skipped)"
else
    log "building zfs $ZFSVER for $ABI ($KVERSION) with DKMS in a chroot (takes minutes)"
    T0=$(date +%s)
    W=$(mktemp -d "${TMPDIR:-/var/tmp}/rdz-zfs-module.XXXXXX")
    trap 'rm -rf "$W"' EXIT
    # The DKMS build happens in zfs-dkms' postinst (it builds for every kernel
    # with headers in the chroot); the hook builds explicitly if it did not,
    # and copies the modules out.
    mmdebstrap --variant=apt --mode=root --format=directory --aptopt='Acquire::Languages "none"' \
        --aptopt='APT::Install-Recommends "false"' \
        --include="linux-headers-$ABI=$KVERSION,zfs-dkms=$ZFSVER" \
        --customize-hook="chroot \"\$1\" sh -c 'dkms status -m zfs -k $ABI | grep -q installed || dkms install -m zfs -v ${ZFSVER%%-*} -k $ABI' >&2" \
        --customize-hook="mkdir -p '$W/mods' && cp -a \"\$1/lib/modules/$ABI/updates/dkms/.\" '$W/mods/'" \
        --customize-hook="chroot \"\$1\" dkms status >&2" \
        bookworm "$W/chroot" \
        "deb http://deb.debian.org/debian bookworm main contrib" \
        "deb http://deb.debian.org/debian bookworm-updates main contrib" \
        "deb http://deb.debian.org/debian-security bookworm-security main contrib" >&2 \
        || die "the DKMS build chroot failed"
    ls "$W/mods/"*.ko >/dev/null 2>&1 || die "DKMS produced no modules for $ABI"
    rm -rf "$W/chroot"

    P=$W/pkg
    mkdir -p "$P/DEBIAN" "$P/lib/modules/$ABI/updates/dkms" "$P/usr/share/doc/$PKG"
    cp "$W/mods/"*.ko "$P/lib/modules/$ABI/updates/dkms/"
    chmod 0644 "$P/lib/modules/$ABI/updates/dkms/"*.ko
    cat >"$P/DEBIAN/control" <<EOF
Package: $PKG
Version: $PKGVER
Architecture: amd64
Maintainer: Goldsmith <goldsmith@localhost>
Section: contrib/kernel
Priority: optional
Depends: linux-image-$ABI (= $KVERSION)
Provides: zfs-modules (= ${ZFSVER%%-*})
Description: OpenZFS $ZFSVER kernel modules for Linux $ABI
 Built once with DKMS (zfs-dkms $ZFSVER, linux-headers-$ABI $KVERSION) by
 Goldsmith's reference-debian-zfs zfs-module.sh, so that images need neither
 DKMS nor a compiler.
EOF
    printf '#!/bin/sh\nset -e\ndepmod -a %s || true\n' "$ABI" >"$P/DEBIAN/postinst"
    cp "$P/DEBIAN/postinst" "$P/DEBIAN/postrm"
    chmod 0755 "$P/DEBIAN/postinst" "$P/DEBIAN/postrm"
    (cd "$W/mods" && sha256sum -- *.ko) >"$P/usr/share/doc/$PKG/modules.sha256"
    find "$P" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
    rm -rf "$CACHE/$KEY.tmp"
    mkdir -p "$CACHE/$KEY.tmp"
    dpkg-deb --root-owner-group -Zxz --build "$P" "$CACHE/$KEY.tmp/$DEB" >&2
    sha256sum <"$CACHE/$KEY.tmp/$DEB" | cut -d' ' -f1 >"$CACHE/$KEY.tmp/$DEB.sha256"
    rm -rf "${CACHE:?}/$KEY"
    mv "$CACHE/$KEY.tmp" "$CACHE/$KEY"
    log "built in $(($(date +%s) - T0)) s: $(ls "$W/mods")"
fi
cp "$CACHE/$KEY/$DEB" "$OUT_DIR/$DEB"
echo "$(cd "$OUT_DIR" && pwd)/$DEB"
