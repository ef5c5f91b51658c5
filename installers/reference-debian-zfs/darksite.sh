#!/usr/bin/env bash
# Builds a darksite: a pinned, content-addressed, offline Debian package set.
#
#   darksite.sh OUT_DIR LIST_FILE... [--local DIR]
#   darksite.sh --resolve-only LIST_FILE...   (print the lock lines, download nothing)
#
# LIST_FILEs hold package names (one a line, '#' comments, `name=VERSION`
# pins). The darksite is the dependency closure (no Recommends) of all the
# lists plus Debian bookworm's Essential:yes set, resolved from bookworm,
# bookworm-updates and bookworm-security (main + contrib) through a private
# apt configuration (the host's own apt sources are never read or changed).
# --local DIR adds the .debs of DIR (e.g. the goldsmith-zfs-modules package)
# to the resolution and to the set.
#
# With DARKSITE_LOCK=FILE no resolution happens: exactly the packages of that
# lock file are used (from the cache, or downloaded by exact version), and the
# digest is the same as the build that wrote the lock.
#
# OUT_DIR gets:
#   pool/*.deb        every package, checked against its sha256
#   Packages(.gz), Release   a flat apt repository: deb [trusted=yes] file:DIR ./
#   darksite.lock     "name version arch sha256 size" per package, sorted
#   DIGEST            sha256:<hex> = sha256 of darksite.lock without comments
#   ../darksite-<hex>.tar (beside OUT_DIR) the same files as one reproducible tar
# and the last line on stdout is the digest (sha256:<hex>). Progress -> stderr.
#
# Downloads are cached in ${GOLDSMITH_CACHE_DIR:-/var/cache/goldsmith}/reference-debian-zfs/debs.
set -euo pipefail
umask 022

log() { echo "darksite.sh: $*" >&2; }
die() { echo "darksite.sh: error: $*" >&2; exit 1; }

OUT_DIR=
LOCAL_DIR=
RESOLVE_ONLY=0
LISTS=()
while [ $# -gt 0 ]; do
    case $1 in
        --local) LOCAL_DIR=$(realpath "$2"); shift 2 ;;
        --resolve-only) RESOLVE_ONLY=1; OUT_DIR=-; shift ;;
        -*) die "unknown option $1" ;;
        *) if [ -z "$OUT_DIR" ]; then OUT_DIR=$1; else LISTS+=("$(realpath "$1")"); fi; shift ;;
    esac
