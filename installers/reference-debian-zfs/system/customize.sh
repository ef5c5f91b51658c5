#!/usr/bin/env bash
# Configures the `core` system tree right after mmdebstrap built it from the
# darksite (called by build.sh as mmdebstrap's customize hook, on the build
# host): Goldsmith's files (system/rootfs), services, sshd, and no identity of
# its own (machine-id, SSH host keys, hostid are made on the installed
# machine's first boot).
#
#   customize.sh ROOT
set -euo pipefail
ROOT=$1
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { echo "customize.sh: error: $*" >&2; exit 1; }
[ -d "$ROOT/etc" ] || die "$ROOT is not a system tree"

cp -a "$HERE/rootfs/." "$ROOT/"
(cd "$HERE/rootfs" && find . -mindepth 1) | while IFS= read -r f; do chown -h 0:0 "$ROOT/${f#./}"; done
mkdir -p "$ROOT/etc/goldsmith"
# modinfo for everybody (kmod puts it in /usr/sbin only; checks run `modinfo` as the user)
[ -e "$ROOT/usr/bin/modinfo" ] || ln -s kmod "$ROOT/usr/bin/modinfo"

# sshd: no root logins (in sshd_config itself too: tools grep for it there)
sed -i 's/^#\{0,1\}PermitRootLogin .*/PermitRootLogin no/' "$ROOT/etc/ssh/sshd_config"
grep -q '^PermitRootLogin no$' "$ROOT/etc/ssh/sshd_config" || echo 'PermitRootLogin no' >>"$ROOT/etc/ssh/sshd_config"

# zed keeps /etc/zfs/zfs-list.cache/<pool> current for zfs-mount-generator
mkdir -p "$ROOT/etc/zfs/zed.d" "$ROOT/etc/zfs/zfs-list.cache"
ln -sfn /usr/lib/zfs-linux/zed.d/history_event-zfs-list-cacher.sh "$ROOT/etc/zfs/zed.d/history_event-zfs-list-cacher.sh"

systemctl --root="$ROOT" enable systemd-networkd.service systemd-resolved.service nftables.service \
    ssh.service goldsmith-ssh-keygen.service zfs-zed.service zfs-mount.service zfs.target \
    zfs-import.target >/dev/null 2>&1 || die "systemctl enable failed"

# apt of the installed system: Debian's archive (the darksite is only on the medium)
rm -f "$ROOT/etc/apt/sources.list"
cat >"$ROOT/etc/apt/sources.list.d/debian.sources" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/cache/apt/archives/*.deb

printf '# <file system> <mount point> <type> <options> <dump> <pass>\n# / is rpool/ROOT/<boot environment> (root=ZFS=... on the kernel command line);\n# the other datasets are mounted by zfs-mount-generator (/etc/zfs/zfs-list.cache).\n' >"$ROOT/etc/fstab"
echo kldload >"$ROOT/etc/hostname"
printf 'LANG=C.UTF-8\n' >"$ROOT/etc/default/locale"

# no identity in the image
: >"$ROOT/etc/machine-id"
rm -f "$ROOT/var/lib/dbus/machine-id" "$ROOT/etc/hostid" "$ROOT"/etc/ssh/ssh_host_*
rm -rf "$ROOT"/var/lib/cloud/* "$ROOT"/var/log/journal/*

# The initramfs was made while zfsutils-linux' postinst had just written a
# random /etc/hostid (removed above): make it again without one, so that every
# machine from this image runs with hostid 0 like the installer that created
# the pool (a baked-in hostid would be shared by every clone and would not
# match the pool). It must contain the zfs module and tools.
chroot "$ROOT" update-initramfs -u -k all >&2 || die "update-initramfs failed"
for i in "$ROOT"/boot/initrd.img-*; do
    [ -f "$i" ] || die "no initramfs in $ROOT/boot"
    chroot "$ROOT" lsinitramfs "${i#"$ROOT"}" >"$ROOT/tmp/initramfs.list" 2>&1 || die "lsinitramfs failed"
    grep -q '/zfs\.ko$' "$ROOT/tmp/initramfs.list" || die "$(basename "$i") has no zfs.ko"
    grep -q '/zpool$' "$ROOT/tmp/initramfs.list" || die "$(basename "$i") has no zpool"
    if grep -q '^etc/hostid$' "$ROOT/tmp/initramfs.list"; then die "$(basename "$i") holds an /etc/hostid"; fi
    rm -f "$ROOT/tmp/initramfs.list"
done
