#!/bin/bash
# reference-debian-zfs installer, stage 2: PID 1 of the live system (the
# medium's live/ tree under a tmpfs overlay; the medium is at /run/medium).
#
# Seed contract (kldload): a FAT file system labelled KLDLOADSEED holds
# answers.env; answers.sh reads it line by line (never sourced). Then:
# partition KLDLOAD_DISK (GPT: ESP + ZFS), create rpool with kldload's
# properties and dataset layout, copy the live tree (the `core` system, built
# from the darksite) into rpool/ROOT/<hostname>, install the profile's and the
# extra packages with apt from the darksite on the medium (no network),
# configure users, SSH, network, firewall and systemd-boot, snapshot
# rpool@install-<UTC time>, export the pool, print exactly
#   Install completed successfully
# and power off. Any error prints "Install failed: <reason>" and powers off.
set -u
umask 022
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive

MEDIUM=/run/medium
TARGET=/mnt
SEED_MNT=/run/seed
POOL=rpool
INSTALL_TIMEOUT=${RDZ_INSTALL_TIMEOUT:-1500}
DONE=0
STEP=startup

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
# what udev would add: bash's process substitution and here-strings need /dev/fd
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
exec </dev/console >/dev/console 2>&1
dmesg -n 1 2>/dev/null
hostname reference-debian-zfs-installer

T0=$(date +%s)
log() { echo "reference-debian-zfs: [$(($(date +%s) - T0))s] $*"; }

power_off() {
    sync
    # no init system runs here: ask the kernel directly (ACPI power off)
    echo o >/proc/sysrq-trigger
    sleep 10
    echo b >/proc/sysrq-trigger
}

cleanup_mounts() {
    umount "$SEED_MNT" 2>/dev/null
    for m in "$TARGET/boot/efi" "$TARGET/run/darksite" "$TARGET/run" "$TARGET/dev/pts" "$TARGET/dev" \
        "$TARGET/proc" "$TARGET/sys"; do
        umount "$m" 2>/dev/null
    done
    zfs umount -a 2>/dev/null
    zpool export "$POOL" 2>/dev/null
}

fail() {
    DONE=1
    printf '\nInstall failed: %s\n' "$*"
    cleanup_mounts
    power_off
    exit 1
}

on_exit() { [ "$DONE" = 1 ] || fail "installer stopped unexpectedly during $STEP"; }
trap on_exit EXIT

# Watchdog: never hang the build farm.
(
    sleep "$INSTALL_TIMEOUT"
    printf '\nInstall failed: timed out after %ss\n' "$INSTALL_TIMEOUT"
    sync
    echo o >/proc/sysrq-trigger
) &

# run DESCRIPTION CMD...: runs CMD with its output in /tmp/install.log; on
# failure shows the log's tail and fails the install.
run() {
    local what=$1
    shift
    if ! "$@" >>/tmp/install.log 2>&1; then
        tail -n 25 /tmp/install.log
        fail "$what"
    fi
}
in_target() { chroot "$TARGET" "$@"; }

log "installer started: $(head -1 "$MEDIUM/medium-info" 2>/dev/null)"

# ---------------------------------------------------------------- devices
STEP="starting udev"
/lib/systemd/systemd-udevd --daemon --resolve-names=never >/dev/null 2>&1 || fail "cannot start udev"
udevadm trigger --action=add --type=subsystems >/dev/null 2>&1
udevadm trigger --action=add --type=devices >/dev/null 2>&1
udevadm settle --timeout=60 >/dev/null 2>&1
modprobe vfat 2>/dev/null
modprobe nls_cp437 2>/dev/null
modprobe nls_iso8859_1 2>/dev/null

# ---------------------------------------------------------------- seed disk
STEP="looking for the seed disk"
seed_dev=
for _ in $(seq 1 100); do # 20 s
    seed_dev=$(blkid -o device -t LABEL=KLDLOADSEED 2>/dev/null | head -1)
    [ -n "$seed_dev" ] && [ -b "$seed_dev" ] && break
    seed_dev=
    sleep 0.2
