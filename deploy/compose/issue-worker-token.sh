#!/bin/sh
# Compose only: issues the worker's token once, with the admin token, into the volume the worker reads it
# from. A token binds to the first worker that registers with it, so it is kept, not issued at every start.
set -eu
file=${GOLDSMITH_WORKER_TOKEN_FILE:?}
if [ -s "$file" ]; then
    echo "worker token already issued ($file)"
    exit 0
fi
answer=$(curl -fsS --retry 30 --retry-connrefused --retry-delay 2 -X POST "$GOLDSMITH_URL/api/v1/tokens" \
    -H "Authorization: Bearer $GOLDSMITH_ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -d '{"team":"farm","roles":["worker"]}')
token=$(printf '%s' "$answer" | sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p')
if [ -z "$token" ]; then
    echo "issue-worker-token: no token in the control plane's answer" >&2
    exit 1
fi
umask 077
printf '%s\n' "$token" > "$file.tmp"
mv "$file.tmp" "$file"
echo "worker token issued into $file"
