import {parseMultipart} from './openai-standin/multipart.js'
import {chatCompletion, responseFormatOf, datasetTokens, echo, notFound, badRequest, randomSlug, findOr404, type ChatBehaviour, type ProviderStandinControls, type ChatMessage} from './provider-standin/common.js'
import {jsonBody, route, startProviderServer, type Route} from './provider-standin/http.js'

/** Fine-tunable base models (docs/contracts/together.md §2) and what they answer at serverless prices. */
const BASE_MODELS = new Set(['meta-llama/Meta-Llama-3.1-8B-Instruct-Reference'])
const SERVERLESS_MODELS = new Set(['meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo', 'meta-llama/Llama-3.3-70B-Instruct-Turbo'])
const JOB_FIELDS = new Set(['model', 'training_file', 'validation_file', 'n_epochs', 'n_checkpoints', 'n_evals', 'batch_size', 'learning_rate', 'lr_scheduler', 'warmup_ratio',
  'max_grad_norm', 'weight_decay', 'suffix', 'wandb_api_key', 'wandb_base_url', 'wandb_project_name', 'wandb_name', 'wandb_entity', 'train_on_inputs', 'training_method',
  'training_type', 'from_checkpoint', 'from_hf_model', 'hf_model_revision', 'hf_api_token', 'hf_output_repo_name', 'max_seq_length', 'packing', 'random_seed', 'multimodal_params',
  'gradient_accumulation_steps', 'early_stopping_enabled', 'early_stopping_min_delta', 'early_stopping_patience', 'early_stopping_warmup_evals'])
const ACCOUNT = 'standin-account'
const PURPOSES = new Set(['fine-tune', 'eval', 'eval-sample', 'eval-output', 'eval-summary', 'batch-generated', 'batch-api'])
/** One hardware option, priced per minute like GET /hardware answers. */
export const HARDWARE = {id: '1x_nvidia_h100_80gb_sxm', centsPerMinute: 5.58}

export type TogetherJobStatus = 'pending' | 'queued' | 'running' | 'uploading' | 'cancel_requested' | 'cancelled' | 'error' | 'completed'
const LIFE: readonly TogetherJobStatus[] = ['pending', 'queued', 'running', 'uploading', 'completed']

interface StoredFile {id: string; object: 'file'; bytes: number; created_at: number; filename: string; purpose: string; FileType: string; Processed: boolean; LineCount: number; content: Buffer}
export interface TogetherJob {
  id: string
  status: TogetherJobStatus
  created_at: string
  updated_at: string
  user_id: string
  owner_address: string
  model: string
  model_output_name: string
  suffix?: string
  training_file: string
  validation_file?: string
  n_epochs: number
  n_evals: number
  n_checkpoints: number
  batch_size: number | 'max'
  learning_rate: number
  training_type: {type: 'Lora'; lora_r: number; lora_alpha: number} | {type: 'Full'}
  training_method: unknown
  token_count?: number
  total_price?: number
  events: {object: 'fine-tune-event'; created_at: string; message: string; type: string; level: string | null; step?: number; total_steps?: number}[]
  checkpoints: {checkpoint_type: string; created_at: string; path: string; step: number; object_name: string}[]
}
export interface Endpoint {
  id: string
  object: 'endpoint'
  name: string
  display_name: string
  model: string
  hardware: string
  type: 'dedicated'
  owner: string
  state: 'PENDING' | 'STARTING' | 'STARTED' | 'STOPPING' | 'STOPPED' | 'ERROR'
  autoscaling: {min_replicas: number; max_replicas: number}
  created_at: string
}

export interface TogetherStandin extends ProviderStandinControls<StoredFile> {
  /** `http://127.0.0.1:<port>/v1`: TOGETHER_BASE_URL and TOGETHER_API_BASE_URL. */
  readonly baseURL: string
  readonly jobs: Map<string, TogetherJob>
  readonly endpoints: Map<string, Endpoint>
  /** Also moves every starting or stopping endpoint one step. */
  advance(steps?: number): void
  /** Steps one job until `status`; 'error' is forced. */
  advanceJob(id: string, status: TogetherJobStatus): void
  /** The next endpoint to start ends in ERROR. */
  failNextEndpoint(): void
}

/**
 * A loopback stand-in for Together AI's files, fine-tunes, dedicated endpoints
 * and chat as docs/contracts/together.md describes them.
 */
