import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {listRunningDeployments, stopDeployment} from '../../../src/lib/serving/deploy.js'
import {listModels} from '../../../src/lib/serving/registry.js'
import {azureDeployments} from '../../../src/lib/training/azure-deploy.js'
import {nebiusCustomModels} from '../../../src/lib/training/nebius-deploy.js'
import {createOpenAIProvider} from '../../../src/lib/training/openai-provider.js'
import type {TrainingProvider} from '../../../src/lib/training/provider.js'
import {createTogetherProvider} from '../../../src/lib/training/together-provider.js'
import {startFineTune} from '../../../src/lib/training/tune.js'
import {watchFineTuneJob} from '../../../src/lib/training/watch.js'
import {useTestDatabase} from '../../support/db.js'
import {useAzureStandin, useNebiusStandin, useTogetherStandin} from '../../support/providers.js'
import {HARDWARE} from '../../support/together-standin.js'
import {dataset} from '../training/fixtures.js'

describe('deploy as a step of watch-job', () => {
  const t = useTestDatabase()
  const nebius = useNebiusStandin()
  const together = useTogetherStandin()
  const azure = useAzureStandin()
  let dir: string
  let sequence = 0

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-deploy-'))
  })
  after(async () => {
    await fs.rm(dir, {recursive: true, force: true})
  })
  beforeEach(async () => {
    await t.sql`truncate loopft_training_jobs, loopft_models, loopft_deployments cascade`
  })

  const nebiusProvider = () => {
    const client = nebius.client({maxRetries: 2})
    return createOpenAIProvider(client, {filePollMs: 1, name: 'nebius', carriesMetadata: false, deployer: nebiusCustomModels(client)})
  }
  const togetherProvider = () => createTogetherProvider(together.client({maxRetries: 2}), {filePollMs: 1})

  async function startJob(provider: TrainingProvider, baseModel: string): Promise<string> {
    sequence += 1
    const file = path.join(dir, `train-${sequence}.jsonl`)
    await fs.writeFile(file, dataset(12, sequence * 100))
    const result = await startFineTune({db: t.db, provider, retryDelayMs: 1}, {file, baseModel, epochs: 1, dryRun: false, force: false, outDir: dir, loopftVersion: 'test', suffix: 'support'})
    return result.record!.jobId!
  }
  /** Watches with the stand-in moving one step per poll. */
  const watch = (provider: TrainingProvider, jobId: string, advance: () => void, timeoutMs = 30_000) =>
    watchFineTuneJob({sql: t.sql, provider, onUpdate: (update) => update.type !== 'event' && advance()}, {jobId, intervalMs: 1, timeoutMs, stuckAfterMs: 3_600_000})

  it('nebius: makes the final checkpoint a custom model, waits until active and answering, then registers that name', async () => {
    const jobId = await startJob(nebiusProvider(), 'meta-llama/Meta-Llama-3.1-8B-Instruct')
    const result = await watch(nebiusProvider(), jobId, () => nebius.standin.advance())
    const [custom] = nebius.standin.customModels.values()
    const job = nebius.standin.jobs.get(jobId)!
    assert.match(result.fineTunedModel, /^meta-llama\/Meta-Llama-3\.1-8B-Instruct-LoRa:support-[0-9a-f]{12}-a1-[a-z]{4}$/)
    assert.deepEqual([custom.name, custom.status, custom.source], [result.fineTunedModel, 'active', `${jobId}:${job.checkpoints[0].id}`])
    assert.deepEqual((await listModels(t.sql)).map((model) => [model.name, model.provider]), [[result.fineTunedModel, 'nebius']])
    assert.deepEqual((await listRunningDeployments(t.sql)).map((row) => [row.kind, row.status, row.costPerDayUsd]), [['custom-model', 'ready', null]])
    assert.ok(nebius.standin.requests.some((request) => request.method === 'POST' && request.path === '/chat/completions'), 'a smoke chat answered first')
  })

  it('nebius: a custom-model create whose answer is lost is found by its source, not created twice', async () => {
    const jobId = await startJob(nebiusProvider(), 'meta-llama/Meta-Llama-3.1-8B-Instruct')
    nebius.standin.injectFault({method: 'POST', path: '/v0/models', kind: 'commit-then-drop'})
    await assert.rejects(watch(nebiusProvider(), jobId, () => nebius.standin.advance()), {code: 'API_ERROR'})
    const result = await watch(nebiusProvider(), jobId, () => nebius.standin.advance())
    assert.deepEqual([nebius.standin.customModels.size, [...nebius.standin.customModels.keys()][0]], [1, result.fineTunedModel])
  })

  it('nebius: a custom model that fails validation registers nothing', async () => {
    const jobId = await startJob(nebiusProvider(), 'meta-llama/Meta-Llama-3.1-8B-Instruct')
    nebius.standin.failNextModelValidation()
    await assert.rejects(watch(nebiusProvider(), jobId, () => nebius.standin.advance()), (error: {code: string; message: string}) => error.code === 'API_ERROR' && /could not make the model/.test(error.message))
    assert.deepEqual(await listModels(t.sql), [])
  })

  it('together: starts a dedicated endpoint, records its cost per day, registers the endpoint name, and stops it', async () => {
    const jobId = await startJob(togetherProvider(), 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference')
    const result = await watch(togetherProvider(), jobId, () => together.standin.advance())
    const [endpoint] = together.standin.endpoints.values()
    assert.deepEqual([result.fineTunedModel, endpoint.state, endpoint.model], [endpoint.name, 'STARTED', together.standin.jobs.get(jobId)!.model_output_name])
    const [running] = await listRunningDeployments(t.sql)
    assert.deepEqual([running.kind, running.model, running.costPerDayUsd], ['endpoint', endpoint.name, (HARDWARE.centsPerMinute * 60 * 24) / 100])
    await stopDeployment({sql: t.sql, provider: togetherProvider()}, running)
    assert.deepEqual([endpoint.state, (await listRunningDeployments(t.sql)).length], ['STOPPING', 0])
  })

  it('together: an endpoint that ends in ERROR registers nothing', async () => {
    const jobId = await startJob(togetherProvider(), 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference')
    together.standin.failNextEndpoint()
    await assert.rejects(watch(togetherProvider(), jobId, () => together.standin.advance()), {code: 'API_ERROR'})
    assert.deepEqual(await listModels(t.sql), [])
  })

  it('azure: prints the exact deployment command, registers nothing until a chat to the deployment answers (exit 17), then registers the deployment', async () => {
    const provider = () => createOpenAIProvider(azure.client(), {filePollMs: 1, name: 'azure', carriesMetadata: false, deployer: azureDeployments('https://acme-ft.openai.azure.com/openai/v1')})
    const jobId = await startJob(provider(), 'gpt-4o-mini-2024-07-18')
    azure.standin.openai.advanceJob(jobId, 'succeeded')
    const error = await watch(provider(), jobId, () => {}, 50).then(() => assert.fail('registered before any deployment existed'), (thrown: {code: string; suggestion: string}) => thrown)
    const fineTuned = azure.standin.openai.store.jobs.get(jobId)!.fine_tuned_model!
    assert.equal(error.code, 'STILL_RUNNING')
    assert.match(error.suggestion, new RegExp(`^run: az cognitiveservices account deployment create --resource-group "\\$AZURE_RESOURCE_GROUP" --name acme-ft --deployment-name support-[0-9a-f]{12}-a1 --model-name ${fineTuned.replaceAll('.', '\\.')} `))
    assert.deepEqual(await listModels(t.sql), [])

    // Someone runs the printed command; the next watch-job finds the deployment answering and registers it by the name chats use.
    const deployment = /--deployment-name (\S+)/.exec(error.suggestion)![1]
    azure.standin.createDeployment(deployment, fineTuned)
    const result = await watch(provider(), jobId, () => {})
    assert.deepEqual([result.fineTunedModel, (await listModels(t.sql)).map((model) => [model.name, model.provider])], [deployment, [[deployment, 'azure']]])
  })
})
