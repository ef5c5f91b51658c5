#!/usr/bin/env bash
# Manual end-to-end test of the reference-debian-zfs medium under QEMU/TCG +
# OVMF, run the way the farm's worker runs it (not for CI: it takes about
# 10-15 minutes; needs qemu, ovmf, mtools, dosfstools, an ssh client).
#
#   test-vm.sh [--image reference-debian-zfs.img] [--profile core|server] [--skip-bad] [--keep]
#
# Without --image it first runs build.sh into the work directory. Then:
#   1. (unless --skip-bad) an install whose answers.env has an unknown key
#      must print "Install failed: ... unknown key ..." and power off;
#   2. a real install onto a blank 8G qcow2: target vda, medium vdb
#      (bootindex=0, read-only), seed vdc (mkfs.vfat -n KLDLOADSEED + mcopy,
#      answers written like the worker writes them), fresh OVMF VARS,
#      -nic none, -no-reboot, 1024 MiB: must print "Install completed
#      successfully" and power off by itself;
#   3. boots the installed disk (qcow2 overlay, user networking, SSH
#      forwarded), logs in with the build key and runs the farm's `golden`
#      checks, the pool properties, the dataset layout and kbe;
#   4. kbe create + activate, reboot into the new boot environment, check /,
#      kbe rollback, reboot, check / is the original one again;
#   5. seals like the SEAL stage (sudo sh -s) and powers off with QMP
#      system_powerdown (must exit cleanly);
#   6. boots the sealed disk as a clone with a NoCloud seed (FAT, label
#      CIDATA): new host keys, new machine-id, the build key refused,
#      cloud-init sets the hostname and the NoCloud SSH key logs in.
# Prints the timings at the end. KVM is never used (-accel tcg).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

IMG=
KEEP=0
PROFILE=server
SKIP_BAD=0
while [ $# -gt 0 ]; do
    case $1 in
        --image) IMG=$(realpath "$2"); shift 2 ;;
        --profile) PROFILE=$2; shift 2 ;;
        --skip-bad) SKIP_BAD=1; shift ;;
        --keep) KEEP=1; shift ;;
        *) echo "usage: $0 [--image IMG] [--profile core|server] [--skip-bad] [--keep]" >&2; exit 2 ;;
    esac
done

OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
QEMU=${QEMU:-qemu-system-x86_64}
MEM=${MEM:-1024}
for t in "$QEMU" qemu-img mkfs.vfat mcopy ssh ssh-keygen ssh-keyscan ss timeout; do
    command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done

WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/rdz-test.XXXXXX")
QEMU_PID=
OK=0
cleanup() {
    if [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; then kill "$QEMU_PID" 2>/dev/null || true; fi
    if [ "$OK" = 1 ] && [ "$KEEP" = 0 ]; then rm -rf "$WORK"; else echo "work directory kept: $WORK"; fi
}
trap cleanup EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
say() { echo "test-vm: $*"; }
die() { echo "test-vm: FAILED: $*" >&2; exit 1; }
declare -a TIMINGS=()
timing() { TIMINGS+=("$(printf '%-44s %7s s' "$1" "$2")"); say "$1: $2 s"; }

free_port() {
    local p
    for _ in $(seq 1 100); do
        p=$((20000 + RANDOM % 20000))
        ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return 0; }
    done
    return 1
}

# qemu_args VARS_FILE SERIAL_LOG: what every VM gets (as the worker's VmSpec)
qemu_args() {
    cp "$OVMF_VARS" "$1"
    QARGS=(nice -n 19 "$QEMU" -accel tcg -machine q35 -cpu max -m "$MEM" -smp 2 -nodefaults -no-user-config
        -drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE"
        -drive "if=pflash,format=raw,unit=1,file=$1"
        -device virtio-rng-pci
        -display none -monitor none -serial "file:$2")
}

if [ -z "$IMG" ]; then
    say "building the medium into $WORK/out"
    t0=$(now)
    "$HERE/build.sh" "$WORK/out" >"$WORK/build.out"
    timing "build.sh" "$(secs "$t0" "$(now)")"
    IMG=$WORK/out/reference-debian-zfs.img
fi
[ -f "$IMG" ] || die "no medium $IMG"
say "medium $IMG ($(($(stat -c %s "$IMG") / 1048576)) MiB)"

