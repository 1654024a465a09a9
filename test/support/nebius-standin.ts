import {parseMultipart} from './openai-standin/multipart.js'
import {paginate} from './openai-standin/pagination.js'
import {chatCompletion, responseFormatOf, datasetTokens, echo, randomId, randomSlug, ValidationError, notFound, badRequest, findOr404, type ChatBehaviour, type ProviderStandinControls, type ChatMessage} from './provider-standin/common.js'
import {jsonBody, route, startProviderServer, type Route} from './provider-standin/http.js'

/** Fine-tunable base models (docs/contracts/nebius.md §2); both also answer chats. */
const BASE_MODELS: Readonly<Record<string, {fullTraining: boolean}>> = {
  'meta-llama/Meta-Llama-3.1-8B-Instruct': {fullTraining: true},
  'meta-llama/Llama-3.3-70B-Instruct': {fullTraining: false},
}
/** Served per token for chats (images included) but not fine-tunable here: the vision successor of gpt-4o in the catalog. */
const CHAT_ONLY_MODELS = new Set(['Qwen/Qwen2.5-VL-72B-Instruct'])
const JOB_FIELDS = new Set(['model', 'training_file', 'validation_file', 'hyperparameters', 'method', 'integrations', 'seed', 'suffix', 'tags', 'from_checkpoint', 'extra_body'])
const HYPERPARAMETERS: Readonly<Record<string, 'int' | 'number' | 'boolean'>> = {
  batch_size: 'int', learning_rate: 'number', n_epochs: 'int', warmup_ratio: 'number', weight_decay: 'number', packing: 'boolean',
  max_grad_norm: 'number', context_length: 'int', lora: 'boolean', lora_r: 'int', lora_alpha: 'int', lora_dropout: 'number',
}
const DEFAULT_HYPERPARAMETERS = {batch_size: 8, learning_rate: 0.00001, n_epochs: 3, warmup_ratio: 0, weight_decay: 0, packing: true, max_grad_norm: 1, context_length: 8192, lora: false, lora_r: 8, lora_alpha: 8, lora_dropout: 0}

export type NebiusJobStatus = 'validating_files' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'

interface StoredFile {id: string; object: 'file'; bytes: number; created_at: number; filename: string; purpose: string; status: 'processed'; content: Buffer}
export interface NebiusJob {
  id: string
  created_at: number
  model: string
  training_file: string
  validation_file: string | null
  hyperparameters: typeof DEFAULT_HYPERPARAMETERS
  suffix: string | null
  seed: number
  tags: unknown
  status: NebiusJobStatus
  finished_at: number | null
  trained_tokens: number | null
  trained_steps: number
  total_steps: number
  error: {code: string; message: string; param: string | null} | null
  events: {id: string; object: 'fine_tuning.job.event'; created_at: number; level: string; message: string; type: string}[]
  checkpoints: {id: string; object: 'fine_tuning.job.checkpoint'; created_at: number; fine_tuning_job_id: string; step_number: number; metrics: Record<string, number>}[]
}
export interface CustomModel {name: string; base_model: string; source: string; created_at: number; status: 'validating' | 'active' | 'error' | 'deleted'; description: string | null}

export interface NebiusStandin extends ProviderStandinControls<StoredFile> {
  /** `http://127.0.0.1:<port>/v1/`: NEBIUS_BASE_URL, the openai SDK's baseURL. */
  readonly baseURL: string
  readonly jobs: Map<string, NebiusJob>
  readonly customModels: Map<string, CustomModel>
  /** Also moves every validating custom model one step. */
  advance(steps?: number): void
  /** Steps one job until `status`; 'failed' is forced. */
  advanceJob(id: string, status: NebiusJobStatus): void
  /** The next custom model ends in status 'error' instead of 'active'. */
  failNextModelValidation(): void
}

/**
 * A loopback stand-in for Nebius Token Factory's fine-tuning and custom-model
 * API as docs/contracts/nebius.md describes it: OpenAI's file and job routes
 * with Nebius's body (hyperparameters with LoRA, no metadata), jobs that name
 * no fine-tuned model, and POST /v0/models to make a checkpoint servable.
 */
export interface NebiusStandinOptions {
  apiKey?: string
  /** Default 0: an ephemeral port. */
  port?: number
  /** Each job GET moves that job one step, each custom-model listing moves validating models on. */
  advanceOnPoll?: boolean
  /** Every this many ms, everything moves one step. */
  autoAdvanceMs?: number
}