done
[ -n "$seed_dev" ] || fail "no seed disk with FAT label KLDLOADSEED found"
mkdir -p "$SEED_MNT"
mount -t vfat -o ro "$seed_dev" "$SEED_MNT" || fail "cannot mount seed disk $seed_dev read-only"
[ -f "$SEED_MNT/answers.env" ] || fail "seed disk has no answers.env"
log "seed disk $seed_dev"

STEP="parsing answers.env"
# shellcheck source-path=SCRIPTDIR source=answers.sh
. "$MEDIUM/installer/answers.sh"
parse_answers "$SEED_MNT/answers.env" || fail "$ANSWERS_ERROR"
umount "$SEED_MNT" || log "warning: could not unmount the seed disk"
STEP="validating answers"
validate_answers || fail "$ANSWERS_ERROR"
log "answers:${A_SEEN}"

# --------------------------------------------------------------- target disk
for _ in $(seq 1 50); do [ -b "$DISK" ] && break; sleep 0.2; done
[ -b "$DISK" ] || fail "KLDLOAD_DISK $DISK is not a block device"
disk_real=$(readlink -f "$DISK")
disk_name=${disk_real#/dev/}
[ -e "/sys/class/block/$disk_name" ] || fail "no such disk $DISK"
[ -e "/sys/class/block/$disk_name/partition" ] && fail "KLDLOAD_DISK $DISK is a partition, not a whole disk"
for other in "$seed_dev" "$(blkid -o device -t LABEL="$(cat "$MEDIUM/medium-label")" | head -1)"; do
    [ -n "$other" ] || continue
    o=${other#/dev/}
    if [ "$o" = "$disk_name" ] || [ -e "/sys/class/block/$disk_name/$o" ]; then
        fail "KLDLOAD_DISK $DISK holds the seed or the installer medium"
    fi
done
size_mib=$(($(cat "/sys/class/block/$disk_name/size") / 2048))
[ "$size_mib" -ge $((ESP_MIB + 3072)) ] || fail "KLDLOAD_DISK $DISK ($size_mib MiB) is too small: at least $((ESP_MIB + 3072)) MiB"
case $disk_name in *[0-9]) PART_PREFIX=/dev/${disk_name}p ;; *) PART_PREFIX=/dev/$disk_name ;; esac
ESP_DEV=${PART_PREFIX}1
ZFS_DEV=${PART_PREFIX}2
log "target $DISK ($size_mib MiB), host $HOST, user $USER_NAME, profile $PROFILE"

# ------------------------------------------------------------- partitioning
STEP="partitioning"
run "wiping $DISK failed" wipefs -a -f "$disk_real"
run "sfdisk could not partition $DISK" sfdisk --quiet --wipe always --wipe-partitions always "$disk_real" <<EOF
label: gpt
size=${ESP_MIB}MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI System Partition"
type=6A898CC3-1DD2-11B2-99A6-080020736631, name="rpool"
EOF
udevadm settle --timeout=30 >/dev/null 2>&1
for _ in $(seq 1 50); do [ -b "$ESP_DEV" ] && [ -b "$ZFS_DEV" ] && break; sleep 0.2; done
if [ ! -b "$ESP_DEV" ] || [ ! -b "$ZFS_DEV" ]; then fail "partitions $ESP_DEV / $ZFS_DEV did not appear"; fi
ESP_SERIAL=$(od -An -N4 -tx4 /dev/urandom | tr -d ' ' | tr a-f A-F)
run "mkfs.fat failed on $ESP_DEV" mkfs.fat -F 32 -n EFI -i "$ESP_SERIAL" "$ESP_DEV"
ESP_UUID="${ESP_SERIAL:0:4}-${ESP_SERIAL:4:4}"

