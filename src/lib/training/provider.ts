import {isLoopftError} from '../errors.js'

/** The providers loopft trains and serves on (`--provider`, LOOPFT_PROVIDER); defined beside the router, which needs them without this module. */
export {asProviderName, splitProvider, type ProviderName} from '../runtime/selection.js'
export {PROVIDER_NAMES} from '../runtime/model-target.js'

/**
 * The small interface loopft trains through, so the rest of the loop does not
 * care who trains: OpenAI and Azure OpenAI (OpenAI's routes), Nebius Token
 * Factory (OpenAI's routes on another host) and Together AI (its own routes,
 * its own SDK). All methods throw LoopftError.
 */
export interface TrainingProvider {
  /** Keys the catalog's cut-offs, the ledger and the registry. */
  readonly name: string
  /**
   * Whether jobs carry loopft's metadata. Where they cannot (Nebius, Together,
   * Azure), the job's suffix carries the dataset hash and attempt instead.
   */
  readonly carriesMetadata: boolean
  uploadDataset(content: Buffer, options: {filename: string; expiresAfterSeconds: number}): Promise<UploadedFile>
  /** A file uploaded earlier under this name and size (an upload whose answer was lost), if any. */
  findUploadedFile(filename: string, bytes: number): Promise<UploadedFile | undefined>
  /** Resolves once the provider has processed the file; INPUT_INVALID when it rejected it. */
  waitForFile(fileId: string): Promise<UploadedFile>
  /** One attempt, never retried by the client: a retried create can pay for two jobs. */
  createJob(request: CreateJobRequest): Promise<TrainingJob>
  getJob(jobId: string): Promise<TrainingJob>
  /**
   * Jobs created for this intent at or after `since`, newest first: by metadata
   * where jobs carry it, else by suffix and training file (reconciling by listing).
   */
  findJobs(intent: JobIntent, since: Date): Promise<TrainingJob[]>
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
  /**
   * Starts making a succeeded job's model callable where the provider needs a
   * step for it (Nebius custom model, Together endpoint, Azure deployment); a
   * deployment started earlier for the same job is found, not started twice.
   */
  deploy(job: TrainingJob, options: {name: string}): Promise<Deployment>
  /** The deployment as the provider reports it now. */
  getDeployment(deployment: Deployment): Promise<Deployment>
  /** Stops what bills by time (a Together endpoint); nothing where nothing does. */
  stopDeployment(deployment: Deployment): Promise<void>
  /** One short chat: resolves once `model` answers. */
  smokeTest(model: string): Promise<void>
}

/**
 * How a fine-tune is made callable: 'none' (OpenAI serves it as trained),
 * 'custom-model' (Nebius, per token), 'endpoint' (Together, billed per minute
 * while running), 'manual' (Azure: a command loopft cannot run without ARM credentials).
 */
export interface Deployment {
  kind: 'none' | 'custom-model' | 'endpoint' | 'manual'
  /** The provider's id of the deployment (custom model name, endpoint id, Azure deployment name). */
  externalId: string | null
  /** The name a chat request uses. */
  model: string
  status: 'pending' | 'ready' | 'failed' | 'stopped'
  /** USD per day while it runs; null when it bills per token. */
  costPerDayUsd: number | null
  /** The exact command to run for a 'manual' deployment, else what the provider said. */
  detail: string
}

/** The deployment step of the providers that serve a fine-tune as soon as it is trained. */
export type Deployer = Pick<TrainingProvider, 'deploy' | 'getDeployment' | 'stopDeployment'>

export const servedAsTrained: Deployer = {
  deploy: async (job) => ({kind: 'none', externalId: null, model: job.fineTunedModel ?? '', status: job.fineTunedModel === null ? 'failed' : 'ready', costPerDayUsd: null, detail: 'served as trained'}),
  getDeployment: async (deployment) => deployment,
  stopDeployment: async () => {},
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
  /** LoRA (the catalog says which method a base model is trained and served with); ignored by OpenAI. */
  lora?: boolean
}

/** What identifies the job of one tune attempt. */
export interface JobIntent {
  metadata: Record<string, string>
  suffix: string
  trainingFileId: string
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
  suffix: string | null
  trainingFileId: string | null
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
  /** What serves or deploys this checkpoint (a model name, or the provider's checkpoint path). */
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
