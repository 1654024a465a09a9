-- Export inserts a loopft_examples row per new example inside its run's transaction. The daily and
-- master file of each row repeated what the run row already lists (daily_files, master_files), and
-- forget scans all of those files anyway. Without them each row is about 70 bytes narrower, and so
-- is the JSON export builds and sends for every batch of 2,000 examples.
alter table loopft_examples drop column daily_file, drop column master_file;
