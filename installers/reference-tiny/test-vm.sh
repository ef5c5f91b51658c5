#!/usr/bin/env bash
# Manual end-to-end smoke test of the reference-tiny installer medium under
# QEMU/TCG + OVMF (not for CI: it takes over a minute and needs qemu,
# ovmf, mtools, dosfstools and an ssh client).
#
#   test-vm.sh [--image reference-tiny.img] [--keep]
#
# Without --image it first runs build.sh into the work directory. Then:
#   1. installs with answers.env holding an unknown key: expects "Install failed:"
#   2. installs onto a blank 2G qcow2 disk: expects "Install completed successfully"
#   3. boots the installed disk (through a qcow2 overlay) with user networking,
#      waits for the SSH banner, logs in with a fresh ed25519 key and checks
#      UEFI boot, hostname, machine-id, dropbear on :22, uname -r, sudo, that root
#      logins are refused; then QMP system_powerdown must make QEMU exit
#   4. boots again and seals like the seal stage does (empty machine-id, delete
#      host keys and the authorized key) through sudo, then "sudo poweroff"
#   5. boots the sealed disk: machine-id and host keys must be new, the removed
#      key must no longer log in; system_powerdown again
# and prints the timings. KVM is never used (-accel tcg).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

IMG=
KEEP=0
while [ $# -gt 0 ]; do
    case $1 in
        --image) IMG=$(realpath "$2"); shift 2 ;;
        --keep) KEEP=1; shift ;;
        *) echo "usage: $0 [--image IMG] [--keep]" >&2; exit 2 ;;
    esac
done

OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
QEMU=${QEMU:-qemu-system-x86_64}
for t in "$QEMU" qemu-img mkfs.vfat mcopy ssh ssh-keygen ss timeout; do
    command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done
[ -f "$OVMF_CODE" ] && [ -f "$OVMF_VARS" ] || { echo "OVMF not found ($OVMF_CODE, $OVMF_VARS)" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/reference-tiny-test.XXXXXX")
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
timing() { TIMINGS+=("$(printf '%-40s %6s s' "$1" "$2")"); say "$1: $2 s"; }

free_port() {
    local p i
    for i in $(seq 1 100); do
        p=$((20000 + RANDOM % 20000))
        ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return 0; }
    done
    return 1
}

# qemu_args VARS_FILE SERIAL_LOG: the options every VM gets
qemu_args() {
    cp "$OVMF_VARS" "$1"
    QARGS=("$QEMU" -accel tcg -machine q35 -m 1024 -smp 2
        -drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE"
        -drive "if=pflash,format=raw,unit=1,file=$1"
        -device virtio-rng-pci
        -display none -monitor none -serial "file:$2" -no-reboot)
}

# ------------------------------------------------------------ medium
if [ -z "$IMG" ]; then
    say "building the medium into $WORK/out"
    t0=$(now)
    "$HERE/build.sh" "$WORK/out" >"$WORK/build.out"
    timing "build.sh" "$(secs "$t0" "$(now)")"
    IMG=$WORK/out/reference-tiny.img
fi
[ -f "$IMG" ] || die "no medium $IMG"
say "medium $IMG sha256 $(sha256sum <"$IMG" | cut -d' ' -f1)"

ssh-keygen -q -t ed25519 -N '' -C reference-tiny-smoke -f "$WORK/id_ed25519"
PUBKEY=$(cat "$WORK/id_ed25519.pub")

# make_seed FILE < answers.env
make_seed() {
    cat >"$WORK/answers.env"
    rm -f "$1"
    mkfs.vfat -C -n KLDLOADSEED "$1" 1440 >/dev/null
    MTOOLS_SKIP_CHECK=1 mcopy -i "$1" "$WORK/answers.env" ::/answers.env
}

# run_install NAME SEED TARGET: runs the installer VM to its end, sets INSTALL_SECS
run_install() {
    local name=$1 seed=$2 target=$3 t0 rc=0
    qemu_args "$WORK/$name.vars.fd" "$WORK/$name.serial.log"
    t0=$(now)
    timeout 300 "${QARGS[@]}" \
        -drive "if=none,id=target,file=$target,format=qcow2" -device virtio-blk-pci,drive=target \
        -drive "if=none,id=seed,file=$seed,format=raw,readonly=on" -device virtio-blk-pci,drive=seed \
        -drive "if=none,id=medium,file=$IMG,format=raw,readonly=on" -device virtio-blk-pci,drive=medium,bootindex=0 \
        -net none || rc=$?
    INSTALL_SECS=$(secs "$t0" "$(now)")
    [ "$rc" = 0 ] || die "$name: qemu exited with $rc (124 = timeout); see $WORK/$name.serial.log"
}

