import assert from 'node:assert/strict'
import {createTogetherProvider} from '../../../src/lib/training/together-provider.js'
import {useTogetherStandin} from '../../support/providers.js'
import {dataset} from './fixtures.js'

describe('Together training provider', () => {
  const together = useTogetherStandin()
  const provider = () => createTogetherProvider(together.client(), {filePollMs: 1})
  const intent = (suffix: string, trainingFileId: string) => ({metadata: {}, suffix, trainingFileId})

  async function createJob(suffix = 'loopft-0123456789ab-a1') {
    const file = await provider().uploadDataset(dataset(10), {filename: 'loopft-x.jsonl', expiresAfterSeconds: 3600})
    return provider().createJob({baseModel: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', trainingFileId: file.id, validationFileId: null, suffix, nEpochs: 2, metadata: {loopft_key: 'k'}, lora: true})
  }

  it('uploads as multipart to /files/upload and finds the file again by name and size', async () => {
    const file = await provider().uploadDataset(dataset(10), {filename: 'loopft-x.jsonl', expiresAfterSeconds: 3600})
    assert.deepEqual([file.filename, file.bytes, together.standin.files.get(file.id)?.content?.equals(dataset(10))], ['loopft-x.jsonl', dataset(10).length, true])
    assert.equal((await provider().findUploadedFile('loopft-x.jsonl', dataset(10).length))?.id, file.id)
    assert.equal(await provider().findUploadedFile('loopft-x.jsonl', 1), undefined)
    assert.deepEqual(together.standin.requests.map((request) => `${request.method} ${request.path}`).slice(0, 2), ['POST /files/upload', 'GET /files'])
  })

  it('creates a job without metadata, follows it to completion and reads tokens, events and checkpoints', async () => {
    const job = await createJob()
    assert.deepEqual([job.status, job.suffix, job.metadata, job.hyperparameters.n_epochs], ['queued', 'loopft-0123456789ab-a1', null, 2])
    together.standin.advanceJob(job.id, 'completed')
    const done = await provider().getJob(job.id)
    const stored = together.standin.jobs.get(job.id)!
    assert.deepEqual([done.status, done.fineTunedModel, done.trainedTokens], ['succeeded', stored.model_output_name, stored.token_count! * 2])
    const events = []
    for await (const event of provider().listEvents(job.id)) events.push(event)
    assert.equal(events[0].type, 'job_complete', 'newest first')
    assert.equal(new Set(events.map((event) => event.id)).size, events.length)
    assert.equal((await provider().listCheckpoints(job.id)).length, 1)
  })

  it('reads a failed job\'s reason from its job_error event, and cancels through cancel_requested', async () => {
    const failed = await createJob()
    together.standin.advanceJob(failed.id, 'error')
    assert.deepEqual((await provider().getJob(failed.id)).error, {code: 'job_error', message: 'Training failed: the dataset has no assistant turns to train on', param: null})
    const other = await createJob('loopft-0123456789ab-a2')
    assert.equal((await provider().cancelJob(other.id)).status, 'running', 'still running until Together has stopped it')
    together.standin.advance()
    assert.equal((await provider().getJob(other.id)).status, 'cancelled')
  })

  it('finds the job of an intent by suffix and training file', async () => {
    const job = await createJob()
    const found = await provider().findJobs(intent('loopft-0123456789ab-a1', job.trainingFileId!), new Date(0))
    assert.deepEqual(found.map((candidate) => candidate.id), [job.id])
    assert.equal((await provider().findJobs(intent('loopft-0123456789ab-a2', job.trainingFileId!), new Date(0))).length, 0)
    assert.equal((await provider().findJobs(intent('loopft-0123456789ab-a1', 'file-other'), new Date(0))).length, 0)
  })

  it('translates refusals: an unknown base model is a 400 API error, a missing job NOT_FOUND', async () => {
    const file = await provider().uploadDataset(dataset(10), {filename: 'loopft-y.jsonl', expiresAfterSeconds: 3600})
    await assert.rejects(provider().createJob({baseModel: 'gpt-4o-mini', trainingFileId: file.id, validationFileId: null, suffix: 's', nEpochs: 1, metadata: {}}), {code: 'API_ERROR'})
    await assert.rejects(provider().getJob('ft-missing'), {code: 'NOT_FOUND'})
    assert.deepEqual(await provider().canFineTune('meta-llama/Meta-Llama-3.1-8B-Instruct-Reference'), {apiOk: true, modelVisible: true, detail: 'fine-tuning routes answer and meta-llama/Meta-Llama-3.1-8B-Instruct-Reference can be fine-tuned'})
  })
})
