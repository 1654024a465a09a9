-- The training ledger: one row per attempt to train one dataset on one base model.
-- The intent row is written before anything is uploaded or created, so a crash at
-- any point leaves a row that the next run resumes (file id kept) or reconciles
-- (job looked up by its metadata) instead of paying for a second job.
create table loopft_training_jobs (
  id bigint generated always as identity primary key,
  -- tune:<provider>:<base model>:<dataset sha256>; --force adds an attempt.
  idempotency_key text not null,
  attempt integer not null default 1,
  provider text not null,
  base_model text not null,
  dataset_path text not null,
  dataset_sha256 text not null,
  dataset_bytes bigint not null,
  examples integer not null,
  validation_examples integer not null default 0,
  -- Billable tokens of one epoch (Σ min(limit, tokens per example)).
  tokens_per_epoch bigint not null,
  n_epochs integer not null,
  suffix text not null,
  hyperparameters jsonb not null,
  metadata jsonb not null,
  estimated_cost_usd numeric(14, 6) not null,
  actual_cost_usd numeric(14, 6),
  trained_tokens bigint,
  training_file_id text,
  validation_file_id text,
  job_id text unique,
  status text not null check (status in ('uploading', 'creating', 'validating_files', 'queued', 'running', 'succeeded', 'failed', 'cancelled')),
  fine_tuned_model text,
  result_files text[] not null default '{}',
  error jsonb,
  export_run_ids bigint[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz,
  unique (idempotency_key, attempt)
);
create index loopft_training_jobs_created_idx on loopft_training_jobs (created_at desc);

-- Every job event already shown, so a restarted watcher prints each one once.
create table loopft_training_events (
  job_id text not null,
  event_id text not null,
  created_at timestamptz not null,
  level text not null,
  type text not null,
  message text not null,
  data jsonb,
  primary key (job_id, event_id)
);

-- Step metrics (from the results file, or metrics events), kept for the registry and evaluate.
create table loopft_training_metrics (
  job_id text not null,
  step integer not null,
  metrics jsonb not null,
  primary key (job_id, step)
);
