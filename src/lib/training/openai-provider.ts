import OpenAI, {toFile} from 'openai'
import type {FineTuningJob} from 'openai/resources/fine-tuning/jobs/jobs'
import {LoopftError} from '../errors.js'
import {toLoopftError} from '../error-translation.js'
import {servedAsTrained, type Checkpoint, type Deployer, type JobEvent, type JobIntent, type StepMetrics, type TrainingJob, type TrainingProvider, type UploadedFile} from './provider.js'

/** Which provider a base URL names; the catalog keys cut-off dates by it. */
export function providerName(baseURL: string | undefined): string {
  if (baseURL === undefined) return 'openai'
  const host = new URL(baseURL).hostname
  if (host === 'api.openai.com') return 'openai'
  return host.endsWith('.azure.com') ? 'azure' : 'openai-compatible'
}

export interface OpenAIProviderOptions {
  filePollMs?: number
  /** Default: named by the base URL. */
  name?: string
  /** Default true (OpenAI); Nebius and Azure document no job metadata, so the suffix carries the intent. */
  carriesMetadata?: boolean
  /** How a fine-tune becomes callable; default: served as trained (OpenAI). */
  deployer?: Deployer
}

/**
 * The training provider over the official SDK. Works with any base URL serving
 * OpenAI's files and fine-tuning routes (OpenAI, Azure OpenAI v1, Nebius Token
 * Factory). Neither uploads nor job creation are retried by the SDK: tune looks
 * up what a lost answer may have created first.
 */
export function createOpenAIProvider(client: OpenAI, options: OpenAIProviderOptions = {}): TrainingProvider {
  const carriesMetadata = options.carriesMetadata ?? true
  return {
    name: options.name ?? providerName(client.baseURL),
    carriesMetadata,
    ...(options.deployer ?? servedAsTrained),

    smokeTest: (model) => call(async () => {
      await client.chat.completions.create({model, messages: [{role: 'user', content: 'Reply with OK.'}], max_tokens: 5})
    }),

    // Not retried by the SDK: a POST whose answer was lost may have stored the file, so tune looks it up before uploading again.
    uploadDataset: (content, {filename, expiresAfterSeconds}) => call(async () => toUploaded(await client.files.create({
      file: await toFile(content, filename),
      purpose: 'fine-tune',
      expires_after: {anchor: 'created_at', seconds: expiresAfterSeconds},
    }, {maxRetries: 0}))),

    findUploadedFile: (filename, bytes) => call(async () => {
      for await (const file of client.files.list({purpose: 'fine-tune'})) {
        if (file.filename === filename && file.bytes === bytes && file.status !== 'error') return toUploaded(file)
      }
      return undefined
    }),

    waitForFile: (fileId) => call(async () => {
      const file = await client.files.waitForProcessing(fileId, {pollInterval: options.filePollMs ?? 2000})
      if (file.status === 'error') throw new LoopftError('INPUT_INVALID', `the provider rejected file ${fileId}: ${file.status_details ?? 'no details'}`)
      return toUploaded(file)
    }),

    createJob: (request) => call(async () => toJob(await client.fineTuning.jobs.create({
      model: request.baseModel,
      training_file: request.trainingFileId,
      validation_file: request.validationFileId,
      suffix: request.suffix,
      ...(carriesMetadata ? {metadata: request.metadata} : {}),
      // Nebius takes LoRA as hyperparameters beside n_epochs (its API reference); OpenAI's types do not know them.
      method: {type: 'supervised', supervised: {hyperparameters: {n_epochs: request.nEpochs, ...(request.lora === undefined ? {} : {lora: request.lora})} as {n_epochs: number}}},
    }, {maxRetries: 0})), refusalAsUnavailable),

    getJob: (jobId) => call(async () => toJob(await client.fineTuning.jobs.retrieve(jobId))),

    findJobs: (intent, since) => call(async () => {
      const found: TrainingJob[] = []
      const lookup = carriesMetadata ? {loopft_key: intent.metadata.loopft_key, loopft_attempt: intent.metadata.loopft_attempt} : undefined
      // The filter is a hint (not every compatible server honours it): check each job too.
      for await (const job of client.fineTuning.jobs.list({...(lookup === undefined ? {} : {metadata: lookup}), limit: 100})) {
        if (job.created_at * 1000 < since.getTime()) break
        const mapped = toJob(job)
        if (lookup === undefined ? isJobOf(intent, mapped) : Object.entries(lookup).every(([key, value]) => job.metadata?.[key] === value)) found.push(mapped)
      }
      return found
    }),

    listEvents: (jobId) => events(client, jobId),

    listCheckpoints: (jobId) => call(async () => {
      const checkpoints: Checkpoint[] = []
      for await (const checkpoint of client.fineTuning.jobs.checkpoints.list(jobId, {limit: 100})) {
        checkpoints.push({id: checkpoint.id, step: checkpoint.step_number, model: checkpoint.fine_tuned_model_checkpoint, metrics: numbers({...checkpoint.metrics})})
      }
      return checkpoints
    }),

    readStepMetrics: (fileId) => call(async () => parseMetricsCsv(await (await client.files.content(fileId)).text())),

    cancelJob: (jobId) => call(async () => toJob(await client.fineTuning.jobs.cancel(jobId))),

    deleteModel: (model) => call(async () => {
      await client.models.delete(model)
    }),

    deleteFile: (fileId) => call(async () => {
      await client.files.delete(fileId)
    }),

    canFineTune: async (baseModel) => {
      try {
        await client.fineTuning.jobs.list({limit: 1})
      } catch (error) {
        return {apiOk: false, modelVisible: false, detail: `listing fine-tuning jobs failed: ${toLoopftError(error).message}`}
      }
      try {
        await client.models.retrieve(baseModel)
        return {apiOk: true, modelVisible: true, detail: `fine-tuning routes answer and ${baseModel} is visible`}
      } catch (error) {
        return {apiOk: true, modelVisible: false, detail: `${baseModel} is not visible to this key: ${toLoopftError(error).message}`}
      }
    },
  }
}

