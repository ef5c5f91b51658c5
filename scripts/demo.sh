#!/usr/bin/env bash
# The main job on embedded defaults: PostgreSQL (embedded), the control plane, on http://localhost:8080.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/install-deps.sh"
source "$here/env.sh"
cd "$GOLDSMITH_ROOT"
jar=build-service/target/build-service-0.1.0-SNAPSHOT.jar
if [ ! -f "$jar" ] || [ -n "$(find build-service/src db/src openapi/src -newer "$jar" -print -quit)" ]; then
    mvn -B -ntp -q package -DskipTests
fi
export GOLDSMITH_DATA_DIR="${GOLDSMITH_DATA_DIR:-$HOME/.goldsmith}"
echo "Goldsmith control plane: http://localhost:${SERVER_PORT:-8080}  data: $GOLDSMITH_DATA_DIR"
exec "$JAVA_HOME/bin/java" -jar "$jar"
