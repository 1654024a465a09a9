import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import type Together from 'together-ai'
import type {FileResponse} from 'together-ai/resources/files'
import type {FinetuneEvent} from 'together-ai/resources/fine-tuning'
import {LoopftError} from '../errors.js'
import {toLoopftError} from '../error-translation.js'
import {isJobOf} from './openai-provider.js'
import type {Deployment, JobEvent, JobStatus, TrainingJob, TrainingProvider, UploadedFile} from './provider.js'

/** The fields of Together's job objects loopft reads (create, retrieve, list and cancel answer different subsets). */
interface TogetherJob {
  id: string
  status: string
  created_at?: string
  updated_at?: string
  model?: string
  model_output_name?: string
  suffix?: string
  training_file?: string
  n_epochs?: number
  learning_rate?: number
  batch_size?: number | 'max'
  token_count?: number
  training_type?: {type: string; lora_r?: number; lora_alpha?: number}
  events?: FinetuneEvent[]
}

const STATUS: Readonly<Record<string, JobStatus>> = {
  pending: 'queued',
  queued: 'queued',
  running: 'running',
  compressing: 'running',
  uploading: 'running',
  // Cancelling takes a while; the job still runs (and bills) until 'cancelled'.
  cancel_requested: 'running',
  cancelled: 'cancelled',
  error: 'failed',
  completed: 'succeeded',
}

/**
 * Together AI's fine-tuning through its SDK (`together-ai`): its own routes
 * (/files, /fine-tunes, events, checkpoints, cancel), no job metadata (the
 * suffix carries the intent), LoRA by default.
 */
export function createTogetherProvider(client: Together, options: {filePollMs?: number} = {}): TrainingProvider {
  const getJob = (jobId: string) => call(async () => {
    const job = (await client.fineTuning.retrieve(jobId)) as TogetherJob
    return toJob(job, job.status === 'error' ? await failureReason(client, jobId) : null)
  })
  return {
    name: 'together',
    carriesMetadata: false,

    // The documented multipart route, through the client. The SDK's files.upload(path) helper cannot run
    // on Node's ESM (it reaches fs through require) nor send its stream with Node's fetch (no duplex).
    uploadDataset: (content, {filename}) => call(async () => {
      const form = new FormData()
      form.append('purpose', 'fine-tune')
      form.append('file_name', filename)
      form.append('file_type', 'jsonl')
      form.append('file', new Blob([content]), filename)
      return toUploaded(await client.post<FileResponse>('/files/upload', {body: form}))
    }),

    findUploadedFile: (filename, bytes) => call(async () => {
      const {data} = await client.files.list()
      const found = data.find((file) => path.basename(file.filename) === filename && file.bytes === bytes && file.purpose === 'fine-tune')
      return found === undefined ? undefined : toUploaded(found)
    }),

    // Together processes an upload before answering it; a file that is listed can be trained.
    waitForFile: (fileId) => call(async () => {
      for (;;) {
        const file = await client.files.retrieve(fileId)
        if (file.Processed) return toUploaded(file)
        await sleep(options.filePollMs ?? 2000)
      }
    }),

    createJob: (request) => call(async () => toJob(await client.fineTuning.create({
      model: request.baseModel,
      training_file: request.trainingFileId,
      ...(request.validationFileId === null ? {} : {validation_file: request.validationFileId, n_evals: 1}),
      suffix: request.suffix,
      n_epochs: request.nEpochs,
      training_method: {method: 'sft', train_on_inputs: 'auto'},
      ...(request.lora === false ? {training_type: {type: 'Full'}} : {}),
    }, {maxRetries: 0}) as TogetherJob, null)),

    getJob,

    findJobs: (intent, since) => call(async () => {
      const {data} = await client.fineTuning.list()
      return (data as TogetherJob[])
        .map((job) => toJob(job, null))
        .filter((job) => job.createdAt.getTime() >= since.getTime() && isJobOf(intent, job))
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    }),

    listEvents: (jobId) => events(client, jobId),

    listCheckpoints: (jobId) => call(async () => {
      const {data} = await client.fineTuning.listCheckpoints(jobId)
      return data.map((checkpoint) => ({id: checkpoint.object_name ?? checkpoint.path, step: checkpoint.step, model: checkpoint.object_name ?? checkpoint.path, metrics: {}}))
    }),

    // Together reports no results file; watch falls back to checkpoints.
    readStepMetrics: async () => [],

    cancelJob: (jobId) => call(async () => {
      await client.fineTuning.cancel(jobId)
      return getJob(jobId)
    }),

    // A fine-tuned model lives with its job: deleting the job deletes its weights.
    deleteModel: (model) => call(async () => {
      const {data} = await client.fineTuning.list()
      const job = (data as TogetherJob[]).find((candidate) => candidate.model_output_name === model)
      if (job === undefined) throw new LoopftError('NOT_FOUND', `no Together fine-tune produced ${model}`)
      await client.fineTuning.delete(job.id)
    }),

    deleteFile: (fileId) => call(async () => {
      await client.files.delete(fileId)
    }),

    deploy: (job, {name}) => call(async () => {
      const model = job.fineTunedModel
      if (model === null) throw new LoopftError('NOT_FOUND', `job ${job.id} produced no model to deploy`)
      const {data} = await client.endpoints.list({type: 'dedicated', mine: true})
      const existing = data.find((endpoint) => endpoint.model === model && endpoint.state !== 'ERROR')
      const hardware = await cheapestHardware(client, model)
      const costPerDayUsd = (hardware.pricing.cents_per_minute * 60 * 24) / 100
      if (existing !== undefined) {
        if (existing.state === 'STOPPED' || existing.state === 'STOPPING') await client.endpoints.update(existing.id, {state: 'STARTED'})
        return toDeployment(await client.endpoints.retrieve(existing.id), costPerDayUsd)
      }
      // One attempt: a retried create could start two endpoints billing by the minute; the next run finds this one by its model.
      const endpoint = await client.endpoints.create({model, hardware: hardware.id, autoscaling: {min_replicas: 1, max_replicas: 1}, display_name: name, state: 'STARTED'}, {maxRetries: 0})
      return toDeployment(endpoint, costPerDayUsd)
    }),

    getDeployment: (deployment) => call(async () => toDeployment(await client.endpoints.retrieve(deployment.externalId!), deployment.costPerDayUsd)),

    stopDeployment: (deployment) => call(async () => {
      await client.endpoints.update(deployment.externalId!, {state: 'STOPPED'})
    }),

    smokeTest: (model) => call(async () => {
      await client.chat.completions.create({model, messages: [{role: 'user', content: 'Reply with OK.'}], max_tokens: 5})
    }),

    canFineTune: async (baseModel) => {
      try {
        await client.fineTuning.list()
      } catch (error) {
        return {apiOk: false, modelVisible: false, detail: `listing fine-tunes failed: ${toLoopftError(error).message}`}
      }
      try {
        await client.fineTuning.modelLimits({model_name: baseModel})
        return {apiOk: true, modelVisible: true, detail: `fine-tuning routes answer and ${baseModel} can be fine-tuned`}
      } catch (error) {
        return {apiOk: true, modelVisible: false, detail: `${baseModel} cannot be fine-tuned with this key: ${toLoopftError(error).message}`}
      }
    },
  }
}

