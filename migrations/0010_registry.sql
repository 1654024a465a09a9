-- The model registry: every model loopft trained, evaluated, promoted or retired.
create table loopft_models (
  name text primary key,
  base_model text not null,
  provider text not null default 'openai',
  job_id text,
  training_file_id text,
  dataset_sha256 text,
  status text not null default 'candidate' check (status in ('candidate', 'promoted', 'retired', 'deleted')),
  evaluation jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);

-- Key/value configuration read by the router; 'serving' holds what the chat app serves.
create table loopft_config (
  key text primary key,
  value jsonb not null,
  version bigint not null default 1,
  updated_at timestamptz not null default now(),
  updated_by text
);

-- Append-only history of promotions, canaries and rollbacks.
create table loopft_promotions (
  id bigint generated always as identity primary key,
  action text not null check (action in ('promote', 'canary', 'rollback')),
  from_model text,
  to_model text not null,
  canary_percent numeric,
  reason text,
  actor text not null,
  config_version bigint not null,
  created_at timestamptz not null default now()
);
