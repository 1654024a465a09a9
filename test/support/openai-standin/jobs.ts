import {randomInt} from 'node:crypto'
import {ApiError, noSuchJob} from './errors.js'
import {addEvent, cancelJob} from './lifecycle.js'
import {paginate} from './pagination.js'
import {parseJobRequest} from './job-request.js'
import {jsonBody, route, type Route} from './router.js'
import type {Store, StoredJob} from './state.js'

const ERROR_FORMS = ['null', 'empty', 'nulls'] as const

/** The job as the API shows it; a job that has not failed reports one of the three "no error" forms. */
export function jobObject(store: Store, job: StoredJob) {
  const hyperparameters = {...job.hyperparameters}
  return {
    object: 'fine_tuning.job',
    id: job.id,
    created_at: job.created_at,
    error: job.error ?? noError(job.errorForm),
    fine_tuned_model: job.fine_tuned_model,
    finished_at: job.finished_at,
    hyperparameters,
    method: {type: 'supervised', supervised: {hyperparameters}},
    model: job.model,
    organization_id: store.org.id,
    result_files: job.result_files,
    seed: job.seed,
    status: job.status,
    trained_tokens: job.trained_tokens,
    training_file: job.training_file,
    validation_file: job.validation_file,
    estimated_finish: job.estimated_finish,
    integrations: null,
    metadata: job.metadata,
    user_provided_suffix: job.suffix,
  }
}

function noError(form: StoredJob['errorForm']) {
  if (form === 'empty') return {}
  return form === 'nulls' ? {code: null, message: null, param: null} : null
}

export function jobRoutes(
  store: Store,
  options: {errorForm?: StoredJob['errorForm']; onRetrieve: (job: StoredJob) => void},
): Route[] {
  const find = (id: string): StoredJob => {
    const job = store.jobs.get(id)
    if (!job) throw noSuchJob(id)
    return job
  }

  return [
    route('POST', '/fine_tuning/jobs', (context) => {
      if (store.fineTuningRefusal !== null) throw new ApiError(403, store.fineTuningRefusal)
      const request = parseJobRequest(store, jsonBody(context))
      const job: StoredJob = {
        ...request,
        id: store.newId('ftjob-'),
        created_at: store.now(),
        seed: request.seed ?? randomInt(2_147_483_647),
        status: 'validating_files',
        fine_tuned_model: null,
        finished_at: null,
        estimated_finish: null,
        trained_tokens: null,
        result_files: [],
        error: null,
        errorForm: options.errorForm ?? ERROR_FORMS[store.jobs.size % ERROR_FORMS.length],
      }
      store.jobs.set(job.id, job)
      store.events.set(job.id, [])
      store.checkpoints.set(job.id, [])
      addEvent(store, job, `Created fine-tuning job: ${job.id}`)
      const files = job.validation_file ? ` and validation file: ${job.validation_file}` : ''
      addEvent(store, job, `Validating training file: ${job.training_file}${files}`)
      return {body: jobObject(store, job)}
    }),
    route('GET', '/fine_tuning/jobs', ({query}) => {
      const jobs = [...store.jobs.values()].reverse().filter((job) => matchesMetadata(job, query))
      return {body: paginate(jobs.map((job) => jobObject(store, job)), query, 20)}
    }),
    route('GET', '/fine_tuning/jobs/:id', ({params}) => {
      const job = find(params.id)
      options.onRetrieve(job)
      return {body: jobObject(store, job)}
    }),
    route('GET', '/fine_tuning/jobs/:id/events', ({params, query}) => ({
      body: paginate([...(store.events.get(find(params.id).id) ?? [])].reverse(), query, 20),
    })),
    route('GET', '/fine_tuning/jobs/:id/checkpoints', ({params, query}) => ({
      body: paginate([...(store.checkpoints.get(find(params.id).id) ?? [])].reverse(), query, 10, true),
    })),
    route('POST', '/fine_tuning/jobs/:id/cancel', ({params}) => {
      const job = find(params.id)
      cancelJob(store, job)
      return {body: jobObject(store, job)}
    }),
  ]
}

/** `metadata[k]=v` keeps jobs whose metadata has k = v; `metadata=null` keeps jobs without metadata. */
function matchesMetadata(job: StoredJob, query: URLSearchParams): boolean {
  if (query.get('metadata') === 'null') return job.metadata === null
  for (const [key, value] of query) {
    const name = /^metadata\[(.+)\]$/.exec(key)?.[1]
    if (name !== undefined && job.metadata?.[name] !== value) return false
  }
  return true
}
