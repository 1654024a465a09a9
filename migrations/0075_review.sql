-- loopft review: a person reads a deterministic sample of a dataset before a job trains on it.
-- A dataset is the set of succeeded export runs tune collects (their daily files); its id is
-- derived from the run ids (ds-<12 hex>), so tune finds the review of the dataset it built.
create table loopft_review_datasets (
  id text primary key,
  export_run_ids bigint[] not null,
  -- Examples in the dataset when the sample was drawn.
  population integer not null,
  -- sha256 of each sampled JSONL line (the loopft_examples key), in review order. No text: the
  -- lines stay in the export files, so forget has nothing to erase here.
  sample text[] not null,
  created_by text not null,
  created_at timestamptz not null default now()
);

-- One decision per example, by the hash of its line, wherever it appears. Export never writes a
-- rejected line again (daily or master), and review removes it from every export and dataset file.
create table loopft_review_decisions (
  sha256 text collate "C" primary key,
  decision text not null check (decision in ('approve', 'reject')),
  reason text,
  -- The dataset whose review made the decision.
  dataset_id text not null,
  actor text not null,
  decided_at timestamptz not null default now(),
  -- When the rejected line was removed from every export file; null: still to do (the next review finishes it).
  purged_at timestamptz,
  check (decision = 'approve' or reason is not null)
);
create index loopft_review_decisions_rejected_idx on loopft_review_decisions (sha256) where decision = 'reject';
