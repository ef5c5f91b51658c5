#!/usr/bin/env bash
# Builds the reference-debian-zfs installer medium.
#
#   build.sh OUTPUT_DIR
#   build.sh --resolve OUTPUT_DIR   refresh the private package lists and write
#                                   only OUTPUT_DIR/resolved.lock: the versions a
#                                   build now would start from (step 1)
#
# Steps (each cached, see README.md):
#   1. kernel and zfs versions: the apt candidates of packages.txt (or the
#      versions in REFERENCE_DEBIAN_ZFS_LOCK, a darksite.lock of an earlier build);
#   2. zfs-module.sh: the zfs kernel module for that kernel, built with DKMS
#      once per (kernel, zfs) pair and packaged as goldsmith-zfs-modules-<abi>;
#   3. darksite.sh: the pinned, content-addressed package set (closure of
#      packages.txt, medium.txt, profiles/*.txt + the module package);
#   4. the live system: mmdebstrap of packages.txt from the darksite only,
#      configured by system/customize.sh (this is what gets installed);
#   5. the medium: a raw GPT disk image with
#        p1  FAT ESP  \EFI\BOOT\BOOTX64.EFI = unified kernel image (Debian's
#            kernel + a busybox initramfs = installer stage 1, installer/init)
#        p2  ext4 (label RDZMEDIUM): live/ (the system), darksite/ (the
#            package set as a flat apt repository), installer/ (stage 2).
#
# Writes OUTPUT_DIR/reference-debian-zfs.img, .img.sha256 (sha256sum format),
# darksite.lock, darksite.digest and darksite-<hex>.tar (the package set as one
# file), and resolved.lock (the versions of step 1, what a refresh compares; a
# build given one as GOLDSMITH_RESOLVED_LOCK uses exactly those versions plus
# the zfs module package it builds). The last line on stdout is the image's
# sha256; progress -> stderr.
# Needs root, mmdebstrap, dpkg-dev, binutils, fdisk, dosfstools, mtools,
# e2fsprogs, cpio.
set -euo pipefail
umask 022

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FORMAT_VERSION=1
MEDIUM_LABEL=RDZMEDIUM
ESP_LABEL=RDZINSTALL
EFI_SYSTEM_GUID=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
LINUX_DATA_GUID=0FC63DAF-8483-4772-8E79-3D69D8477DE4
IMG_NAME=reference-debian-zfs.img

log() { echo "build.sh: [$(($(date +%s) - T0))s] $*" >&2; }
die() { echo "build.sh: error: $*" >&2; exit 1; }
T0=$(date +%s)

RESOLVE_ONLY=0
if [ "${1:-}" = --resolve ]; then
    RESOLVE_ONLY=1
    shift
fi
[ $# -eq 1 ] || { echo "usage: $0 [--resolve] OUTPUT_DIR" >&2; exit 2; }
OUT_DIR=$1
[ "$(id -u)" = 0 ] || die "must run as root"
for t in mmdebstrap apt-get dpkg-deb dpkg-scanpackages objcopy objdump sfdisk mkfs.vfat mmd mcopy mkfs.ext4 cpio flock sha256sum; do
    command -v "$t" >/dev/null || die "missing tool: $t (apt-get install mmdebstrap dpkg-dev binutils fdisk dosfstools mtools e2fsprogs cpio)"
done

CACHE_ROOT=${GOLDSMITH_CACHE_DIR:-/var/cache/goldsmith}/reference-debian-zfs
OUT_CACHE=$CACHE_ROOT/out
mkdir -p "$OUT_CACHE" "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
exec 9>"$CACHE_ROOT/.build.lock"
flock 9
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1704067200}