export async function startNebiusStandin(options: NebiusStandinOptions = {}): Promise<NebiusStandin> {
  const files = new Map<string, StoredFile>()
  const jobs = new Map<string, NebiusJob>()
  const customModels = new Map<string, CustomModel>()
  const behaviours = new Map<string, ChatBehaviour>()
  let failModelValidations = 0
  let clock = Math.floor(Date.now() / 1000)
  const now = () => (clock += 1)

  const event = (job: NebiusJob, message: string, type = 'message', level = 'info') => {
    job.events.push({id: randomId('ftevent-'), object: 'fine_tuning.job.event', created_at: now(), level, message, type})
  }
  const findJob = (id: string) => findOr404(jobs, id, `Fine-tuning job ${id} not found.`)
  const findFile = (id: string) => findOr404(files, id, `File ${id} not found.`)

  const step = (job: NebiusJob) => {
    if (job.status === 'validating_files') {
      job.status = 'queued'
      event(job, 'Files validated; the job is queued.')
    } else if (job.status === 'queued') {
      job.status = 'running'
      event(job, 'Training started.')
    } else if (job.status === 'running') {
      const {tokens} = datasetTokens(findFile(job.training_file).content)
      job.trained_tokens = tokens * job.hyperparameters.n_epochs
      job.trained_steps = job.total_steps
      for (let epoch = 1; epoch <= job.hyperparameters.n_epochs; epoch += 1) {
        const stepNumber = Math.round((job.total_steps * epoch) / job.hyperparameters.n_epochs)
        job.checkpoints.unshift({id: randomId('ftckpt_'), object: 'fine_tuning.job.checkpoint', created_at: now(), fine_tuning_job_id: job.id, step_number: stepNumber, metrics: {train_loss: 1.6 / (epoch + 1)}})
      }
      job.status = 'succeeded'
      job.finished_at = now()
      event(job, 'The job has successfully completed.')
    }
  }
  const advanceModels = () => {
    for (const model of customModels.values()) {
      if (model.status !== 'validating') continue
      model.status = failModelValidations > 0 ? 'error' : 'active'
      if (model.status === 'error') failModelValidations -= 1
    }
  }
  const advance = (steps = 1) => {
    for (let i = 0; i < steps; i += 1) {
      advanceModels()
      for (const job of jobs.values()) step(job)
    }
  }

  const jobView = ({events: _events, checkpoints: _checkpoints, ...job}: NebiusJob) => ({
    ...job, object: 'fine_tuning.job', organization_id: '', result_files: [], integrations: [],
    estimated_finish: job.status === 'running' ? job.created_at + 600 : null,
  })
  const fileView = ({content: _content, ...file}: StoredFile) => file

  const routes: Route[] = [
    route('POST', '/files', (context) => {
      const form = parseMultipart(context.body, context.headers['content-type'])
      const purpose = form.fields.get('purpose')
      const part = form.files.find((candidate) => candidate.field === 'file')
      if (part === undefined) throw new ValidationError(['body', 'file'], 'Field required', 'missing')
      if (purpose !== 'fine-tune' && purpose !== 'batch') throw new ValidationError(['body', 'purpose'], "Input should be 'fine-tune' or 'batch'", 'enum')
      const file: StoredFile = {id: randomId('file-'), object: 'file', bytes: part.data.length, created_at: now(), filename: part.filename, purpose, status: 'processed', content: part.data}
      files.set(file.id, file)
      return {body: fileView(file)}
    }),
    route('GET', '/files', ({query}) => ({body: paginate([...files.values()].reverse().filter((file) => !query.has('purpose') || file.purpose === query.get('purpose')).map(fileView), query, 10_000)})),
    route('GET', '/files/:id', ({params}) => ({body: fileView(findFile(params.id))})),
    route('GET', '/files/:id/content', ({params}) => ({body: findFile(params.id).content, contentType: 'application/octet-stream'})),
    route('DELETE', '/files/:id', ({params}) => {
      files.delete(findFile(params.id).id)
      return {body: {id: params.id, object: 'file', deleted: true}}
    }),

    route('POST', '/fine_tuning/jobs', (context) => {
      const body = jsonBody(context)
      const extra = Object.keys(body).find((key) => !JOB_FIELDS.has(key))
      if (extra !== undefined) throw new ValidationError(['body', extra], 'Extra inputs are not permitted', 'extra_forbidden')
      const model = String(body.model ?? '')
      const base = BASE_MODELS[model]
      if (base === undefined) throw badRequest(`Model ${model} is not available for fine-tuning.`, 'model')
      const training = files.get(String(body.training_file ?? ''))
      if (training === undefined || training.purpose !== 'fine-tune') throw badRequest(`Training file ${String(body.training_file)} not found or not a fine-tune file.`, 'training_file')
      if (body.validation_file != null && !files.has(String(body.validation_file))) throw badRequest(`Validation file ${String(body.validation_file)} not found.`, 'validation_file')
      const hyperparameters = parseHyperparameters(body)
      if (!hyperparameters.lora && !base.fullTraining) throw badRequest(`Full fine-tuning is not available for ${model}; set hyperparameters.lora to true.`, 'hyperparameters.lora')
      if (body.suffix != null && (typeof body.suffix !== 'string' || body.suffix.length > 64)) throw new ValidationError(['body', 'suffix'], 'String should have at most 64 characters', 'string_too_long')
      const {examples} = datasetTokens(training.content)
      const job: NebiusJob = {
        id: randomId('ftjob-'), created_at: now(), model, training_file: training.id, validation_file: body.validation_file == null ? null : String(body.validation_file),
        hyperparameters, suffix: (body.suffix as string | undefined) ?? null, seed: typeof body.seed === 'number' ? body.seed : 42, tags: body.tags ?? null,
        status: 'validating_files', finished_at: null, trained_tokens: null, trained_steps: 0, total_steps: Math.max(1, Math.ceil(examples / hyperparameters.batch_size)) * hyperparameters.n_epochs,
        error: null, events: [], checkpoints: [],
      }
      jobs.set(job.id, job)
      event(job, 'Validating training file.')
      return {body: jobView(job)}
    }),
    route('GET', '/fine_tuning/jobs', ({query}) => ({body: paginate([...jobs.values()].reverse().map(jobView), query, 20)})),
    route('GET', '/fine_tuning/jobs/:id', ({params}) => {
      if (options.advanceOnPoll === true) step(findJob(params.id))
      return {body: jobView(findJob(params.id))}
    }),
    route('POST', '/fine_tuning/jobs/:id/cancel', ({params}) => {
      const job = findJob(params.id)
      if (['succeeded', 'failed', 'cancelled'].includes(job.status)) throw badRequest(`Job ${job.id} has already finished.`)
      job.status = 'cancelled'
      job.finished_at = now()
      event(job, 'The job was cancelled.')
      return {body: jobView(job)}
    }),
    route('GET', '/fine_tuning/jobs/:id/events', ({params, query}) => ({body: paginate([...findJob(params.id).events].reverse(), query, 20)})),
    route('GET', '/fine_tuning/jobs/:id/checkpoints', ({params, query}) => ({body: paginate(findJob(params.id).checkpoints, query, 10)})),

    route('POST', '/v0/models', (context) => {
      const body = jsonBody(context)
      for (const field of ['name', 'base_model', 'source']) {
        if (typeof body[field] !== 'string' || body[field] === '') throw new ValidationError(['body', field], 'Field required', 'missing')
      }
      const [jobId, checkpointId] = String(body.source).split(':')
      const job = jobs.get(jobId)
      if (job === undefined || job.status !== 'succeeded' || !job.checkpoints.some((checkpoint) => checkpoint.id === checkpointId)) {
        throw badRequest(`Source ${String(body.source)} is not a checkpoint of a succeeded fine-tuning job.`, 'source')
      }
      if (body.base_model !== job.model) throw badRequest(`base_model ${String(body.base_model)} does not match the job's model ${job.model}.`, 'base_model')
      if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(String(body.name))) throw new ValidationError(['body', 'name'], 'Name may hold lowercase letters, digits and dashes', 'string_pattern_mismatch')
      // Every create makes a new model: the name gets a random tail, as the API reference's example shows.
      const model: CustomModel = {
        name: `${job.model}-${job.hyperparameters.lora ? 'LoRa' : 'Full'}:${String(body.name)}-${randomSlug(4)}`, base_model: job.model, source: String(body.source),
        created_at: now(), status: 'validating', description: typeof body.description === 'string' ? body.description : null,
      }
      customModels.set(model.name, model)
      return {body: model}
    }),
    route('GET', '/v0/models', () => {
      const listed = {object: 'list', data: [...customModels.values()].map((model) => ({...model}))}
      if (options.advanceOnPoll === true) advanceModels()
      return {body: listed}
    }),

    {method: 'GET', pattern: /^\/models\/(?<id>.+)$/, handler: ({params}) => {
      const id = decodeURIComponent(params.id)
      if (!isServable(id)) throw notFound(`The model \`${id}\` does not exist.`, 'model_not_found')
      return {body: {id, object: 'model', created: clock, owned_by: BASE_MODELS[id] === undefined ? 'custom' : 'nebius'}}
    }},
    route('GET', '/models', () => ({body: {object: 'list', data: [...Object.keys(BASE_MODELS), ...[...customModels.values()].filter((model) => model.status === 'active').map((model) => model.name)].map((id) => ({id, object: 'model', created: clock, owned_by: 'nebius'}))}})),
    route('POST', '/chat/completions', (context) => {
      const body = jsonBody(context)
      const model = String(body.model ?? '')
      if (!Array.isArray(body.messages) || body.messages.length === 0) throw new ValidationError(['body', 'messages'], 'List should have at least 1 item', 'too_short')
      if (!isServable(model)) throw notFound(`The model \`${model}\` does not exist.`, 'model_not_found')
      const messages = body.messages as ChatMessage[]
      return {body: chatCompletion(model, messages, (behaviours.get(model) ?? echo)(messages, {model, seed: null, responseFormat: responseFormatOf(body.response_format)}))}
    }),
  ]

  function isServable(model: string): boolean {
    return BASE_MODELS[model] !== undefined || CHAT_ONLY_MODELS.has(model) || customModels.get(model)?.status === 'active'
  }

  const server = await startProviderServer({routes: () => routes, apiKey: options.apiKey, port: options.port})
  const timer = options.autoAdvanceMs === undefined ? undefined : setInterval(() => advance(), options.autoAdvanceMs)
  return {
    baseURL: `${server.origin}/v1/`,
    requests: server.requests,
    jobs,
    files,
    customModels,
    advance,
    advanceJob(id, status) {
      const job = findJob(id)
      if (status === 'failed') {
        job.status = 'failed'
        job.finished_at = now()
        job.error = {code: 'training_error', message: 'Training failed: the loss diverged.', param: null}
        event(job, 'Training failed: the loss diverged.', 'message', 'error')
        return
      }
      for (let guard = 0; job.status !== status && guard < 5; guard += 1) step(job)
    },
    failNextModelValidation() {
      failModelValidations += 1
    },
    setChatBehaviour(model, behaviour) {
      if (behaviour === null) behaviours.delete(model)
      else behaviours.set(model, behaviour)
    },
    injectFault: server.injectFault,
    clearFaults: server.clearFaults,
    reset() {
      files.clear()
      jobs.clear()
      customModels.clear()
      behaviours.clear()
      failModelValidations = 0
      server.clearFaults()
      server.requests.length = 0
    },
    async close() {
      clearInterval(timer)
      await server.close()
    },
  }
}