async function call<T>(work: () => Promise<T>, translate: (error: LoopftError) => LoopftError = (error) => error): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw translate(toLoopftError(error))
  }
}

/** 403 on create, or a model the account may not tune: the provider refuses new jobs. */
function refusalAsUnavailable(error: LoopftError): LoopftError {
  const status = error.details?.status
  if (status !== 403 && error.details?.apiCode !== 'model_not_available') return error
  return new LoopftError('TRAINING_UNAVAILABLE', `the provider refuses new fine-tuning jobs: ${error.message}`, {
    suggestion: 'run loopft doctor; point OPENAI_BASE_URL at a provider that still trains, or choose another base model (LOOPFT_BASE_MODEL)',
    cause: error,
  })
}

async function* events(client: OpenAI, jobId: string): AsyncGenerator<JobEvent> {
  try {
    for await (const event of client.fineTuning.jobs.listEvents(jobId, {limit: 100})) {
      const {data, type} = event as typeof event & {data?: unknown; type?: string}
      yield {
        id: event.id,
        createdAt: new Date(event.created_at * 1000),
        level: event.level,
        type: type ?? 'message',
        message: event.message,
        data: typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : null,
      }
    }
  } catch (error) {
    throw toLoopftError(error)
  }
}

function toUploaded(file: OpenAI.FileObject): UploadedFile {
  return {id: file.id, filename: file.filename, bytes: file.bytes, status: file.status}
}

function toJob(job: FineTuningJob): TrainingJob {
  const error = job.status === 'failed' ? {code: job.error?.code ?? null, message: job.error?.message ?? null, param: job.error?.param ?? null} : null
  return {
    id: job.id,
    status: job.status,
    model: job.model,
    createdAt: new Date(job.created_at * 1000),
    finishedAt: job.finished_at === null ? null : new Date(job.finished_at * 1000),
    // Nebius names no fine-tuned model on a job: it becomes servable by POST /v0/models.
    fineTunedModel: job.fine_tuned_model ?? null,
    trainedTokens: job.trained_tokens,
    error,
    resultFiles: job.result_files ?? [],
    hyperparameters: {...(job.method?.supervised?.hyperparameters ?? job.hyperparameters)},
    metadata: (job.metadata as Record<string, string> | null | undefined) ?? null,
    // OpenAI echoes the suffix as user_provided_suffix, Nebius as suffix.
    suffix: (job as {user_provided_suffix?: string | null; suffix?: string | null}).user_provided_suffix ?? (job as {suffix?: string | null}).suffix ?? null,
    trainingFileId: job.training_file,
  }
}

/** Without metadata, a job belongs to an intent when it trains the intent's file under the intent's suffix (which holds the dataset hash and attempt). */
export function isJobOf(intent: JobIntent, job: TrainingJob): boolean {
  return job.trainingFileId === intent.trainingFileId && job.suffix !== null && job.suffix === intent.suffix
}

/** The results file is a CSV of per-step metrics; its exact columns vary, so keep every numeric one. */
export function parseMetricsCsv(text: string): StepMetrics[] {
  const [header, ...rows] = text.trim().split('\n')
  const columns = (header ?? '').split(',').map((column) => column.trim())
  return rows.flatMap((row) => {
    const values = row.split(',')
    const metrics = numbers(Object.fromEntries(columns.map((column, index) => [column, values[index]])))
    return typeof metrics.step === 'number' ? [{step: metrics.step, metrics}] : []
  })
}

function numbers(record: Record<string, unknown> | null | undefined): Record<string, number> {
  const kept: Record<string, number> = {}
  for (const [key, value] of Object.entries(record ?? {})) {
    const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN
    if (Number.isFinite(number)) kept[key] = number
  }
  return kept
}
