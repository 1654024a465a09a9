/** One chat request the router served, as loopft_served_requests stores it (no conversation or user id). */
export interface ServedRequest {
  model: string
  provider: string
  /** The router's rule: promoted, canary, default, vision, override or retired. */
  rule: string
  /** ok; fallback (the selected model was gone, the default answered); error (no answer). */
  outcome: 'ok' | 'fallback' | 'error'
  /** The whole call, a fallback's retry included. */
  latencyMs: number
  promptTokens?: number
  completionTokens?: number
  /** The promoted or canary model that answered 404 before the fallback. */
  fallbackFrom?: string | null
  /** The provider's HTTP status of a failed request. */
  errorStatus?: number | null
  /** Default: when recordRequest() was called. */
  servedAt?: Date
}

export interface ServedRow {
  served_at: Date
  model: string
  provider: string
  rule: string
  outcome: string
  fallback_from: string | null
  error_status: number | null
  latency_ms: number
  prompt_tokens: number
  completion_tokens: number
}

export const SERVED_COLUMNS = ['served_at', 'model', 'provider', 'rule', 'outcome', 'fallback_from', 'error_status', 'latency_ms', 'prompt_tokens', 'completion_tokens'] as const

const OUTCOMES = new Set(['ok', 'fallback', 'error'])

/** The row to insert, or undefined when the request lacks what the report groups by. */
export function toServedRow(request: ServedRequest): ServedRow | undefined {
  const isText = (value: unknown) => typeof value === 'string' && value !== ''
  if (!isText(request?.model) || !isText(request.provider) || !isText(request.rule) || !OUTCOMES.has(request.outcome)) return undefined
  if (!Number.isFinite(request.latencyMs) || request.latencyMs < 0) return undefined
  return {
    served_at: request.servedAt ?? new Date(),
    model: request.model,
    provider: request.provider,
    rule: request.rule,
    outcome: request.outcome,
    fallback_from: request.fallbackFrom ?? null,
    error_status: request.errorStatus ?? null,
    latency_ms: Math.round(request.latencyMs),
    prompt_tokens: wholeOrZero(request.promptTokens),
    completion_tokens: wholeOrZero(request.completionTokens),
  }
}

function wholeOrZero(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? Math.round(value) : 0
}