# ------------------------------------------------------------------- rpool
STEP="creating rpool"
# a small ARC: the installer VM may have 1 GiB
run "cannot load the zfs module" modprobe zfs zfs_arc_max=$((192 * 1024 * 1024))
run "zpool create failed" zpool create -f \
    -o ashift=12 -o autotrim=on -o cachefile=none \
    -O acltype=posixacl -O canmount=off -O compression=lz4 -O dnodesize=auto \
    -O normalization=formD -O relatime=on -O xattr=sa -O mountpoint=none \
    -R "$TARGET" "$POOL" "$ZFS_DEV"
T_POOL=$(date +%s)
ROOT_DS=$POOL/ROOT/$HOST
z() { run "zfs $* failed" zfs "$@"; }
z create -o canmount=off -o mountpoint=none "$POOL/ROOT"
z create -o canmount=noauto -o mountpoint=/ "$ROOT_DS"
z mount "$ROOT_DS"
# kldload's layout: everything but the OS itself lives outside the boot environment
z create -o mountpoint=/root "$POOL/root"
z create -o mountpoint=/home "$POOL/home"
z create -o mountpoint="/home/$USER_NAME" "$POOL/home/$USER_NAME"
z create -o mountpoint=/srv "$POOL/srv"
z create -o mountpoint=/opt "$POOL/opt"
z create -o canmount=off -o mountpoint=/usr "$POOL/usr"
z create -o mountpoint=/usr/local "$POOL/usr/local"
z create -o canmount=off -o mountpoint=/var "$POOL/var"
z create -o mountpoint=/var/cache -o com.sun:auto-snapshot=false "$POOL/var/cache"
z create -o mountpoint=/var/lib "$POOL/var/lib"
z create -o mountpoint=/var/log "$POOL/var/log"
z create -o mountpoint=/var/spool "$POOL/var/spool"
z create -o mountpoint=/var/tmp -o com.sun:auto-snapshot=false "$POOL/var/tmp"
z create -o mountpoint=/tmp -o sync=disabled -o setuid=off -o exec=off -o devices=off \
    -o com.sun:auto-snapshot=false "$POOL/tmp"
run "zpool set bootfs failed" zpool set bootfs="$ROOT_DS" "$POOL"
# no synchronous writes while installing (dpkg fsyncs a lot, and TCG is slow);
# back to the default before the snapshot
z set sync=disabled "$POOL"
log "rpool created: $(zfs list -H -o name -r "$POOL" | wc -l) datasets"

# ------------------------------------------------------------------ system
STEP="copying the system"
log "copying the system ($(du -sm "$MEDIUM/live" 2>/dev/null | cut -f1) MiB)"
run "copying the system failed" cp -a "$MEDIUM/live/." "$TARGET/"
chmod 1777 "$TARGET/tmp" "$TARGET/var/tmp"
chmod 0700 "$TARGET/root"
mkdir -p "$TARGET/boot/efi"
run "cannot mount the ESP" mount -t vfat -o umask=0077 "$ESP_DEV" "$TARGET/boot/efi"
if ! { mount --bind /dev "$TARGET/dev" && mount --bind /dev/pts "$TARGET/dev/pts" \
    && mount -t proc proc "$TARGET/proc" && mount -t sysfs sysfs "$TARGET/sys" \
    && mount -t tmpfs -o mode=0755 tmpfs "$TARGET/run"; }; then
    fail "cannot prepare the chroot"
fi
log "system copied"

# ------------------------------------------------- packages from the darksite
STEP="installing packages"
mkdir -p "$TARGET/run/darksite" "$TARGET/run/rdz-apt/lists/partial" "$TARGET/run/rdz-apt/sources.d"
if ! { mount --bind "$MEDIUM/darksite" "$TARGET/run/darksite" && mount -o remount,bind,ro "$TARGET/run/darksite"; }; then
    fail "cannot mount the darksite"
