import type {ModelTarget} from './model-target.js'
import type {ServingConfig} from './serving-row.js'

/** 'retired': the override, canary or promoted model is past its shutdown date, so the default text model serves. */
export type SelectionRule = 'vision' | 'canary' | 'promoted' | 'default' | 'override' | 'retired'

/** Which model serves a request, and why (log it with the request). */
export interface ModelSelection {
  model: string
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

/** The selection rules, in order: vision, override, canary share, promoted, default. */
export function selectFrom(serving: ServingConfig, defaults: SelectionDefaults, request: RoutableRequest): ModelSelection {
  const configVersion = serving.version
  if (isVisionRequest(request)) return {model: defaults.visionModel.model, reason: {rule: 'vision', configVersion}}
  if (defaults.override !== null) return {model: defaults.override, reason: {rule: 'override', configVersion}}
  const stickyId = request.conversationId ?? request.userId
  if (serving.canary !== null && typeof stickyId === 'string' && canaryBucket(stickyId) < serving.canary.percent * (BUCKETS / 100)) {
    return {model: serving.canary.model, reason: {rule: 'canary', configVersion}}
  }
  if (serving.model !== null) return {model: serving.model, reason: {rule: 'promoted', configVersion}}
  return {model: defaults.textModel.model, reason: {rule: 'default', configVersion}}
}