# ------------------------------------------------------------ 1. failing install
say "1. install with an unknown key in answers.env (must fail)"
make_seed "$WORK/seed-bad.img" <<EOF
KLDLOAD_HOSTNAME=bad
KLDLOAD_SSH_PUBKEY=$PUBKEY
SOMETHING_ELSE=1
EOF
qemu-img create -q -f qcow2 "$WORK/target-bad.qcow2" 2G
run_install install-bad "$WORK/seed-bad.img" "$WORK/target-bad.qcow2"
grep -a "^Install failed: answers.env line 3: unknown key SOMETHING_ELSE" "$WORK/install-bad.serial.log" >/dev/null \
    || die "expected 'Install failed: ... unknown key SOMETHING_ELSE' in $WORK/install-bad.serial.log"
grep -a "Install completed successfully" "$WORK/install-bad.serial.log" >/dev/null && die "bad install claimed success"
timing "failing install (qemu start to exit)" "$INSTALL_SECS"

# ------------------------------------------------------------ 2. install
say "2. install onto a blank 2G disk"
make_seed "$WORK/seed.img" <<EOF
# reference-tiny smoke test
KLDLOAD_HOSTNAME="rt-smoke"
KLDLOAD_USERNAME='admin'
KLDLOAD_PASSWORD="correct horse battery staple"

KLDLOAD_SSH_PUBKEY=$PUBKEY
KLDLOAD_DISK=/dev/vda
KLDLOAD_NO_AUTO_REBOOT=1
KLDLOAD_DISTRO=debian
KLDLOAD_PROFILE=server
KLDLOAD_STORAGE_MODE=ext4
EOF
qemu-img create -q -f qcow2 "$WORK/target.qcow2" 2G
run_install install "$WORK/seed.img" "$WORK/target.qcow2"
grep -a "^Install failed:" "$WORK/install.serial.log" && die "install failed, see $WORK/install.serial.log"
tr -d '\r' <"$WORK/install.serial.log" | grep -qx "Install completed successfully" \
    || die "no completion line in $WORK/install.serial.log"
timing "install (qemu start to exit)" "$INSTALL_SECS"

# ------------------------------------------------------------ installed system
qemu-img create -q -f qcow2 -b "$WORK/target.qcow2" -F qcow2 "$WORK/overlay.qcow2"

# boot_vm NAME: boots the overlay in the background; sets QEMU_PID SSH_PORT QMP_PORT BOOT_T0
boot_vm() {
    local name=$1
    SSH_PORT=$(free_port)
    QMP_PORT=$(free_port)
    [ "$QMP_PORT" != "$SSH_PORT" ] || QMP_PORT=$(free_port)
    qemu_args "$WORK/$name.vars.fd" "$WORK/$name.serial.log"
    BOOT_T0=$(now)
    "${QARGS[@]}" \
        -drive "if=none,id=disk,file=$WORK/overlay.qcow2,format=qcow2" -device virtio-blk-pci,drive=disk,bootindex=0 \
        -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$SSH_PORT-:22" -device virtio-net-pci,netdev=n0,romfile= \
        -qmp "tcp:127.0.0.1:$QMP_PORT,server=on,wait=off" &
    QEMU_PID=$!
}

