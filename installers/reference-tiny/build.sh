#!/usr/bin/env bash
# Builds the reference-tiny installer medium from Debian packages.
#
#   build.sh OUTPUT_DIR
#   build.sh --resolve OUTPUT_DIR   refresh the package lists (apt-get update)
#                                   and write only OUTPUT_DIR/resolved.lock:
#                                   the package set a build now would use
#
# Writes OUTPUT_DIR/reference-tiny.img (raw GPT disk image: one EFI system
# partition holding \EFI\BOOT\BOOTX64.EFI, a unified kernel image whose
# initramfs is the installer and carries the system it installs),
# OUTPUT_DIR/reference-tiny.img.sha256 and OUTPUT_DIR/packages.lock (exact
# versions and sha256 of the .debs used; OUTPUT_DIR/resolved.lock is the same:
# what a refresh compares). The last line on stdout is the
# sha256 of the image; progress goes to stderr.
#
# Packages (packages.txt) are downloaded with apt-get into
# ${GOLDSMITH_CACHE_DIR:-/var/cache/goldsmith}/reference-tiny/debs. Built images
# are cached under .../reference-tiny/out/<key>, where key is the sha256 of the
# package lock and of the files in this folder that go into the image, so a
# re-run with unchanged inputs only copies (or keeps) the image.
#
# Needs root (file ownership inside the image) and, on the build host:
# apt-get, dpkg-deb, objcopy/objdump/readelf (binutils), sfdisk (fdisk),
# mkfs.vfat (dosfstools), mmd/mcopy (mtools), cpio, flock.
set -euo pipefail
umask 022

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ARCH=amd64
ROOT_LABEL=rt-root
MEDIUM_LABEL=RTINSTALL
FORMAT_VERSION=1
EFI_SYSTEM_GUID=C12A7328-F81F-11D2-BA4B-00A0C93EC93B

log() { echo "build.sh: $*" >&2; }
die() { echo "build.sh: error: $*" >&2; exit 1; }

RESOLVE_ONLY=0
if [ "${1:-}" = --resolve ]; then
    RESOLVE_ONLY=1
    shift
