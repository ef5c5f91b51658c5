-- The registry: immutable image versions with their signed provenance, the keys that signed it, and channels.

-- One row per succeeded build; its files are the build's rows in build_artifacts.
create table images (
    name              varchar(160)  primary key,
    build_id          uuid          not null unique references builds (id),
    team              varchar(64)   not null,
    distro            varchar(32)   not null,
    profile           varchar(32)   not null,
    installer         varchar(80)   not null,
    source_repository varchar(512)  not null,
    source_commit     varchar(64)   not null,
    fingerprint       varchar(64)   not null,
    shared            boolean       not null default false,
    -- The DSSE envelope, byte for byte as stored beside the files.
    provenance        text          not null,
    provenance_keyid  varchar(64)   not null,
    created_at        timestamptz   not null default now(),
    revoked_at        timestamptz,
    revoked_by        varchar(64),
    revoke_reason     varchar(500)
);

create index images_newest on images (created_at desc, name desc);

-- A version is immutable: only sharing and revocation (once) may change.
create function images_immutable() returns trigger language plpgsql as $$
begin
    if (new.name, new.build_id, new.team, new.distro, new.profile, new.installer, new.source_repository,
        new.source_commit, new.fingerprint, new.provenance, new.provenance_keyid, new.created_at)
       is distinct from
       (old.name, old.build_id, old.team, old.distro, old.profile, old.installer, old.source_repository,
        old.source_commit, old.fingerprint, old.provenance, old.provenance_keyid, old.created_at)
       or (old.revoked_at is not null
           and (new.revoked_at, new.revoked_by, new.revoke_reason)
               is distinct from (old.revoked_at, old.revoked_by, old.revoke_reason)) then
        raise exception 'image % is immutable', old.name;
    end if;
    return new;
end $$;

create trigger images_immutable before update on images for each row execute function images_immutable();

-- Every public key provenance was signed with, so old envelopes stay verifiable after a key change.
create table provenance_keys (
    keyid      varchar(64) primary key,
    public_key text        not null,
    created_at timestamptz not null default now()
);

-- Where each team's channel for a distro and profile points now (image null: cleared).
create table channels (
    team        varchar(64)  not null,
    channel     varchar(32)  not null,
    distro      varchar(32)  not null,
    profile     varchar(32)  not null,
    image_name  varchar(160) references images (name),
    assigned_at timestamptz  not null default now(),
    assigned_by varchar(64)  not null,
    primary key (team, channel, distro, profile)
);

create index channels_image on channels (image_name);

-- Every assignment ever made: promotions, and the moves back when a version is revoked.
create table channel_assignments (
    id          bigserial    primary key,
    team        varchar(64)  not null,
    channel     varchar(32)  not null,
    distro      varchar(32)  not null,
    profile     varchar(32)  not null,
    image_name  varchar(160) references images (name),
    action      varchar(16)  not null,
    actor       varchar(64)  not null,
    detail      varchar(600),
    at          timestamptz  not null default now(),
    constraint channel_assignments_action check (action in ('PROMOTE', 'ROLLBACK', 'CLEAR'))
);

create index channel_assignments_history on channel_assignments (team, channel, distro, profile, id desc);
