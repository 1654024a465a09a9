import {isLoopftError} from '../errors.js'

/**
 * The small interface loopft trains through, so the rest of the loop does not
 * care who trains. The first implementation speaks OpenAI's fine-tuning routes
 * (OpenAI itself, Azure OpenAI v1, any compatible server); all methods throw
 * LoopftError.
 */
export interface TrainingProvider {
  /** 'openai', 'azure-openai' or 'openai-compatible': keys the catalog's cut-offs and the ledger. */
  readonly name: string
  uploadDataset(content: Buffer, options: {filename: string; expiresAfterSeconds: number}): Promise<UploadedFile>
  /** A file uploaded earlier under this name and size (an upload whose answer was lost), if any. */
  findUploadedFile(filename: string, bytes: number): Promise<UploadedFile | undefined>
  /** Resolves once the provider has processed the file; INPUT_INVALID when it rejected it. */
  waitForFile(fileId: string): Promise<UploadedFile>
  /** One attempt, never retried by the client: a retried create can pay for two jobs. */
  createJob(request: CreateJobRequest): Promise<TrainingJob>
  getJob(jobId: string): Promise<TrainingJob>
  /** Jobs whose metadata holds every given pair, newest first, created at or after `since`. */
  findJobsByMetadata(metadata: Record<string, string>, since: Date): Promise<TrainingJob[]>
  /** Newest first, lazily paged: stop iterating once you reach an event already seen. */
  listEvents(jobId: string): AsyncIterable<JobEvent>
  listCheckpoints(jobId: string): Promise<Checkpoint[]>
  /** Per-step metrics from a job's results file. */
  readStepMetrics(fileId: string): Promise<StepMetrics[]>
  cancelJob(jobId: string): Promise<TrainingJob>
  deleteModel(model: string): Promise<void>
  /** Deletes an uploaded file (prune and forget remove training data from the provider). */
  deleteFile(fileId: string): Promise<void>
  /** A cheap probe that creates nothing: does the key list fine-tuning jobs, and can it see the base model? */
  canFineTune(baseModel: string): Promise<FineTuneProbe>
}

export interface FineTuneProbe {
  apiOk: boolean
  modelVisible: boolean
  detail: string
}

export type JobStatus = 'validating_files' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'

export interface UploadedFile {
  id: string
  filename: string
  bytes: number
  status: string
}

export interface CreateJobRequest {
  baseModel: string
  trainingFileId: string
  validationFileId: string | null
  suffix: string
  nEpochs: number
  metadata: Record<string, string>
}

export interface TrainingJob {
  id: string
  status: JobStatus
  model: string
  createdAt: Date
  finishedAt: Date | null
  fineTunedModel: string | null
  trainedTokens: number | null
  /** Only for a failed job: healthy jobs report null, {} or all-null fields, all read as null. */
  error: {code: string | null; message: string | null; param: string | null} | null
  resultFiles: string[]
  hyperparameters: Record<string, unknown>
  metadata: Record<string, string> | null
}

export interface JobEvent {
  id: string
  createdAt: Date
  level: string
  type: string
  message: string
  data: Record<string, unknown> | null
}

export interface Checkpoint {
  id: string
  step: number
  model: string
  metrics: Record<string, number>
}

export interface StepMetrics {
  step: number
  metrics: Record<string, number>
}

/** Worth retrying after the SDK's own retries: network trouble, timeouts, 408/409/429/5xx. */
export function isTransient(error: unknown): boolean {
  if (!isLoopftError(error, 'API_ERROR')) return false
  const status = error.details?.status
  return typeof status !== 'number' || status >= 500 || [408, 409, 429].includes(status)
}
