-- A build's log budget: the bytes of log stored for it (all attempts), and per chunk how many lines the budget
-- dropped. A chunk whose lines were all dropped is still recorded (no lines), so a resent chunk counts once.
alter table builds add column log_bytes bigint not null default 0;
alter table build_logs add column dropped integer not null default 0;
