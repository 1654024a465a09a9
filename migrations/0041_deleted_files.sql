-- Files loopft deleted on the provider (prune, forget): a later run retries only
-- what is missing here, so a partial failure is finished by running again.
create table loopft_deleted_files (
  file_id text primary key,
  reason text not null check (reason in ('prune', 'forget')),
  deleted_at timestamptz not null default now()
);
