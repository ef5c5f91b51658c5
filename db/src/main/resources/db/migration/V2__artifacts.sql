-- Artifacts in the object store: uploads a lease has started, and where each verified file landed.

-- One pending multipart upload per build and format; a new start replaces (and aborts) the previous one.
create table artifact_uploads (
    build_id   uuid          not null references builds (id) on delete cascade,
    format     varchar(8)    not null,
    attempt    int           not null,
    upload_id  varchar(1024) not null,
    object_key varchar(512)  not null,
    size       bigint        not null,
    part_size  bigint        not null,
    created_at timestamptz   not null default now(),
    primary key (build_id, format)
);

-- A row with an object key was verified by the control plane (size and SHA-256 of what landed) in `attempt`.
alter table build_artifacts
    add column object_key varchar(512),
    add column attempt    int,
    add column stored_at  timestamptz;