ssh-keygen -q -t ed25519 -N '' -C rdz-test -f "$WORK/id_ed25519"
PUBKEY=$(cat "$WORK/id_ed25519.pub")
HOST=rdz-test
USER_NAME="admin"

make_seed() { # make_seed FILE < answers.env (as the worker's SeedDisk does)
    cat >"$WORK/answers.env"
    rm -f "$1"
    mkfs.vfat -C -n KLDLOADSEED "$1" 2048 >/dev/null
    MTOOLS_SKIP_CHECK=1 mcopy -i "$1" "$WORK/answers.env" ::answers.env
}

run_install() { # NAME SEED TARGET TIMEOUT: sets INSTALL_SECS
    local name=$1 t0 rc=0
    qemu_args "$WORK/$name.vars.fd" "$WORK/$name.serial.log"
    t0=$(now)
    timeout "$4" "${QARGS[@]}" \
        -drive "if=none,id=target,file=$3,format=qcow2" -device virtio-blk-pci,drive=target \
        -drive "if=none,id=installer,file=$IMG,format=raw,readonly=on" -device virtio-blk-pci,drive=installer,bootindex=0 \
        -drive "if=none,id=seed,file=$2,format=raw" -device virtio-blk-pci,drive=seed \
        -nic none -no-reboot || rc=$?
    INSTALL_SECS=$(secs "$t0" "$(now)")
    [ "$rc" = 0 ] || die "$name: qemu exited with $rc (124 = timeout); see $WORK/$name.serial.log"
}

# ------------------------------------------------------------ 1. failing install
if [ "$SKIP_BAD" = 0 ]; then
    say "1. install with an unknown key (must fail)"
    make_seed "$WORK/seed-bad.img" <<EOF
KLDLOAD_HOSTNAME="bad"
KLDLOAD_SSH_PUBKEY="$PUBKEY"
KLDLOAD_STORAGE_MODEL="zfs"
EOF
    qemu-img create -q -f qcow2 "$WORK/target-bad.qcow2" 8G
    run_install install-bad "$WORK/seed-bad.img" "$WORK/target-bad.qcow2" 600
    grep -a "^Install failed: answers.env line 3: unknown key KLDLOAD_STORAGE_MODEL" "$WORK/install-bad.serial.log" >/dev/null \
        || die "expected 'Install failed: ... unknown key' in $WORK/install-bad.serial.log"
    timing "failing install (qemu start to exit)" "$INSTALL_SECS"
fi

# ------------------------------------------------------------ 2. install
say "2. install (profile $PROFILE) onto a blank 8G disk"
make_seed "$WORK/seed.img" <<EOF
# answers.env of test-vm.sh (the worker's AnswersFile format)
KLDLOAD_DISK="/dev/vda"
KLDLOAD_DISTRO="debian"
KLDLOAD_ENABLE_SECURE_BOOT="0"
KLDLOAD_HOSTNAME="$HOST"
KLDLOAD_NO_AUTO_REBOOT="0"
KLDLOAD_PASSWORD="correct horse battery staple"
KLDLOAD_PROFILE="$PROFILE"
KLDLOAD_SSH_PUBKEY="$PUBKEY"
KLDLOAD_TIMEZONE="Europe/Zurich"
KLDLOAD_USERNAME="$USER_NAME"
EOF
qemu-img create -q -f qcow2 "$WORK/target.qcow2" 8G
run_install install "$WORK/seed.img" "$WORK/target.qcow2" 1800
tr -d '\r' <"$WORK/install.serial.log" | grep -qx "Install completed successfully" \
    || { tr -d '\r' <"$WORK/install.serial.log" | tail -30; die "no completion line in $WORK/install.serial.log"; }
timing "install (qemu start to exit)" "$INSTALL_SECS"
say "installed disk: $(qemu-img info --output=json "$WORK/target.qcow2" | awk -F: '/"actual-size"/ { gsub(/[ ,]/, "", $2); printf "%d MiB", $2 / 1048576 }')"

# ------------------------------------------------------------ installed system
qemu-img create -q -f qcow2 -b "$WORK/target.qcow2" -F qcow2 "$WORK/overlay.qcow2"

