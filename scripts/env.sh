# shellcheck shell=bash
# Sourced by the scripts: the JDK and Maven settings every Goldsmith command uses.
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
GOLDSMITH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export GOLDSMITH_ROOT
if [ ! -x "$JAVA_HOME/bin/java" ]; then
    echo "Goldsmith needs the Temurin JDK 25 at $JAVA_HOME (set JAVA_HOME_25 to use another JDK >= 21)." >&2
    exit 1
fi