fi
[ $# -eq 1 ] || { echo "usage: $0 [--resolve] OUTPUT_DIR" >&2; exit 2; }
OUT_DIR=$1
[ "$(id -u)" = 0 ] || die "must run as root"
for t in apt-get apt-cache dpkg-deb objcopy objdump readelf sfdisk mkfs.vfat mmd mcopy cpio sha256sum flock; do
    command -v "$t" >/dev/null || die "missing tool: $t"
done

CACHE_ROOT=${GOLDSMITH_CACHE_DIR:-/var/cache/goldsmith}/reference-tiny
DEB_CACHE=$CACHE_ROOT/debs
OUT_CACHE=$CACHE_ROOT/out
mkdir -p "$DEB_CACHE" "$OUT_CACHE" "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)

# One build at a time per cache (they share the .deb cache).
exec 9>"$CACHE_ROOT/.lock"
flock 9

T0=$(date +%s)
# Fixed time stamps (cpio, FAT, mtools) so that equal inputs give an equal image.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1704067200}

# ------------------------------------------------------------ package set
# apt's binary package cache is often disabled (docker-clean); keep our own so
# that the many apt-cache look-ups of a warm build take milliseconds.
mkdir -p "$CACHE_ROOT/apt"
APT_OPTS=(-o "Dir::Cache::pkgcache=$CACHE_ROOT/apt/pkgcache.bin" -o "Dir::Cache::srcpkgcache=$CACHE_ROOT/apt/srcpkgcache.bin")
APT_UPDATED=0
apt_update_once() {
    [ "$APT_UPDATED" = 0 ] || return 1
    APT_UPDATED=1
    log "refreshing apt package lists (apt-get update)"
    apt-get "${APT_OPTS[@]}" update -qq >&2 || die "apt-get update failed"
}

# apt_field NAME VERSION FIELD: one field of the package record
apt_field() {
    apt-cache "${APT_OPTS[@]}" show "$1=$2" 2>/dev/null | awk -v f="$3" '
        index($0, f ": ") == 1 { print substr($0, length(f) + 3); exit }'
}

# candidates NAME...: "name version" for each package apt would install
candidates() {
    apt-cache "${APT_OPTS[@]}" policy "$@" 2>/dev/null | awk '
        /^[^ ].*:$/ { pkg = $0; sub(/:$/, "", pkg); sub(/:[a-z0-9]+$/, "", pkg) }
        $1 == "Candidate:" && $2 != "(none)" { print pkg, $2 }'
}

# Reads packages.txt into RESOLVED lines "name version arch sha256"
# (a handful of apt-cache calls in all: each costs a cache load).
resolve_packages() {
    RESOLVED=()
    local line name ver deps entries=() want=() n v a h
    local -A cand=() rec=()
    while IFS= read -r line || [ -n "$line" ]; do
        line=${line%%#*}
        line=${line//[[:space:]]/}
        [ -n "$line" ] && entries+=("$line")
    done <"$HERE/packages.txt"
    [ ${#entries[@]} -gt 0 ] || die "packages.txt lists no packages"

    # metapackages (@name): replace by the first package they depend on
    for i in "${!entries[@]}"; do
        line=${entries[$i]}
        case $line in @*) ;; *) continue ;; esac
        line=${line#@}
        name=${line%%=*}
        ver=
        [ "$name" = "$line" ] || ver=${line#*=}
        [ -n "$ver" ] || ver=$(candidates "$name" | awk '{ print $2; exit }')
        [ -n "$ver" ] || return 1
        deps=$(apt_field "$name" "$ver" Depends)
        deps=${deps%%,*}
        deps=${deps%%|*}
        deps=$(echo "$deps" | awk '{ print $1 }')
        [ -n "$deps" ] || die "metapackage $name has no Depends"
        entries[$i]=$deps
    done

    while read -r n v; do cand[$n]=$v; done < <(candidates "${entries[@]%%=*}")
    for line in "${entries[@]}"; do
        name=${line%%=*}
        ver=
        [ "$name" = "$line" ] || ver=${line#*=}
        [ -n "$ver" ] || ver=${cand[$name]:-}
        [ -n "$ver" ] || return 1
        want+=("$name=$ver")
    done

    while read -r n v a h; do
        [ -n "${rec[$n=$v]:-}" ] || rec[$n=$v]="$n $v $a $h"
    done < <(apt-cache "${APT_OPTS[@]}" show "${want[@]}" 2>/dev/null | awk '
        /^Package: / { p = $2 } /^Version: / { v = $2 } /^Architecture: / { a = $2 } /^SHA256: / { h = $2 }
        /^$/ { if (p != "") print p, v, a, h; p = v = a = h = "" }
        END { if (p != "") print p, v, a, h }')
    for line in "${want[@]}"; do
        [ -n "${rec[$line]:-}" ] || return 1
        read -r n v a h <<<"${rec[$line]}"
        [ -n "$h" ] && [ -n "$a" ] || return 1
        RESOLVED+=("${rec[$line]}")
    done
}

deb_path() { # name version arch -> cache path (apt-get download naming)
    echo "$DEB_CACHE/${1}_${2//:/%3a}_${3}.deb"
}

fetch_packages() {
    local entry name ver arch sha f missing=() dl
    for entry in "${RESOLVED[@]}"; do
        read -r name ver arch sha <<<"$entry"
        f=$(deb_path "$name" "$ver" "$arch")
        if [ -f "$f" ] && [ "$(sha256sum <"$f" | cut -d' ' -f1)" = "$sha" ]; then
            continue
        fi
        rm -f "$f"
        missing+=("$name=$ver")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    log "downloading ${#missing[@]} package(s): ${missing[*]}"
    dl=$(mktemp -d "$DEB_CACHE/.dl.XXXXXX")
    if ! (cd "$dl" && apt-get "${APT_OPTS[@]}" download -q -o APT::Sandbox::User=root "${missing[@]}" >&2); then
        rm -rf "$dl"
        return 1
    fi
    for entry in "${RESOLVED[@]}"; do
        read -r name ver arch sha <<<"$entry"
        f=$(deb_path "$name" "$ver" "$arch")
        [ -f "$f" ] && continue
        [ -f "$dl/$(basename "$f")" ] || { rm -rf "$dl"; die "apt-get download did not produce $(basename "$f")"; }
        [ "$(sha256sum <"$dl/$(basename "$f")" | cut -d' ' -f1)" = "$sha" ] \
            || { rm -rf "$dl"; die "sha256 mismatch for $(basename "$f")"; }
        mv "$dl/$(basename "$f")" "$f"
    done
    rm -rf "$dl"
}

# REFERENCE_TINY_LOCK=path/to/packages.lock rebuilds exactly that package set
# (from the cache, or downloaded by exact version while the archive has it);
# a farm refresh passes the set it just resolved as GOLDSMITH_RESOLVED_LOCK.
REFERENCE_TINY_LOCK=${REFERENCE_TINY_LOCK:-${GOLDSMITH_RESOLVED_LOCK:-}}
read_lock() {
    RESOLVED=()
    local n v a h
    while read -r n v a h; do
        case $n in '' | '#'*) continue ;; esac
        [ -n "$h" ] || die "malformed line in $REFERENCE_TINY_LOCK: $n $v $a"
        RESOLVED+=("$n $v $a $h")
    done <"$REFERENCE_TINY_LOCK"
    [ ${#RESOLVED[@]} -gt 0 ] || die "$REFERENCE_TINY_LOCK lists no packages"
}

if [ "$RESOLVE_ONLY" = 1 ]; then
    # A refresh: what the archive offers now, not what the lists said when they were last fetched.
    log "refreshing apt package lists (apt-get update)"
    apt-get "${APT_OPTS[@]}" update -qq >&2 \
        || die "cannot reach the package archive (apt-get update failed); nothing was resolved"
    APT_UPDATED=1
    resolve_packages || die "cannot resolve the packages in packages.txt"
    {
        echo "# reference-tiny package lock, written by build.sh"
        echo "# name version architecture sha256"
        printf '%s\n' "${RESOLVED[@]}" | sort
    } >"$OUT_DIR/resolved.lock"
    log "resolved ${#RESOLVED[@]} packages into $OUT_DIR/resolved.lock"
    exit 0
fi

if [ -n "${REFERENCE_TINY_LOCK:-}" ]; then
    log "using the package set of $REFERENCE_TINY_LOCK"
    read_lock
    if ! fetch_packages; then
        apt_update_once || die "downloading packages failed"
        fetch_packages || die "downloading packages failed"
    fi
elif ! resolve_packages; then
    apt_update_once || die "cannot resolve the packages in packages.txt"
    resolve_packages || die "cannot resolve the packages in packages.txt (after apt-get update)"
fi
if [ -z "${REFERENCE_TINY_LOCK:-}" ] && ! fetch_packages; then
    # stale package lists point at versions the archive no longer has
    apt_update_once || die "downloading packages failed"
    resolve_packages || die "cannot resolve the packages in packages.txt (after apt-get update)"
    fetch_packages || die "downloading packages failed"
fi

LOCK_CONTENT=$(
    echo "# reference-tiny package lock, written by build.sh"
    echo "# name version architecture sha256"
    printf '%s\n' "${RESOLVED[@]}" | sort
)

# ------------------------------------------------------------ build key
input_files() {
    (cd "$HERE" && find build.sh packages.txt modules.txt installer system -type f -o -type l | LC_ALL=C sort)
}
KEY=$(
    {
        echo "reference-tiny format $FORMAT_VERSION arch $ARCH root $ROOT_LABEL medium $MEDIUM_LABEL"
        echo "$LOCK_CONTENT"
        input_files | while IFS= read -r f; do
            if [ -L "$HERE/$f" ]; then
                echo "$f -> $(readlink "$HERE/$f")"
            else
                echo "$f $(sha256sum <"$HERE/$f" | cut -d' ' -f1)"
            fi
        done
    } | sha256sum | cut -d' ' -f1
)
IMG_NAME=reference-tiny.img
CACHED=$OUT_CACHE/$KEY

publish() { # copy the cached build to OUT_DIR unless it is already there
    local sha
    sha=$(cut -d' ' -f1 "$CACHED/$IMG_NAME.sha256")
    if [ -f "$OUT_DIR/$IMG_NAME" ] && [ "$(cat "$OUT_DIR/.build-key" 2>/dev/null)" = "$KEY" ] \
        && [ "$(sha256sum <"$OUT_DIR/$IMG_NAME" | cut -d' ' -f1)" = "$sha" ]; then
        log "$OUT_DIR/$IMG_NAME is up to date (key ${KEY:0:16})"
    else
        cp --reflink=auto "$CACHED/$IMG_NAME" "$OUT_DIR/.$IMG_NAME.tmp"
        mv -f "$OUT_DIR/.$IMG_NAME.tmp" "$OUT_DIR/$IMG_NAME"
        echo "$KEY" >"$OUT_DIR/.build-key"
    fi
    cp "$CACHED/packages.lock" "$OUT_DIR/packages.lock"
    cp "$CACHED/packages.lock" "$OUT_DIR/resolved.lock"
    cp "$CACHED/$IMG_NAME.sha256" "$OUT_DIR/$IMG_NAME.sha256"
    log "done in $(($(date +%s) - T0)) s: $OUT_DIR/$IMG_NAME"
    echo "$sha"
}

if [ -f "$CACHED/$IMG_NAME" ] && [ -f "$CACHED/$IMG_NAME.sha256" ] && [ -f "$CACHED/packages.lock" ] \
    && [ "$(sha256sum <"$CACHED/$IMG_NAME" | cut -d' ' -f1)" = "$(cut -d' ' -f1 "$CACHED/$IMG_NAME.sha256")" ]; then
    log "inputs unchanged, reusing cached build ${KEY:0:16}"
    publish
    exit 0
fi

# ------------------------------------------------------------ build
log "building (key ${KEY:0:16})"
W=$(mktemp -d "${TMPDIR:-/var/tmp}/reference-tiny.XXXXXX")
cleanup() { if [ "${KEEP_WORK:-0}" = 1 ]; then log "work dir kept: $W"; else rm -rf "$W"; fi; }
trap cleanup EXIT

SRC=$W/debroot
mkdir -p "$SRC"
for entry in "${RESOLVED[@]}"; do
    read -r name ver arch sha <<<"$entry"
    dpkg-deb -x "$(deb_path "$name" "$ver" "$arch")" "$SRC"
done

KVERS=("$SRC"/lib/modules/*)
[ ${#KVERS[@]} -eq 1 ] && [ -d "${KVERS[0]}" ] || die "expected exactly one kernel in the package set"
KVER=$(basename "${KVERS[0]}")
VMLINUZ=$SRC/boot/vmlinuz-$KVER
STUB=$SRC/usr/lib/systemd/boot/efi/linuxx64.efi.stub
[ -f "$VMLINUZ" ] || die "no $VMLINUZ"
[ -f "$STUB" ] || die "no $STUB"
VERSION="reference-tiny $FORMAT_VERSION build ${KEY:0:12} kernel $KVER"
log "kernel $KVER"

# Path inside $SRC with all symlinks (absolute ones relative to $SRC) resolved.
src_realpath() {
    local p=$1 t n=0
    while [ -L "$SRC$p" ]; do
        t=$(readlink "$SRC$p")
        case $t in
            /*) p=$t ;;
            *) p=$(dirname "$p")/$t ;;
        esac
        n=$((n + 1))
        [ $n -lt 40 ] || die "symlink loop at $1"
    done
    realpath -ms "$p"
}

find_src() { # first existing path (inside $SRC) among the arguments
    local p
    for p in "$@"; do
        if [ -e "$SRC$p" ] || [ -L "$SRC$p" ]; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

LIBDIR=usr/lib/x86_64-linux-gnu
INTERP=/lib64/ld-linux-x86-64.so.2

# copy_libs DEST ELF: shared libraries ELF needs, recursively, into DEST/$LIBDIR
copy_libs() {
    local dest=$1 elf=$2 lib p
    for lib in $(readelf -d "$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
        [ -e "$dest/$LIBDIR/$lib" ] && continue
        p=$(find_src "/lib/x86_64-linux-gnu/$lib" "/usr/lib/x86_64-linux-gnu/$lib") \
            || die "library $lib (needed by $(basename "$elf")) is in no package of packages.txt"
        cp "$SRC$(src_realpath "$p")" "$dest/$LIBDIR/$lib"
        chmod 0644 "$dest/$LIBDIR/$lib"
        copy_libs "$dest" "$dest/$LIBDIR/$lib"
    done
}

# install_elf DEST TARGET_PATH SRC_CANDIDATES...: copy a dynamic executable and its libraries
install_elf() {
    local dest=$1 to=$2 from interp
    shift 2
    from=$(find_src "$@") || die "none of $* found in the package set"
    from=$SRC$(src_realpath "$from")
    rm -f "$dest$to"
    cp "$from" "$dest$to"
    chmod 0755 "$dest$to"
    interp=$(readelf -l "$from" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
    if [ -n "$interp" ]; then
        [ "$interp" = "$INTERP" ] || die "$from wants interpreter $interp"
        if [ ! -e "$dest/$LIBDIR/ld-linux-x86-64.so.2" ]; then
            cp "$SRC$(src_realpath /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2)" "$dest/$LIBDIR/ld-linux-x86-64.so.2"
            chmod 0755 "$dest/$LIBDIR/ld-linux-x86-64.so.2"
            ln -sfn ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$dest/usr/lib64/ld-linux-x86-64.so.2"
        fi
        copy_libs "$dest" "$from"
    fi
}

# make_base DEST: merged-/usr skeleton with static busybox and its applet links
make_base() {
    local dest=$1 p a
    mkdir -p "$dest"/usr/{bin,sbin,lib64} "$dest/$LIBDIR" "$dest"/{dev,proc,sys,run,tmp,mnt,root,etc/reference-tiny}
    ln -s usr/bin "$dest/bin"
    ln -s usr/sbin "$dest/sbin"
    ln -s usr/lib "$dest/lib"
    ln -s usr/lib64 "$dest/lib64"
    chmod 1777 "$dest/tmp"
    chmod 0700 "$dest/root"
    p=$(find_src /bin/busybox /usr/bin/busybox) || die "busybox not found"
    cp "$SRC$(src_realpath "$p")" "$dest/usr/bin/busybox"
    chmod 0755 "$dest/usr/bin/busybox"
    for a in $("$dest/usr/bin/busybox" --list-full); do
        case $a in
            bin/* | usr/bin/*) [ -e "$dest/usr/bin/${a##*/}" ] || ln -s busybox "$dest/usr/bin/${a##*/}" ;;
            sbin/* | usr/sbin/*) [ -e "$dest/usr/sbin/${a##*/}" ] || ln -s ../bin/busybox "$dest/usr/sbin/${a##*/}" ;;
        esac
    done
    mknod -m 0600 "$dest/dev/console" c 5 1
    mknod -m 0666 "$dest/dev/null" c 1 3
    echo "$VERSION" >"$dest/etc/reference-tiny/version"
}

# Kernel modules of modules.txt plus dependencies, in load order.
declare -A MOD_FILE=()
while IFS= read -r f; do
    m=${f##*/}
    m=${m%.ko}
    MOD_FILE[${m//-/_}]=$f
done < <(find "$SRC/lib/modules/$KVER" -name '*.ko')
MOD_ORDER=()
declare -A MOD_SEEN=()
mod_add() {
    local m=${1//-/_} deps d
    [ -z "${MOD_SEEN[$m]:-}" ] || return 0
    MOD_SEEN[$m]=1
    [ -n "${MOD_FILE[$m]:-}" ] || die "kernel module $m not found in $KVER (built in? remove it from modules.txt)"
    objcopy -O binary --only-section=.modinfo "${MOD_FILE[$m]}" "$W/modinfo"
    deps=$(tr '\0' '\n' <"$W/modinfo" | sed -n 's/^depends=//p')
    for d in ${deps//,/ }; do mod_add "$d"; done
    MOD_ORDER+=("$m")
}
while IFS= read -r line || [ -n "$line" ]; do
    line=${line%%#*}
    for m in $line; do mod_add "$m"; done
done <"$HERE/modules.txt"
log "modules: ${MOD_ORDER[*]}"

install_modules() {
    local dest=$1 m
    mkdir -p "$dest/lib/modules"
    : >"$dest/etc/reference-tiny/modules.load"
    for m in "${MOD_ORDER[@]}"; do
        cp "${MOD_FILE[$m]}" "$dest/lib/modules/$m.ko"
        chmod 0644 "$dest/lib/modules/$m.ko"
        echo "$m" >>"$dest/etc/reference-tiny/modules.load"
    done
}

make_cpio() { # DIR OUT: newc archive, owned by root, stable order and times
    find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
    (cd "$1" && find . -mindepth 1 -print0 | LC_ALL=C sort -z \
        | cpio --quiet -o -0 -H newc -R 0:0 --reproducible) >"$2"
}

# make_uki OUT CMDLINE_FILE OSREL_FILE INITRD: systemd-stub based unified kernel image
make_uki() {
    local out=$1 cmdline=$2 osrel=$3 initrd=$4 end off sec file
    local args=() idx name size vma rest
    end=0
    while read -r idx name size vma rest; do
        case $idx in *[!0-9]* | '') continue ;; esac
        [ $((0x$vma + 0x$size)) -le "$end" ] || end=$((0x$vma + 0x$size))
    done < <(objdump -h "$STUB")
    [ "$end" -gt 0 ] || die "cannot read the sections of $STUB"
    off=$(((end + 0xfff) & ~0xfff))
    for sec in osrel:"$osrel" cmdline:"$cmdline" linux:"$VMLINUZ" initrd:"$initrd"; do
        file=${sec#*:}
        sec=${sec%%:*}
        args+=(--add-section ".$sec=$file" --change-section-vma ".$sec=$(printf '0x%x' "$off")")
        off=$(((off + $(stat -Lc %s "$file") + 0xfff) & ~0xfff))
    done
    objcopy "${args[@]}" "$STUB" "$out"
    # objcopy stamps the PE header with the current time: zero TimeDateStamp
    # and CheckSum (firmware ignores both) for a reproducible image
    local pe
    pe=$(od -An -tu4 -j 60 -N 4 "$out" | tr -d ' ')
    [ "$(od -An -c -j "$pe" -N 2 "$out" | tr -d ' ')" = PE ] || die "$out: no PE header at $pe"
    printf '\0\0\0\0' | dd of="$out" bs=1 seek=$((pe + 8)) conv=notrunc status=none
    printf '\0\0\0\0' | dd of="$out" bs=1 seek=$((pe + 88)) conv=notrunc status=none
}

# --- installed system: root file system
ROOT=$W/root
make_base "$ROOT"
install_elf "$ROOT" /usr/sbin/dropbear /usr/sbin/dropbear /sbin/dropbear
install_elf "$ROOT" /usr/bin/dropbearkey /usr/bin/dropbearkey
install_elf "$ROOT" /usr/bin/dbclient /usr/bin/dbclient
cp -a "$HERE/system/rootfs/." "$ROOT/"
chown -R 0:0 "$ROOT"
find "$ROOT/etc" -type f -exec chmod 0644 {} +
chmod 0755 "$ROOT"/etc/init.d/* "$ROOT/etc/udhcpc/default.script" "$ROOT/etc/acpi/PWRF/00000080" "$ROOT/usr/bin/sudo"
chmod 0600 "$ROOT/etc/shadow"
mkdir -p "$ROOT"/{home,boot/efi,var/log,var/tmp,etc/dropbear}
chmod 1777 "$ROOT/var/tmp"
chmod 0700 "$ROOT/etc/dropbear"
ln -s ../run "$ROOT/var/run"
ln -s ../run/resolv.conf "$ROOT/etc/resolv.conf"
ln -s ../proc/self/mounts "$ROOT/etc/mtab"
echo reference-tiny >"$ROOT/etc/hostname"
: >"$ROOT/etc/machine-id"
chmod 0444 "$ROOT/etc/machine-id"
rm -f "$ROOT/dev/null" # devtmpfs provides /dev on the installed system
echo "$LOCK_CONTENT" >"$ROOT/etc/reference-tiny/packages.lock"

# --- installed system: initramfs + unified kernel image
TINIT=$W/target-initramfs
make_base "$TINIT"
install -m 0755 "$HERE/system/initramfs-init" "$TINIT/init"
install_modules "$TINIT"
mkdir -p "$TINIT/newroot"
make_cpio "$TINIT" "$W/target-initramfs.cpio"
sed "s/@ROOT_LABEL@/$ROOT_LABEL/" "$HERE/system/cmdline" | tr -d '\n' >"$W/target.cmdline"
make_uki "$W/target.efi" "$W/target.cmdline" "$HERE/system/rootfs/etc/os-release" "$W/target-initramfs.cpio"
log "installed system: boot image $(($(stat -c %s "$W/target.efi") / 1024)) KiB, root $(du -sk "$ROOT" | cut -f1) KiB"

# --- installer: initramfs + unified kernel image
IINIT=$W/installer-initramfs
make_base "$IINIT"
install_elf "$IINIT" /usr/sbin/sfdisk /sbin/sfdisk /usr/sbin/sfdisk
install_elf "$IINIT" /usr/sbin/mke2fs /sbin/mke2fs /usr/sbin/mke2fs
ln -sfn mke2fs "$IINIT/usr/sbin/mkfs.ext4"
install_elf "$IINIT" /usr/sbin/mkfs.fat /sbin/mkfs.fat /usr/sbin/mkfs.fat
cp "$SRC/etc/mke2fs.conf" "$IINIT/etc/mke2fs.conf"
install -m 0755 "$HERE/installer/init" "$IINIT/init"
install -m 0644 "$HERE/installer/answers.sh" "$IINIT/etc/reference-tiny/answers.sh"
install_modules "$IINIT"
echo "$ROOT_LABEL" >"$IINIT/etc/reference-tiny/root-label"
mkdir -p "$IINIT/payload"
cp -a "$ROOT" "$IINIT/payload/root"
cp "$W/target.efi" "$IINIT/payload/BOOTX64.EFI"
make_cpio "$IINIT" "$W/installer-initramfs.cpio"
tr -d '\n' <"$HERE/installer/cmdline" >"$W/installer.cmdline"
make_uki "$W/installer.efi" "$W/installer.cmdline" "$HERE/installer/os-release" "$W/installer-initramfs.cpio"
log "installer boot image $(($(stat -c %s "$W/installer.efi") / 1024)) KiB"

# --- medium: GPT disk image with one FAT ESP, built on files (no mounts)
echo "$LOCK_CONTENT" >"$W/packages.lock"
uki_kib=$(($(stat -c %s "$W/installer.efi") / 1024))
esp_mib=$(((uki_kib + 4096 + 1023) / 1024))
export MTOOLS_SKIP_CHECK=1
touch -d "@$SOURCE_DATE_EPOCH" "$W/installer.efi" "$W/packages.lock"
mkfs.vfat --invariant -C -n "$MEDIUM_LABEL" -i "${KEY:0:8}" "$W/esp.img" $((esp_mib * 1024)) >/dev/null
mmd -i "$W/esp.img" ::/EFI ::/EFI/BOOT
mcopy -m -i "$W/esp.img" "$W/installer.efi" ::/EFI/BOOT/BOOTX64.EFI
mcopy -m -i "$W/esp.img" "$W/packages.lock" ::/packages.lock

guid() { # 32 hex digits -> GUID text
    echo "${1:0:8}-${1:8:4}-4${1:13:3}-8${1:17:3}-${1:20:12}" | tr a-f A-F
}
disk_img=$W/$IMG_NAME
truncate -s $(((esp_mib + 2) * 1024 * 1024)) "$disk_img"
sfdisk --quiet "$disk_img" >/dev/null <<EOF
label: gpt
label-id: $(guid "${KEY:16:32}")
unit: sectors
start=2048, size=$((esp_mib * 2048)), type=$EFI_SYSTEM_GUID, uuid=$(guid "${KEY:32:32}"), name="$MEDIUM_LABEL"
EOF
dd if="$W/esp.img" of="$disk_img" bs=1M seek=1 conv=notrunc status=none

# --- store in cache and publish
rm -rf "$CACHED.tmp"
mkdir -p "$CACHED.tmp"
mv "$disk_img" "$CACHED.tmp/$IMG_NAME"
mv "$W/packages.lock" "$CACHED.tmp/packages.lock"
(cd "$CACHED.tmp" && sha256sum "$IMG_NAME" >"$IMG_NAME.sha256")
rm -rf "$CACHED"
mv "$CACHED.tmp" "$CACHED"
# keep the three most recent builds
ls -1dt "$OUT_CACHE"/*/ 2>/dev/null | tail -n +4 | xargs -r rm -rf
log "image $(($(stat -c %s "$CACHED/$IMG_NAME") / 1024 / 1024)) MiB"
publish
