import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {toFile} from 'openai'
import type {Sql} from '../../../src/lib/db/connection.js'
import {executePrune, pruneFailure, planPrune, type PruneDeps} from '../../../src/lib/operations/prune.js'
import {createOpenAIProvider} from '../../../src/lib/training/openai-provider.js'
import {useTestDatabase} from '../../support/db.js'
import {useOpenAIStandin} from '../../support/openai.js'

const NOW = new Date('2026-11-25T12:00:00Z')
const DAY = 86_400_000
const LIMITS = {modelsOlderThanMs: 90 * DAY, archiveOlderThanMs: 180 * DAY}

async function insertTrainingJob(sql: Sql, job: {jobId: string; model: string; trainingFileId: string; validationFileId?: string}): Promise<void> {
  await sql`
    insert into loopft_training_jobs (idempotency_key, provider, base_model, dataset_path, dataset_sha256, dataset_bytes, examples,
      tokens_per_epoch, n_epochs, suffix, hyperparameters, metadata, estimated_cost_usd, training_file_id, validation_file_id, job_id, status, fine_tuned_model)
    values (${`tune:${job.jobId}`}, 'openai', 'gpt-4o-mini-2024-07-18', 'd.jsonl', ${job.jobId}, 10, 10, 100, 1, 'loopft', '{}', '{}', 0.01,
      ${job.trainingFileId}, ${job.validationFileId ?? null}, ${job.jobId}, 'succeeded', ${job.model})`
}

describe('prune', () => {
  const database = useTestDatabase()
  const openai = useOpenAIStandin()
  let outDir: string
  let deps: PruneDeps
  const models: Record<string, string> = {}
  const files: Record<string, string> = {}

  beforeEach(async () => {
    outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-prune-'))
    const client = openai.client({maxRetries: 0})
    deps = {db: database.db, api: createOpenAIProvider(client), outDir, archiveDir: path.join(outDir, 'archive'), now: NOW}
    const {sql} = database
    await sql`truncate loopft_models, loopft_training_jobs, loopft_promotions, loopft_config, loopft_eval_answers, loopft_evaluations, loopft_deleted_files, loopft_archives`
    for (const name of ['old', 'served', 'canary', 'previous', 'evaluating', 'young', 'shares']) {
      models[name] = `ft:gpt-4o-mini-2024-07-18:standin-org:${name}:x${name}`
      openai.standin.store.models.set(models[name], {id: models[name], object: 'model', created: 0, owned_by: 'standin-org'})
      files[name] = (await client.files.create({file: await toFile(Buffer.from('{"messages":[]}\n'), `${name}.jsonl`), purpose: 'fine-tune'})).id
      const createdAt = new Date(NOW.getTime() - (name === 'young' ? 10 : 200) * DAY)
      await sql`insert into loopft_models (name, base_model, job_id, created_at) values (${models[name]}, 'gpt-4o-mini-2024-07-18', ${`job-${name}`}, ${createdAt})`
      await insertTrainingJob(sql, {jobId: `job-${name}`, model: models[name], trainingFileId: name === 'shares' ? files.served : files[name]})
    }
    await sql`update loopft_models set status = 'promoted' where name = ${models.served}`
    await sql`insert into loopft_config (key, value, version) values ('serving', ${sql.json({model: models.served, canary: {model: models.canary, percent: 10}})}, 3)`
    await sql`insert into loopft_promotions (action, from_model, to_model, actor, config_version) values ('promote', ${models.previous}, ${models.served}, 'ops', 2)`
    await sql`insert into loopft_eval_answers (model, item_hash, params_hash, content, prompt_tokens, completion_tokens, latency_ms) values (${models.evaluating}, 'i1', 'p', 'a', 1, 1, 1)`
  })
  afterEach(async () => {
    await fs.rm(outDir, {recursive: true, force: true})
  })

  it('plans only unprotected old models, with the reason each protected one is kept, and changes nothing', async () => {
    const before = await database.sql`select name, status from loopft_models order by name`
    const plan = await planPrune(deps, LIMITS)
    assert.deepEqual(plan.models.map((model) => [model.name, model.files]), [[models.old, [files.old]], [models.shares, []]])
    assert.deepEqual(Object.fromEntries(plan.keptModels.map((kept) => [kept.name, kept.reason.split(':')[0]])), {
      [models.served]: 'promoted',
      [models.canary]: 'canary',
      [models.previous]: 'rollback target',
      [models.evaluating]: 'in an evaluation without a verdict yet',
    })
    assert.deepEqual(await database.sql`select name, status from loopft_models order by name`, before)
    assert.deepEqual([openai.standin.store.models.size, openai.standin.store.files.size], [7, 7])
    assert.equal(openai.standin.requests.filter((request) => request.method === 'DELETE').length, 0)
  })

  it('deletes the planned models and their unshared files on the API and marks them deleted', async () => {
    const report = await executePrune(deps, await planPrune(deps, LIMITS))
    assert.deepEqual([report.deletedModels, report.deletedFiles, report.failures], [[models.old, models.shares], [files.old], []])
    assert.deepEqual([openai.standin.store.models.has(models.old), openai.standin.store.models.has(models.shares), openai.standin.store.models.has(models.served)], [false, false, true])
    assert.deepEqual([openai.standin.store.files.has(files.old), openai.standin.store.files.has(files.served)], [false, true])
    const statuses = await database.sql<{name: string}[]>`select name from loopft_models where status = 'deleted' and deleted_at is not null order by name`
    assert.deepEqual(statuses.map((row) => row.name), [models.old, models.shares].sort())
    assert.equal(pruneFailure(report), undefined)
  })

  it('skips a planned model that became protected before the work ran', async () => {
    const plan = await planPrune(deps, LIMITS)
    await database.sql`update loopft_config set value = ${database.sql.json({model: models.old, canary: null})} where key = 'serving'`
    const report = await executePrune(deps, plan)
    assert.deepEqual([report.deletedModels, report.skipped.map((skip) => skip.name)], [[models.shares], [models.old]])
    assert.ok(openai.standin.store.models.has(models.old))
  })

  it('leaves a consistent state on partial failure and finishes the rest when run again', async () => {
    openai.standin.injectFault({method: 'DELETE', path: /\/models\/.*old/, status: 500, times: 1})
    openai.standin.injectFault({method: 'DELETE', path: /\/files\//, status: 503, times: 1})
    const first = await executePrune(deps, await planPrune(deps, LIMITS))
    assert.deepEqual(first.failures.map((failure) => [failure.kind, failure.item, failure.code]), [['model', models.old, 'API_ERROR']])
    assert.deepEqual(first.deletedModels, [models.shares])
    const [old] = await database.sql<{status: string}[]>`select status from loopft_models where name = ${models.old}`
    assert.equal(old.status, 'candidate', 'not marked deleted: the provider still has it')
    assert.equal(pruneFailure(first)?.exitCode, 16)

    const second = await executePrune(deps, await planPrune(deps, LIMITS))
    assert.deepEqual([second.deletedModels, second.failures.map((failure) => failure.kind)], [[models.old], ['file']])
    const third = await executePrune(deps, await planPrune(deps, LIMITS))
    assert.deepEqual([third.plan.files, third.deletedFiles, third.failures], [[files.old], [files.old], []])
    assert.equal(openai.standin.store.files.has(files.old), false)
  })

  it('counts a model already gone from the provider as deleted', async () => {
    openai.standin.store.models.delete(models.old)
    const report = await executePrune(deps, await planPrune(deps, LIMITS))
    assert.deepEqual([report.deletedModels.includes(models.old), report.failures], [true, []])
  })
})
