# shellcheck shell=sh disable=SC2034,SC2154
# (a sourced library: the variables it sets are read by the installer)
#
# Parsing and validation of the kldload seed file answers.env for the
# reference-debian-zfs installer. Plain POSIX sh (the installer runs it under
# bash; test-answers.sh also runs it under dash and busybox sh).
#
# answers.env is read line by line and NEVER sourced or eval'ed:
#   KEY=value        value may be wrapped in one pair of '...' or "..."
#   # comment        lines whose first non-blank character is '#'
#   (blank lines)
# Every key must be one kldload knows (the list below, the same as the
# farm's AnswerRules); anything else fails the install, so a misspelt key can
# never be silently ignored.

# parse_answers FILE: sets A_<KEY without KLDLOAD_> for every key read. On
# error sets ANSWERS_ERROR and returns 1.
parse_answers() {
    # (fixed names only: no value from the file is ever evaluated)
    for _k in $ANSWER_KEYS; do eval "A_$_k="; done
    A_SEEN=
    ANSWERS_ERROR=
    _cr=$(printf '\r')
    _n=0
    while IFS= read -r _line || [ -n "$_line" ]; do
        _n=$((_n + 1))
        _line=${_line%"$_cr"}
        _line=${_line#"${_line%%[![:space:]]*}"}
        _line=${_line%"${_line##*[![:space:]]}"}
        case $_line in
            '' | '#'*) continue ;;
            *=*) ;;
            *) ANSWERS_ERROR="answers.env line $_n: not KEY=value"; return 1 ;;
        esac
        _key=${_line%%=*}
        _val=${_line#*=}
        _key=${_key%"${_key##*[![:space:]]}"}
        _val=${_val#"${_val%%[![:space:]]*}"}
        case $_key in
            '' | [0-9]* | *[!A-Za-z0-9_]*) ANSWERS_ERROR="answers.env line $_n: invalid key name"; return 1 ;;
        esac
        if [ ${#_val} -ge 2 ]; then
            case $_val in
                \"*\") _val=${_val#\"}; _val=${_val%\"} ;;
                \'*\') _val=${_val#\'}; _val=${_val%\'} ;;
            esac
        fi
        case $_key in
            KLDLOAD_DISTRO) A_DISTRO=$_val ;;
            KLDLOAD_PROFILE) A_PROFILE=$_val ;;
            KLDLOAD_DISK) A_DISK=$_val ;;
            KLDLOAD_HOSTNAME) A_HOSTNAME=$_val ;;
            KLDLOAD_DOMAIN) A_DOMAIN=$_val ;;
            KLDLOAD_USERNAME) A_USERNAME=$_val ;;
            KLDLOAD_PASSWORD) A_PASSWORD=$_val ;;
            KLDLOAD_ROOT_PASSWORD) A_ROOT_PASSWORD=$_val ;;
            KLDLOAD_MOK_PASSWORD) A_MOK_PASSWORD=$_val ;;
            KLDLOAD_SSH_PUBKEY) A_SSH_PUBKEY=$_val ;;
            KLDLOAD_ADMIN_SSH_PUBKEY) A_ADMIN_SSH_PUBKEY=$_val ;;
            KLDLOAD_ADMIN_SSH_KEYS) A_ADMIN_SSH_KEYS=$_val ;;
            KLDLOAD_TIMEZONE) A_TIMEZONE=$_val ;;
            KLDLOAD_LOCALE) A_LOCALE=$_val ;;
            KLDLOAD_KEYBOARD_LAYOUT) A_KEYBOARD_LAYOUT=$_val ;;
            KLDLOAD_NET_METHOD) A_NET_METHOD=$_val ;;
            KLDLOAD_NET_IFACE) A_NET_IFACE=$_val ;;
            KLDLOAD_NET_IP) A_NET_IP=$_val ;;
            KLDLOAD_NET_PREFIX) A_NET_PREFIX=$_val ;;
            KLDLOAD_NET_GW) A_NET_GW=$_val ;;
            KLDLOAD_NET_DNS) A_NET_DNS=$_val ;;
            KLDLOAD_SUITE) A_SUITE=$_val ;;
            KLDLOAD_DEBIAN_SUITE) A_DEBIAN_SUITE=$_val ;;
            KLDLOAD_RELEASE) A_RELEASE=$_val ;;
            KLDLOAD_FEDORA_RELEASE) A_FEDORA_RELEASE=$_val ;;
            KLDLOAD_ZFS_POOL) A_ZFS_POOL=$_val ;;
            KLDLOAD_ZFS_TOPOLOGY) A_ZFS_TOPOLOGY=$_val ;;
            KLDLOAD_ZFS_ENCRYPT) A_ZFS_ENCRYPT=$_val ;;
            KLDLOAD_ZFS_PASSPHRASE) A_ZFS_PASSPHRASE=$_val ;;
            KLDLOAD_ESP_SIZE) A_ESP_SIZE=$_val ;;
            KLDLOAD_ZBM_TIMEOUT) A_ZBM_TIMEOUT=$_val ;;
            KLDLOAD_NVIDIA_DRIVERS) A_NVIDIA_DRIVERS=$_val ;;
            KLDLOAD_EXPORT_FORMAT) A_EXPORT_FORMAT=$_val ;;
            KLDLOAD_NO_AUTO_REBOOT) A_NO_AUTO_REBOOT=$_val ;;
            KLDLOAD_EXTRA_PACKAGES) A_EXTRA_PACKAGES=$_val ;;
            KLDLOAD_ENABLE_SECURE_BOOT) A_ENABLE_SECURE_BOOT=$_val ;;
            KLDLOAD_ENABLE_KVM) A_ENABLE_KVM=$_val ;;
            KLDLOAD_ENABLE_K8S) A_ENABLE_K8S=$_val ;;
            KLDLOAD_ENABLE_AI) A_ENABLE_AI=$_val ;;
            KLDLOAD_ENABLE_EBPF) A_ENABLE_EBPF=$_val ;;
            KLDLOAD_ENABLE_DEVOPS) A_ENABLE_DEVOPS=$_val ;;
            KLDLOAD_ENABLE_WEBUI) A_ENABLE_WEBUI=$_val ;;
            KLDLOAD_ENABLE_ZXPLORE) A_ENABLE_ZXPLORE=$_val ;;
            KLDLOAD_WIREGUARD) A_WIREGUARD=$_val ;;
            KLDLOAD_KEEP_NETBOOT) A_KEEP_NETBOOT=$_val ;;
            KLDLOAD_FORCE_WIPE) A_FORCE_WIPE=$_val ;;
            KLDLOAD_DEBIAN_BACKPORTS) A_DEBIAN_BACKPORTS=$_val ;;
            *) ANSWERS_ERROR="answers.env line $_n: unknown key $_key"; return 1 ;;
        esac
        A_SEEN="$A_SEEN ${_key#KLDLOAD_}"
    done <"$1"
    return 0
}