done
if [ -z "$OUT_DIR" ] || { [ ${#LISTS[@]} -eq 0 ] && [ -z "${DARKSITE_LOCK:-}" ]; }; then
    echo "usage: $0 OUT_DIR LIST_FILE... [--local DIR]" >&2
    exit 2
fi
[ "$(id -u)" = 0 ] || die "must run as root"
for t in apt-get apt-cache dpkg-deb dpkg-scanpackages sha256sum gzip tar flock; do
    command -v "$t" >/dev/null || die "missing tool: $t (apt-get install apt dpkg-dev)"
done

export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1704067200}
CACHE_ROOT=${GOLDSMITH_CACHE_DIR:-/var/cache/goldsmith}/reference-debian-zfs
DEB_CACHE=$CACHE_ROOT/debs
APT_ROOT=$CACHE_ROOT/apt
mkdir -p "$DEB_CACHE" "$APT_ROOT"/{lists/partial,archives/partial,cache,sources.list.d,preferences.d,state}
if [ "$RESOLVE_ONLY" = 0 ]; then
    mkdir -p "$OUT_DIR"
    OUT_DIR=$(cd "$OUT_DIR" && pwd)
fi

exec 8>"$CACHE_ROOT/.darksite.lock"
flock 8

# ------------------------------------------------------------ private apt
# Our own sources (contrib is needed for zfs), lists, status and caches; the
# host's /etc/apt/sources.list* stay untouched and unread.
cat >"$APT_ROOT/sources.list" <<'EOF'
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main contrib
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-updates main contrib
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main contrib
EOF
: >"$APT_ROOT/status"
cat >"$APT_ROOT/apt.conf" <<EOF
Dir::Etc::SourceList "$APT_ROOT/sources.list";
Dir::Etc::SourceParts "$APT_ROOT/sources.list.d";
Dir::Etc::Preferences "$APT_ROOT/preferences";
Dir::Etc::PreferencesParts "$APT_ROOT/preferences.d";
Dir::State "$APT_ROOT/state";
Dir::State::Lists "$APT_ROOT/lists";
Dir::State::status "$APT_ROOT/status";
Dir::Cache "$APT_ROOT/cache";
Dir::Cache::archives "$APT_ROOT/archives";
Dir::Cache::pkgcache "$APT_ROOT/cache/pkgcache.bin";
Dir::Cache::srcpkgcache "$APT_ROOT/cache/srcpkgcache.bin";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
APT::Install-Recommends "false";
APT::Install-Suggests "false";
APT::Sandbox::User "root";
Acquire::Languages "none";
Acquire::GzipIndexes "false";
EOF
: >"$APT_ROOT/preferences"
export APT_CONFIG=$APT_ROOT/apt.conf
rm -f "$APT_ROOT/sources.list.d/local.list"

APT_UPDATED=0
apt_update() {
    [ "$APT_UPDATED" = 0 ] || return 1
    APT_UPDATED=1
    log "apt-get update (private lists in $APT_ROOT)"
    apt-get update -qq >&2 || die "apt-get update failed"
}

# The local packages (--local DIR) form a flat repository apt resolves against.
if [ -n "$LOCAL_DIR" ]; then
    ls "$LOCAL_DIR"/*.deb >/dev/null 2>&1 || die "--local $LOCAL_DIR holds no .deb"
    (cd "$LOCAL_DIR" && dpkg-scanpackages -m . /dev/null 2>/dev/null >Packages)
    echo "deb [trusted=yes] file:$LOCAL_DIR ./" >"$APT_ROOT/sources.list.d/local.list"
    # the local repository changes with its contents: re-read it (no network)
    if ! cmp -s "$LOCAL_DIR/Packages" "$APT_ROOT/local.Packages" \
        || ! ls "$APT_ROOT/lists/$(tr / _ <<<"$LOCAL_DIR")_._Packages"* >/dev/null 2>&1; then
        apt-get update -qq -o "Dir::Etc::SourceList=/dev/null" -o APT::Get::List-Cleanup=false >&2 \
            || die "cannot read the local repository $LOCAL_DIR"
        cp "$LOCAL_DIR/Packages" "$APT_ROOT/local.Packages"
    fi
fi
# DARKSITE_REFRESH=1 (a refresh): the archive as it is now, not as the lists last fetched said.
if [ "${DARKSITE_REFRESH:-0}" = 1 ]; then
    APT_UPDATED=1
    log "apt-get update (private lists in $APT_ROOT; a refresh)"
    apt-get update -qq >&2 || die "cannot reach the package archive (apt-get update failed); nothing was resolved"
fi
ls "$APT_ROOT"/lists/deb.debian.org_*_Packages* >/dev/null 2>&1 || apt_update

# ------------------------------------------------------------ resolution
read_lists() {
    local f line
    for f in "${LISTS[@]}"; do
        while IFS= read -r line || [ -n "$line" ]; do
            line=${line%%#*}
            line=${line//[[:space:]]/}
            [ -n "$line" ] && echo "$line"
        done <"$f"
    done | LC_ALL=C sort -u
}

# RESOLVED: "name version arch sha256 size" lines
# A resolution depends only on the lists, the local packages and apt's
# indexes: it is remembered under a key of those (resolved/), so an unchanged
# re-run does not ask apt again.
resolve_key() {
    {
        read_lists
        [ -z "$LOCAL_DIR" ] || cat "$LOCAL_DIR/Packages"
        stat -c '%n %s %Y' "$APT_ROOT"/lists/*Release "$APT_ROOT"/lists/*_Packages* 2>/dev/null
    } | sha256sum | cut -d' ' -f1
}

resolve() {
    local want sim memo
    memo=$APT_ROOT/resolved/$(resolve_key)
    if [ -s "$memo" ]; then
        mapfile -t RESOLVED <"$memo"
        return 0
    fi
    mapfile -t want < <(read_lists)
    [ ${#want[@]} -gt 0 ] || die "the package lists are empty"
    # Simulated install onto an empty system: the closure, one version each.
    sim=$(apt-get -s -q install '?essential' "${want[@]}" 2>&1) || { log "$sim"; return 1; }
    mapfile -t PICKED < <(awk '$1 == "Inst" { v = $3; sub(/^\(/, "", v); print $2 "=" v }' <<<"$sim" | LC_ALL=C sort -u)
    [ ${#PICKED[@]} -gt 0 ] || return 1
    records || return 1
    mkdir -p "$APT_ROOT/resolved"
    printf '%s\n' "${RESOLVED[@]}" >"$memo.tmp" && mv "$memo.tmp" "$memo"
    find "$APT_ROOT/resolved" -type f -mtime +30 -delete
}

# records: fills RESOLVED from PICKED ("name=version") with apt's index data
records() {
    local -A rec=()
    local n v a h s p
    RESOLVED=()
    while read -r n v a h s; do
        [ -n "${rec[$n=$v]:-}" ] || rec[$n=$v]="$n $v $a $h $s"
    done < <(apt-cache show "${PICKED[@]}" 2>/dev/null | awk '
        /^Package: / { p = $2 } /^Version: / { v = $2 } /^Architecture: / { a = $2 }
        /^SHA256: / { h = $2 } /^Size: / { s = $2 }
        /^$/ { if (p != "") print p, v, a, h, s; p = v = a = h = s = "" }
        END { if (p != "") print p, v, a, h, s }')
    for p in "${PICKED[@]}"; do
        [ -n "${rec[$p]:-}" ] || { log "no index record for $p"; return 1; }
        RESOLVED+=("${rec[$p]}")
    done
}

read_lock() {
    local n v a h s
    RESOLVED=()
    while read -r n v a h s; do
        case $n in '' | '#'*) continue ;; esac
        [ -n "$s" ] || die "malformed line in $DARKSITE_LOCK: $n $v"
        RESOLVED+=("$n $v $a $h $s")
    done <"$DARKSITE_LOCK"
    [ ${#RESOLVED[@]} -gt 0 ] || die "$DARKSITE_LOCK lists no packages"
}

deb_name() { echo "${1}_${2//:/%3a}_${3}.deb"; }

# fetch: every RESOLVED package into DEB_CACHE (local ones copied), checked
fetch() {
    local n v a h s f missing=() dl
    for e in "${RESOLVED[@]}"; do
        read -r n v a h s <<<"$e"
        f=$DEB_CACHE/$(deb_name "$n" "$v" "$a")
        if [ -f "$f" ]; then continue; fi
        if [ -n "$LOCAL_DIR" ] && [ -f "$LOCAL_DIR/$(deb_name "$n" "$v" "$a")" ]; then
            cp "$LOCAL_DIR/$(deb_name "$n" "$v" "$a")" "$f.tmp" && mv "$f.tmp" "$f"
            continue
        fi
        missing+=("$n=$v")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "downloading ${#missing[@]} packages"
        dl=$(mktemp -d "$DEB_CACHE/.dl.XXXXXX")
        if ! (cd "$dl" && apt-get download -q "${missing[@]}" >&2); then
            rm -rf "$dl"
            return 1
        fi
        mv "$dl"/*.deb "$DEB_CACHE/"
        rm -rf "$dl"
    fi
    for e in "${RESOLVED[@]}"; do
        read -r n v a h s <<<"$e"
        f=$DEB_CACHE/$(deb_name "$n" "$v" "$a")
        [ -f "$f" ] || die "$(basename "$f") was not downloaded"
        if [ "$(sha256sum <"$f" | cut -d' ' -f1)" != "$h" ]; then
            rm -f "$f"
            die "sha256 mismatch for $(basename "$f") (removed from the cache; run again)"
        fi
    done
}

if [ -n "${DARKSITE_LOCK:-}" ]; then
    log "using the package set of $DARKSITE_LOCK"
    read_lock
    if ! fetch; then apt_update || true; fetch || die "downloading packages failed"; fi
else
    if ! resolve; then
        apt_update || die "cannot resolve the package lists"
        resolve || die "cannot resolve the package lists (after apt-get update)"
    fi
    if [ "$RESOLVE_ONLY" = 1 ]; then
        printf '%s\n' "${RESOLVED[@]}" | LC_ALL=C sort
        exit 0
    fi
    if ! fetch; then
        apt_update || die "downloading packages failed"
        resolve || die "cannot resolve the package lists (after apt-get update)"
        fetch || die "downloading packages failed"
    fi
fi

# ------------------------------------------------------------ output
LOCK_BODY=$(printf '%s\n' "${RESOLVED[@]}" | LC_ALL=C sort)
DIGEST=sha256:$(printf '%s\n' "$LOCK_BODY" | sha256sum | cut -d' ' -f1)

if [ "$(cat "$OUT_DIR/DIGEST" 2>/dev/null)" = "$DIGEST" ] && [ -f "$OUT_DIR/Release" ] \
    && [ -f "$(dirname "$OUT_DIR")/darksite-${DIGEST#sha256:}.tar" ]; then
    log "$OUT_DIR already holds $DIGEST"
    echo "$DIGEST"
    exit 0
fi
rm -f "$OUT_DIR/DIGEST"
rm -rf "$OUT_DIR/pool" "$OUT_DIR/.pool.tmp"
mkdir -p "$OUT_DIR/.pool.tmp"
while read -r n v a h s; do
    ln "$DEB_CACHE/$(deb_name "$n" "$v" "$a")" "$OUT_DIR/.pool.tmp/" 2>/dev/null \
        || cp "$DEB_CACHE/$(deb_name "$n" "$v" "$a")" "$OUT_DIR/.pool.tmp/"
done <<<"$LOCK_BODY"
mv "$OUT_DIR/.pool.tmp" "$OUT_DIR/pool"
{
    echo "# reference-debian-zfs darksite lock (darksite.sh): name version arch sha256 size"
    echo "# digest $DIGEST = sha256 of the lines below"
    printf '%s\n' "$LOCK_BODY"
} >"$OUT_DIR/darksite.lock"
echo "$DIGEST" >"$OUT_DIR/DIGEST"
(cd "$OUT_DIR" && dpkg-scanpackages -m pool /dev/null 2>/dev/null | sed 's/^Filename: pool\//Filename: .\/pool\//' >Packages)
gzip -9nc "$OUT_DIR/Packages" >"$OUT_DIR/Packages.gz"
{
    echo "Origin: Goldsmith"
    echo "Label: reference-debian-zfs darksite"
    echo "Suite: bookworm"
    echo "Codename: bookworm"
    echo "Architectures: amd64 all"
    echo "Date: $(LC_ALL=C date -u -d "@$SOURCE_DATE_EPOCH" '+%a, %d %b %Y %H:%M:%S UTC')"
    echo "Description: darksite $DIGEST"
    echo "SHA256:"
    for f in Packages Packages.gz; do
        printf ' %s %s %s\n' "$(sha256sum <"$OUT_DIR/$f" | cut -d' ' -f1)" "$(stat -c %s "$OUT_DIR/$f")" "$f"
    done
} >"$OUT_DIR/Release"

TAR=$(dirname "$OUT_DIR")/darksite-${DIGEST#sha256:}.tar
if [ ! -f "$TAR" ]; then
    (cd "$OUT_DIR" && tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
        --format=gnu -cf "$TAR.tmp" DIGEST Packages Packages.gz Release darksite.lock pool)
    mv "$TAR.tmp" "$TAR"
fi
log "$(wc -l <<<"$LOCK_BODY") packages, $(du -sm "$OUT_DIR/pool" | cut -f1) MiB; $TAR"
echo "$DIGEST"
