-- A rollback while a canary runs only drops the canary; history records that as its own action,
-- so a later plain rollback never mistakes it for the previous full promotion.
alter table loopft_promotions drop constraint loopft_promotions_action_check;
alter table loopft_promotions add constraint loopft_promotions_action_check
  check (action in ('promote', 'canary', 'rollback', 'abort-canary'));
