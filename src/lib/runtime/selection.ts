import {PROVIDER_NAMES, type ModelTarget} from './model-target.js'
import type {ServingConfig} from './serving-row.js'

/** 'retired': the override, canary or promoted model is past its shutdown date, so the default text model serves. */
export type SelectionRule = 'vision' | 'canary' | 'promoted' | 'default' | 'override' | 'retired'

/** The providers loopft serves on; a name may carry one (`nebius:meta-llama/…`). */
export type ProviderName = 'openai' | 'azure' | 'nebius' | 'together'

/** `nebius:meta-llama/…` names its provider; any other name (`ft:gpt-4o-mini:…`, `gpt-4o`) names none. */
export function splitProvider(model: string): {provider: ProviderName | null; model: string} {
  const colon = model.indexOf(':')
  const prefix = model.slice(0, colon)
  return colon > 0 && PROVIDER_NAMES.includes(prefix) ? {provider: prefix as ProviderName, model: model.slice(colon + 1)} : {provider: null, model}
}

/** A registry row's provider as a client name: rows written before providers were named may say 'openai-compatible' (OpenAI's routes on another base URL); migration 0090 renamed 'azure-openai' to 'azure'. */
export function asProviderName(name: string | null | undefined): ProviderName {
  return PROVIDER_NAMES.includes(name ?? '') ? name as ProviderName : 'openai'
}

/** Which model serves a request, where, and why (log it with the request). */
export interface ModelSelection {
  model: string
  /** The client that serves it: `openai`, `azure`, `nebius` or `together`. */
  provider: string
  reason: {rule: SelectionRule; configVersion: number; retiredModel?: string}
}

/** The parts of a chat request the router looks at; pass the SDK params plus ids. */
export interface RoutableRequest {
  messages?: readonly unknown[]
  /** Set when the app knows the request carries images without building the messages. */
  hasImages?: boolean
  /** The canary share is sticky by conversation, else by user. */
  conversationId?: string
  userId?: string
}

export interface SelectionDefaults {
  textModel: ModelTarget
  visionModel: ModelTarget
  /** LOOPFT_TEXT_MODEL: pins every text request, for emergencies. */
  override: string | null
}

const VISION_PART_TYPES = new Set(['image_url', 'input_image', 'input_audio', 'file'])
const BUCKETS = 10_000

/** True when any message has an image, audio or file content part, or the request says it has images. */
export function isVisionRequest(request: RoutableRequest): boolean {
  if (request.hasImages === true) return true
  const messages = request.messages
  if (!Array.isArray(messages)) return false
  for (const message of messages) {
    const content = (message as {content?: unknown} | null)?.content
    if (!Array.isArray(content)) continue
    for (const part of content) if (VISION_PART_TYPES.has((part as {type?: string} | null)?.type as string)) return true
  }
  return false
}

/** A stable bucket in [0, 10000) for a sticky id: FNV-1a, then a murmur3 finaliser to spread sequential ids. */
export function canaryBucket(id: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < id.length; index++) {
    hash ^= id.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  hash ^= hash >>> 16
  return (hash >>> 0) % BUCKETS
}

/** A default (a model at a provider) as a selection. */
export function selectTarget(target: ModelTarget, rule: SelectionRule, configVersion: number): ModelSelection {
  return {model: target.model, provider: target.provider, reason: {rule, configVersion}}
}

/** The selection rules, in order: vision, override, canary share, promoted, default. Each slot of the serving row names its provider (absent = OpenAI). */
export function selectFrom(serving: ServingConfig, defaults: SelectionDefaults, request: RoutableRequest): ModelSelection {
  const configVersion = serving.version
  if (isVisionRequest(request)) {
    return serving.vision === undefined ? selectTarget(defaults.visionModel, 'vision', configVersion) : {model: serving.vision.model, provider: serving.vision.provider ?? 'openai', reason: {rule: 'vision', configVersion}}
  }
  if (defaults.override !== null) {
    const {provider, model} = splitProvider(defaults.override)
    return {model, provider: provider ?? 'openai', reason: {rule: 'override', configVersion}}
  }
  const stickyId = request.conversationId ?? request.userId
  if (serving.canary !== null && typeof stickyId === 'string' && canaryBucket(stickyId) < serving.canary.percent * (BUCKETS / 100)) {
    return {model: serving.canary.model, provider: serving.canary.provider ?? 'openai', reason: {rule: 'canary', configVersion}}
  }
  if (serving.model !== null) return {model: serving.model, provider: serving.provider ?? 'openai', reason: {rule: 'promoted', configVersion}}
  return selectTarget(defaults.textModel, 'default', configVersion)
}
