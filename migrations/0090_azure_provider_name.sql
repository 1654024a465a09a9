-- One name for Azure OpenAI everywhere: `azure`, as --provider, the catalog and the
-- serving row say it. Rows from before providers were named took `azure-openai` from
-- the base URL; the training key carries the provider, so it is renamed with it
-- (otherwise the same dataset would look untrained there).
update loopft_training_jobs set provider = 'azure', idempotency_key = 'tune:azure:' || substr(idempotency_key, length('tune:azure-openai:') + 1)
  where provider = 'azure-openai' and idempotency_key like 'tune:azure-openai:%';
update loopft_training_jobs set provider = 'azure' where provider = 'azure-openai';
update loopft_models set provider = 'azure' where provider = 'azure-openai';
update loopft_deployments set provider = 'azure' where provider = 'azure-openai';
