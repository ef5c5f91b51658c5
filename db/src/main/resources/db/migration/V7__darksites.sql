-- Darksites: the pinned package sets installer media install from, each named by its digest (sha256: + the
-- SHA-256 of its lock's package lines) and stored once, content-addressed, as darksites/<hex>.tar (the package
-- set) and darksites/<hex>.lock (the lock as written). Rows are never deleted: builds and images name them.
create table darksites (
    digest         varchar(71)  primary key,
    packages       integer      not null,
    archive_key    varchar(200) not null,
    archive_sha256 char(64)     not null,
    archive_size   bigint       not null,
    lock_key       varchar(200) not null,
    lock_sha256    char(64)     not null,
    lock_size      bigint       not null,
    created_at     timestamptz  not null default now(),
    constraint darksites_digest check (digest ~ '^sha256:[0-9a-f]{64}$'),
    constraint darksites_packages check (packages > 0)
);

-- The darksite a medium carries (reference media register theirs at start-up).
alter table installers add column darksite varchar(71) references darksites (digest);

-- What a build was made from, beside installer_sha256: copied from its installer when the request resolves it.
alter table builds add column darksite varchar(71) references darksites (digest);

-- And what an image version was made from.
alter table images add column darksite varchar(71) references darksites (digest);

create or replace function images_immutable() returns trigger language plpgsql as $$
begin
    if (new.name, new.build_id, new.team, new.distro, new.profile, new.installer, new.installer_sha256,
        new.darksite, new.source_repository, new.source_commit, new.fingerprint, new.provenance,
        new.provenance_keyid, new.created_at)
       is distinct from
       (old.name, old.build_id, old.team, old.distro, old.profile, old.installer, old.installer_sha256,
        old.darksite, old.source_repository, old.source_commit, old.fingerprint, old.provenance,
        old.provenance_keyid, old.created_at)
       or (old.revoked_at is not null
           and (new.revoked_at, new.revoked_by, new.revoke_reason)
               is distinct from (old.revoked_at, old.revoked_by, old.revoke_reason)) then
        raise exception 'image % is immutable', old.name;
    end if;
    return new;
end $$;
