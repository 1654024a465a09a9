import type {IncomingHttpHeaders} from 'node:http'
import {invalidRequest} from './errors.js'

export interface RequestContext {
  method: string
  /** Path below `/v1`, e.g. `/models/ft:gpt-4o-mini-2024-07-18:org::abc`. */
  path: string
  params: Record<string, string>
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: Buffer
}

export interface Reply {
  status?: number
  /** A JSON value, or raw bytes (file content). */
  body: unknown
  contentType?: string
}

export type Handler = (context: RequestContext) => Reply | Promise<Reply>

export interface Route {
  method: string
  pattern: RegExp
  handler: Handler
}

/** `'/files/:id'` → a route whose `:name` segments capture anything but `/`. */
export function route(method: string, template: string, handler: Handler): Route {
  const source = template.replace(/:(\w+)/g, '(?<$1>[^/]+)')
  return {method, pattern: new RegExp(`^${source}$`), handler}
}

export function matchRoute(routes: readonly Route[], method: string, path: string) {
  for (const candidate of routes) {
    const match = candidate.method === method ? candidate.pattern.exec(path) : null
    if (!match) continue
    const params = Object.fromEntries(
      Object.entries(match.groups ?? {}).map(([key, value]) => [key, decodeURIComponent(value)]),
    )
    return {handler: candidate.handler, params}
  }
  return undefined
}

export function jsonBody(context: RequestContext): Record<string, unknown> {
  if (context.body.length === 0) return {}
  let value: unknown
  try {
    value = JSON.parse(context.body.toString('utf8'))
  } catch {
    throw invalidRequest(
      'We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly.)',
    )
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidRequest('The request body must be a JSON object.')
  }
  return value as Record<string, unknown>
}
