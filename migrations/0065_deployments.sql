-- What loopft did to make each fine-tune callable where the provider needs a
-- step for it: a Nebius custom model, a Together dedicated endpoint (billed per
-- minute while it runs), an Azure deployment (created by hand). Status and prune
-- read it to show and stop what bills by time.
create table loopft_deployments (
  id bigint generated always as identity primary key,
  provider text not null,
  job_id text not null,
  kind text not null check (kind in ('custom-model', 'endpoint', 'manual')),
  external_id text,
  -- The name a chat request uses; the registry's model name.
  model text not null,
  status text not null check (status in ('pending', 'ready', 'failed', 'stopped')),
  cost_per_day_usd numeric,
  detail text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  stopped_at timestamptz,
  unique (provider, job_id)
);
create index loopft_deployments_model_idx on loopft_deployments (model);
