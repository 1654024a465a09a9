import {baseOfFineTuned, fineTunableSnapshot} from './catalog.js'
import {invalidRequest} from './errors.js'
import type {Hyperparameters, Store} from './state.js'

export interface JobRequest {
  model: string
  base: string
  training_file: string
  validation_file: string | null
  suffix: string | null
  seed: number | null
  hyperparameters: Hyperparameters
  metadata: Record<string, string> | null
}

const MAX_SEED = 2_147_483_647

/** Validates a create-job body the way the real API does (contract §4.1); throws a 400 naming the field. */
export function parseJobRequest(store: Store, body: Record<string, unknown>): JobRequest {
  const {model, base} = resolveModel(store, body.model)
  const training_file = checkFile(store, body.training_file, 'training_file')
  const validation_file = body.validation_file == null ? null : checkFile(store, body.validation_file, 'validation_file')
  if (validation_file === training_file) {
    throw invalidRequest('The validation file must be different from the training file.', 'validation_file')
  }
  const suffix = body.suffix ?? null
  if (suffix !== null && (typeof suffix !== 'string' || suffix.length < 1 || suffix.length > 64)) {
    throw invalidRequest('suffix must be a string of 1 to 64 characters.', 'suffix')
  }
  const seed = body.seed ?? null
  if (seed !== null && (!Number.isInteger(seed) || (seed as number) < 0 || (seed as number) > MAX_SEED)) {
    throw invalidRequest(`seed must be an integer between 0 and ${MAX_SEED}.`, 'seed')
  }
  return {
    model,
    base,
    training_file,
    validation_file,
    suffix: suffix as string | null,
    seed: seed as number | null,
    hyperparameters: parseHyperparameters(body),
    metadata: parseMetadata(body.metadata),
  }
}

function resolveModel(store: Store, model: unknown): {model: string; base: string} {
  if (model == null) throw invalidRequest("Missing required parameter: 'model'.", 'model')
  const requested = String(model)
  const continued = requested.startsWith('ft:') && store.models.has(requested)
  const snapshot = fineTunableSnapshot(continued ? baseOfFineTuned(requested) : requested)
  if (!snapshot || (requested.startsWith('ft:') && !continued)) {
    throw invalidRequest(
      `Model ${requested} is not available for fine-tuning or does not exist.`,
      'model',
      'model_not_available',
    )
  }
  return {model: continued ? requested : snapshot.id, base: snapshot.id}
}

function checkFile(store: Store, id: unknown, param: string): string {
  if (id == null) throw invalidRequest(`Missing required parameter: '${param}'.`, param)
  const file = store.files.get(String(id))
  if (!file) throw invalidRequest(`invalid ${param}: ${String(id)}`, param)
  if (file.purpose !== 'fine-tune') {
    throw invalidRequest(
      `File ${file.id} has purpose '${file.purpose}', but fine-tuning requires purpose 'fine-tune'.`,
      param,
    )
  }
  if (!file.filename.endsWith('.jsonl')) {
    throw invalidRequest(`Invalid file format for Fine-Tuning API. Must be .jsonl (got ${file.filename}).`, param)
  }
  return file.id
}

const RANGES = {
  n_epochs: {integer: true, min: 1, max: 50},
  batch_size: {integer: true, min: 1, max: 256},
  learning_rate_multiplier: {integer: false, min: Number.MIN_VALUE, max: Infinity},
} as const

function parseHyperparameters(body: Record<string, unknown>): Hyperparameters {
  const method = body.method as {type?: unknown; supervised?: {hyperparameters?: unknown}} | undefined | null
  if (method != null && body.hyperparameters != null) {
    throw invalidRequest('Specify hyperparameters in method or at the top level, not both.', 'hyperparameters')
  }
  if (method != null && method.type !== 'supervised') {
    throw invalidRequest(`The stand-in only supports method.type 'supervised'.`, 'method.type')
  }
  const prefix = method != null ? 'method.supervised.hyperparameters' : 'hyperparameters'
  const given = (method != null ? method.supervised?.hyperparameters : body.hyperparameters) ?? {}
  const parsed = {n_epochs: 'auto', batch_size: 'auto', learning_rate_multiplier: 'auto'} as Hyperparameters
  for (const [name, range] of Object.entries(RANGES) as [keyof Hyperparameters, (typeof RANGES)[keyof typeof RANGES]][]) {
    const value = (given as Record<string, unknown>)[name]
    if (value === undefined || value === 'auto') continue
    const valid =
      typeof value === 'number' && (!range.integer || Number.isInteger(value)) && value >= range.min && value <= range.max
    if (!valid) throw invalidRequest(`Invalid ${name}: ${JSON.stringify(value)}.`, `${prefix}.${name}`)
    parsed[name] = value as number
  }
  return parsed
}

function parseMetadata(metadata: unknown): Record<string, string> | null {
  if (metadata == null) return null
  const entries = typeof metadata === 'object' && !Array.isArray(metadata) ? Object.entries(metadata) : null
  if (!entries || entries.length > 16) {
    throw invalidRequest('metadata must be an object of at most 16 key-value pairs.', 'metadata')
  }
  for (const [key, value] of entries) {
    if (key.length > 64 || typeof value !== 'string' || value.length > 512) {
      throw invalidRequest('metadata keys must be at most 64 characters and values strings of at most 512.', 'metadata')
    }
  }
  return metadata as Record<string, string>
}