# wait_ssh NAME: waits (up to 120 s) for the SSH banner; sets BANNER_SECS
wait_ssh() {
    local banner end=$((SECONDS + 120))
    while [ $SECONDS -lt $end ]; do
        kill -0 "$QEMU_PID" 2>/dev/null || die "$1: qemu exited before SSH came up; see $WORK/$1.serial.log"
        banner=$(timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$SSH_PORT && head -c 4 <&3" 2>/dev/null || true)
        [ "$banner" = "SSH-" ] && { BANNER_SECS=$(secs "$BOOT_T0" "$(now)"); return 0; }
        sleep 0.1
    done
    die "$1: no SSH banner within 120 s; see $WORK/$1.serial.log"
}

# wait_exit NAME TIMEOUT: waits for QEMU to exit; sets EXIT_SECS (from now)
wait_exit() {
    local t0 i
    t0=$(now)
    for i in $(seq 1 $(($2 * 2))); do
        if ! kill -0 "$QEMU_PID" 2>/dev/null; then
            wait "$QEMU_PID" || die "$1: qemu exited with an error"
            QEMU_PID=
            EXIT_SECS=$(secs "$t0" "$(now)")
            return 0
        fi
        sleep 0.5
    done
    die "$1: qemu still running $2 s after the power-off request; see $WORK/$1.serial.log"
}

qmp_powerdown() {
    local fd
    exec {fd}<>"/dev/tcp/127.0.0.1/$QMP_PORT"
    printf '{"execute":"qmp_capabilities"}\n{"execute":"system_powerdown"}\n' >&"$fd"
    sleep 1
    exec {fd}>&-
}

SSH_OPTS=(-i "$WORK/id_ed25519" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
    -o BatchMode=yes -o ConnectTimeout=20 -o LogLevel=ERROR -o IdentitiesOnly=yes)
rssh() { # rssh USER CMD...
    local user=$1
    shift
    ssh "${SSH_OPTS[@]}" -p "$SSH_PORT" "$user@127.0.0.1" "$@"
}
expect_eq() { [ "$2" = "$3" ] || die "$1: expected '$3', got '$2'"; }

say "3. boot the installed system"
boot_vm boot1
wait_ssh boot1
timing "boot to SSH banner (first boot)" "$BANNER_SECS"

expect_eq "UEFI boot" "$(rssh admin 'test -d /sys/firmware/efi && echo uefi')" uefi
expect_eq "hostname" "$(rssh admin hostname)" rt-smoke
MID1=$(rssh admin 'cat /etc/machine-id')
[[ $MID1 =~ ^[0-9a-f]{32}$ ]] || die "machine-id '$MID1' is not 32 hex digits"
rssh admin 'netstat -ltn' | grep -Eq '^tcp +[0-9]+ +[0-9]+ (0\.0\.0\.0|:::):22 ' || die "nothing listens on :22"
KREL=$(rssh admin 'uname -r')
[ -n "$KREL" ] || die "uname -r printed nothing"
expect_eq "id" "$(rssh admin 'id -un; id -gn')" "$(printf 'admin\nadmin')"
expect_eq "home permissions" "$(rssh admin 'stat -c "%a %U" ~ ~/.ssh ~/.ssh/authorized_keys' | tr '\n' ' ')" "700 admin 700 admin 600 admin "
expect_eq "sudo id -u" "$(rssh admin 'sudo id -u')" 0
expect_eq "sudo -n stdin and stdout" "$(rssh admin 'echo piped | sudo -n sh -c "cat > /root/t && cat /root/t"')" piped
expect_eq "sudo keeps the working directory" "$(rssh admin 'cd /tmp && sudo pwd')" /tmp
expect_eq "sudo quoting" "$(rssh admin "sudo printf '%s|' 'a b' \"c'd\" '\$HOME'")" "a b|c'd|\$HOME|"
rc=0; rssh admin 'sudo sh -c "exit 7"' || rc=$?
expect_eq "sudo exit status" "$rc" 7
rssh admin "sudo grep -q '^admin:[\$]6[\$]' /etc/shadow" || die "password hash missing in /etc/shadow"
rssh admin 'cat /etc/reference-tiny/install-info' | grep -qx 'KLDLOAD_PROFILE=server' || die "install-info lacks the profile"
# root logins must be refused even with an authorized key
rssh admin 'sudo sh -c "cat >> /root/.ssh/authorized_keys"' <"$WORK/id_ed25519.pub"
if rssh root true 2>/dev/null; then die "root could log in over SSH"; fi
say "checks passed: UEFI, hostname rt-smoke, machine-id $MID1, :22, kernel $KREL, sudo, root refused"

qmp_powerdown
wait_exit boot1 60
timing "system_powerdown to qemu exit" "$EXIT_SECS"
grep -aq "reference-tiny: shutting down" "$WORK/boot1.serial.log" || die "no clean shutdown in boot1.serial.log"

say "4. second boot: seal, then sudo poweroff"
boot_vm boot2
wait_ssh boot2
timing "boot to SSH banner (second boot)" "$BANNER_SECS"
expect_eq "machine-id kept across boots" "$(rssh admin 'cat /etc/machine-id')" "$MID1"
HOSTKEY1=$(ssh-keyscan -t ed25519 -p "$SSH_PORT" 127.0.0.1 2>/dev/null | awk '{ print $3 }')
[ -n "$HOSTKEY1" ] || die "ssh-keyscan got no ed25519 host key"
# like the seal stage: one session that ends with the power-off (the key that
# logged in is gone afterwards)
t0=$(now)
rssh admin 'sudo sh -c ": > /etc/machine-id; rm -f /etc/dropbear/dropbear_*_host_key /etc/ssh/ssh_host_*; rm -f /home/admin/.ssh/authorized_keys; sync; poweroff"' || true
wait_exit boot2 60
timing "seal + sudo poweroff to qemu exit" "$(secs "$t0" "$(now)")"

say "5. boot the sealed disk"
boot_vm boot3
wait_ssh boot3
timing "boot to SSH banner (after seal)" "$BANNER_SECS"
MID2=$(tr -d '\r' <"$WORK/boot3.serial.log" | sed -n 's/^reference-tiny: generated machine-id //p')
[[ $MID2 =~ ^[0-9a-f]{32}$ ]] && [ "$MID2" != "$MID1" ] || die "machine-id not regenerated after seal ('$MID2')"
HOSTKEY2=$(ssh-keyscan -t ed25519 -p "$SSH_PORT" 127.0.0.1 2>/dev/null | awk '{ print $3 }')
[ -n "$HOSTKEY2" ] && [ "$HOSTKEY2" != "$HOSTKEY1" ] || die "host key not regenerated after seal"
if rssh admin true 2>/dev/null; then die "the removed authorized key still logs in"; fi
qmp_powerdown
wait_exit boot3 60
timing "system_powerdown to qemu exit" "$EXIT_SECS"

OK=1
echo
echo "reference-tiny smoke test PASSED (medium $IMG)"
printf '  %s\n' "${TIMINGS[@]}"
