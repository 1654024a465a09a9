-- Answers of models on gold items, so that a re-run costs nothing and an
-- interrupted run resumes. The judge's verdicts are cached here too (model = the
-- judge, item_hash = the hash of the judge prompt).
create table loopft_eval_answers (
  model text not null,
  item_hash text not null,
  params_hash text not null,
  content text not null,
  prompt_tokens integer not null,
  completion_tokens integer not null,
  latency_ms integer not null,
  created_at timestamptz not null default now(),
  primary key (model, item_hash, params_hash)
);

-- One row per evaluation: the verdict and every figure, stored against the candidate.
create table loopft_evaluations (
  id bigint generated always as identity primary key,
  candidate text not null,
  baseline text not null,
  judge_model text not null,
  gold_path text not null,
  gold_sha256 text not null,
  items integer not null,
  primary_metric text not null,
  min_improvement numeric not null,
  verdict text not null check (verdict in ('pass', 'fail')),
  difference double precision not null,
  ci_low double precision not null,
  ci_high double precision not null,
  result jsonb not null,
  created_at timestamptz not null default now()
);
create index loopft_evaluations_candidate_idx on loopft_evaluations (candidate, created_at desc);