fi
echo "deb [trusted=yes] file:/run/darksite ./" >"$TARGET/run/rdz-apt/sources.list"
DS_APT=(-o Dir::Etc::SourceList=/run/rdz-apt/sources.list -o Dir::Etc::SourceParts=/run/rdz-apt/sources.d
    -o Dir::State::Lists=/run/rdz-apt/lists -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
    -o APT::Install-Recommends=false -o Acquire::Languages=none -o Dpkg::Use-Pty=0
    -o Dpkg::Options::=--force-unsafe-io)
WANT=()
if [ "$PROFILE" != core ]; then
    [ -f "$MEDIUM/installer/profiles/$PROFILE.txt" ] || fail "the medium has no profile $PROFILE"
    plist=$(sed 's/#.*//; s/[[:space:]]//g; /^$/d' "$MEDIUM/installer/profiles/$PROFILE.txt") \
        || fail "cannot read the profile $PROFILE"
    for p in $plist; do WANT+=("$p"); done
fi
for p in $EXTRA_PKGS; do WANT+=("$p"); done
case $LOCALE in C | C.UTF-8 | POSIX) ;; *) WANT+=(locales) ;; esac
if [ ${#WANT[@]} -gt 0 ]; then
    log "installing from the darksite: ${WANT[*]}"
    run "apt-get update from the darksite failed" in_target apt-get "${DS_APT[@]}" update
    for p in "${WANT[@]}"; do
        in_target apt-cache "${DS_APT[@]}" show "$p" >/dev/null 2>&1 || fail "package $p is not in the darksite"
    done
    printf '#!/bin/sh\nexit 101\n' >"$TARGET/usr/sbin/policy-rc.d"
    chmod 0755 "$TARGET/usr/sbin/policy-rc.d"
    run "installing ${WANT[*]} failed" in_target apt-get "${DS_APT[@]}" -y -q install "${WANT[@]}"
    rm -f "$TARGET/usr/sbin/policy-rc.d"
    in_target apt-get "${DS_APT[@]}" clean >/dev/null 2>&1
    log "packages installed"
fi
umount "$TARGET/run/darksite"

# --------------------------------------------------------------- configuration
STEP="configuring the system"
FQDN=$HOST
[ -z "$DOMAIN" ] || FQDN=$HOST.$DOMAIN
printf '%s\n' "$HOST" >"$TARGET/etc/hostname"
if [ "$FQDN" != "$HOST" ]; then
    printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s %s\n::1\t\tlocalhost ip6-localhost ip6-loopback\nff02::1\t\tip6-allnodes\nff02::2\t\tip6-allrouters\n' "$FQDN" "$HOST" >"$TARGET/etc/hosts"
else
    printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\t\tlocalhost ip6-localhost ip6-loopback\nff02::1\t\tip6-allnodes\nff02::2\t\tip6-allrouters\n' "$HOST" >"$TARGET/etc/hosts"
fi

[ -f "$TARGET/usr/share/zoneinfo/$TIMEZONE" ] || fail "unknown KLDLOAD_TIMEZONE '$TIMEZONE'"
ln -sfn "/usr/share/zoneinfo/$TIMEZONE" "$TARGET/etc/localtime"
printf '%s\n' "$TIMEZONE" >"$TARGET/etc/timezone"
case $LOCALE in
    C | C.UTF-8 | POSIX) ;;
    *)
        l=$LOCALE
        case $l in *.UTF-8) ;; *) l=$l.UTF-8 ;; esac
        grep -q "^# *$l UTF-8" "$TARGET/usr/share/i18n/SUPPORTED" 2>/dev/null \
            || grep -q "^$l UTF-8" "$TARGET/usr/share/i18n/SUPPORTED" || fail "unknown KLDLOAD_LOCALE '$LOCALE'"
        printf '%s UTF-8\n' "$l" >"$TARGET/etc/locale.gen"
        run "locale-gen failed" in_target locale-gen
        ;;
esac
printf 'LANG=%s\n' "$LOCALE" >"$TARGET/etc/default/locale"