# Every key kldload's answer-file template and the farm know. Honoured ones
# are used below; the others are accepted only with the value that means
# "off" (see validate_answers) or are recorded only.
ANSWER_KEYS="DISTRO PROFILE DISK HOSTNAME DOMAIN USERNAME PASSWORD ROOT_PASSWORD MOK_PASSWORD \
SSH_PUBKEY ADMIN_SSH_PUBKEY ADMIN_SSH_KEYS TIMEZONE LOCALE KEYBOARD_LAYOUT \
NET_METHOD NET_IFACE NET_IP NET_PREFIX NET_GW NET_DNS \
SUITE DEBIAN_SUITE RELEASE FEDORA_RELEASE \
ZFS_POOL ZFS_TOPOLOGY ZFS_ENCRYPT ZFS_PASSPHRASE ESP_SIZE ZBM_TIMEOUT \
NVIDIA_DRIVERS EXPORT_FORMAT NO_AUTO_REBOOT EXTRA_PACKAGES \
ENABLE_SECURE_BOOT ENABLE_KVM ENABLE_K8S ENABLE_AI ENABLE_EBPF ENABLE_DEVOPS ENABLE_WEBUI ENABLE_ZXPLORE \
WIREGUARD KEEP_NETBOOT FORCE_WIPE DEBIAN_BACKPORTS"

