import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {getModelInfo, trainingCost} from '../../../src/lib/training/model-catalog.js'
import {createOpenAIProvider} from '../../../src/lib/training/openai-provider.js'
import {startFineTune, type TuneDeps, type TuneOptions} from '../../../src/lib/training/tune.js'
import {checkBeforeTraining} from '../../../src/lib/operations/preflight.js'
import type {LoopftError} from '../../../src/lib/errors.js'
import {useTestDatabase} from '../../support/db.js'
import {useOpenAIStandin} from '../../support/openai.js'
import {addExportRun, dataset} from './fixtures.js'

describe('startFineTune', () => {
  const t = useTestDatabase()
  const openai = useOpenAIStandin()
  let dir: string
  let file: string

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-tune-'))
  })
  after(async () => {
    await fs.rm(dir, {recursive: true, force: true})
  })
  beforeEach(async () => {
    await t.sql`truncate loopft_training_jobs, loopft_export_runs cascade`
    file = path.join(dir, 'train.jsonl')
    await fs.writeFile(file, dataset(20))
  })

  const deps = (extra: Partial<TuneDeps> = {}): TuneDeps => ({
    db: t.db,
    provider: createOpenAIProvider(openai.client({maxRetries: 2}), {filePollMs: 1}),
    retryDelayMs: 1,
    ...extra,
  })
  const options = (extra: Partial<TuneOptions> = {}): TuneOptions => ({
    file, baseModel: 'gpt-4o-mini-2024-07-18', epochs: 1, dryRun: false, force: false, outDir: dir, loopftVersion: '0.1.0-test', ...extra,
  })
  const jobs = () => [...openai.standin.store.jobs.values()]
  const posts = (route: string) => openai.standin.requests.filter((request) => request.method === 'POST' && request.path === route).length
  const rows = () => t.sql<{status: string; job_id: string | null; training_file_id: string | null; attempt: number}[]>`select status, job_id, training_file_id, attempt from loopft_training_jobs order by id`

  it('validates, prices, uploads with an expiry, creates one tagged job with explicit epochs, and records it', async () => {
    const result = await startFineTune(deps(), options({suffix: 'music'}))
    const [job] = jobs()
    const tokens = result.dataset.tokensPerEpoch
    assert.deepEqual(
      [result.outcome, result.estimatedCostUsd, result.suffix, result.record?.jobId, result.record?.status],
      ['created', trainingCost(tokens, getModelInfo('gpt-4o-mini-2024-07-18')), `music-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`, job.id, 'validating_files'],
    )
    assert.deepEqual([job.hyperparameters.n_epochs, job.suffix, job.metadata?.loopft_dataset_sha256, job.metadata?.loopft_version], [1, result.suffix, result.dataset.sha256, '0.1.0-test'])
    const uploaded = openai.standin.store.files.get(job.training_file)
    assert.ok(uploaded?.expires_at !== undefined && uploaded.purpose === 'fine-tune')
    assert.deepEqual((await rows()).map((row) => [row.status, row.job_id]), [['validating_files', job.id]])
    openai.standin.advanceJob(job.id, 'succeeded')
    assert.equal(job.trained_tokens, tokens, 'the stand-in bills what we counted')
  })

  it('does not train the same dataset on the same base twice, unless forced', async () => {
    await startFineTune(deps(), options())
    const again = await startFineTune(deps(), options())
    assert.deepEqual([again.outcome, jobs().length, posts('/files')], ['skipped', 1, 1])
    assert.match(again.reason ?? '', /force a new job/)
    const forced = await startFineTune(deps(), options({force: true}))
    assert.deepEqual([forced.outcome, forced.record?.attempt, jobs().length], ['created', 2, 2])
    const other = await startFineTune(deps(), options({baseModel: 'gpt-4.1-mini-2025-04-14'}))
    assert.equal(other.outcome, 'created')
  })

  it('--dry-run plans and prices but writes no row and sends no request', async () => {
    const result = await startFineTune(deps(), options({dryRun: true, sinceMs: undefined}))
    assert.deepEqual([result.outcome, result.record, openai.standin.requests.length, (await rows()).length], ['dry-run', null, 0, 0])
    assert.ok(result.estimatedCostUsd > 0)
  })

  it('refuses over --max-cost and over the monthly budget, touching nothing', async () => {
    await assert.rejects(startFineTune(deps(), options({maxCostUsd: 0.0001})), {code: 'BUDGET_EXCEEDED'})
    assert.deepEqual([openai.standin.requests.length, (await rows()).length], [0, 0])
    const first = await startFineTune(deps(), options({monthlyBudgetUsd: 1}))
    await fs.writeFile(file, dataset(20, 500))
    const budget = first.estimatedCostUsd * 1.5
    await assert.rejects(startFineTune(deps(), options({monthlyBudgetUsd: budget})), (error: {code: string; details: {spentThisMonthUsd: number}}) =>
      error.code === 'BUDGET_EXCEEDED' && error.details.spentThisMonthUsd === first.estimatedCostUsd)
    assert.equal(jobs().length, 1)
  })

  describe('checks before spending', () => {
    const GOLD = path.resolve('examples/gold.jsonl')
    const checked = (goldFile = GOLD): Partial<TuneDeps> => {
      const provider = deps().provider
      return {provider, preflight: () => checkBeforeTraining({provider, config: {goldFile, baseModel: 'gpt-4o-mini-2024-07-18'}})}
    }
    const summary = (checks: Array<{name: string; passed: boolean; advisory?: boolean}>) => checks.map((check) => `${check.name}:${check.passed ? 'ok' : check.advisory ? 'warn' : 'FAIL'}`)
    const uploads = () => openai.standin.requests.filter((request) => request.method !== 'GET').length

    it('--dry-run shows the budget, the provider\'s answer and the gold set, with cheap reads only, and warns about a gold set evaluate could not read', async () => {
      const result = await startFineTune(deps(checked(path.join(dir, 'no-gold.jsonl'))), options({dryRun: true, maxCostUsd: 5}))
      assert.deepEqual([result.outcome, summary(result.checks), uploads(), (await rows()).length], ['dry-run', ['budget:ok', 'provider access:ok', 'gold set:warn'], 0, 0])
      assert.match(result.checks[0].detail, /^estimated \$[\d.]+, within the cost limit \$5\.00$/)
      assert.ok(result.warnings.some((warning) => warning.startsWith('gold set: ')), result.warnings.join('\n'))
    })

    it('refuses before uploading when the provider rejects the key, with every check in the result', async () => {
      openai.standin.injectFault({method: 'GET', path: '/fine_tuning/jobs', status: 401, times: 10})
      const refusal = await startFineTune(deps(checked()), options()).then(() => assert.fail('tune spent with a rejected key'), (error: LoopftError) => error)
      assert.deepEqual([refusal.code, summary((refusal.result as {checks: []}).checks), uploads(), (await rows()).length], ['API_ERROR', ['budget:ok', 'provider access:FAIL', 'gold set:ok'], 0, 0])
      assert.match(refusal.message, /^before spending: provider access: listing fine-tuning jobs failed/)
    })

    it('prices first: over budget is BUDGET_EXCEEDED with the other checks still shown, in a dry run too', async () => {
      for (const dryRun of [true, false]) {
        const refusal = await startFineTune(deps(checked()), options({dryRun, maxCostUsd: 0.000_01})).then(() => assert.fail('over budget'), (error: LoopftError) => error)
        assert.deepEqual([refusal.code, summary((refusal.result as {checks: []}).checks)], ['BUDGET_EXCEEDED', ['budget:FAIL', 'provider access:ok', 'gold set:ok']])
      }
      assert.deepEqual([uploads(), (await rows()).length], [0, 0])
    })
  })

  it('rides out 429 and 500 answers (the SDK retries reads; tune retries uploads and create after a lookup)', async () => {
    openai.standin.injectFault({method: 'POST', path: '/files', status: 429, retryAfterMs: 1, times: 2})
    openai.standin.injectFault({method: 'GET', path: /^\/files\/file-/, status: 500, retryAfterMs: 1})
    openai.standin.injectFault({method: 'POST', path: '/fine_tuning/jobs', status: 500, retryAfterMs: 1})
    openai.standin.injectFault({method: 'GET', path: '/fine_tuning/jobs', status: 429, retryAfterMs: 1})
    const result = await startFineTune(deps(), options())
    assert.deepEqual([result.outcome, jobs().length, openai.standin.store.files.size], ['created', 1, 1])
    assert.equal(posts('/fine_tuning/jobs'), 2)
  })

  for (const kind of ['commit-then-drop', 'commit-then-status'] as const) {
    it(`a create that succeeds on the server but fails on the client (${kind}) leaves exactly one job`, async () => {
      openai.standin.injectFault({method: 'POST', path: '/fine_tuning/jobs', kind, status: 500, retryAfterMs: 1})
      const result = await startFineTune(deps(), options())
      assert.deepEqual([result.outcome, jobs().length, posts('/fine_tuning/jobs'), result.record?.jobId], ['reconciled', 1, 1, jobs()[0].id])
    })
  }

  it('resumes an interrupted run with the file it already uploaded', async () => {
    openai.standin.injectFault({method: 'POST', path: '/fine_tuning/jobs', status: 503, shouldRetry: false, times: Number.POSITIVE_INFINITY})
    await assert.rejects(startFineTune(deps(), options()), (error: {code: string; suggestion: string}) => error.code === 'API_ERROR' && /again/.test(error.suggestion))
    const [interrupted] = await rows()
    assert.deepEqual([interrupted.status, interrupted.job_id, typeof interrupted.training_file_id], ['creating', null, 'string'])
    openai.standin.clearFaults()
    const resumed = await startFineTune(deps(), options())
    assert.deepEqual([resumed.outcome, resumed.record?.trainingFileId, posts('/files'), jobs().length], ['created', interrupted.training_file_id, 1, 1])
    assert.deepEqual((await rows()).length, 1)
  })

  it('a resumed attempt takes the epochs and split of the run that resumes it', async () => {
    await fs.writeFile(file, dataset(60))
    openai.standin.injectFault({method: 'POST', path: '/fine_tuning/jobs', status: 400, times: 1})
    await assert.rejects(startFineTune(deps(), options()), {code: 'API_ERROR'})
    const resumed = await startFineTune(deps(), options({epochs: 2, validationSplit: 0.2}))
    const [job] = jobs()
    assert.deepEqual([resumed.record?.attempt, resumed.record?.nEpochs, job.hyperparameters.n_epochs, job.validation_file === null], [1, 2, 2, false])
    assert.deepEqual([resumed.record?.estimatedCostUsd, posts('/files')], [resumed.estimatedCostUsd, 3])
  })

  it('finds an upload whose answers were all lost instead of uploading again', async () => {
    openai.standin.injectFault({method: 'POST', path: '/files', kind: 'commit-then-drop', times: 3})
    const result = await startFineTune(deps(), options())
    assert.deepEqual([result.outcome, posts('/files'), openai.standin.store.files.size, result.record?.trainingFileId], ['created', 1, 1, [...openai.standin.store.files.keys()][0]])
  })

  it('reports a refusal to fine-tune as TRAINING_UNAVAILABLE and retries the same attempt later', async () => {
    openai.standin.refuseFineTuning()
    await assert.rejects(startFineTune(deps(), options()), {code: 'TRAINING_UNAVAILABLE'})
    assert.deepEqual((await rows()).map((row) => [row.status, row.job_id]), [['failed', null]])
    openai.standin.allowFineTuning()
    const later = await startFineTune(deps(), options())
    assert.deepEqual([later.outcome, later.record?.attempt, posts('/files'), (await rows()).length], ['created', 1, 1, 1])
  })

  it('refuses a retired base and a provider past its cut-off before doing anything', async () => {
    await assert.rejects(startFineTune(deps(), options({baseModel: 'gpt-3.5-turbo-0125'})), {code: 'TRAINING_UNAVAILABLE'})
    const catalog = {models: {}, providerCutoffs: {'openai-compatible': {noNewJobsAfter: '2027-01-06', note: ''}}}
    await assert.rejects(startFineTune(deps({catalog, now: () => new Date('2027-01-07T00:00:01Z')}), options()), {code: 'TRAINING_UNAVAILABLE'})
    assert.equal(openai.standin.requests.length, 0)
  })

  describe('shutdown dates (fixed clock, the catalog\'s real dates)', () => {
    // The stand-in speaks OpenAI's API; named as a provider, the catalog's dates for that provider apply.
    const at = (provider: string, iso: string) => deps({provider: {...createOpenAIProvider(openai.client({maxRetries: 0}), {filePollMs: 1}), name: provider}, now: () => new Date(iso)})

    it('warns when the fine-tune would be shut down within 60 days, and not before', async () => {
      const calm = await startFineTune(at('openai', '2026-11-01T00:00:00Z'), options({dryRun: true}))
      assert.deepEqual(calm.warnings, [])
      const soon = await startFineTune(at('openai', '2026-12-01T00:00:00Z'), options())
      assert.equal(soon.outcome, 'created')
      assert.deepEqual(soon.warnings, ['fine-tunes of gpt-4o-mini-2024-07-18 at openai shut down on 2027-01-14 (44 day(s) from now): this model would serve 44 day(s) at most; consider nebius:meta-llama/Meta-Llama-3.1-8B-Instruct'])
    })

    it('refuses with TRAINING_UNAVAILABLE after OpenAI\'s last day for new jobs, a base\'s last training day at Azure, and a base whose fine-tunes are gone', async () => {
      await assert.rejects(startFineTune(at('openai', '2027-01-07T00:00:00Z'), options()), {code: 'TRAINING_UNAVAILABLE', message: 'openai accepts no new fine-tuning jobs after 2027-01-06'})
      await assert.rejects(startFineTune(at('openai', '2026-12-01T00:00:00Z'), options({baseModel: 'gpt-4.1-nano-2025-04-14'})),
        {code: 'TRAINING_UNAVAILABLE', message: 'fine-tunes of gpt-4.1-nano-2025-04-14 at openai were shut down on 2026-10-23'})
      await assert.rejects(startFineTune(at('azure', '2027-04-02T00:00:00Z'), options()), {code: 'TRAINING_UNAVAILABLE', message: 'azure stopped fine-tuning gpt-4o-mini-2024-07-18 after 2027-04-01'})
      assert.equal(openai.standin.requests.length, 0)
      const azure = await startFineTune(at('azure', '2027-04-01T12:00:00Z'), options({dryRun: true}))
      assert.deepEqual([azure.outcome, azure.warnings], ['dry-run', []])
    })
  })

  it('holds out a validation file when asked', async () => {
    await fs.writeFile(file, dataset(60))
    const result = await startFineTune(deps(), options({validationSplit: 0.2}))
    const [job] = jobs()
    assert.ok(job.validation_file !== null && result.record?.validationFileId === job.validation_file)
    assert.equal(result.dataset.examples + result.dataset.validationExamples, 60)
  })

  it('--since builds the dataset from recent exports and tags the job with their run ids', async () => {
    const exports = path.join(dir, 'exports')
    const now = new Date()
    const a = await addExportRun(t.sql, exports, {windowEnd: new Date(now.getTime() - 2 * 86_400_000), content: dataset(8, 1)})
    const b = await addExportRun(t.sql, exports, {windowEnd: new Date(now.getTime() - 86_400_000), content: dataset(8, 5)})
    const result = await startFineTune(deps(), options({file: undefined, sinceMs: 7 * 86_400_000, outDir: exports}))
    assert.deepEqual([result.dataset.examples, result.dataset.exportRunIds, jobs()[0].metadata?.loopft_export_runs], [12, [a, b], `${a},${b}`])
    assert.equal(await fs.readFile(result.dataset.path, 'utf8'), dataset(12).toString())
    assert.ok(result.dataset.path.startsWith(path.join(exports, 'datasets')))
  })
})
