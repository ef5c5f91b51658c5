-- The installer columns' indexes served only the check before an installer is deleted, and that query cannot
-- use them: one of its OR arms (builds.installer) has no index, so PostgreSQL scans builds whatever they are.
-- Every claim and completion writes a new version of the build's row into each index on builds; these two were
-- write cost on the queue's hot path for a rare admin check that never read them.
drop index builds_installer_name;
drop index builds_installer_sha256;
