#!/usr/bin/env bash
# Unit test of installer/answers.sh (answers.env parsing and validation), no
# VM needed. Runs the parser under dash (/bin/sh), bash and busybox sh.
#   ./test-answers.sh
# shellcheck disable=SC2016,SC2001 # (single quotes on purpose: shell syntax must stay literal)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

SHELLS=(/bin/sh bash)
if command -v busybox >/dev/null; then SHELLS=("busybox sh" "${SHELLS[@]}"); fi

pass=0
fail=0

# run SHELL FILE: prints the parsed values or "ERROR: ..."
run() {
    $1 -c '
        . "$1"
        if parse_answers "$2" && validate_answers; then
            printf "host=%s\nuser=%s\ndisk=%s\nprofile=%s\npassword=%s\npubkey=%s\ntz=%s\nlocale=%s\nesp=%s\nnet=%s\nextra=%s\ntimeout=%s\nseen=%s\n" \
                "$HOST" "$USER_NAME" "$DISK" "$PROFILE" "$A_PASSWORD" "$A_SSH_PUBKEY" "$TIMEZONE" "$LOCALE" \
                "$ESP_MIB" "$NET_METHOD" "$EXTRA_PKGS" "$BOOT_TIMEOUT" "$A_SEEN"
        else
            echo "ERROR: $ANSWERS_ERROR"
        fi' sh "$HERE/installer/answers.sh" "$2"
}

# check NAME EXPECTED_LINE... < answers.env content
check() {
    local name=$1 sh out want
    shift
    cat >"$T/answers.env"
    for sh in "${SHELLS[@]}"; do
        out=$(cd "$T" && run "$sh" "$T/answers.env")
        for want in "$@"; do
            if ! grep -qxF -- "$want" <<<"$out"; then
                echo "FAIL [$sh] $name: expected line '$want', got:"
                sed 's/^/    /' <<<"$out"
                fail=$((fail + 1))
                continue 2
            fi
        done
        pass=$((pass + 1))
    done
}

KEY='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHc3G2V3vZQm8Rk5y3nN6m1r9gYk4fJb1fP2q3w4e5r6 user@host'

check "the worker's answers (sorted, double quotes)" \
    "host=gold-01" "user=ops" "disk=/dev/vda" "profile=server" "password=s3cr3t x" "pubkey=$KEY" \
    "seen= DISK DISTRO ENABLE_SECURE_BOOT HOSTNAME NO_AUTO_REBOOT PASSWORD PROFILE SSH_PUBKEY USERNAME" <<EOF
# answers.env of Goldsmith build 1 attempt 1
KLDLOAD_DISK="/dev/vda"
KLDLOAD_DISTRO="debian"
KLDLOAD_ENABLE_SECURE_BOOT="0"
KLDLOAD_HOSTNAME="gold-01"
KLDLOAD_NO_AUTO_REBOOT="0"
KLDLOAD_PASSWORD="s3cr3t x"
KLDLOAD_PROFILE="server"
KLDLOAD_SSH_PUBKEY="$KEY"
KLDLOAD_USERNAME="ops"
EOF

check "defaults" "host=kldload" "user=admin" "disk=/dev/vda" "profile=core" "tz=UTC" "locale=C.UTF-8" \
    "esp=512" "net=dhcp" "timeout=0" <<EOF
KLDLOAD_SSH_PUBKEY=$KEY
EOF

check "CRLF, comments, blanks, single quotes, no final newline" "host=crlf" "tz=Europe/Zurich" <<EOF
$(printf '# c\r\n\r\n  KLDLOAD_HOSTNAME = crlf\r\nKLDLOAD_TIMEZONE='"'"'Europe/Zurich'"'"'\r\nKLDLOAD_SSH_PUBKEY=%s' "$KEY")
EOF

