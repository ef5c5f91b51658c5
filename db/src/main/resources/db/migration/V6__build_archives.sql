-- A build's log and test report, archived into the object store once the build has ended
-- (builds/<id>/logs/build.log, builds/<id>/tests.xml); a succeeded build's provenance names their digests.
create table build_archives (
    build_id     uuid primary key references builds (id) on delete cascade,
    log_key      varchar(200) not null,
    log_sha256   char(64)     not null,
    log_size     bigint       not null,
    tests_key    varchar(200),
    tests_sha256 char(64),
    archived_at  timestamptz  not null default now()
);