_bad() { ANSWERS_ERROR=$*; return 1; }

_is_ssh_key() {
    case $1 in
        ssh-ed25519\ AAAA* | ssh-rsa\ AAAA* | ecdsa-sha2-nistp*\ AAAA* | \
            sk-ssh-ed25519@openssh.com\ AAAA* | sk-ecdsa-sha2-nistp256@openssh.com\ AAAA*) return 0 ;;
    esac
    return 1
}

_is_ipv4() {
    case $1 in *[!0-9.]* | .* | *. | *..*) return 1 ;; esac
    _o=$(echo "$1" | awk -F. 'NF != 4 { print "x"; exit } { for (i = 1; i <= 4; i++) if ($i > 255 || length($i) > 3) { print "x"; exit } }')
    [ -z "$_o" ]
}

# validate_answers: checks the values, applies defaults and sets HOST, DOMAIN,
# USER_NAME, DISK, PROFILE, TIMEZONE, LOCALE, ESP_MIB, NET_*, EXTRA_PKGS,
# BOOT_TIMEOUT. On error sets ANSWERS_ERROR and returns 1.
validate_answers() {
    ANSWERS_ERROR=
    HOST=${A_HOSTNAME:-kldload}
    DOMAIN=$A_DOMAIN
    USER_NAME=${A_USERNAME:-admin}
    DISK=${A_DISK:-/dev/vda}
    PROFILE=${A_PROFILE:-core}
    TIMEZONE=${A_TIMEZONE:-UTC}
    LOCALE=${A_LOCALE:-C.UTF-8}

    case ${A_DISTRO:-debian} in debian) ;; *) _bad "KLDLOAD_DISTRO '$A_DISTRO' is not supported (this medium installs debian)"; return 1 ;; esac
    for _s in "$A_SUITE" "$A_DEBIAN_SUITE"; do
        case $_s in '' | bookworm) ;; *) _bad "suite '$_s' is not on this medium (bookworm only)"; return 1 ;; esac
    done
    case $A_RELEASE in '' | 12) ;; *) _bad "KLDLOAD_RELEASE '$A_RELEASE' is not on this medium (12 only)"; return 1 ;; esac
    case $PROFILE in core | server) ;; *) _bad "KLDLOAD_PROFILE '$PROFILE' is not supported (core, server)"; return 1 ;; esac

    case $HOST in
        -* | *- | *..* | .* | *. | *.-* | *-.* | *[!A-Za-z0-9.-]*) _bad "invalid KLDLOAD_HOSTNAME '$HOST'"; return 1 ;;
    esac
    [ ${#HOST} -le 63 ] || { _bad "KLDLOAD_HOSTNAME longer than 63 characters"; return 1; }
    case $DOMAIN in
        -* | *- | *..* | .* | *. | *.-* | *-.* | *[!A-Za-z0-9.-]*) _bad "invalid KLDLOAD_DOMAIN '$DOMAIN'"; return 1 ;;
    esac

    case $USER_NAME in
        [a-z_]*) ;;
        *) _bad "invalid KLDLOAD_USERNAME '$USER_NAME'"; return 1 ;;
    esac
    case $USER_NAME in
        *[!a-z0-9_-]*) _bad "invalid KLDLOAD_USERNAME '$USER_NAME'"; return 1 ;;
        root | daemon | bin | sys | sync | games | man | lp | mail | news | uucp | proxy | www-data | backup | \
            list | irc | nobody | systemd-* | messagebus | sshd | _apt | sudo | adm | staff | users)
            _bad "KLDLOAD_USERNAME '$USER_NAME' is reserved"; return 1 ;;
    esac
    [ ${#USER_NAME} -le 32 ] || { _bad "KLDLOAD_USERNAME longer than 32 characters"; return 1; }

    for _k in "$A_SSH_PUBKEY" "$A_ADMIN_SSH_PUBKEY"; do
        [ -z "$_k" ] || _is_ssh_key "$_k" || { _bad "an SSH public key answer is not an OpenSSH public key line"; return 1; }
    done
    if [ -z "$A_SSH_PUBKEY" ] && [ -z "$A_ADMIN_SSH_PUBKEY" ] && [ -z "$A_PASSWORD" ]; then
        _bad "neither KLDLOAD_SSH_PUBKEY nor KLDLOAD_PASSWORD is set: nobody could log in"; return 1
    fi

    case $DISK in
        /dev/disk/by-id/* | /dev/disk/by-path/* | /dev/disk/by-uuid/* | /dev/disk/by-label/*)
            case ${DISK#/dev/disk/by-*/} in
                '' | *[!A-Za-z0-9._:+-]* | .*) _bad "invalid KLDLOAD_DISK '$DISK'"; return 1 ;;
            esac ;;
        /dev/*/* | /dev/*[!A-Za-z0-9]* | /dev/) _bad "invalid KLDLOAD_DISK '$DISK'"; return 1 ;;
        /dev/[a-z]*) ;;
        *) _bad "invalid KLDLOAD_DISK '$DISK'"; return 1 ;;
    esac

    case $TIMEZONE in
        *..* | /* | *[!A-Za-z0-9/_+-]*) _bad "invalid KLDLOAD_TIMEZONE '$TIMEZONE'"; return 1 ;;
    esac
    case $LOCALE in
        C | C.UTF-8 | POSIX) ;;
        [a-z][a-z]_[A-Z][A-Z] | [a-z][a-z][a-z]_[A-Z][A-Z] | [a-z][a-z]_[A-Z][A-Z].UTF-8 | [a-z][a-z][a-z]_[A-Z][A-Z].UTF-8) ;;
        *) _bad "invalid KLDLOAD_LOCALE '$LOCALE'"; return 1 ;;
    esac

    # storage: one disk, one pool called rpool, no native encryption
    case ${A_ZFS_POOL:-rpool} in rpool) ;; *) _bad "KLDLOAD_ZFS_POOL '$A_ZFS_POOL' is not supported (rpool only)"; return 1 ;; esac
    case ${A_ZFS_TOPOLOGY:-single} in single) ;; *) _bad "KLDLOAD_ZFS_TOPOLOGY '$A_ZFS_TOPOLOGY' is not supported (single only: one target disk)"; return 1 ;; esac
    case ${A_ZFS_ENCRYPT:-0} in 0) ;; *) _bad "KLDLOAD_ZFS_ENCRYPT=$A_ZFS_ENCRYPT is not supported (an encrypted pool cannot boot unattended)"; return 1 ;; esac
    ESP_MIB=512
    case $A_ESP_SIZE in
        '') ;;
        [1-9]*M | [1-9]*G)
            case ${A_ESP_SIZE%?} in *[!0-9]*) _bad "invalid KLDLOAD_ESP_SIZE '$A_ESP_SIZE'"; return 1 ;; esac
            ESP_MIB=${A_ESP_SIZE%?}
            case $A_ESP_SIZE in *G) ESP_MIB=$((ESP_MIB * 1024)) ;; esac ;;
        *) _bad "invalid KLDLOAD_ESP_SIZE '$A_ESP_SIZE'"; return 1 ;;
    esac
    if [ "$ESP_MIB" -lt 128 ] || [ "$ESP_MIB" -gt 4096 ]; then _bad "KLDLOAD_ESP_SIZE must be 128M to 4G"; return 1; fi
    BOOT_TIMEOUT=0
    case $A_ZBM_TIMEOUT in
        '') ;;
        -1) BOOT_TIMEOUT=menu-force ;;
        [0-9] | [0-9][0-9]) BOOT_TIMEOUT=$A_ZBM_TIMEOUT ;;
        *) _bad "invalid KLDLOAD_ZBM_TIMEOUT '$A_ZBM_TIMEOUT'"; return 1 ;;
    esac

    # network
    NET_METHOD=${A_NET_METHOD:-dhcp}
    NET_IFACE=$A_NET_IFACE
    case $NET_IFACE in '') ;; [a-z]*) case $NET_IFACE in *[!a-z0-9]*) _bad "invalid KLDLOAD_NET_IFACE"; return 1 ;; esac ;; *) _bad "invalid KLDLOAD_NET_IFACE"; return 1 ;; esac
    case $NET_METHOD in
        dhcp) ;;
        static)
            _is_ipv4 "$A_NET_IP" || { _bad "KLDLOAD_NET_METHOD=static needs an IPv4 KLDLOAD_NET_IP"; return 1; }
            case $A_NET_PREFIX in [0-9] | [12][0-9] | 3[0-2]) ;; *) _bad "KLDLOAD_NET_METHOD=static needs KLDLOAD_NET_PREFIX 0-32"; return 1 ;; esac
            [ -z "$A_NET_GW" ] || _is_ipv4 "$A_NET_GW" || { _bad "invalid KLDLOAD_NET_GW"; return 1; }
            for _d in $(echo "$A_NET_DNS" | tr ',' ' '); do _is_ipv4 "$_d" || { _bad "invalid KLDLOAD_NET_DNS"; return 1; }; done ;;
        *) _bad "KLDLOAD_NET_METHOD '$NET_METHOD' is not supported (dhcp, static)"; return 1 ;;
    esac

    # features this medium does not carry: only "off" is accepted
    for _f in ENABLE_SECURE_BOOT ENABLE_KVM ENABLE_K8S ENABLE_AI ENABLE_EBPF ENABLE_DEVOPS ENABLE_WEBUI \
        ENABLE_ZXPLORE KEEP_NETBOOT DEBIAN_BACKPORTS; do
        eval "_v=\$A_$_f"
        case $_v in '' | 0) ;; *) _bad "KLDLOAD_$_f=$_v is not supported by this installer"; return 1 ;; esac
    done
    for _f in WIREGUARD FORCE_WIPE; do
        eval "_v=\$A_$_f"
        case $_v in '' | 0 | 1) ;; *) _bad "KLDLOAD_$_f must be 0 or 1"; return 1 ;; esac
    done
    case ${A_NVIDIA_DRIVERS:-0} in 0 | auto) ;; *) _bad "KLDLOAD_NVIDIA_DRIVERS=$A_NVIDIA_DRIVERS is not supported by this installer"; return 1 ;; esac
    case ${A_EXPORT_FORMAT:-none} in none) ;; *) _bad "KLDLOAD_EXPORT_FORMAT must be none (the farm exports)"; return 1 ;; esac
    case $A_FEDORA_RELEASE in '') ;; *) _bad "KLDLOAD_FEDORA_RELEASE makes no sense for debian"; return 1 ;; esac

    EXTRA_PKGS=$(printf '%s\n' "$A_EXTRA_PACKAGES" | tr ',' ' ' | awk '{ $1 = $1; print }')
    for _p in $EXTRA_PKGS; do
        case $_p in
            [a-z0-9]*) case $_p in *[!a-z0-9+.-]*) _bad "invalid package name '$_p' in KLDLOAD_EXTRA_PACKAGES"; return 1 ;; esac ;;
            *) _bad "invalid package name '$_p' in KLDLOAD_EXTRA_PACKAGES"; return 1 ;;
        esac
    done
    return 0
}