# the user: sudo without a password (the farm's test and seal stages need it)
run "useradd failed" in_target useradd -M -d "/home/$USER_NAME" -s /bin/bash -U -G sudo,adm,systemd-journal "$USER_NAME"
cp -a "$TARGET/etc/skel/." "$TARGET/home/$USER_NAME/"
mkdir -p "$TARGET/home/$USER_NAME/.ssh"
: >"$TARGET/home/$USER_NAME/.ssh/authorized_keys"
for k in "$A_SSH_PUBKEY" "$A_ADMIN_SSH_PUBKEY"; do
    [ -z "$k" ] || printf '%s\n' "$k" >>"$TARGET/home/$USER_NAME/.ssh/authorized_keys"
done
chmod 0700 "$TARGET/home/$USER_NAME" "$TARGET/home/$USER_NAME/.ssh"
chmod 0600 "$TARGET/home/$USER_NAME/.ssh/authorized_keys"
in_target chown -R "$USER_NAME:$USER_NAME" "/home/$USER_NAME" || fail "cannot chown /home/$USER_NAME"
if [ -n "$A_PASSWORD" ]; then
    printf '%s:%s\n' "$USER_NAME" "$A_PASSWORD" | in_target chpasswd >/dev/null 2>&1 || fail "cannot set the user's password"
fi
if [ -n "$A_ROOT_PASSWORD" ]; then
    printf 'root:%s\n' "$A_ROOT_PASSWORD" | in_target chpasswd >/dev/null 2>&1 || fail "cannot set root's password"
fi
printf '# written by the reference-debian-zfs installer\n%s ALL=(ALL:ALL) NOPASSWD: ALL\n' "$USER_NAME" \
    >"$TARGET/etc/sudoers.d/90-goldsmith-$USER_NAME"
chmod 0440 "$TARGET/etc/sudoers.d/90-goldsmith-$USER_NAME"
run "sudoers check failed" in_target visudo -cq

# network
if [ "$NET_METHOD" = static ]; then
    {
        echo "# written by the reference-debian-zfs installer (KLDLOAD_NET_METHOD=static)"
        echo "[Match]"
        if [ -n "$NET_IFACE" ]; then echo "Name=$NET_IFACE"; else printf 'Type=ether\nName=en* eth*\n'; fi
        echo
        echo "[Network]"
        echo "Address=${A_NET_IP:?}/$A_NET_PREFIX"
        [ -z "$A_NET_GW" ] || echo "Gateway=$A_NET_GW"
        for d in $(echo "$A_NET_DNS" | tr ',' ' '); do echo "DNS=$d"; done
    } >"$TARGET/etc/systemd/network/80-goldsmith-dhcp.network"
elif [ -n "$NET_IFACE" ]; then
    sed -i "s/^Name=.*/Name=$NET_IFACE/; /^Type=/d" "$TARGET/etc/systemd/network/80-goldsmith-dhcp.network"
fi

# identity: none baked in (machine-id and SSH host keys are made on first boot)
: >"$TARGET/etc/machine-id"
rm -f "$TARGET/var/lib/dbus/machine-id" "$TARGET/etc/hostid" "$TARGET"/etc/ssh/ssh_host_*

{
    echo "# written by the reference-debian-zfs installer"
    echo "INSTALLER=reference-debian-zfs"
    sed -n 's/^/MEDIUM_/; s/: /=/p' "$MEDIUM/medium-info"
    echo "INSTALLED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "KLDLOAD_DISTRO=debian"
    echo "KLDLOAD_PROFILE=$PROFILE"
    echo "KLDLOAD_HOSTNAME=$HOST"
    echo "KLDLOAD_USERNAME=$USER_NAME"
    echo "KLDLOAD_EXTRA_PACKAGES=$EXTRA_PKGS"
} >"$TARGET/etc/goldsmith/install-info"
cp "$MEDIUM/darksite/darksite.lock" "$TARGET/etc/goldsmith/darksite.lock"

