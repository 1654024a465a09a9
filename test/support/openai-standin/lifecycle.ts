import {fineTunableSnapshot} from './catalog.js'
import {DatasetError, MIN_TRAINING_EXAMPLES, summarizeDataset} from './dataset.js'
import {invalidRequest} from './errors.js'
import {addFile} from './files.js'
import {trainingRun} from './training.js'
import {
  randomAlphanumeric,
  TERMINAL_STATUSES,
  type JobError,
  type JobEvent,
  type JobStatus,
  type Store,
  type StoredJob,
} from './state.js'

const ESTIMATED_TRAINING_SECONDS = 600

export function addEvent(
  store: Store,
  job: StoredJob,
  message: string,
  extra: Partial<Pick<JobEvent, 'level' | 'type' | 'data'>> = {},
): void {
  const events = store.events.get(job.id)
  if (!events) throw new Error(`The stand-in lost the events of ${job.id}`)
  // Strictly increasing per job, so that "newest first" is also an order by created_at.
  const createdAt = Math.max(store.now(), (events.at(-1)?.created_at ?? 0) + 1)
  const event: JobEvent = {
    object: 'fine_tuning.job.event',
    id: store.newId('ftevent-'),
    created_at: createdAt,
    level: 'info',
    message,
    data: null,
    type: 'message',
    ...extra,
  }
  events.push(event)
}

export const isTerminal = (job: StoredJob): boolean => TERMINAL_STATUSES.includes(job.status)

/** Moves a job one status forward: validating_files → queued → running → succeeded. */
export function stepJob(store: Store, job: StoredJob): void {
  if (job.status === 'validating_files') validate(store, job)
  else if (job.status === 'queued') start(store, job)
  else if (job.status === 'running') succeed(store, job)
}

/** Steps a job until it reaches `target` or a terminal status; `failed`/`cancelled` are forced. */
export function driveJob(store: Store, job: StoredJob, target?: JobStatus): void {
  if (target === undefined) return stepJob(store, job)
  if (target === 'cancelled') return cancelJob(store, job)
  if (target === 'failed' && !isTerminal(job)) {
    if (job.status === 'validating_files') {
      store.forcedValidationFailures.unshift('The training file failed validation.')
    } else {
      return failJob(store, job, {code: 'server_error', message: 'Fine-tuning failed due to an internal error.', param: null})
    }
  }
  while (job.status !== target && !isTerminal(job)) stepJob(store, job)
}

export function cancelJob(store: Store, job: StoredJob): void {
  if (isTerminal(job)) throw invalidRequest(`Job has already completed: ${job.id}`, 'fine_tuning_job_id')
  finish(store, job, 'cancelled')
  addEvent(store, job, 'Fine-tuning job cancelled')
}

function finish(store: Store, job: StoredJob, status: JobStatus): void {
  job.status = status
  job.finished_at = Math.max(store.now(), store.events.get(job.id)?.at(-1)?.created_at ?? 0)
  job.estimated_finish = null
}

function failJob(store: Store, job: StoredJob, error: JobError): void {
  finish(store, job, 'failed')
  job.error = error
  addEvent(store, job, error.message, {level: 'error'})
}

function validate(store: Store, job: StoredJob): void {
  const forced = store.forcedValidationFailures.shift()
  if (forced !== undefined) {
    return failJob(store, job, {code: 'invalid_training_file', message: forced, param: 'training_file'})
  }
  const limit = fineTunableSnapshot(job.base)?.trainingContext ?? 0
  const check = (fileId: string, minExamples: number) => {
    const file = store.files.get(fileId)
    if (!file) throw new DatasetError(`File ${fileId} was not found.`)
    return summarizeDataset(file.content, limit, minExamples)
  }
  let param = 'training_file'
  try {
    job.dataset = check(job.training_file, MIN_TRAINING_EXAMPLES)
    param = 'validation_file'
    if (job.validation_file) check(job.validation_file, 1)
  } catch (error) {
    if (!(error instanceof DatasetError)) throw error
    const code = param === 'training_file' ? 'invalid_training_file' : 'invalid_validation_file'
    return failJob(store, job, {code, message: `Invalid file format. ${error.message}`, param})
  }
  if (job.dataset.truncatedExamples > 0) {
    const count = job.dataset.truncatedExamples
    addEvent(store, job, `${count} example(s) exceed the ${limit}-token limit and will be truncated`, {level: 'warn'})
  }
  addEvent(store, job, 'Files validated, moving job to queued state')
  job.status = 'queued'
}

function start(store: Store, job: StoredJob): void {
  const examples = job.dataset?.examples ?? MIN_TRAINING_EXAMPLES
  const {n_epochs, batch_size, learning_rate_multiplier} = job.hyperparameters
  job.hyperparameters = {
    n_epochs: n_epochs === 'auto' ? autoEpochs(examples) : n_epochs,
    batch_size: batch_size === 'auto' ? Math.min(256, Math.max(1, Math.round(examples * 0.002))) : batch_size,
    learning_rate_multiplier: learning_rate_multiplier === 'auto' ? 1.8 : learning_rate_multiplier,
  }
  job.status = 'running'
  job.estimated_finish = store.now() + ESTIMATED_TRAINING_SECONDS
  addEvent(store, job, 'Fine-tuning job started')
}

/** The cookbook's default-epochs heuristic (contract §3.5). */
export function autoEpochs(examples: number): number {
  if (examples * 3 < 100) return Math.min(25, Math.floor(100 / examples))
  if (examples * 3 > 25_000) return Math.max(1, Math.floor(25_000 / examples))
  return 3
}

function succeed(store: Store, job: StoredJob): void {
  const epochs = Number(job.hyperparameters.n_epochs)
  const model = `ft:${job.base}:${store.org.slug}:${job.suffix ?? ''}:${randomAlphanumeric(8)}`
  const run = trainingRun({
    examples: job.dataset?.examples ?? MIN_TRAINING_EXAMPLES,
    epochs,
    batchSize: Number(job.hyperparameters.batch_size),
    seed: job.seed,
    hasValidation: job.validation_file !== null,
  })
  for (const row of run.reported) {
    addEvent(store, job, `Step ${row.step}/${run.totalSteps}: training loss=${row.train_loss.toFixed(4)}`, {
      type: 'metrics',
      data: {...row, total_steps: run.totalSteps},
    })
  }
  const checkpoints = store.checkpoints.get(job.id) ?? []
  for (const metrics of run.checkpoints) {
    checkpoints.push({
      object: 'fine_tuning.job.checkpoint',
      id: store.newId('ftckpt_'),
      created_at: store.now(),
      fine_tuned_model_checkpoint: `${model}:ckpt-step-${metrics.step}`,
      fine_tuning_job_id: job.id,
      step_number: metrics.step,
      metrics,
    })
    addEvent(store, job, `Checkpoint created at step ${metrics.step}`)
  }
  const results = addFile(store, 'step_metrics.csv', 'fine-tune-results', Buffer.from(run.csv))
  store.models.set(model, {id: model, object: 'model', created: store.now(), owned_by: store.org.id})
  job.fine_tuned_model = model
  job.trained_tokens = (job.dataset?.tokensPerEpoch ?? 0) * epochs
  job.result_files = [results.id]
  addEvent(store, job, `New fine-tuned model created: ${model}`)
  addEvent(store, job, 'The job has successfully completed')
  finish(store, job, 'succeeded')
}