EXTRA_DISK=()
boot_vm() { # NAME: boots the overlay in the background (reboots allowed)
    SSH_PORT=$(free_port)
    QMP_PORT=$(free_port)
    [ "$QMP_PORT" != "$SSH_PORT" ] || QMP_PORT=$(free_port)
    qemu_args "$WORK/$1.vars.fd" "$WORK/$1.serial.log"
    BOOT_T0=$(now)
    "${QARGS[@]}" \
        -drive "if=none,id=disk,file=$WORK/overlay.qcow2,format=qcow2" -device virtio-blk-pci,drive=disk,bootindex=0 \
        -netdev "user,id=net0,hostfwd=tcp:127.0.0.1:$SSH_PORT-:22" -device virtio-net-pci,netdev=net0,romfile= \
        -qmp "tcp:127.0.0.1:$QMP_PORT,server=on,wait=off" "${EXTRA_DISK[@]}" &
    QEMU_PID=$!
}

SSH_OPTS=(-i "$WORK/id_ed25519" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
    -o BatchMode=yes -o ConnectTimeout=20 -o LogLevel=ERROR -o IdentitiesOnly=yes)
rssh() { ssh "${SSH_OPTS[@]}" -p "$SSH_PORT" "$USER_NAME@127.0.0.1" "$@"; }

wait_login() { # NAME: until the build key logs in (up to 600 s); sets LOGIN_SECS
    local end=$((SECONDS + 600))
    while [ $SECONDS -lt $end ]; do
        kill -0 "$QEMU_PID" 2>/dev/null || die "$1: qemu exited before SSH came up; see $WORK/$1.serial.log"
        if rssh true 2>/dev/null; then LOGIN_SECS=$(secs "$BOOT_T0" "$(now)"); return 0; fi
        sleep 2
    done
    die "$1: no SSH login within 600 s; see $WORK/$1.serial.log"
}

wait_banner() { # NAME
    local end=$((SECONDS + 600)) b
    while [ $SECONDS -lt $end ]; do
        kill -0 "$QEMU_PID" 2>/dev/null || die "$1: qemu exited before SSH came up; see $WORK/$1.serial.log"
        b=$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$SSH_PORT && head -c 4 <&3" 2>/dev/null || true)
        [ "$b" = "SSH-" ] && { LOGIN_SECS=$(secs "$BOOT_T0" "$(now)"); return 0; }
        sleep 1
    done
    die "$1: no SSH banner within 600 s"
}

wait_exit() { # NAME TIMEOUT
    local t0
    t0=$(now)
    for _ in $(seq 1 $(($2 * 2))); do
        if ! kill -0 "$QEMU_PID" 2>/dev/null; then
            wait "$QEMU_PID" || die "$1: qemu exited with an error"
            QEMU_PID=
            EXIT_SECS=$(secs "$t0" "$(now)")
            return 0
        fi
        sleep 0.5
    done
    die "$1: qemu still running $2 s after the power-off request"
}

qmp_powerdown() {
    local fd
    exec {fd}<>"/dev/tcp/127.0.0.1/$QMP_PORT"
    printf '{"execute":"qmp_capabilities"}\n{"execute":"system_powerdown"}\n' >&"$fd"
    sleep 1
    exec {fd}>&-
}

FAILED_CHECKS=()
check() { # NAME CMD EXPECT-REGEX(optional): like the farm's checks (exit 0 + expectation)
    local name=$1 cmd=$2 want=${3:-} out rc=0
    out=$(rssh "$cmd" 2>&1) || rc=$?
    if [ "$rc" = 0 ] && { [ -z "$want" ] || grep -Eq -- "$want" <<<"$out"; }; then
        say "  pass  $name"
    else
        say "  FAIL  $name (exit $rc): $(head -c 300 <<<"$out")"
        FAILED_CHECKS+=("$name")
    fi
}

say "3. boot the installed system"
boot_vm boot1
wait_login boot1
timing "boot to SSH login (first boot)" "$LOGIN_SECS"

say "golden checks (SmokeSuites.golden), right after the first login as the TEST stage does:"
check system-running "systemctl is-system-running || true" "^(running|degraded)$"
check pool-healthy "sudo zpool status -x" "all pools are healthy"
check pool-is-rpool "sudo zpool list -H -o name" "^rpool$"
check root-dataset "findmnt -n -o SOURCE /" "^rpool/ROOT/"
check lz4-compression "sudo zfs get -H -o value compression rpool" "^lz4$"
check snapshots-exist "sudo zfs list -H -t snapshot -o name" "@install-"
check home-dataset "sudo zfs list -H rpool/home"
check var-log-dataset "sudo zfs list -H rpool/var/log"
check no-failed-units "systemctl --failed --no-legend --plain | wc -l" "^0$"
check uefi-boot "test -d /sys/firmware/efi"
check kernel "uname -r" "."
check hostname "hostname" "^$HOST$"
check network-up "ip -4 route show default | grep -q default"
check ssh-listening "ss -ltn" ":22 "
check firewall-table "sudo nft list tables" "table inet"
check zfs-module-loaded "grep -q '^zfs ' /proc/modules"
check wireguard-available "modinfo wireguard >/dev/null"
if ssh "${SSH_OPTS[@]}" -p "$SSH_PORT" root@127.0.0.1 true 2>/dev/null; then
    say "  FAIL  root-login-refused"; FAILED_CHECKS+=(root-login-refused)
