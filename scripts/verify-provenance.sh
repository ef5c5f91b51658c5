#!/usr/bin/env bash
# Verifies an image version's signed provenance the way an outsider would, with curl, jq and openssl only:
# the Ed25519 signature over the DSSE PAE, the key against the envelope's keyid, and (when the file is in DIR)
# the downloaded image files against the statement's subjects.
#   scripts/verify-provenance.sh GOLDSMITH_URL TOKEN IMAGE [DIR]
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: $0 GOLDSMITH_URL TOKEN IMAGE [DIR]" >&2
    exit 2
fi
url=$1 token=$2 image=$3 dir=${4:-$(mktemp -d)}
mkdir -p "$dir"
cd "$dir"

curl -fsS -H "Authorization: Bearer $token" "$url/api/v1/images/$image/provenance" > envelope.json
keyid=$(jq -r '.signatures[0].keyid' envelope.json)
curl -fsS "$url/api/v1/provenance/public-key?keyid=$keyid" > goldsmith-provenance.pem
if [ "$(openssl pkey -pubin -in goldsmith-provenance.pem -outform DER | sha256sum | cut -d' ' -f1)" != "$keyid" ]; then
    echo "provenance: the served public key is not the key $keyid the envelope names" >&2
    exit 1
fi

jq -r .payload envelope.json | base64 -d > payload.json
jq -r '.signatures[0].sig' envelope.json | base64 -d > sig.bin
type=$(jq -r .payloadType envelope.json)
printf 'DSSEv1 %d %s %d ' "${#type}" "$type" "$(wc -c < payload.json)" > pae.bin
cat payload.json >> pae.bin
if ! openssl pkeyutl -verify -pubin -inkey goldsmith-provenance.pem -rawin -in pae.bin -sigfile sig.bin >/dev/null; then
    echo "provenance: signature does NOT verify" >&2
    exit 1
fi
echo "provenance: Ed25519 signature verified (keyid ${keyid:0:16}…), $(jq '.subject | length' payload.json) subjects," \
     "built by $(jq -r .predicate.runDetails.builder.id payload.json)"

jq -r '.subject[] | "\(.digest.sha256)  \(.name)"' payload.json > subjects.sha256
if compgen -G "$image.*" >/dev/null && grep -q "  $image\." subjects.sha256; then
    sha256sum -c --ignore-missing subjects.sha256 | sed 's/^/provenance: /'
fi