const ENDPOINT_STATUS: Readonly<Record<string, Deployment['status']>> = {PENDING: 'pending', STARTING: 'pending', STARTED: 'ready', STOPPING: 'stopped', STOPPED: 'stopped', ERROR: 'failed'}

function toDeployment(endpoint: {id: string; name: string; state: string; hardware: string}, costPerDayUsd: number | null): Deployment {
  return {kind: 'endpoint', externalId: endpoint.id, model: endpoint.name, status: ENDPOINT_STATUS[endpoint.state] ?? 'pending', costPerDayUsd, detail: `dedicated endpoint ${endpoint.state} on ${endpoint.hardware}`}
}

/** The cheapest available hardware that can serve `model` (GET /hardware?model=, priced per minute). */
async function cheapestHardware(client: Together, model: string) {
  const {data} = await client.endpoints.listHardware({model})
  const [cheapest] = data.filter((hardware) => hardware.availability?.status !== 'unavailable').sort((a, b) => a.pricing.cents_per_minute - b.pricing.cents_per_minute)
  if (cheapest === undefined) throw new LoopftError('API_ERROR', `Together has no hardware available for ${model}`, {suggestion: 'retry later: loopft watch-job resumes the deployment'})
  return cheapest
}

async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw toLoopftError(error)
  }
}

/** Together has no error field on jobs: the reason is the message of the last job_error event. */
async function failureReason(client: Together, jobId: string): Promise<TrainingJob['error']> {
  const {data} = await client.fineTuning.listEvents(jobId)
  const event = data.filter((candidate) => candidate.type === 'job_error').at(-1)
  return {code: 'job_error', message: event?.message ?? null, param: null}
}

async function* events(client: Together, jobId: string): AsyncGenerator<JobEvent> {
  let data: FinetuneEvent[]
  try {
    ({data} = await client.fineTuning.listEvents(jobId))
  } catch (error) {
    throw toLoopftError(error)
  }
  // Together lists oldest first and has no ids: the id is the position and type, stable as the list only grows.
  const numbered = data.map((event, index) => ({event, id: `${jobId}:${index}:${event.type}`}))
  for (const {event, id} of numbered.reverse()) {
    yield {
      id,
      createdAt: new Date(event.created_at),
      level: event.level ?? 'info',
      type: event.type,
      message: event.message,
      data: event.step === undefined ? null : {step: event.step, total_steps: event.total_steps ?? null},
    }
  }
}

function toUploaded(file: {id: string; filename: string; bytes: number; Processed?: boolean}): UploadedFile {
  return {id: file.id, filename: path.basename(file.filename), bytes: file.bytes, status: file.Processed === false ? 'uploaded' : 'processed'}
}

function toJob(job: TogetherJob, error: TrainingJob['error']): TrainingJob {
  const status = STATUS[job.status]
  if (status === undefined) throw new LoopftError('API_ERROR', `Together reported an unknown job status "${job.status}" for ${job.id}`)
  const finished = status === 'succeeded' || status === 'failed' || status === 'cancelled'
  return {
    id: job.id,
    status,
    model: job.model ?? '',
    createdAt: new Date(job.created_at ?? 0),
    finishedAt: finished && job.updated_at !== undefined ? new Date(job.updated_at) : null,
    fineTunedModel: status === 'succeeded' ? job.model_output_name ?? null : null,
    // token_count is the training file's tokens; Together bills them once per epoch.
    trainedTokens: job.token_count === undefined || !finished ? null : job.token_count * (job.n_epochs ?? 1),
    error: status === 'failed' ? error : null,
    resultFiles: [],
    hyperparameters: {n_epochs: job.n_epochs, learning_rate: job.learning_rate, batch_size: job.batch_size, training_type: job.training_type?.type},
    metadata: null,
    suffix: job.suffix ?? null,
    trainingFileId: job.training_file ?? null,
  }
}
