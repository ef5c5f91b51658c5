#!/bin/sh
# Entry point of the worker image. Without GOLDSMITH_WORKER_TOKEN it reads the token from
# GOLDSMITH_WORKER_TOKEN_FILE (a Kubernetes Secret volume, compose's token volume), then runs the agent.
set -eu
if [ -z "${GOLDSMITH_WORKER_TOKEN:-}" ] && [ -n "${GOLDSMITH_WORKER_TOKEN_FILE:-}" ]; then
    if [ ! -r "$GOLDSMITH_WORKER_TOKEN_FILE" ]; then
        echo "goldsmith-worker: cannot read GOLDSMITH_WORKER_TOKEN_FILE=$GOLDSMITH_WORKER_TOKEN_FILE" >&2
        exit 78
    fi
    GOLDSMITH_WORKER_TOKEN=$(cat "$GOLDSMITH_WORKER_TOKEN_FILE")
    export GOLDSMITH_WORKER_TOKEN
fi
exec java -jar /opt/goldsmith/worker-agent.jar "$@"
