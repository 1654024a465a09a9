-- Right to be forgotten: one row per erased user, keyed by the hex sha256 of the
-- user id (never the raw id), so import and export can refuse the user's rows
-- again without the tombstone itself keeping the identifier in clear.
create table loopft_tombstones (
  user_hash text primary key,
  forgotten_at timestamptz not null default now(),
  -- What forget removed (counts, file names, API file ids, affected models): no user data.
  receipt jsonb not null default '{}'::jsonb
);

-- Export files that prune moved into gzip archives; forget rewrites them through this map.
create table loopft_archives (
  original_path text primary key,
  archive_path text not null unique,
  -- Of the uncompressed content, checked after compression and before the original is removed.
  sha256 text not null,
  bytes bigint not null,
  archived_at timestamptz not null default now()
);
