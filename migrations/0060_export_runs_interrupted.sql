-- A run whose process died (kill -9, power loss, a lost database) is marked 'interrupted' by the next
-- export instead of showing 'running' in status forever.
alter table loopft_export_runs drop constraint loopft_export_runs_status_check;
alter table loopft_export_runs add constraint loopft_export_runs_status_check check (status in ('running', 'succeeded', 'failed', 'interrupted'));
