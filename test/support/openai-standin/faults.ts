export type FaultKind = 'status' | 'drop-connection' | 'delay' | 'commit-then-drop' | 'commit-then-status' | 'commit-then-delay'

export interface FaultSpec {
  /** HTTP method to match; any when omitted. */
  method?: string
  /** Path below `/v1` (`'/fine_tuning/jobs'`), exact when a string; a RegExp is tested against it. */
  path: string | RegExp
  /**
   * - `status` (default): answer `status` with the error envelope, without doing the work;
   * - `drop-connection`: destroy the socket without answering, without doing the work;
   * - `delay`: wait `delayMs`, then answer normally (to trip client timeouts);
   * - `commit-then-drop`: do the work (e.g. create the job), then destroy the socket;
   * - `commit-then-status`: do the work, then answer `status` anyway;
   * - `commit-then-delay`: do the work, then answer after `delayMs` (a create that times out after the job exists).
   */
  kind?: FaultKind
  /** Default 500. */
  status?: number
  /** Sent as `retry-after` (seconds). */
  retryAfter?: number
  /** Sent as `retry-after-ms`; the SDK prefers it, so tests stay fast. */
  retryAfterMs?: number
  /** Sent as `x-should-retry`. */
  shouldRetry?: boolean
  /** How many matching requests it affects; default 1, `Infinity` for all. */
  times?: number
  /** For `delay` and `commit-then-delay`; default 1000. */
  delayMs?: number
}

export interface Faults {
  inject(spec: FaultSpec): void
  /** The fault for this request, counting it as used; undefined when none matches. */
  take(method: string, path: string): FaultSpec | undefined
  clear(): void
}

export function createFaults(): Faults {
  let pending: {spec: FaultSpec; remaining: number}[] = []
  return {
    inject(spec) {
      pending.push({spec, remaining: spec.times ?? 1})
    },
    take(method, path) {
      const entry = pending.find(({spec}) => matches(spec, method, path))
      if (!entry) return undefined
      entry.remaining -= 1
      if (entry.remaining <= 0) pending = pending.filter((candidate) => candidate !== entry)
      return entry.spec
    },
    clear() {
      pending = []
    },
  }
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
  if (spec.method !== undefined && spec.method.toUpperCase() !== method) return false
  if (typeof spec.path !== 'string') return spec.path.test(path)
  return spec.path.replace(/^\/v1(?=\/)/, '') === path
}

export function faultHeaders(spec: FaultSpec): Record<string, string> {
  const headers: Record<string, string> = {}
  if (spec.retryAfter !== undefined) headers['retry-after'] = String(spec.retryAfter)
  if (spec.retryAfterMs !== undefined) headers['retry-after-ms'] = String(spec.retryAfterMs)
  if (spec.shouldRetry !== undefined) headers['x-should-retry'] = String(spec.shouldRetry)
  return headers
}
