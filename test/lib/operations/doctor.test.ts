import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {loadConfig} from '../../../src/lib/config.js'
import {openDatabase} from '../../../src/lib/db/connection.js'
import {runDoctor, type DoctorDeps, type DoctorResult} from '../../../src/lib/operations/doctor.js'
import {createOpenAIProvider} from '../../../src/lib/training/openai-provider.js'
import {useTestDatabase} from '../../support/db.js'
import {useOpenAIStandin} from '../../support/openai.js'
import {clearServing, passedModel} from '../../support/serving.js'
import {promoteModel} from '../../../src/lib/serving/promote.js'

describe('runDoctor', () => {
  const t = useTestDatabase()
  const openai = useOpenAIStandin()
  let dir: string

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-doctor-'))
  })
  after(async () => {
    await fs.rm(dir, {recursive: true, force: true})
  })
  beforeEach(async () => {
    await t.sql`truncate loopft_training_jobs, loopft_export_runs cascade`
  })

  function deps(overrides: {env?: NodeJS.ProcessEnv; apiKey?: string; maxBytes?: number; baseModel?: string} & Partial<DoctorDeps> = {}): DoctorDeps {
    const config = loadConfig({
      outDir: path.join(dir, 'exports', 'not-yet'), openaiApiKey: overrides.apiKey, openaiBaseUrl: openai.standin.baseURL,
      maxBytes: overrides.maxBytes ?? 1000, baseModel: overrides.baseModel,
    }, overrides.env ?? {})
    return {
      config,
      connect: async () => t.db,
      createProvider: () => createOpenAIProvider(openai.client({apiKey: config.openaiApiKey, maxRetries: 0})),
      ...overrides,
    }
  }
  const byName = (result: DoctorResult) => Object.fromEntries(result.checks.map((check) => [check.name, check.status]))
  const find = (result: DoctorResult, name: string) => result.checks.find((check) => check.name === name)!

  it('passes a healthy setup, warns about runs that never happened, and creates nothing', async () => {
    const result = await runDoctor(deps({apiKey: 'sk-test', now: () => new Date('2026-06-01T00:00:00Z')}))
    assert.deepEqual(byName(result), {
      database: 'ok', catalog: 'ok', api: 'ok', 'fine-tuning': 'ok', 'provider cut-off': 'ok', 'base model shutdown': 'ok',
      'default text model': 'ok', 'default vision model': 'ok', disk: 'ok', 'last export': 'warn', 'last tune': 'warn', 'last evaluation': 'warn', quarantine: 'ok',
    })
    assert.equal(result.ok, true)
    assert.ok(result.checks.every((check) => check.status === 'ok' || check.fix !== null), 'every warn and fail says what to do')
    assert.deepEqual(openai.standin.requests.filter((request) => request.method !== 'GET'), [])
  })

  it('warns when export quarantined more than 0.1% of the last week\'s examples, and says how to review them', async () => {
    const exportRun = (key: string, written: number, quarantined: number) => t.sql`
      insert into loopft_export_runs (idempotency_key, status, window_start, window_end, out_dir, examples_written, skipped, finished_at)
      values (${key}, 'succeeded', now() - interval '1 day', now(), '/x', ${written}, ${t.sql.json({pii_suspected: quarantined})}, now())`
    try {
      await exportRun('q1', 9990, 10)
      const low = find(await runDoctor(deps({apiKey: 'sk-test'})), 'quarantine')
      assert.deepEqual([low.status, low.detail.startsWith('10 of 10000 examples (0.10%) in 1 run(s)')], ['ok', true])
      await exportRun('q2', 990, 10)
      const high = find(await runDoctor(deps({apiKey: 'sk-test'})), 'quarantine')
      assert.deepEqual([high.status, high.detail.startsWith('20 of 11000 examples (0.18%) in 2 run(s)')], ['warn', true])
      assert.match(high.fix ?? '', /loopft quarantine/)
    } finally {
      await t.sql`delete from loopft_export_runs where idempotency_key in ('q1', 'q2')`
    }
  })

  it('fails without a key, and with a key the API rejects', async () => {
    const keyless = await runDoctor(deps())
    assert.equal(find(keyless, 'api').status, 'fail')
    assert.ok(find(keyless, 'provider cut-off'), 'how long training stays possible is said even without a key')
    openai.standin.setApiKey('sk-right')
    const rejected = await runDoctor(deps({apiKey: 'sk-wrong-key-123'}))
    assert.deepEqual([rejected.ok, find(rejected, 'api').status], [false, 'fail'])
    assert.doesNotMatch(JSON.stringify(rejected), /sk-wrong-key-123/)
  })

  it('fails an unreachable database and still runs the other checks', async () => {
    const result = await runDoctor(deps({apiKey: 'sk-test', connect: () => openDatabase({databaseUrl: 'postgres://postgres@127.0.0.1:1/none', home: '/nonexistent'})}))
    assert.deepEqual([find(result, 'database').status, find(result, 'api').status, result.checks.some((check) => check.name === 'last export')], ['fail', 'ok', false])
  })

  it('counts down to the provider cut-off and fails once it has passed', async () => {
    const prices = path.join(dir, 'prices.json')
    await fs.writeFile(prices, JSON.stringify({providerCutoffs: {'openai-compatible': {noNewJobsAfter: '2027-01-06'}}}))
    const env = {LOOPFT_PRICES_FILE: prices}
    const soon = await runDoctor(deps({apiKey: 'sk-test', env, now: () => new Date('2026-12-01T12:00:00Z')}))
    assert.deepEqual([find(soon, 'provider cut-off').status, find(soon, 'provider cut-off').detail], ['warn', 'openai-compatible accepts no new fine-tuning jobs after 2027-01-06: 36 day(s) left'])
    const after = await runDoctor(deps({apiKey: 'sk-test', env, now: () => new Date('2027-01-07T00:00:01Z')}))
    assert.deepEqual([find(after, 'provider cut-off').status, find(after, 'fine-tuning').status, after.ok], ['fail', 'fail', false])
  })

  it('fails a base model that cannot be fine-tuned, an unknown one, and a recorded refusal', async () => {
    assert.equal(find(await runDoctor(deps({apiKey: 'sk-test', baseModel: 'gpt-3.5-turbo-0125'})), 'fine-tuning').status, 'fail')
    assert.equal(find(await runDoctor(deps({apiKey: 'sk-test', baseModel: 'my-model'})), 'catalog').status, 'fail')
    await t.sql`
      insert into loopft_training_jobs (idempotency_key, provider, base_model, dataset_path, dataset_sha256, dataset_bytes, examples, tokens_per_epoch,
        n_epochs, suffix, hyperparameters, metadata, estimated_cost_usd, status, error)
      values ('k', 'openai-compatible', 'gpt-4o-mini-2024-07-18', '/d.jsonl', 'abc', 1, 10, 100, 1, 's', '{}', '{}', 0.01, 'failed',
        ${t.sql.json({code: 'TRAINING_UNAVAILABLE', message: 'refused'})})`
    const refused = await runDoctor(deps({apiKey: 'sk-test'}))
    assert.match(find(refused, 'fine-tuning').detail, /refused/)
  })

  describe('shutdown dates of the models that serve (fixed clock)', () => {
    afterEach(async () => {
      await clearServing(t.sql)
    })
    const on = (iso: string) => () => new Date(iso)
    const slots = (result: DoctorResult) => ['served model', 'canary', 'rollback target', 'default text model', 'default vision model']
      .map((name) => [name, result.checks.find((check) => check.name === name)?.status])

    it('fails within 30 days of the served, canary and rollback models\' and the defaults\' shutdown, warns within 90, and says what to move to', async () => {
      const serving = {sql: t.sql, openai: openai.client({maxRetries: 0}), textModel: 'gpt-4o-mini', now: on('2026-06-01T00:00:00Z')}
      const [first, second, canary] = await Promise.all(['doc1', 'doc2', 'doc3'].map((id) => passedModel(t.sql, openai.standin, id, 'openai')))
      await promoteModel(serving, {model: first, actor: 'tester'})
      await promoteModel(serving, {model: second, actor: 'tester'})
      await promoteModel(serving, {model: canary, canaryPercent: 5, actor: 'tester'})

      const early = await runDoctor(deps({apiKey: 'sk-test', now: on('2026-08-01T00:00:00Z')}))
      assert.deepEqual(slots(early), [['served model', 'ok'], ['canary', 'ok'], ['rollback target', 'ok'], ['default text model', 'ok'], ['default vision model', 'ok']])
      const soon = await runDoctor(deps({apiKey: 'sk-test', now: on('2026-11-01T00:00:00Z')}))
      assert.deepEqual(slots(soon).map(([, status]) => status), ['warn', 'warn', 'warn', 'warn', 'warn'])
      assert.equal(soon.ok, true)

      const due = await runDoctor(deps({apiKey: 'sk-test', now: on('2026-12-15T12:00:00Z')}))
      assert.deepEqual([slots(due).map(([, status]) => status), due.ok], [['fail', 'fail', 'fail', 'fail', 'fail'], false])
      assert.deepEqual([find(due, 'served model').detail, find(due, 'served model').fix], [
        `openai:${second} (a fine-tune) shuts down on 2027-01-14: 30 day(s) left`,
        'move to nebius:meta-llama/Meta-Llama-3.1-8B-Instruct: tune, evaluate and promote a fine-tune of meta-llama/Meta-Llama-3.1-8B-Instruct at nebius (loopft cycle with that provider)',
      ])
      assert.match(find(due, 'rollback target').detail, new RegExp(first.replaceAll('.', '\\.')))
      assert.match(find(due, 'default vision model').fix ?? '', /^move to nebius:Qwen\/Qwen2\.5-VL-72B-Instruct: set LOOPFT_VISION_MODEL=nebius:Qwen/)

      const gone = await runDoctor(deps({apiKey: 'sk-test', now: on('2027-01-14T00:00:00Z')}))
      assert.equal(find(gone, 'canary').detail, `openai:${canary} (a fine-tune) was shut down on 2027-01-14`)
    })

    it('checks the vision slot: a promoted gpt-4o fails within 30 days of its shutdown, the same slot on Nebius passes', async () => {
      const serving = {sql: t.sql, openai: openai.client({maxRetries: 0}), textModel: 'gpt-4o-mini', now: on('2026-06-01T00:00:00Z')}
      await promoteModel(serving, {model: 'gpt-4o', slot: 'vision', force: true, reason: 'pinned snapshot', actor: 'tester'})
      const due = await runDoctor(deps({apiKey: 'sk-test', now: on('2026-12-20T00:00:00Z')}))
      assert.deepEqual([find(due, 'served vision model').status, find(due, 'served vision model').detail, find(due, 'served vision model').fix], [
        'fail', 'openai:gpt-4o shuts down on 2027-01-14: 25 day(s) left',
        'move to nebius:Qwen/Qwen2.5-VL-72B-Instruct: loopft promote nebius:Qwen/Qwen2.5-VL-72B-Instruct --slot vision --force --reason "shutdown"',
      ])
      await t.sql`update loopft_config set value = ${t.sql.json({model: null, canary: null, vision: {model: 'Qwen/Qwen2.5-VL-72B-Instruct', provider: 'nebius'}})} where key = 'serving'`
      const moved = await runDoctor(deps({apiKey: 'sk-test', now: on('2026-12-20T00:00:00Z')}))
      assert.deepEqual([find(moved, 'served vision model').status, find(moved, 'served vision model').detail], ['ok', 'nebius:Qwen/Qwen2.5-VL-72B-Instruct: no shutdown announced'])
    })

    it('passes defaults moved to a provider without a shutdown date, and follows dates from the overrides file', async () => {
      const prices = path.join(dir, 'retirements.json')
      await fs.writeFile(prices, JSON.stringify({retirements: {nebius: {'meta-llama/Meta-Llama-3.1-8B-Instruct': {shutdownDate: '2027-01-31', successor: 'together:meta-llama/Meta-Llama-3.1-8B-Instruct-Reference'}}}}))
      const env = {LOOPFT_DEFAULT_TEXT_MODEL: 'nebius:meta-llama/Meta-Llama-3.1-8B-Instruct', LOOPFT_VISION_MODEL: 'nebius:Qwen/Qwen2.5-VL-72B-Instruct'}
      const moved = await runDoctor(deps({apiKey: 'sk-test', env, now: on('2027-01-20T00:00:00Z')}))
      assert.deepEqual([slots(moved).slice(3), find(moved, 'default text model').detail], [
        [['default text model', 'ok'], ['default vision model', 'ok']], 'nebius:meta-llama/Meta-Llama-3.1-8B-Instruct: no shutdown announced',
      ])
      const overridden = await runDoctor(deps({apiKey: 'sk-test', env: {...env, LOOPFT_PRICES_FILE: prices}, now: on('2027-01-20T00:00:00Z')}))
      assert.deepEqual([find(overridden, 'default text model').status, find(overridden, 'default text model').fix],
        ['fail', 'move to together:meta-llama/Meta-Llama-3.1-8B-Instruct-Reference: set LOOPFT_DEFAULT_TEXT_MODEL=together:meta-llama/Meta-Llama-3.1-8B-Instruct-Reference (and the router\'s textModel option)'])
    })
  })

  it('fails when the disk cannot hold an export, and reports the age of the last export', async () => {
    await t.sql`
      insert into loopft_export_runs (idempotency_key, status, window_start, window_end, out_dir, finished_at)
      values ('e', 'succeeded', now() - interval '2 days', now() - interval '1 day', '/x', now() - interval '1 day')`
    const result = await runDoctor(deps({apiKey: 'sk-test', maxBytes: 1e15}))
    assert.deepEqual([find(result, 'disk').status, find(result, 'last export').status], ['fail', 'ok'])
    assert.match(find(result, 'last export').detail, /1 day\(s\) ago/)
  })
})