check "shell syntax in values stays literal" 'password=$(touch pwned)`touch pwned2`;x' <<EOF
KLDLOAD_PASSWORD=\$(touch pwned)\`touch pwned2\`;x
EOF
if [ -e "$T/pwned" ] || [ -e "$T/pwned2" ]; then echo "FAIL: a value was executed"; fail=$((fail + 1)); fi

check "options" "esp=1024" "extra=jq tree" "timeout=5" "locale=de_CH.UTF-8" <<EOF
KLDLOAD_PASSWORD=x
KLDLOAD_ESP_SIZE=1G
KLDLOAD_EXTRA_PACKAGES="jq, tree"
KLDLOAD_ZBM_TIMEOUT=5
KLDLOAD_LOCALE=de_CH.UTF-8
KLDLOAD_ZFS_POOL=rpool
KLDLOAD_ZFS_TOPOLOGY=single
KLDLOAD_ZFS_ENCRYPT=0
KLDLOAD_EXPORT_FORMAT=none
KLDLOAD_WIREGUARD=1
EOF

check "static network" "net=static" <<EOF
KLDLOAD_PASSWORD=x
KLDLOAD_NET_METHOD=static
KLDLOAD_NET_IP=10.0.1.10
KLDLOAD_NET_PREFIX=24
KLDLOAD_NET_GW=10.0.1.1
KLDLOAD_NET_DNS=1.1.1.1,9.9.9.9
EOF

check "unknown non-KLDLOAD key" "ERROR: answers.env line 2: unknown key FOO" <<EOF
KLDLOAD_PASSWORD=x
FOO=bar
EOF
check "unknown KLDLOAD key" "ERROR: answers.env line 1: unknown key KLDLOAD_STORAGE_MODE" <<EOF
KLDLOAD_STORAGE_MODE=zfs
EOF
check "lower-case key" "ERROR: answers.env line 1: unknown key kldload_hostname" <<EOF
kldload_hostname=x
EOF
check "export prefix" "ERROR: answers.env line 1: invalid key name" <<EOF
export KLDLOAD_HOSTNAME=x
EOF
check "line without =" "ERROR: answers.env line 1: not KEY=value" <<EOF
KLDLOAD_HOSTNAME
EOF
check "bad hostname" "ERROR: invalid KLDLOAD_HOSTNAME 'bad_host'" <<EOF
KLDLOAD_HOSTNAME=bad_host
KLDLOAD_PASSWORD=x
EOF
check "reserved username" "ERROR: KLDLOAD_USERNAME 'root' is reserved" <<EOF
KLDLOAD_USERNAME=root
KLDLOAD_PASSWORD=x
EOF
check "bad public key" "ERROR: an SSH public key answer is not an OpenSSH public key line" <<EOF
KLDLOAD_SSH_PUBKEY=AAAA not a key
EOF
check "nobody could log in" "ERROR: neither KLDLOAD_SSH_PUBKEY nor KLDLOAD_PASSWORD is set: nobody could log in" <<EOF
KLDLOAD_HOSTNAME=x
EOF
check "other distro" "ERROR: KLDLOAD_DISTRO 'fedora' is not supported (this medium installs debian)" <<EOF
KLDLOAD_DISTRO=fedora
KLDLOAD_PASSWORD=x
EOF
check "other profile" "ERROR: KLDLOAD_PROFILE 'desktop' is not supported (core, server)" <<EOF
KLDLOAD_PROFILE=desktop
KLDLOAD_PASSWORD=x
EOF
check "other pool" "ERROR: KLDLOAD_ZFS_POOL 'tank' is not supported (rpool only)" <<EOF
KLDLOAD_ZFS_POOL=tank
KLDLOAD_PASSWORD=x
EOF
check "encryption" "ERROR: KLDLOAD_ZFS_ENCRYPT=1 is not supported (an encrypted pool cannot boot unattended)" <<EOF
KLDLOAD_ZFS_ENCRYPT=1
KLDLOAD_PASSWORD=x
EOF
check "secure boot" "ERROR: KLDLOAD_ENABLE_SECURE_BOOT=1 is not supported by this installer" <<EOF
KLDLOAD_ENABLE_SECURE_BOOT=1
KLDLOAD_PASSWORD=x
EOF
check "bad disk" "ERROR: invalid KLDLOAD_DISK '/dev/../sda'" <<EOF
KLDLOAD_DISK=/dev/../sda
KLDLOAD_PASSWORD=x
EOF
check "by-id disk" "disk=/dev/disk/by-id/virtio-abc_1" <<EOF
KLDLOAD_DISK=/dev/disk/by-id/virtio-abc_1
KLDLOAD_PASSWORD=x
EOF
check "bad timezone" "ERROR: invalid KLDLOAD_TIMEZONE '../etc/passwd'" <<EOF
KLDLOAD_TIMEZONE=../etc/passwd
KLDLOAD_PASSWORD=x
EOF
check "bad package" "ERROR: invalid package name 'a;b' in KLDLOAD_EXTRA_PACKAGES" <<EOF
KLDLOAD_EXTRA_PACKAGES=a;b
KLDLOAD_PASSWORD=x
EOF
check "static without address" "ERROR: KLDLOAD_NET_METHOD=static needs an IPv4 KLDLOAD_NET_IP" <<EOF
KLDLOAD_NET_METHOD=static
KLDLOAD_NET_IP=10.0.300.1
KLDLOAD_PASSWORD=x
EOF

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