else
    say "  pass  root-login-refused"
fi
say "more checks:"
check sshd-config "sudo grep -q '^PermitRootLogin no' /etc/ssh/sshd_config"
check pool-properties "sudo zpool get -H -o value ashift,autotrim,bootfs rpool | tr '\n' ' '" "^12 on rpool/ROOT/$HOST $"
check dataset-properties "sudo zfs get -H -o value acltype,canmount,compression,dnodesize,normalization,relatime,xattr,mountpoint rpool | tr '\n' ' '" \
    "^posix(acl)? off lz4 auto formD on sa none $"
check dataset-layout "sudo zfs list -H -o name -r rpool | tr '\n' ' '" \
    "rpool/ROOT/$HOST .*rpool/home .*rpool/home/$USER_NAME .*rpool/srv .*rpool/var/cache .*rpool/var/lib .*rpool/var/log .*rpool/var/spool .*rpool/var/tmp"
check mounts "for m in /var/log /var/lib /home /srv /tmp; do findmnt -n -o SOURCE \$m; done | tr '\n' ' '" "^rpool/var/log rpool/var/lib rpool/home rpool/srv rpool/tmp $"
check esp-mounted "findmnt -n -o FSTYPE /boot/efi" "^vfat$"
check machine-id "cat /etc/machine-id" "^[0-9a-f]{32}$"
check timezone "readlink /etc/localtime" "Europe/Zurich$"
check profile "cat /etc/goldsmith/install-info" "^KLDLOAD_PROFILE=$PROFILE$"
if [ "$PROFILE" = server ]; then check server-packages "dpkg-query -W -f '\${Status}\n' chrony rsync tmux | sort -u" "^install ok installed$"; fi
check no-dkms "! dpkg -l dkms zfs-dkms gcc-12 2>/dev/null | grep -q '^ii'"
check kbe-list "sudo kbe list" "^$HOST +NR "
rssh 'sudo zfs list -o name,used,mountpoint -r rpool; sudo kbe list; df -h / /boot/efi' | sed 's/^/    /'

say "4. boot environments: create, activate, reboot, roll back"
check kbe-create "sudo kbe create testbe" ""
check kbe-activate "sudo kbe activate testbe && sudo kbe list" "^testbe +R "
rssh 'sudo touch /etc/only-in-testbe-was-not-here && sudo systemctl reboot' || true
sleep 5
t0=$(now)
BOOT_T0=$t0
wait_login reboot-testbe
timing "reboot into a new BE to SSH login" "$LOGIN_SECS"
check be-root "findmnt -n -o SOURCE /" "^rpool/ROOT/testbe$"
check be-is-a-clone "test ! -e /etc/only-in-testbe-was-not-here"
check kbe-rollback "sudo kbe rollback && sudo kbe list" "^$HOST +R "
rssh 'sudo systemctl reboot' || true
sleep 5
BOOT_T0=$(now)
wait_login reboot-back
timing "reboot back to the first BE to SSH login" "$LOGIN_SECS"
check be-root-back "findmnt -n -o SOURCE /" "^rpool/ROOT/$HOST$"
check be-file-back "test -e /etc/only-in-testbe-was-not-here"
check no-failed-units-after "systemctl is-system-running --wait || true; systemctl --failed --no-legend --plain | wc -l" "^0$"
MID1=$(rssh 'cat /etc/machine-id')
HOSTKEY1=$(ssh-keyscan -t ed25519 -p "$SSH_PORT" 127.0.0.1 2>/dev/null | awk '{ print $3 }')

