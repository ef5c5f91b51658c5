-- Control plane: tokens, workers, the build queue with leases, stages, logs, checks, artifacts, audit.

create table tokens (
    id           uuid primary key,
    token_hash   varchar(64)  not null unique,
    team         varchar(64)  not null,
    roles        varchar(200) not null,
    description  varchar(200),
    worker_id    uuid,
    created_at   timestamptz  not null default now(),
    revoked_at   timestamptz
);

create table workers (
    id            uuid primary key,
    name          varchar(128) not null,
    arch          varchar(32)  not null,
    accel         varchar(8)   not null,
    qemu_version  varchar(128),
    slots         int          not null,
    labels        jsonb        not null default '[]',
    token_id      uuid         not null references tokens (id),
    registered_at timestamptz  not null default now(),
    last_seen_at  timestamptz  not null default now()
);

create table builds (
    id                uuid primary key,
    team              varchar(64)  not null,
    status            varchar(16)  not null,
    distro            varchar(32)  not null,
    profile           varchar(32)  not null,
    installer         varchar(80)  not null,
    answers           jsonb        not null,
    secret_keys       jsonb        not null default '[]',
    formats           jsonb        not null,
    source_repository varchar(512) not null,
    source_commit     varchar(64)  not null,
    tests             varchar(64)  not null,
    channel           varchar(32),
    priority          int          not null,
    labels            jsonb        not null default '{}',
    timeout_seconds   bigint       not null,
    accel             varchar(8)   not null,
    arch              varchar(32)  not null,
    worker_labels     jsonb        not null default '[]',
    fingerprint       varchar(64)  not null,
    image_name        varchar(160) not null,
    idempotency_key   varchar(128),
    request_hash      varchar(64),
    attempt           int          not null default 0,
    max_attempts      int          not null,
    worker_id         uuid references workers (id),
    lease_id          uuid unique,
    lease_expires_at  timestamptz,
    cancel_requested  boolean      not null default false,
    failure_code      varchar(32),
    failure_reason    varchar(2000),
    failure_stage     varchar(16),
    failure_retryable boolean,
    created_at        timestamptz  not null default now(),
    started_at        timestamptz,
    finished_at       timestamptz,
    constraint builds_status check (status in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'))
);

create unique index builds_idempotency on builds (team, idempotency_key) where idempotency_key is not null;
-- A failed or cancelled build made no image, so its name may be taken again by the retry.
create unique index builds_image_name on builds (image_name) where status not in ('FAILED', 'CANCELLED');
create index builds_queue on builds (priority desc, created_at, id) where status = 'QUEUED';
create index builds_expiring on builds (lease_expires_at) where status = 'RUNNING';
create index builds_history on builds (created_at desc, id desc);
create index builds_fingerprint on builds (team, fingerprint) where status = 'SUCCEEDED';

-- Write-only answer values; deleted when the build ends.
create table build_secrets (
    build_id uuid          not null references builds (id) on delete cascade,
    key      varchar(64)   not null,
    value    varchar(4096) not null,
    primary key (build_id, key)
);

create table build_stages (
    build_id    uuid        not null references builds (id) on delete cascade,
    attempt     int         not null,
    stage       varchar(16) not null,
    status      varchar(16) not null,
    started_at  timestamptz,
    finished_at timestamptz,
    detail      varchar(2000),
    primary key (build_id, attempt, stage)
);

create table build_logs (
    build_id   uuid        not null references builds (id) on delete cascade,
    attempt    int         not null,
    seq        bigint      not null,
    lines      text        not null,
    line_count int         not null,
    created_at timestamptz not null default now(),
    primary key (build_id, attempt, seq)
);

create table build_checks (
    build_id    uuid          not null references builds (id) on delete cascade,
    attempt     int           not null,
    position    int           not null,
    name        varchar(128)  not null,
    command     varchar(2000) not null,
    exit_status int           not null,
    passed      boolean       not null,
    output      varchar(8000) not null,
    duration_ms bigint        not null,
    primary key (build_id, attempt, position)
);

create table build_artifacts (
    build_id  uuid         not null references builds (id) on delete cascade,
    format    varchar(8)   not null,
    file_name varchar(200) not null,
    sha256    varchar(64)  not null,
    size      bigint       not null,
    primary key (build_id, format)
);

create table audit_log (
    id         bigserial primary key,
    at         timestamptz  not null default now(),
    actor      varchar(64)  not null,
    team       varchar(64)  not null,
    action     varchar(64)  not null,
    target     varchar(200) not null,
    detail     varchar(2000)
);
