import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {getModelInfo, trainingCost} from '../../../src/lib/training/model-catalog.js'
import {createOpenAIProvider} from '../../../src/lib/training/openai-provider.js'
import type {TrainingProvider} from '../../../src/lib/training/provider.js'
import {createTogetherProvider} from '../../../src/lib/training/together-provider.js'
import {startFineTune, type TuneOptions} from '../../../src/lib/training/tune.js'
import {useTestDatabase} from '../../support/db.js'
import type {ProviderFaultSpec, RequestRecord} from '../../support/provider-standin/http.js'
import {useOpenAIStandin} from '../../support/openai.js'
import {useAzureStandin, useNebiusStandin, useTogetherStandin} from '../../support/providers.js'
import {dataset} from './fixtures.js'

interface Case {
  name: string
  baseModel: string
  createPath: string
  provider(timeoutMs?: number): TrainingProvider
  jobs(): {suffix?: string | null; training_file: string}[]
  requests(): RequestRecord[]
  injectFault(fault: ProviderFaultSpec): void
  clearFaults(): void
}

describe('startFineTune: exactly one job per dataset on every provider', () => {
  const t = useTestDatabase()
  const openai = useOpenAIStandin()
  const azure = useAzureStandin()
  const nebius = useNebiusStandin()
  const together = useTogetherStandin()
  const cases: Case[] = [
    {
      name: 'openai', baseModel: 'gpt-4o-mini-2024-07-18', createPath: '/fine_tuning/jobs',
      provider: (timeoutMs = 10_000) => createOpenAIProvider(openai.client({maxRetries: 0, timeout: timeoutMs}), {filePollMs: 1, name: 'openai'}),
      jobs: () => [...openai.standin.store.jobs.values()], requests: () => openai.standin.requests,
      injectFault: (fault) => openai.standin.injectFault(fault), clearFaults: () => openai.standin.clearFaults(),
    },
    {
      name: 'azure', baseModel: 'gpt-4o-mini-2024-07-18', createPath: '/fine_tuning/jobs',
      provider: (timeoutMs = 10_000) => createOpenAIProvider(azure.client().withOptions({timeout: timeoutMs}), {filePollMs: 1, name: 'azure', carriesMetadata: false}),
      jobs: () => [...azure.standin.openai.store.jobs.values()], requests: () => azure.standin.openai.requests,
      injectFault: (fault) => azure.standin.openai.injectFault(fault), clearFaults: () => azure.standin.openai.clearFaults(),
    },
    {
      name: 'nebius', baseModel: 'meta-llama/Meta-Llama-3.1-8B-Instruct', createPath: '/fine_tuning/jobs',
      provider: (timeoutMs = 10_000) => createOpenAIProvider(nebius.client().withOptions({timeout: timeoutMs}), {filePollMs: 1, name: 'nebius', carriesMetadata: false}),
      jobs: () => [...nebius.standin.jobs.values()], requests: () => nebius.standin.requests,
      injectFault: (fault) => nebius.standin.injectFault(fault), clearFaults: () => nebius.standin.clearFaults(),
    },
    {
      name: 'together', baseModel: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', createPath: '/fine-tunes',
      provider: (timeoutMs = 10_000) => createTogetherProvider(together.client().withOptions({timeout: timeoutMs}), {filePollMs: 1}),
      jobs: () => [...together.standin.jobs.values()], requests: () => together.standin.requests,
      injectFault: (fault) => together.standin.injectFault(fault), clearFaults: () => together.standin.clearFaults(),
    },
  ]
  let dir: string
  let file: string

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-tune-providers-'))
  })
  after(async () => {
    await fs.rm(dir, {recursive: true, force: true})
  })
  beforeEach(async () => {
    await t.sql`truncate loopft_training_jobs cascade`
    file = path.join(dir, 'train.jsonl')
    await fs.writeFile(file, dataset(20))
  })

  for (const c of cases) {
    const options = (extra: Partial<TuneOptions> = {}): TuneOptions => ({file, baseModel: c.baseModel, epochs: 1, dryRun: false, force: false, outDir: dir, loopftVersion: '0.1.0-test', ...extra})
    const creates = () => c.requests().filter((request) => request.method === 'POST' && request.path === c.createPath).length

    describe(c.name, () => {
      it('creates one job whose suffix (or, at OpenAI, metadata) carries the dataset hash and attempt, priced from the catalog', async () => {
        const result = await startFineTune({db: t.db, provider: c.provider(), retryDelayMs: 1}, options({suffix: 'support'}))
        const [job] = c.jobs()
        const carried = c.name === 'openai' ? (job as {metadata?: Record<string, string>}).metadata?.loopft_dataset_sha256 : job.suffix
        const expected = c.name === 'openai' ? result.dataset.sha256 : `support-${result.dataset.sha256.slice(0, 12)}-a1`
        assert.deepEqual([result.outcome, result.provider, carried], ['created', c.name, expected])
        assert.equal(result.estimatedCostUsd, trainingCost(result.dataset.tokensPerEpoch, getModelInfo(c.baseModel)))
        const again = await startFineTune({db: t.db, provider: c.provider(), retryDelayMs: 1}, options({suffix: 'support'}))
        assert.deepEqual([again.outcome, c.jobs().length], ['skipped', 1])
      })

      for (const kind of ['commit-then-drop', 'commit-then-status'] as const) {
        it(`a create that succeeds on the server but fails on the client (${kind}) leaves exactly one job, found by listing`, async () => {
          c.injectFault({method: 'POST', path: c.createPath, kind, status: 500, retryAfterMs: 1})
          const result = await startFineTune({db: t.db, provider: c.provider(), retryDelayMs: 1}, options())
          assert.deepEqual([result.outcome, c.jobs().length, creates()], ['reconciled', 1, 1])
        })
      }

      it('a create that times out after the job exists leaves exactly one job', async () => {
        c.injectFault({method: 'POST', path: c.createPath, kind: 'commit-then-delay', delayMs: 1500})
        const result = await startFineTune({db: t.db, provider: c.provider(400), retryDelayMs: 1}, options())
        assert.deepEqual([result.outcome, c.jobs().length, creates()], ['reconciled', 1, 1])
      })

      it('a run interrupted before the job exists resumes with its upload and creates one job', async () => {
        c.injectFault({method: 'POST', path: c.createPath, status: 503, shouldRetry: false, times: Number.POSITIVE_INFINITY})
        await assert.rejects(startFineTune({db: t.db, provider: c.provider(), retryDelayMs: 1}, options()), {code: 'API_ERROR'})
        const [interrupted] = await t.sql<{training_file_id: string}[]>`select training_file_id from loopft_training_jobs`
        const uploads = c.requests().filter((request) => request.method === 'POST' && /^\/files/.test(request.path)).length
        c.requests().length = 0
        c.clearFaults()
        const resumed = await startFineTune({db: t.db, provider: c.provider(), retryDelayMs: 1}, options())
        assert.deepEqual([resumed.outcome, resumed.record?.trainingFileId, c.jobs().length, uploads], ['created', interrupted.training_file_id, 1, 1])
        assert.equal(c.requests().filter((request) => request.method === 'POST' && /^\/files/.test(request.path)).length, 0, 'no second upload')
      })
    })
  }
})