say "5. seal (as the SEAL stage) and power off with system_powerdown"
t0=$(now)
rssh 'sudo sh -s' <<'EOF' || die "seal script failed"
set -e
: > /etc/machine-id
rm -f /var/lib/dbus/machine-id /etc/hostid
rm -f /etc/ssh/ssh_host_* /etc/dropbear/dropbear_*_host_key
rm -rf /var/lib/dhcp/* /var/lib/dhclient/* /var/lib/NetworkManager/*.lease /var/lib/udhcpc/*
rm -rf /var/lib/cloud/instances /var/lib/cloud/instance /var/lib/cloud/data /var/lib/cloud/sem
mkdir -p /etc/cloud/cloud.cfg.d
printf 'datasource_list: [ NoCloud, ConfigDrive, OpenStack, Ec2, Azure, GCE, None ]\n' > /etc/cloud/cloud.cfg.d/99-goldsmith-datasource.cfg
if command -v cloud-init >/dev/null; then cloud-init clean --logs || true; fi
rm -rf /var/log/journal/*
rm -f /root/.bash_history /root/.ash_history /home/*/.bash_history /home/*/.ash_history
rm -f /home/*/.ssh/authorized_keys
sync
EOF
qmp_powerdown
wait_exit seal 180
timing "seal + system_powerdown to qemu exit" "$(secs "$t0" "$(now)")"

say "6. boot the sealed disk as a clone, with a NoCloud seed (cloud-init)"
ssh-keygen -q -t ed25519 -N '' -C rdz-clone -f "$WORK/id_clone"
printf 'instance-id: rdz-clone-1\nlocal-hostname: rdz-clone-1\n' >"$WORK/meta-data"
printf '#cloud-config\nssh_authorized_keys:\n  - %s\n' "$(cat "$WORK/id_clone.pub")" >"$WORK/user-data"
mkfs.vfat -C -n CIDATA "$WORK/cidata.img" 2048 >/dev/null
MTOOLS_SKIP_CHECK=1 mcopy -i "$WORK/cidata.img" "$WORK/meta-data" "$WORK/user-data" ::
EXTRA_DISK=(-drive "if=none,id=cidata,file=$WORK/cidata.img,format=raw,readonly=on" -device "virtio-blk-pci,drive=cidata")
boot_vm boot-sealed
EXTRA_DISK=()
wait_banner boot-sealed
timing "boot of the sealed clone to SSH banner" "$LOGIN_SECS"
HOSTKEY2=$(ssh-keyscan -t ed25519 -p "$SSH_PORT" 127.0.0.1 2>/dev/null | awk '{ print $3 }')
if [ -z "$HOSTKEY2" ] || [ "$HOSTKEY2" = "$HOSTKEY1" ]; then FAILED_CHECKS+=(host-key-regenerated); fi
if rssh true 2>/dev/null; then FAILED_CHECKS+=(build-key-removed); fi
# cloud-init's default user (debian) gets the NoCloud key
CLONE_OPTS=(-i "$WORK/id_clone" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes
    -o ConnectTimeout=20 -o LogLevel=ERROR -o IdentitiesOnly=yes)
clone_out=
for _ in $(seq 1 60); do
    clone_out=$(ssh "${CLONE_OPTS[@]}" -p "$SSH_PORT" debian@127.0.0.1 \
        'hostname; cat /etc/machine-id; cloud-init status --wait >/dev/null 2>&1; cloud-init status; systemctl is-system-running' 2>/dev/null) && break
    sleep 5
done
say "clone: $(tr '\n' ' ' <<<"$clone_out")"
grep -qx rdz-clone-1 <<<"$clone_out" || FAILED_CHECKS+=(cloud-init-hostname)
MID2=$(sed -n 2p <<<"$clone_out")
if ! [[ $MID2 =~ ^[0-9a-f]{32}$ ]] || [ "$MID2" = "$MID1" ]; then FAILED_CHECKS+=(machine-id-regenerated); fi
grep -q 'status: done' <<<"$clone_out" || FAILED_CHECKS+=(cloud-init-done)
qmp_powerdown
wait_exit boot-sealed 180
timing "system_powerdown to qemu exit" "$EXIT_SECS"
say "machine-id before seal $MID1, after $MID2"

echo
printf '  %s\n' "${TIMINGS[@]}"
if [ ${#FAILED_CHECKS[@]} -gt 0 ]; then
    die "checks failed: ${FAILED_CHECKS[*]} (logs in $WORK)"
fi
OK=1
echo "reference-debian-zfs end-to-end test PASSED (medium $IMG, profile $PROFILE)"
