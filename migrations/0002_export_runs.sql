-- One row per export run: the ledger behind --since last, status and forget.
create table loopft_export_runs (
  id bigint generated always as identity primary key,
  idempotency_key text not null unique,
  status text not null check (status in ('running', 'succeeded', 'failed')),
  window_start timestamptz not null,
  window_end timestamptz not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  out_dir text not null,
  -- The day's file; daily_files also lists its numbered parts when it outgrew --max-bytes.
  daily_file text,
  daily_files text[] not null default '{}',
  daily_bytes bigint,
  daily_sha256 text,
  master_files text[] not null default '{}',
  messages_read bigint not null default 0,
  conversations bigint not null default 0,
  examples_written bigint not null default 0,
  examples_duplicate bigint not null default 0,
  redactions jsonb not null default '{}'::jsonb,
  skipped jsonb not null default '{}'::jsonb,
  verify_findings bigint not null default 0,
  -- Files committed but not yet renamed into place: rolled forward by the next run.
  pending_files jsonb,
  error text
);
create index loopft_export_runs_window_idx on loopft_export_runs (window_end desc) where status = 'succeeded';

-- Every example ever written, by the sha256 of its JSONL line: master de-duplication
-- across runs, and the lineage that forget needs (which users fed which file).
create table loopft_examples (
  sha256 text primary key,
  export_run_id bigint not null references loopft_export_runs (id),
  conversation_id text not null,
  user_ids text[] not null default '{}',
  daily_file text not null,
  master_file text not null,
  created_at timestamptz not null default now()
);
create index loopft_examples_user_ids_idx on loopft_examples using gin (user_ids);
create index loopft_examples_run_idx on loopft_examples (export_run_id);