# ---------------------------------------------------------------- boot
STEP="installing the boot loader"
cat >"$TARGET/etc/kbe.conf" <<EOF
# kbe settings (written by the reference-debian-zfs installer)
KBE_POOL=$POOL
KBE_ESP=/boot/efi
KBE_CMDLINE="rw console=tty0 console=ttyS0,115200"
KBE_TIMEOUT=$BOOT_TIMEOUT
EOF
printf 'UUID=%s\t/boot/efi\tvfat\tumask=0077,nofail\t0\t1\n' "$ESP_UUID" >>"$TARGET/etc/fstab"
SDBOOT=$TARGET/usr/lib/systemd/boot/efi/systemd-bootx64.efi
[ -f "$SDBOOT" ] || fail "systemd-bootx64.efi is missing from the system"
mkdir -p "$TARGET/boot/efi/EFI/BOOT" "$TARGET/boot/efi/EFI/systemd" "$TARGET/boot/efi/loader/entries"
if ! { cp "$SDBOOT" "$TARGET/boot/efi/EFI/BOOT/BOOTX64.EFI" && cp "$SDBOOT" "$TARGET/boot/efi/EFI/systemd/systemd-bootx64.efi"; }; then
    fail "cannot copy systemd-boot to the ESP"
fi
run "kbe bootsync failed" env KBE_CURRENT="$ROOT_DS" chroot "$TARGET" /usr/sbin/kbe bootsync "$HOST"
run "kbe activate failed" env KBE_CURRENT="$ROOT_DS" chroot "$TARGET" /usr/sbin/kbe activate "$HOST"
log "systemd-boot + boot entry kbe-$HOST (root=ZFS=$ROOT_DS)"

# mount units for the datasets (zfs-mount-generator reads this cache; zed keeps it current)
STEP="writing the zfs mount cache"
mkdir -p "$TARGET/etc/zfs/zfs-list.cache"
PROPS=$(sed -n '/^PROPS="/,/"$/p' "$TARGET/usr/lib/zfs-linux/zed.d/history_event-zfs-list-cacher.sh" \
    | tr -d '\\\n' | sed 's/^PROPS="//; s/"$//')
[ -n "$PROPS" ] || fail "cannot read the zfs-list cache format"
zfs list -H -t filesystem -o "$PROPS" -r "$POOL" 2>/dev/null \
    | awk -F'\t' -v alt="$TARGET" 'BEGIN { OFS = "\t" }
        { if ($2 == alt) $2 = "/"; else if (index($2, alt "/") == 1) $2 = substr($2, length(alt) + 1); print }' \
    | LC_ALL=C sort >"$TARGET/etc/zfs/zfs-list.cache/$POOL" || fail "cannot write the zfs-list cache"

# ------------------------------------------------------------ snapshot, export
STEP="finishing"
cleanup_target() {
    umount "$TARGET/boot/efi" && umount "$TARGET/run" && umount "$TARGET/dev/pts" && umount "$TARGET/dev" \
        && umount "$TARGET/proc" && umount "$TARGET/sys"
}
sync
cleanup_target || fail "cannot unmount the target's helper file systems"
run "zfs inherit sync failed" zfs inherit sync "$POOL"
SNAP=install-$(date -u +%Y%m%dT%H%M%SZ)
run "zfs snapshot failed" zfs snapshot -r "$POOL@$SNAP"
# what went into the pool, for the farm's benchmark: logical bytes the datasets wrote (the objsets' nwritten
# kstats) and what the pool allocated, over the time since zpool create
written=$({ cat /proc/spl/kstat/zfs/"$POOL"/objset-0x* 2>/dev/null || true; } | awk '$1 == "nwritten" { n += $3 } END { printf "%d", n }')
log "pool-stats written=${written:-0} allocated=$(zpool list -Hp -o allocated "$POOL") seconds=$(($(date +%s) - T_POOL))"
run "zfs umount failed" zfs umount -a
run "zpool export failed" zpool export "$POOL"
log "snapshot $POOL@$SNAP; pool exported; $(($(date +%s) - T0)) s in all"

DONE=1
printf '\nInstall completed successfully\n'
power_off