LISTS=("$HERE/packages.txt" "$HERE/medium.txt" "$HERE"/profiles/*.txt)
LOCK=${REFERENCE_DEBIAN_ZFS_LOCK:-${GOLDSMITH_RESOLVED_LOCK:-}}
[ -z "$LOCK" ] || LOCK=$(realpath "$LOCK")

# ------------------------------------------------------------ 1. versions
if [ -n "$LOCK" ]; then
    VERSIONS=$(grep -v '^#' "$LOCK")
else
    VERSIONS=$(DARKSITE_REFRESH=$RESOLVE_ONLY "$HERE/darksite.sh" --resolve-only "${LISTS[@]}") \
        || die "cannot resolve the package lists"
fi
write_resolved() {
    { echo "# reference-debian-zfs resolved versions, written by build.sh"; echo "$VERSIONS"; } >"$OUT_DIR/resolved.lock"
}
if [ "$RESOLVE_ONLY" = 1 ]; then
    write_resolved
    log "resolved $(wc -l <<<"$VERSIONS") packages into $OUT_DIR/resolved.lock"
    exit 0
fi
read -r KPKG KVERSION _ < <(awk '$1 ~ /^linux-image-[0-9].*-cloud-amd64$/ { print $1, $2; exit }' <<<"$VERSIONS")
ABI=${KPKG#linux-image-}
ZFSVER=$(awk '$1 == "zfsutils-linux" { print $2; exit }' <<<"$VERSIONS")
if [ -z "$ABI" ] || [ -z "$KVERSION" ] || [ -z "$ZFSVER" ]; then die "no cloud kernel or zfsutils-linux in the package set"; fi
log "kernel $ABI ($KVERSION), zfs $ZFSVER"

# ------------------------------------------------------------ 2. zfs module
LOCAL=$CACHE_ROOT/local
rm -rf "$LOCAL"
mkdir -p "$LOCAL"
MODDEB=$("$HERE/zfs-module.sh" "$LOCAL" "$ABI" "$KVERSION" "$ZFSVER" | tail -1)
MODPKG=goldsmith-zfs-modules-$ABI
echo "$MODPKG" >"$CACHE_ROOT/local-packages.txt"
log "zfs module package $(basename "$MODDEB")"

# ------------------------------------------------------------ 3. darksite
DARKSITE=$CACHE_ROOT/darksite
# A resolved lock (a refresh's, step 1's versions) pins the archive's packages but not the module package,
# which is built here: it joins the lock darksite.sh gets, so the darksite is exactly that set plus the module.
DARKSITE_PINS=$LOCK
if [ -n "$LOCK" ] && ! grep -q "^$MODPKG " "$LOCK"; then
    DARKSITE_PINS=$CACHE_ROOT/pins.lock
    {
        grep -v '^#' "$LOCK"
        printf '%s %s %s %s %s\n' "$(dpkg-deb -f "$MODDEB" Package)" "$(dpkg-deb -f "$MODDEB" Version)" \
            "$(dpkg-deb -f "$MODDEB" Architecture)" "$(sha256sum <"$MODDEB" | cut -d' ' -f1)" "$(stat -c %s "$MODDEB")"
    } >"$DARKSITE_PINS"
fi
DIGEST=$(DARKSITE_LOCK=$DARKSITE_PINS "$HERE/darksite.sh" "$DARKSITE" "${LISTS[@]}" "$CACHE_ROOT/local-packages.txt" \
    --local "$LOCAL" | tail -1)
[[ $DIGEST =~ ^sha256:[0-9a-f]{64}$ ]] || die "darksite.sh printed no digest"
grep -q "^$MODPKG " "$DARKSITE/darksite.lock" || die "the darksite lacks $MODPKG"
log "darksite $DIGEST"

# ------------------------------------------------------------ build key
input_files() {
    (cd "$HERE" && find build.sh darksite.sh zfs-module.sh packages.txt medium.txt profiles installer system \
        -type f -o -type l | LC_ALL=C sort)
}
KEY=$(
    {
        echo "reference-debian-zfs format $FORMAT_VERSION labels $MEDIUM_LABEL $ESP_LABEL"
        echo "darksite $DIGEST"
        input_files | while IFS= read -r f; do
            if [ -L "$HERE/$f" ]; then echo "$f -> $(readlink "$HERE/$f")"; else echo "$f $(stat -c %a "$HERE/$f") $(sha256sum <"$HERE/$f" | cut -d' ' -f1)"; fi
        done
    } | sha256sum | cut -d' ' -f1
)
CACHED=$OUT_CACHE/$KEY

publish() {
    local sha tar
    sha=$(cut -d' ' -f1 "$CACHED/$IMG_NAME.sha256")
    if [ -f "$OUT_DIR/$IMG_NAME" ] && [ "$(cat "$OUT_DIR/.build-key" 2>/dev/null)" = "$KEY" ] \
        && [ "$(stat -c %s "$OUT_DIR/$IMG_NAME")" = "$(stat -c %s "$CACHED/$IMG_NAME")" ] \
        && cmp -s "$OUT_DIR/$IMG_NAME.sha256" "$CACHED/$IMG_NAME.sha256"; then
        log "$OUT_DIR/$IMG_NAME is up to date (key ${KEY:0:16})"
    else
        cp --reflink=auto --sparse=always "$CACHED/$IMG_NAME" "$OUT_DIR/.$IMG_NAME.tmp"
        mv -f "$OUT_DIR/.$IMG_NAME.tmp" "$OUT_DIR/$IMG_NAME"
        echo "$KEY" >"$OUT_DIR/.build-key"
    fi
    cp "$CACHED/$IMG_NAME.sha256" "$OUT_DIR/$IMG_NAME.sha256"
    cp "$CACHED/darksite.lock" "$OUT_DIR/darksite.lock"
    echo "$DIGEST" >"$OUT_DIR/darksite.digest"
    write_resolved
    tar=$CACHE_ROOT/darksite-${DIGEST#sha256:}.tar
    if [ -f "$tar" ] && [ ! -f "$OUT_DIR/$(basename "$tar")" ]; then
        rm -f "$OUT_DIR"/darksite-*.tar
        ln "$tar" "$OUT_DIR/" 2>/dev/null || cp "$tar" "$OUT_DIR/"
    fi
    log "done: $OUT_DIR/$IMG_NAME ($(($(stat -c %s "$OUT_DIR/$IMG_NAME") / 1048576)) MiB)"
    echo "$sha"
}

if [ -f "$CACHED/$IMG_NAME" ] && [ -f "$CACHED/$IMG_NAME.sha256" ] && [ -f "$CACHED/darksite.lock" ] \
    && [ "$(stat -c %s "$CACHED/$IMG_NAME")" = "$(cat "$CACHED/size")" ]; then
    log "inputs unchanged, reusing cached build ${KEY:0:16}"
    publish
    exit 0
fi

# ------------------------------------------------------------ 4. live system
log "building (key ${KEY:0:16})"
W=$(mktemp -d "${TMPDIR:-/var/tmp}/rdz-build.XXXXXX")
cleanup() { if [ "${KEEP_WORK:-0}" = 1 ]; then log "work dir kept: $W"; else rm -rf "$W"; fi; }
trap cleanup EXIT
P2=$W/p2
mkdir -p "$P2/installer/profiles"

CORE=$(sed 's/#.*//; s/[[:space:]]//g; /^$/d' "$HERE/packages.txt" | paste -sd, -)
log "mmdebstrap of the core system from the darksite"
mmdebstrap --variant=essential --mode=root --format=directory --skip=check/empty \
    --aptopt='APT::Install-Recommends "false"' --aptopt='Acquire::Languages "none"' \
    --include="$CORE,$MODPKG" \
    --essential-hook="mkdir -p \"\$1/etc/initramfs-tools/conf.d\" && cp '$HERE/system/rootfs/etc/initramfs-tools/conf.d/goldsmith.conf' \"\$1/etc/initramfs-tools/conf.d/\"" \
    --customize-hook="'$HERE/system/customize.sh' \"\$1\"" \
    bookworm "$P2/live" "deb [trusted=yes] copy://$DARKSITE ./" >"$W/mmdebstrap.log" 2>&1 \
    || { tail -40 "$W/mmdebstrap.log" >&2; die "mmdebstrap failed (log: $W/mmdebstrap.log)"; }
[ -f "$P2/live/boot/vmlinuz-$ABI" ] || die "the live system has no kernel $ABI"
[ -f "$P2/live/lib/modules/$ABI/updates/dkms/zfs.ko" ] || die "the live system has no zfs module"
log "live system: $(du -sm "$P2/live" | cut -f1) MiB"

# ------------------------------------------------------------ 5. medium
mkdir -p "$P2/darksite"
cp -al "$DARKSITE/." "$P2/darksite/"
install -m 0755 "$HERE/installer/install.sh" "$P2/installer/install.sh"
install -m 0644 "$HERE/installer/answers.sh" "$P2/installer/answers.sh"
install -m 0644 "$HERE"/profiles/*.txt "$P2/installer/profiles/"
echo "$MEDIUM_LABEL" >"$P2/medium-label"
{
    echo "name: reference-debian-zfs format $FORMAT_VERSION build ${KEY:0:12}"
    echo "key: $KEY"
    echo "kernel: $ABI $KVERSION"
    echo "zfs: $ZFSVER"
    echo "darksite: $DIGEST"
} >"$P2/medium-info"

# installer stage 1: busybox initramfs
SRC=$W/src
mkdir -p "$SRC"
bb_deb=$(awk '$1 == "busybox-static" { printf "%s_%s_%s.deb", $1, $2, $3 }' "$DARKSITE/darksite.lock" | sed 's/:/%3a/')
dpkg-deb -x "$DARKSITE/pool/$bb_deb" "$SRC" || die "busybox-static is not in the darksite"
I=$W/initramfs
mkdir -p "$I"/{usr/bin,usr/sbin,dev,proc,sys,etc/rdz,lib/modules,medium,rw,newroot}
ln -s usr/bin "$I/bin"
ln -s usr/sbin "$I/sbin"
cp "$SRC/bin/busybox" "$I/usr/bin/busybox"
for a in $("$I/usr/bin/busybox" --list-full); do
    case $a in
        bin/* | usr/bin/*) [ -e "$I/usr/bin/${a##*/}" ] || ln -s busybox "$I/usr/bin/${a##*/}" ;;
        sbin/* | usr/sbin/*) [ -e "$I/usr/sbin/${a##*/}" ] || ln -s ../bin/busybox "$I/usr/sbin/${a##*/}" ;;
    esac
done
mknod -m 0600 "$I/dev/console" c 5 1
mknod -m 0666 "$I/dev/null" c 1 3
install -m 0755 "$HERE/installer/init" "$I/init"
echo "$MEDIUM_LABEL" >"$I/etc/rdz/medium-label"
# modules (with their dependencies from modules.dep) in load order
MODDIR=$P2/live/lib/modules/$ABI
declare -A MSEEN=()
MORDER=()
mod_path() { awk -F: -v m="$1" '{ n = $1; sub(/.*\//, "", n); sub(/\.ko.*$/, "", n); gsub(/-/, "_", n) } n == m { print $1; exit }' "$MODDIR/modules.dep"; }
mod_add() {
    local m=${1//-/_} p d deps=()
    [ -z "${MSEEN[$m]:-}" ] || return 0
    MSEEN[$m]=1
    p=$(mod_path "$m")
    if [ -z "$p" ]; then
        grep -q "/$1.ko" "$MODDIR/modules.builtin" && return 0
        die "kernel module $1 not found in $ABI"
    fi
    read -r -a deps < <(awk -F: -v p="$p" '$1 == p { print $2 }' "$MODDIR/modules.dep")
    for d in "${deps[@]}"; do
        d=${d##*/}
        mod_add "${d%%.ko*}"
    done
    MORDER+=("$m")
    cp "$MODDIR/$p" "$I/lib/modules/$m.ko"
}
for m in virtio_pci virtio_blk virtio_scsi sd_mod ext4 overlay; do mod_add "$m"; done
printf '%s\n' "${MORDER[@]}" >"$I/etc/rdz/modules.load"
log "installer modules: ${MORDER[*]}"
find "$I" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$I" && find . -mindepth 1 -print0 | LC_ALL=C sort -z | cpio --quiet -o -0 -H newc -R 0:0 --reproducible) \
    | zstd -q -19 -T0 >"$W/initramfs.cpio.zst"

STUB=$P2/live/usr/lib/systemd/boot/efi/linuxx64.efi.stub
[ -f "$STUB" ] || die "no $STUB (systemd-boot-efi)"
# make_uki OUT CMDLINE_FILE OSREL_FILE KERNEL INITRD: systemd-stub unified kernel image
make_uki() {
    local out=$1 end=0 off sec file idx size vma rest args=()
    while read -r idx _ size vma rest; do
        case $idx in *[!0-9]* | '') continue ;; esac
        [ $((0x$vma + 0x$size)) -le "$end" ] || end=$((0x$vma + 0x$size))
    done < <(objdump -h "$STUB")
    [ "$end" -gt 0 ] || die "cannot read the sections of $STUB"
    off=$(((end + 0xfff) & ~0xfff))
    for sec in osrel:"$3" cmdline:"$2" linux:"$4" initrd:"$5"; do
        file=${sec#*:}
        sec=${sec%%:*}
        args+=(--add-section ".$sec=$file" --change-section-vma ".$sec=$(printf '0x%x' "$off")")
        off=$(((off + $(stat -Lc %s "$file") + 0xfff) & ~0xfff))
    done
    objcopy "${args[@]}" "$STUB" "$out"
    local pe
    pe=$(od -An -tu4 -j 60 -N 4 "$out" | tr -d ' ')
    printf '\0\0\0\0' | dd of="$out" bs=1 seek=$((pe + 8)) conv=notrunc status=none
    printf '\0\0\0\0' | dd of="$out" bs=1 seek=$((pe + 88)) conv=notrunc status=none
}
tr -d '\n' <"$HERE/installer/cmdline" >"$W/cmdline"
make_uki "$W/BOOTX64.EFI" "$W/cmdline" "$HERE/installer/os-release" "$P2/live/boot/vmlinuz-$ABI" "$W/initramfs.cpio.zst"
log "installer boot image $(($(stat -c %s "$W/BOOTX64.EFI") / 1024)) KiB"

# p2: ext4 built from the directory (no mount)
find "$P2" -maxdepth 1 -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
guid() { echo "${1:0:8}-${1:8:4}-4${1:13:3}-8${1:17:3}-${1:20:12}" | tr a-f A-F; }
p2_mib=$(($(du -sm --apparent-size "$P2" | cut -f1) * 115 / 100 + 128))
E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH mkfs.ext4 -q -F -L "$MEDIUM_LABEL" -U "$(guid "${KEY:0:32}" | tr A-F a-f)" \
    -E "root_owner=0:0,hash_seed=$(guid "${KEY:32:32}" | tr A-F a-f),nodiscard" -i 8192 -m 0 \
    -O ^has_journal -d "$P2" "$W/p2.img" "${p2_mib}M" || die "mkfs.ext4 -d failed"
log "data partition ${p2_mib} MiB"

# p1: FAT ESP built with mtools (no mount)
export MTOOLS_SKIP_CHECK=1
esp_mib=$((($(stat -c %s "$W/BOOTX64.EFI") / 1048576) + 8))
cp "$DARKSITE/darksite.lock" "$W/darksite.lock"
cp "$P2/medium-info" "$W/medium-info"
touch -d "@$SOURCE_DATE_EPOCH" "$W/BOOTX64.EFI" "$W/darksite.lock" "$W/medium-info"
mkfs.vfat --invariant -C -n "$ESP_LABEL" -i "${KEY:0:8}" "$W/esp.img" $((esp_mib * 1024)) >/dev/null
mmd -i "$W/esp.img" ::/EFI ::/EFI/BOOT
mcopy -m -i "$W/esp.img" "$W/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
mcopy -m -i "$W/esp.img" "$W/darksite.lock" ::/darksite.lock
mcopy -m -i "$W/esp.img" "$W/medium-info" ::/medium-info

# GPT disk image: partitions placed by offset
disk=$W/$IMG_NAME
truncate -s $(((1 + esp_mib + p2_mib + 1) * 1048576)) "$disk"
sfdisk --quiet "$disk" >/dev/null <<EOF
label: gpt
label-id: $(guid "${KEY:8:32}")
unit: sectors
start=2048, size=$((esp_mib * 2048)), type=$EFI_SYSTEM_GUID, uuid=$(guid "${KEY:16:32}"), name="$ESP_LABEL"
start=$(((1 + esp_mib) * 2048)), size=$((p2_mib * 2048)), type=$LINUX_DATA_GUID, uuid=$(guid "${KEY:24:32}"), name="$MEDIUM_LABEL"
EOF
dd if="$W/esp.img" of="$disk" bs=1M seek=1 conv=notrunc,sparse status=none
dd if="$W/p2.img" of="$disk" bs=1M seek=$((1 + esp_mib)) conv=notrunc,sparse status=none

rm -rf "$CACHED.tmp"
mkdir -p "$CACHED.tmp"
mv "$disk" "$CACHED.tmp/$IMG_NAME"
cp "$DARKSITE/darksite.lock" "$CACHED.tmp/darksite.lock"
cp "$P2/medium-info" "$CACHED.tmp/medium-info"
(cd "$CACHED.tmp" && sha256sum "$IMG_NAME" >"$IMG_NAME.sha256" && stat -c %s "$IMG_NAME" >size)
rm -rf "$CACHED"
mv "$CACHED.tmp" "$CACHED"
# keep the two most recent builds
find "$OUT_CACHE" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn | tail -n +3 | cut -d' ' -f2- | xargs -r rm -rf
find "$CACHE_ROOT" -maxdepth 1 -name 'darksite-*.tar' -printf '%T@ %p\n' | sort -rn | tail -n +4 | cut -d' ' -f2- | xargs -r rm -f
log "image $(($(stat -c %s "$CACHED/$IMG_NAME") / 1048576)) MiB"
publish
