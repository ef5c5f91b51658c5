-- Installer media: a registry of named, described media, each stored content-addressed in the bucket
-- (installers/<sha256>.<format>). Several names may share one medium (same bytes, other descriptor).

create table installers (
    name                     varchar(63)   primary key,
    sha256                   varchar(64)   not null,
    size                     bigint        not null,
    format                   varchar(8)    not null,
    object_key               varchar(200)  not null,
    boot_mode                varchar(8)    not null,
    success_line             varchar(200)  not null,
    failure_lines            jsonb         not null default '[]',
    install_deadline_seconds bigint        not null,
    distros                  jsonb         not null,
    profiles                 jsonb         not null,
    default_suite            varchar(32)   not null,
    disk_size                varchar(8),
    team                     varchar(64)   not null,
    reference                boolean       not null default false,
    registered_by            varchar(64)   not null,
    registered_at            timestamptz   not null default now(),
    constraint installers_format check (format in ('iso', 'img')),
    constraint installers_boot_mode check (boot_mode in ('UEFI', 'BIOS'))
);

create index installers_sha256 on installers (sha256);

-- A registration waiting for its bytes: one pending presigned multipart upload per name; registering the name
-- again replaces (and aborts) it. The descriptor is kept as the validated request.
create table installer_uploads (
    name          varchar(63)   primary key,
    sha256        varchar(64)   not null,
    size          bigint        not null,
    upload_id     varchar(1024) not null,
    object_key    varchar(200)  not null,
    registration  jsonb         not null,
    team          varchar(64)   not null,
    registered_by varchar(64)   not null,
    created_at    timestamptz   not null default now()
);

-- What a build was made from: the registered name its request resolved to, and the medium's digest.
alter table builds
    add column installer_name   varchar(63),
    add column installer_sha256 varchar(64);

create index builds_installer_name on builds (installer_name);
create index builds_installer_sha256 on builds (installer_sha256);

-- The medium an image version came from, by digest (images.installer holds its registered name).
alter table images add column installer_sha256 varchar(64);

create or replace function images_immutable() returns trigger language plpgsql as $$
begin
    if (new.name, new.build_id, new.team, new.distro, new.profile, new.installer, new.installer_sha256,
        new.source_repository, new.source_commit, new.fingerprint, new.provenance, new.provenance_keyid,
        new.created_at)
       is distinct from
       (old.name, old.build_id, old.team, old.distro, old.profile, old.installer, old.installer_sha256,
        old.source_repository, old.source_commit, old.fingerprint, old.provenance, old.provenance_keyid,
        old.created_at)
       or (old.revoked_at is not null
           and (new.revoked_at, new.revoked_by, new.revoke_reason)
               is distinct from (old.revoked_at, old.revoked_by, old.revoke_reason)) then
        raise exception 'image % is immutable', old.name;
    end if;
    return new;
end $$;
