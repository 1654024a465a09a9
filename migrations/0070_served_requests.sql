-- One row per chat request the router served (the recorder writes them in batches, off the
-- request path). No conversation or user id: the report needs none, and forget has nothing here
-- to erase. Latency is the whole router.chat call, a fallback's retry included.
create table loopft_served_requests (
  id bigint generated always as identity primary key,
  served_at timestamptz not null,
  model text not null,
  provider text not null,
  -- The router's rule: promoted, canary, default, vision, override or retired.
  rule text not null,
  outcome text not null check (outcome in ('ok', 'fallback', 'error')),
  -- The promoted or canary model that answered 404 before the fallback.
  fallback_from text,
  -- The provider's HTTP status of a failed request (null: no response).
  error_status integer,
  latency_ms integer not null check (latency_ms >= 0),
  prompt_tokens integer not null default 0,
  completion_tokens integer not null default 0
);
-- Rows arrive in time order: a BRIN index finds a month for a fraction of a B-tree's size and upkeep.
create index loopft_served_requests_served_at_idx on loopft_served_requests using brin (served_at);

-- Latency histogram bucket b holds [1.1^b, 1.1^(b+1)) ms: a percentile read from it is within 10%.
create function loopft_latency_bucket(latency_ms integer) returns smallint
  language sql immutable parallel safe
  return least(floor(ln(greatest(latency_ms, 1)) / ln(1.1)), 200)::smallint;

-- The daily rollup the report reads (a month is a few thousand rows, whatever the traffic).
-- Kept by the statement trigger below, in the inserting transaction, so it is never behind.
create table loopft_served_daily (
  day date not null,
  model text not null,
  provider text not null,
  rule text not null,
  outcome text not null,
  latency_bucket smallint not null,
  requests bigint not null,
  prompt_tokens bigint not null,
  completion_tokens bigint not null,
  latency_ms_sum bigint not null,
  primary key (day, model, provider, rule, outcome, latency_bucket)
);

create function loopft_roll_up_served_requests() returns trigger language plpgsql as $$
begin
  -- Sorted by key, so two concurrent batches lock the rollup rows in the same order (no deadlock).
  insert into loopft_served_daily as daily
    (day, model, provider, rule, outcome, latency_bucket, requests, prompt_tokens, completion_tokens, latency_ms_sum)
  select (served_at at time zone 'UTC')::date, model, provider, rule, outcome, loopft_latency_bucket(latency_ms),
         count(*), sum(prompt_tokens), sum(completion_tokens), sum(latency_ms)
  from inserted
  group by 1, 2, 3, 4, 5, 6
  order by 1, 2, 3, 4, 5, 6
  on conflict (day, model, provider, rule, outcome, latency_bucket) do update set
    requests = daily.requests + excluded.requests,
    prompt_tokens = daily.prompt_tokens + excluded.prompt_tokens,
    completion_tokens = daily.completion_tokens + excluded.completion_tokens,
    latency_ms_sum = daily.latency_ms_sum + excluded.latency_ms_sum;
  return null;
end
$$;

create trigger loopft_served_requests_roll_up after insert on loopft_served_requests
  referencing new table as inserted for each statement execute function loopft_roll_up_served_requests();
