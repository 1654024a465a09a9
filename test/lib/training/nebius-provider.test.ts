import assert from 'node:assert/strict'
import {createOpenAIProvider} from '../../../src/lib/training/openai-provider.js'
import {useNebiusStandin} from '../../support/providers.js'
import {dataset} from './fixtures.js'

describe('Nebius training provider (openai SDK, Nebius base URL)', () => {
  const nebius = useNebiusStandin()
  const provider = () => createOpenAIProvider(nebius.client(), {filePollMs: 1, name: 'nebius', carriesMetadata: false})
  const base = 'meta-llama/Meta-Llama-3.1-8B-Instruct'

  async function createJob(suffix = 'loopft-0123456789ab-a1', lora = true) {
    const file = await provider().uploadDataset(dataset(10), {filename: 'loopft-x.jsonl', expiresAfterSeconds: 3600})
    return provider().createJob({baseModel: base, trainingFileId: file.id, validationFileId: null, suffix, nEpochs: 2, metadata: {loopft_key: 'k'}, lora})
  }

  it('creates a LoRA job without metadata (Nebius forbids unknown fields) and reads it back', async () => {
    const job = await createJob()
    assert.deepEqual([job.status, job.model, job.suffix, job.metadata, job.hyperparameters.n_epochs, job.hyperparameters.lora], ['validating_files', base, 'loopft-0123456789ab-a1', null, 2, true])
    const withMetadata = createOpenAIProvider(nebius.client(), {name: 'nebius', carriesMetadata: true})
    await assert.rejects(withMetadata.createJob({baseModel: base, trainingFileId: job.trainingFileId!, validationFileId: null, suffix: 's', nEpochs: 1, metadata: {loopft_key: 'k'}}),
      (error: {code: string; details: {status: number}}) => error.code === 'API_ERROR' && error.details.status === 422)
  })

  it('runs a job to success with trained tokens and per-epoch checkpoints, but no servable model name', async () => {
    const job = await createJob()
    nebius.standin.advanceJob(job.id, 'succeeded')
    const done = await provider().getJob(job.id)
    assert.deepEqual([done.status, done.fineTunedModel, done.trainedTokens], ['succeeded', null, nebius.standin.jobs.get(job.id)!.trained_tokens])
    assert.ok(done.trainedTokens! > 0)
    const checkpoints = await provider().listCheckpoints(job.id)
    assert.equal(checkpoints.length, 2)
    assert.ok(checkpoints.every((checkpoint) => checkpoint.id.startsWith('ftckpt_')))
  })

  it('refuses full fine-tuning of a LoRA-only base and a failed job reports its error', async () => {
    const file = await provider().uploadDataset(dataset(10), {filename: 'loopft-y.jsonl', expiresAfterSeconds: 3600})
    await assert.rejects(provider().createJob({baseModel: 'meta-llama/Llama-3.3-70B-Instruct', trainingFileId: file.id, validationFileId: null, suffix: 's', nEpochs: 1, metadata: {}, lora: false}), {code: 'API_ERROR'})
    const job = await createJob()
    nebius.standin.advanceJob(job.id, 'failed')
    assert.deepEqual((await provider().getJob(job.id)).error, {code: 'training_error', message: 'Training failed: the loss diverged.', param: null})
  })

  it('finds the job of an intent by suffix and training file, not by metadata', async () => {
    const job = await createJob()
    await createJob('loopft-0123456789ab-a2')
    const found = await provider().findJobs({metadata: {loopft_key: 'k', loopft_attempt: '1'}, suffix: 'loopft-0123456789ab-a1', trainingFileId: job.trainingFileId!}, new Date(0))
    assert.deepEqual(found.map((candidate) => candidate.id), [job.id])
    assert.ok(!nebius.standin.requests.some((request) => request.path === '/fine_tuning/jobs' && request.method === 'GET' && [...request.query.keys()].some((key) => key.startsWith('metadata'))))
  })
})
