-- Per-team submission limits count a team's active builds and its builds of the last minute.
create index builds_team_recent on builds (team, created_at desc);
create index builds_team_active on builds (team) where status in ('QUEUED', 'RUNNING');

-- The audit log is read newest first, optionally for one action.
create index audit_log_action on audit_log (action, id desc);
