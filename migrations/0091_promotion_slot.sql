-- promote and rollback may write the vision slot as well as the text one; each change in the
-- history says which slot it wrote, so a text rollback never lands on a vision model (and back).
alter table loopft_promotions add column slot text not null default 'text' check (slot in ('text', 'vision'));
