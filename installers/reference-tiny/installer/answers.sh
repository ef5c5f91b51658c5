# Parsing and validation of the kldload seed file answers.env.
# Sourced by the installer's /init (busybox ash); plain POSIX sh, so that
# test-answers.sh can exercise it on the build host too.
#
# answers.env is read line by line and NEVER sourced or eval'ed:
#   KEY=value        value may be wrapped in one pair of '...' or "..."
#   # comment        lines whose first non-blank character is '#'
#   (blank lines)
# Keys that do not start with KLDLOAD_ are an error; KLDLOAD_* keys that this
# installer does not use are ignored.

# parse_answers FILE: sets the A_* variables below. On error sets
# ANSWERS_ERROR and returns 1.
parse_answers() {
    A_HOSTNAME=
    A_USERNAME=
    A_PASSWORD=
    A_SSH_PUBKEY=
    A_DISK=
    A_NO_AUTO_REBOOT=
    A_DISTRO=
    A_PROFILE=
    A_IGNORED=
    ANSWERS_ERROR=
    _cr=$(printf '\r')
    _n=0
    while IFS= read -r _line || [ -n "$_line" ]; do
        _n=$((_n + 1))
        _line=${_line%"$_cr"}
        # trim surrounding white space
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
        # one optional pair of surrounding quotes
        if [ ${#_val} -ge 2 ]; then
            case $_val in
                \"*\") _val=${_val#\"}; _val=${_val%\"} ;;
                \'*\') _val=${_val#\'}; _val=${_val%\'} ;;
            esac
        fi
        case $_key in
            KLDLOAD_HOSTNAME) A_HOSTNAME=$_val ;;
            KLDLOAD_USERNAME) A_USERNAME=$_val ;;
            KLDLOAD_PASSWORD) A_PASSWORD=$_val ;;
            KLDLOAD_SSH_PUBKEY) A_SSH_PUBKEY=$_val ;;
            KLDLOAD_DISK) A_DISK=$_val ;;
            KLDLOAD_NO_AUTO_REBOOT) A_NO_AUTO_REBOOT=$_val ;;
            KLDLOAD_DISTRO) A_DISTRO=$_val ;;
            KLDLOAD_PROFILE) A_PROFILE=$_val ;;
            KLDLOAD_*) A_IGNORED="$A_IGNORED $_key" ;;
            *) ANSWERS_ERROR="answers.env line $_n: unknown key $_key"; return 1 ;;
        esac
    done <"$1"
    return 0
}

# validate_answers: checks the A_* values and sets HOST, USER_NAME, DISK
# (with defaults). On error sets ANSWERS_ERROR and returns 1.
validate_answers() {
    ANSWERS_ERROR=
    HOST=${A_HOSTNAME:-reference-tiny}
    USER_NAME=${A_USERNAME:-admin}
    DISK=${A_DISK:-/dev/vda}

    case $HOST in
        -* | *- | *..* | .* | *. | *.-* | *-.* | *[!A-Za-z0-9.-]*)
            ANSWERS_ERROR="invalid KLDLOAD_HOSTNAME '$HOST'"; return 1 ;;
    esac
    [ ${#HOST} -le 63 ] || { ANSWERS_ERROR="KLDLOAD_HOSTNAME longer than 63 characters"; return 1; }

    case $USER_NAME in
        [a-z_]*) ;;
        *) ANSWERS_ERROR="invalid KLDLOAD_USERNAME '$USER_NAME'"; return 1 ;;
    esac
    case $USER_NAME in
        *[!a-z0-9_-]*) ANSWERS_ERROR="invalid KLDLOAD_USERNAME '$USER_NAME'"; return 1 ;;
        root | nobody | tty | wheel | users | nogroup)
            ANSWERS_ERROR="KLDLOAD_USERNAME '$USER_NAME' is reserved"; return 1 ;;
    esac
    [ ${#USER_NAME} -le 32 ] || { ANSWERS_ERROR="KLDLOAD_USERNAME longer than 32 characters"; return 1; }

    if [ -n "$A_SSH_PUBKEY" ]; then
        case $A_SSH_PUBKEY in
            ssh-ed25519\ AAAA* | ssh-rsa\ AAAA* | ecdsa-sha2-nistp*\ AAAA* | \
                sk-ssh-ed25519@openssh.com\ AAAA* | sk-ecdsa-sha2-nistp256@openssh.com\ AAAA*) ;;
            *) ANSWERS_ERROR="KLDLOAD_SSH_PUBKEY is not an OpenSSH public key line"; return 1 ;;
        esac
    fi
    if [ -z "$A_SSH_PUBKEY" ] && [ -z "$A_PASSWORD" ]; then
        ANSWERS_ERROR="neither KLDLOAD_SSH_PUBKEY nor KLDLOAD_PASSWORD is set: nobody could log in"
        return 1
    fi

    case $DISK in
        /dev/*/* | /dev/*[!A-Za-z0-9]* | /dev/) ANSWERS_ERROR="invalid KLDLOAD_DISK '$DISK'"; return 1 ;;
        /dev/[a-z]*) ;;
        *) ANSWERS_ERROR="invalid KLDLOAD_DISK '$DISK'"; return 1 ;;
    esac
    return 0
}
