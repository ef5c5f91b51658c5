-- The golden loop: media refreshed by the farm, rebuilds that channel policies submit, and what a diff compares.

-- A build is an image build, or a medium job: the farm refreshing one of its own reference media on a worker.
-- What only some builds have lives in tables of its own: the queue's table stays as narrow as the claim's plan
-- needs it (ClaimPlanTest).
alter table builds add column kind varchar(8) not null default 'IMAGE';
alter table builds add constraint builds_kind check (kind in ('IMAGE', 'MEDIUM'));

-- A medium job: the recipe it runs, the lock of the medium it may replace, and how it ended (UNCHANGED or BUILT,
-- with the package set it resolved).
create table medium_jobs (
    build_id     uuid primary key references builds (id) on delete cascade,
    refresh_id   uuid        not null,
    recipe       varchar(63) not null,
    current_lock text,
    result       varchar(16),
    lock         text
);

-- A rebuild: why the farm submitted it, which build it rebuilds, which of its inputs differ from that build's.
create table build_lineage (
    build_id        uuid primary key references builds (id) on delete cascade,
    trigger_kind    varchar(16)  not null,
    trigger_refresh uuid,
    trigger_policy  varchar(200) not null,
    rebuild_of      uuid         not null references builds (id),
    changed_inputs  jsonb        not null default '[]'
);
-- A refresh rebuilds a build once, whichever replica submits it.
create unique index build_lineage_rebuilt_once on build_lineage (rebuild_of, trigger_refresh)
    where trigger_refresh is not null;

-- Per secret answer of a build, its HMAC under the farm's fingerprint key: a diff says "changed" or
-- "unchanged" by key, and the secret itself is never kept.
create table build_secret_digests (
    build_id uuid primary key references builds (id) on delete cascade,
    digests  jsonb not null
);

-- The package set each farm-built medium was made from (resolved.lock), by the medium's digest.
create table medium_locks (
    sha256      varchar(64) primary key,
    lock        text        not null,
    recorded_at timestamptz not null default now()
);

create table installer_refreshes (
    id                uuid primary key,
    installer         varchar(63)  not null,
    status            varchar(12)  not null,
    trigger           varchar(16)  not null,
    requested_by      varchar(200) not null,
    -- Deferred: the refresh and its medium job are written in one transaction, the refresh first.
    job_id            uuid references builds (id) deferrable initially deferred,
    previous_sha256   varchar(64),
    previous_darksite varchar(71),
    current_sha256    varchar(64),
    current_darksite  varchar(71),
    packages          jsonb,
    failure           varchar(2000),
    -- The replica processing the refresh's outcome holds it until then (registering a medium takes a while).
    claimed_until     timestamptz,
    started_at        timestamptz  not null default now(),
    finished_at       timestamptz,
    constraint installer_refreshes_status
        check (status in ('QUEUED', 'RUNNING', 'UNCHANGED', 'REFRESHED', 'FAILED'))
);
-- One refresh of a medium at a time, across replicas.
create unique index installer_refreshes_running on installer_refreshes (installer)
    where status in ('QUEUED', 'RUNNING');
create index installer_refreshes_history on installer_refreshes (installer, started_at desc);

-- What a channel does by itself: rebuild when its image's medium is refreshed (or on a schedule), promote on
-- success or leave promotion to people. Secret answers for the rebuilds are kept encrypted (AES-GCM).
create table channel_policies (
    team           varchar(64)  not null,
    channel        varchar(32)  not null,
    distro         varchar(32)  not null,
    profile        varchar(32)  not null,
    rebuild        varchar(16)  not null,
    schedule       varchar(120),
    promote        varchar(16)  not null,
    secret_keys    jsonb        not null default '[]',
    secrets        bytea,
    updated_by     varchar(200) not null,
    updated_at     timestamptz  not null default now(),
    -- The last rebuild the policy submitted (or was answered with from the cache), why, and for which refresh;
    -- a rebuild that could not be submitted says why in last_failure.
    last_rebuild   uuid,
    last_trigger   varchar(16),
    last_refresh   uuid,
    last_failure   varchar(2000),
    last_at        timestamptz,
    primary key (team, channel, distro, profile),
    constraint channel_policies_rebuild check (rebuild in ('on-refresh', 'never')),
    constraint channel_policies_promote check (promote in ('on-success', 'manual'))
);

-- The last time slot each schedule fired in, so that of all replicas one fires it.
create table schedule_marks (
    name      varchar(250) primary key,
    last_slot timestamptz  not null
);

-- A medium job stores formats of longer names than an image's (darksite-lock).
alter table artifact_uploads alter column format type varchar(16);
alter table build_artifacts alter column format type varchar(16);