function parseHyperparameters(body: Record<string, unknown>): typeof DEFAULT_HYPERPARAMETERS {
  const method = body.method as {type?: string; supervised?: {hyperparameters?: Record<string, unknown>}} | undefined
  const given = {...(body.hyperparameters as Record<string, unknown> | undefined), ...method?.supervised?.hyperparameters}
  const parsed: Record<string, unknown> = {...DEFAULT_HYPERPARAMETERS}
  for (const [name, value] of Object.entries(given)) {
    const kind = HYPERPARAMETERS[name]
    if (kind === undefined) throw new ValidationError(['body', 'hyperparameters', name], 'Extra inputs are not permitted', 'extra_forbidden')
    const valid = kind === 'boolean' ? typeof value === 'boolean' : typeof value === 'number' && (kind === 'number' || Number.isInteger(value)) && value >= 0
    if (!valid) throw new ValidationError(['body', 'hyperparameters', name], `Input should be a valid ${kind === 'int' ? 'integer' : kind}`, `${kind}_type`)
    parsed[name] = value
  }
  if ((parsed.n_epochs as number) < 1 || (parsed.n_epochs as number) > 20) throw new ValidationError(['body', 'hyperparameters', 'n_epochs'], 'Input should be between 1 and 20', 'less_than_equal')
  return parsed as typeof DEFAULT_HYPERPARAMETERS
}
