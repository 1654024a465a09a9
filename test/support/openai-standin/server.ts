import {randomBytes} from 'node:crypto'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {setTimeout as sleep} from 'node:timers/promises'
import {ApiError, errorForStatus, invalidUrl} from './errors.js'
import {faultHeaders, type FaultKind, type Faults} from './faults.js'
import {matchRoute, type Reply, type Route} from './router.js'

/** One request as the stand-in saw it, for tests that count attempts. */
export interface RequestRecord {
  method: string
  /** Path below `/v1`, without the query string. */
  path: string
  query: URLSearchParams
  /** `X-Stainless-Retry-Count`: 0 on the SDK's first attempt, then 1, 2… (null when absent). */
  retryCount: number | null
  /** The status answered, or null when the connection was dropped. */
  status: number | null
  fault?: FaultKind
}

export interface ServerDeps {
  routes: readonly Route[]
  faults: Faults
  requests: RequestRecord[]
  organization: string
  /** The only key accepted, or null to accept any. */
  apiKey: () => string | null
}

export function createStandinServer(deps: ServerDeps): Server {
  return createServer((req, res) => {
    handle(deps, req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error)
      send(deps, res, new ApiError(500, `Stand-in failure: ${message}`, 'server_error'))
    })
  })
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req)
  const method = req.method ?? 'GET'
  const url = new URL(req.url ?? '/', 'http://standin')
  const path = url.pathname.replace(/^\/v1(?=\/)/, '')
  const retryHeader = req.headers['x-stainless-retry-count']
  const record: RequestRecord = {
    method,
    path,
    query: url.searchParams,
    retryCount: typeof retryHeader === 'string' ? Number(retryHeader) : null,
    status: null,
  }
  deps.requests.push(record)

  const fault = deps.faults.take(method, path)
  const kind = fault ? (fault.kind ?? 'status') : undefined
  record.fault = kind
  const injected = errorForStatus(fault?.status ?? 500, fault ? faultHeaders(fault) : {})
  if (kind === 'delay') await sleep(fault?.delayMs ?? 1000)
  if (kind === 'drop-connection') return void req.socket.destroy()
  if (kind === 'status') {
    record.status = send(deps, res, injected)
    return
  }
  const reply = await answer(deps, {method, path, url, req, body}).catch((error: unknown) => {
    if (error instanceof ApiError) return error
    throw error
  })
  if (kind === 'commit-then-drop') return void req.socket.destroy()
  if (kind === 'commit-then-delay') await sleep(fault?.delayMs ?? 1000)
  record.status = send(deps, res, kind === 'commit-then-status' ? injected : reply)
}

async function answer(
  deps: ServerDeps,
  request: {method: string; path: string; url: URL; req: IncomingMessage; body: Buffer},
): Promise<Reply> {
  checkApiKey(deps.apiKey(), request.req.headers.authorization)
  const found = request.url.pathname.startsWith('/v1/') ? matchRoute(deps.routes, request.method, request.path) : undefined
  if (!found) throw invalidUrl(request.method, request.url.pathname)
  return found.handler({
    method: request.method,
    path: request.path,
    params: found.params,
    query: request.url.searchParams,
    headers: request.req.headers,
    body: request.body,
  })
}

function checkApiKey(expected: string | null, authorization: string | undefined): void {
  const given = /^Bearer (.+)$/.exec(authorization ?? '')?.[1]
  if (given === undefined) {
    throw new ApiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    )
  }
  if (expected !== null && given !== expected) {
    const masked = given.length > 8 ? `${given.slice(0, 3)}*****${given.slice(-4)}` : '*****'
    throw new ApiError(
      401,
      `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      'invalid_request_error',
      null,
      'invalid_api_key',
    )
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** Writes a reply or an error envelope with the real API's headers; returns the status sent. */
function send(deps: ServerDeps, res: ServerResponse, reply: Reply | ApiError): number {
  const isError = reply instanceof ApiError
  const status = isError ? reply.status : (reply.status ?? 200)
  const payload = isError ? reply.toBody() : reply.body
  const raw = Buffer.isBuffer(payload)
  if (res.destroyed) return status
  res.writeHead(status, {
    'content-type': raw ? ((reply as Reply).contentType ?? 'application/octet-stream') : 'application/json',
    'x-request-id': `req_${randomBytes(16).toString('hex')}`,
    'openai-organization': deps.organization,
    'openai-processing-ms': '1',
    'openai-version': '2020-10-01',
    'x-ratelimit-limit-requests': '5000',
    'x-ratelimit-remaining-requests': '4999',
    'x-ratelimit-reset-requests': '12ms',
    ...(isError ? reply.headers : {}),
  })
  res.end(raw ? payload : JSON.stringify(payload))
  return status
}
