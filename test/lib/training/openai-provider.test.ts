import assert from 'node:assert/strict'
import {createOpenAIProvider, parseMetricsCsv, providerName} from '../../../src/lib/training/openai-provider.js'
import {useOpenAIStandin} from '../../support/openai.js'
import {dataset} from './fixtures.js'

describe('OpenAI training provider', () => {
  const openai = useOpenAIStandin()
  const provider = () => createOpenAIProvider(openai.client({maxRetries: 0}), {filePollMs: 1})

  async function createJob() {
    const file = await provider().uploadDataset(dataset(10), {filename: 'loopft-x.jsonl', expiresAfterSeconds: 3600})
    return provider().createJob({baseModel: 'gpt-4o-mini', trainingFileId: file.id, validationFileId: null, suffix: 's', nEpochs: 2, metadata: {loopft_key: 'k'}})
  }

  it('names the provider by its base URL', () => {
    assert.deepEqual(
      [providerName(undefined), providerName('https://api.openai.com/v1'), providerName('https://acme.openai.azure.com/openai/v1/'), providerName('http://127.0.0.1:9/v1')],
      ['openai', 'openai', 'azure', 'openai-compatible'],
    )
  })

  it('creates with explicit epochs under method.supervised and reads the resolved snapshot back', async () => {
    const job = await createJob()
    assert.deepEqual([job.status, job.model, job.error, job.hyperparameters.n_epochs, job.metadata], ['validating_files', 'gpt-4o-mini-2024-07-18', null, 2, {loopft_key: 'k'}])
  })

  it('reads every "no error" form of a healthy job as null, and the error of a failed one', async () => {
    const forms = []
    for (let i = 0; i < 3; i += 1) forms.push((await createJob()).error)
    assert.deepEqual(forms, [null, null, null])
    const failed = await createJob()
    openai.standin.advanceJob(failed.id, 'running')
    openai.standin.advanceJob(failed.id, 'failed')
    assert.deepEqual((await provider().getJob(failed.id)).error?.code, 'server_error')
  })

  it('lists checkpoints and step metrics of a finished job, cancels and deletes', async () => {
    const job = await createJob()
    openai.standin.advanceJob(job.id, 'succeeded')
    const done = await provider().getJob(job.id)
    const checkpoints = await provider().listCheckpoints(job.id)
    const steps = await provider().readStepMetrics(done.resultFiles[0])
    assert.equal(checkpoints.length, 2, 'one per epoch')
    assert.deepEqual(steps.at(-1)?.step, checkpoints[0].step)
    await provider().deleteModel(done.fineTunedModel!)
    await assert.rejects(provider().deleteModel(done.fineTunedModel!), {code: 'NOT_FOUND'})
    const other = await createJob()
    assert.equal((await provider().cancelJob(other.id)).status, 'cancelled')
  })

  it('finds jobs by metadata and uploads by name and size', async () => {
    const job = await createJob()
    await createJob()
    const intent = (key: string) => ({metadata: {loopft_key: key}, suffix: 's', trainingFileId: job.trainingFileId!})
    const found = await provider().findJobs(intent('k'), new Date(0))
    assert.deepEqual([found.length, found.at(-1)?.id], [2, job.id])
    assert.equal((await provider().findJobs(intent('other'), new Date(0))).length, 0)
    assert.ok(await provider().findUploadedFile('loopft-x.jsonl', dataset(10).length))
    assert.equal(await provider().findUploadedFile('loopft-x.jsonl', 1), undefined)
  })

  it('probes without creating anything', async () => {
    assert.deepEqual(await provider().canFineTune('gpt-4o-mini-2024-07-18'), {apiOk: true, modelVisible: true, detail: 'fine-tuning routes answer and gpt-4o-mini-2024-07-18 is visible'})
    assert.equal((await provider().canFineTune('no-such-model')).modelVisible, false)
    assert.deepEqual(openai.standin.requests.filter((request) => request.method !== 'GET'), [])
  })

  it('keeps every numeric column of a results CSV', () => {
    assert.deepEqual(parseMetricsCsv('step,train_loss,valid_loss\n1,0.9,\n2,0.5,0.6\n'), [
      {step: 1, metrics: {step: 1, train_loss: 0.9}},
      {step: 2, metrics: {step: 2, train_loss: 0.5, valid_loss: 0.6}},
    ])
  })
})