export async function startTogetherStandin(options: {apiKey?: string; advanceOnPoll?: boolean} = {}): Promise<TogetherStandin> {
  const files = new Map<string, StoredFile>()
  const jobs = new Map<string, TogetherJob>()
  const endpoints = new Map<string, Endpoint>()
  const behaviours = new Map<string, ChatBehaviour>()
  let failEndpoints = 0
  let clock = Date.now()
  const iso = () => new Date((clock += 1000)).toISOString()

  const event = (job: TogetherJob, type: string, message: string, level: string | null = 'info', extra: {step?: number; total_steps?: number} = {}) => {
    job.events.push({object: 'fine-tune-event', created_at: iso(), message, type, level, ...extra})
    job.updated_at = iso()
  }
  const findJob = (id: string) => findOr404(jobs, id, `Fine-tune job ${id} not found`)
  const findFile = (id: string) => findOr404(files, id, `File ${id} not found`)
  const findEndpoint = (id: string) => findOr404(endpoints, id, `Endpoint ${id} not found`)

  const step = (job: TogetherJob) => {
    if (job.status === 'cancel_requested') {
      job.status = 'cancelled'
      event(job, 'job_stopped', 'Job was cancelled')
      return
    }
    const next = LIFE[LIFE.indexOf(job.status) + 1]
    if (next === undefined) return
    job.status = next
    if (next === 'queued') event(job, 'job_pending', 'Job is queued')
    if (next === 'running') {
      const {tokens} = datasetTokens(findFile(job.training_file).content)
      job.token_count = tokens
      event(job, 'job_start', 'Job started')
      event(job, 'training_start', 'Training started')
    }
    if (next === 'uploading') {
      for (let epoch = 1; epoch <= job.n_epochs; epoch += 1) event(job, 'epoch_complete', `Epoch ${epoch}/${job.n_epochs} completed`, 'info', {step: epoch * 10, total_steps: job.n_epochs * 10})
      event(job, 'model_uploading', 'Uploading the model')
    }
    if (next === 'completed') {
      job.checkpoints.push({checkpoint_type: 'Final', created_at: iso(), path: `s3://standin/${job.id}/final`, step: job.n_epochs * 10, object_name: `${ACCOUNT}/${job.id}-final`})
      job.total_price = Math.round(((job.token_count ?? 0) * job.n_epochs * 0.48) / 1e4)
      event(job, 'job_complete', 'Job completed: the model is ready to deploy on a dedicated endpoint')
    }
  }
  const stepEndpoint = (endpoint: Endpoint) => {
    if (endpoint.state === 'PENDING') endpoint.state = 'STARTING'
    else if (endpoint.state === 'STARTING') {
      endpoint.state = failEndpoints > 0 ? 'ERROR' : 'STARTED'
      if (endpoint.state === 'ERROR') failEndpoints -= 1
    } else if (endpoint.state === 'STOPPING') endpoint.state = 'STOPPED'
  }
  const advance = (steps = 1) => {
    for (let i = 0; i < steps; i += 1) {
      for (const job of jobs.values()) step(job)
      for (const endpoint of endpoints.values()) stepEndpoint(endpoint)
    }
  }

  const jobView = ({events: _events, checkpoints: _checkpoints, ...job}: TogetherJob) => job
  const fileView = ({content: _content, ...file}: StoredFile) => file
  const servedBy = (model: string) => [...endpoints.values()].find((endpoint) => endpoint.name === model || endpoint.model === model)

  const routes: Route[] = [
    route('POST', '/files/upload', (context) => {
      const form = parseMultipart(context.body, context.headers['content-type'])
      const purpose = form.fields.get('purpose')
      const fileName = form.fields.get('file_name')
      const fileType = form.fields.get('file_type') ?? 'jsonl'
      const part = form.files.find((candidate) => candidate.field === 'file')
      if (purpose === undefined || !PURPOSES.has(purpose)) throw badRequest(`Invalid purpose: ${String(purpose)}`, 'purpose')
      if (fileName === undefined || part === undefined) throw badRequest('file_name and file are required', fileName === undefined ? 'file_name' : 'file')
      if (!['jsonl', 'csv', 'parquet'].includes(fileType)) throw badRequest(`Invalid file_type: ${fileType}`, 'file_type')
      const file: StoredFile = {
        id: `file-${crypto.randomUUID()}`, object: 'file', bytes: part.data.length, created_at: Math.floor(clock / 1000), filename: fileName, purpose, FileType: fileType,
        Processed: true, LineCount: part.data.toString('utf8').split('\n').filter((line) => line.trim() !== '').length, content: part.data,
      }
      files.set(file.id, file)
      return {body: fileView(file)}
    }),
    route('GET', '/files', () => ({body: {data: [...files.values()].filter((file) => file.Processed).map(fileView)}})),
    route('GET', '/files/:id', ({params}) => ({body: fileView(findFile(params.id))})),
    route('DELETE', '/files/:id', ({params}) => {
      files.delete(findFile(params.id).id)
      return {body: {id: params.id, deleted: true}}
    }),

    route('POST', '/fine-tunes', (context) => {
      const body = jsonBody(context)
      const extra = Object.keys(body).find((key) => !JOB_FIELDS.has(key))
      if (extra !== undefined) throw badRequest(`Unknown field: ${extra}`, extra)
      const model = String(body.model ?? '')
      if (!BASE_MODELS.has(model)) throw badRequest(`Model ${model} is not supported for fine-tuning`, 'model')
      const training = files.get(String(body.training_file ?? ''))
      if (training === undefined || !training.Processed || training.purpose !== 'fine-tune') throw badRequest(`Training file ${String(body.training_file)} is not an uploaded fine-tune file`, 'training_file')
      const nEpochs = body.n_epochs ?? 1
      if (!Number.isInteger(nEpochs) || (nEpochs as number) < 1 || (nEpochs as number) > 20) throw badRequest('n_epochs must be an integer between 1 and 20', 'n_epochs')
      const nEvals = body.n_evals ?? 0
      if (!Number.isInteger(nEvals) || (nEvals as number) < 0 || (nEvals as number) > 100) throw badRequest('n_evals must be an integer between 0 and 100', 'n_evals')
      if ((nEvals as number) > 0 && body.validation_file === undefined) throw badRequest('n_evals needs a validation_file', 'n_evals')
      if (body.validation_file !== undefined && !files.has(String(body.validation_file))) throw badRequest(`Validation file ${String(body.validation_file)} not found`, 'validation_file')
      if (body.suffix !== undefined && (typeof body.suffix !== 'string' || body.suffix.length > 40)) throw badRequest('suffix must be a string of at most 40 characters', 'suffix')
      const type = body.training_type as {type?: string} | undefined
      if (type !== undefined && type.type !== 'Lora' && type.type !== 'Full') throw badRequest('training_type.type must be Lora or Full', 'training_type')
      const created = iso()
      const job: TogetherJob = {
        id: `ft-${crypto.randomUUID()}`, status: 'pending', created_at: created, updated_at: created, user_id: 'user_standin', owner_address: 'standin@example.com', model,
        model_output_name: `${ACCOUNT}/${model.split('/')[1]}-${body.suffix === undefined ? '' : `${String(body.suffix)}-`}${randomSlug(6)}`,
        ...(body.suffix === undefined ? {} : {suffix: String(body.suffix)}), training_file: training.id,
        ...(body.validation_file === undefined ? {} : {validation_file: String(body.validation_file)}), n_epochs: nEpochs as number, n_evals: nEvals as number, n_checkpoints: 1,
        batch_size: (body.batch_size as number | undefined) ?? 'max', learning_rate: (body.learning_rate as number | undefined) ?? 0.00001,
        training_type: type?.type === 'Full' ? {type: 'Full'} : {type: 'Lora', lora_r: 8, lora_alpha: 16}, training_method: body.training_method ?? {method: 'sft', train_on_inputs: 'auto'},
        events: [], checkpoints: [],
      }
      jobs.set(job.id, job)
      event(job, 'job_pending', 'Fine-tune request created')
      return {body: jobView(job)}
    }),
    route('GET', '/fine-tunes', () => ({body: {data: [...jobs.values()].map(jobView)}})),
    route('GET', '/fine-tunes/models/limits', ({query}) => {
      const model = query.get('model_name') ?? ''
      if (!BASE_MODELS.has(model)) throw notFound(`Model ${model} is not available for fine-tuning`)
      return {body: {model_name: model, max_num_epochs: 20, max_num_evals: 100, max_num_checkpoints: 20, max_seq_length_sft: 8192, supports_full_training: true, lora_training: {max_rank: 64}}}
    }),
    route('GET', '/fine-tunes/:id', ({params}) => {
      if (options.advanceOnPoll === true) step(findJob(params.id))
      return {body: jobView(findJob(params.id))}
    }),
    route('POST', '/fine-tunes/:id/cancel', ({params}) => {
      const job = findJob(params.id)
      if (['completed', 'error', 'cancelled'].includes(job.status)) throw badRequest(`Job ${job.id} has already finished`)
      job.status = 'cancel_requested'
      event(job, 'cancel_requested', 'Cancel requested')
      return {body: jobView(job)}
    }),
    route('GET', '/fine-tunes/:id/events', ({params}) => ({body: {data: findJob(params.id).events}})),
    route('GET', '/fine-tunes/:id/checkpoints', ({params}) => ({body: {data: findJob(params.id).checkpoints}})),
    route('DELETE', '/fine-tunes/:id', ({params}) => {
      jobs.delete(findJob(params.id).id)
      return {body: {message: `Fine-tune job ${params.id} deleted`}}
    }),

    route('GET', '/hardware', () => ({body: {object: 'list', data: [{id: HARDWARE.id, object: 'hardware', pricing: {cents_per_minute: HARDWARE.centsPerMinute},
      specs: {gpu_count: 1, gpu_link: 'sxm', gpu_memory: 80, gpu_type: 'h100'}, updated_at: new Date(clock).toISOString(), availability: {status: 'available'}}]}})),
    route('POST', '/endpoints', (context) => {
      const body = jsonBody(context)
      const model = String(body.model ?? '')
      const autoscaling = body.autoscaling as {min_replicas?: unknown; max_replicas?: unknown} | undefined
      if (!Number.isInteger(autoscaling?.min_replicas) || !Number.isInteger(autoscaling?.max_replicas)) throw badRequest('autoscaling.min_replicas and autoscaling.max_replicas are required', 'autoscaling')
      if (body.hardware !== HARDWARE.id) throw badRequest(`Hardware ${String(body.hardware)} is not available`, 'hardware')
      if (![...jobs.values()].some((job) => job.status === 'completed' && job.model_output_name === model)) throw badRequest(`Model ${model} cannot be deployed: no completed fine-tune produced it`, 'model')
      const endpoint: Endpoint = {
        id: `endpoint-${crypto.randomUUID()}`, object: 'endpoint', name: `${model}-${randomSlug(8)}`, display_name: String(body.display_name ?? model), model, hardware: HARDWARE.id,
        type: 'dedicated', owner: ACCOUNT, state: body.state === 'STOPPED' ? 'STOPPED' : 'PENDING',
        autoscaling: {min_replicas: autoscaling!.min_replicas as number, max_replicas: autoscaling!.max_replicas as number}, created_at: iso(),
      }
      endpoints.set(endpoint.id, endpoint)
      return {body: endpoint}
    }),
    route('GET', '/endpoints', () => ({body: {object: 'list', data: [...endpoints.values()]}})),
    route('GET', '/endpoints/:id', ({params}) => {
      if (options.advanceOnPoll === true) stepEndpoint(findEndpoint(params.id))
      return {body: findEndpoint(params.id)}
    }),
    route('PATCH', '/endpoints/:id', (context) => {
      const endpoint = findEndpoint(context.params.id)
      const {state} = jsonBody(context)
      if (state === 'STOPPED' && endpoint.state !== 'STOPPED') endpoint.state = 'STOPPING'
      if (state === 'STARTED' && (endpoint.state === 'STOPPED' || endpoint.state === 'ERROR')) endpoint.state = 'PENDING'
      return {body: endpoint}
    }),
    route('DELETE', '/endpoints/:id', ({params}) => {
      endpoints.delete(findEndpoint(params.id).id)
      return {status: 204, body: undefined}
    }),

    route('POST', '/chat/completions', (context) => {
      const body = jsonBody(context)
      const model = String(body.model ?? '')
      if (!Array.isArray(body.messages) || body.messages.length === 0) throw badRequest('messages must be a non-empty list', 'messages')
      const endpoint = servedBy(model)
      const isFineTune = [...jobs.values()].some((job) => job.model_output_name === model)
      if (!SERVERLESS_MODELS.has(model) && endpoint?.state !== 'STARTED') {
        if (isFineTune || endpoint !== undefined) {
          throw badRequest(`Unable to access non-serverless model ${model}. Please create and start a new dedicated endpoint for the model.`, 'model', 'model_not_available')
        }
        throw notFound(`Unable to access model ${model}. Please visit https://api.together.ai/models to view the list of supported models.`, 'model_not_found')
      }
      const messages = body.messages as ChatMessage[]
      return {body: chatCompletion(model, messages, (behaviours.get(model) ?? behaviours.get(endpoint?.model ?? '') ?? echo)(messages, {model, seed: null, responseFormat: responseFormatOf(body.response_format)}))}
    }),
  ]

  const server = await startProviderServer({routes: () => routes, apiKey: options.apiKey})
  return {
    baseURL: `${server.origin}/v1`,
    requests: server.requests,
    files,
    jobs,
    endpoints,
    advance,
    advanceJob(id, status) {
      const job = findJob(id)
      if (status === 'error') {
        job.status = 'error'
        event(job, 'job_error', 'Training failed: the dataset has no assistant turns to train on', 'error')
        return
      }
      for (let guard = 0; job.status !== status && guard < LIFE.length; guard += 1) step(job)
    },
    failNextEndpoint() {
      failEndpoints += 1
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
      endpoints.clear()
      behaviours.clear()
      failEndpoints = 0
      server.clearFaults()
      server.requests.length = 0
    },
    close: server.close,
  }
}
