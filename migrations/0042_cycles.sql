-- One row per weekly cycle (tune → watch → evaluate → promote). The step states
-- make it resumable: a cycle that crashed stays 'running' and the next
-- `loopft cycle` continues it from its first unfinished step.
create table loopft_cycles (
  id bigint generated always as identity primary key,
  status text not null default 'running' check (status in ('running', 'succeeded', 'failed')),
  -- {"tune": {"state": "done" | "skipped" | "failed", "detail": "...", ...}, "watch": ..., "evaluate": ..., "promote": ...}
  steps jsonb not null default '{}'::jsonb,
  job_id text,
  candidate text,
  evaluation_id bigint,
  started_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz,
  error jsonb
);
-- At most one unfinished cycle: the one a crashed run leaves for the next to resume.
create unique index loopft_cycles_one_running_idx on loopft_cycles ((true)) where status = 'running';
