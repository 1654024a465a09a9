-- Examples that export left out because its verify pass still found possible personal data after
-- redaction. A person reviews them (loopft quarantine) to report the pattern the redactor missed,
-- so each keeps its messages as export would have written them, but with every find masked to its
-- shape (digits 9, letters a/A/x, separators kept): the offsets and types of the finds, never a value.
create table loopft_quarantined_examples (
  id bigint generated always as identity primary key,
  -- No foreign key, as for loopft_examples (0043): export is the only writer, and runs are never deleted.
  export_run_id bigint not null,
  conversation_id text not null,
  -- Which example of the conversation: a long conversation is split into several.
  example_index integer not null,
  -- forget deletes a user's rows through this; never shown.
  user_ids text[] not null default '{}',
  -- [{message, type, start, end}]: message indexes `messages`; offsets are UTF-16 units of its content.
  finds jsonb not null,
  -- [{role, content}], the finds masked.
  messages jsonb not null,
  created_at timestamptz not null default now()
);
create index loopft_quarantined_examples_run_idx on loopft_quarantined_examples (export_run_id);
create index loopft_quarantined_examples_user_ids_idx on loopft_quarantined_examples using gin (user_ids);
create index loopft_quarantined_examples_created_idx on loopft_quarantined_examples (created_at);
