-- Export writes one loopft_examples row per new example, inside its run's transaction, and those
-- inserts were its largest cost in Postgres. The foreign key checked each row against
-- loopft_export_runs with a query of its own (half the insert's time); the only writer is export,
-- with the run row it committed before it began, and runs are never deleted. No query filters
-- on export_run_id alone, so its index was pure cost too.
alter table loopft_examples drop constraint loopft_examples_export_run_id_fkey;
drop index loopft_examples_run_idx;
-- Hashes are hex: byte order is all they need, and a locale's collation makes every comparison
-- of the primary key, which export probes once per example, several times dearer.
alter table loopft_examples alter column sha256 type text collate "C";
