import {randomBytes} from 'node:crypto'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {setTimeout as sleep} from 'node:timers/promises'
import {ApiError, errorForStatus} from '../openai-standin/errors.js'
import {createFaults, faultHeaders, type FaultSpec} from '../openai-standin/faults.js'
import {matchRoute, type Reply, type Route} from '../openai-standin/router.js'
import type {RequestRecord} from '../openai-standin/server.js'

export {ApiError} from '../openai-standin/errors.js'
export {jsonBody, route, type Reply, type RequestContext, type Route} from '../openai-standin/router.js'
/** The OpenAI stand-in's faults. */
export type ProviderFaultSpec = FaultSpec
export type {RequestRecord} from '../openai-standin/server.js'

/** A reply with extra headers (Together's upload answers 302 with a Location). */
export interface RawReply extends Reply {
  headers?: Record<string, string>
}

export interface ProviderServer {
  readonly origin: string
  readonly requests: RequestRecord[]
  injectFault(fault: ProviderFaultSpec): void
  clearFaults(): void
  setApiKey(key: string | null): void
  close(): Promise<void>
}

/**
 * The HTTP shell the Nebius and Together stand-ins share with the OpenAI one:
 * bearer auth, the same fault injection (status, dropped connection, delay,
 * commit-then-drop), a log of requests. Routes see paths below `/v1` (`/files`)
 * and anything else in full (`/v0/models`, `/upload/…`).
 */
export async function startProviderServer(options: {routes: () => readonly Route[]; apiKey?: string | null; port?: number}): Promise<ProviderServer> {
  const faults = createFaults()
  const requests: RequestRecord[] = []
  let apiKey = options.apiKey ?? null
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, new ApiError(500, `Stand-in failure: ${error instanceof Error ? error.message : String(error)}`, 'server_error')))
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', 'http://standin')
    const path = url.pathname.replace(/^\/v1(?=\/)/, '')
    const retryHeader = req.headers['x-stainless-retry-count']
    const record: RequestRecord = {method, path, query: url.searchParams, retryCount: typeof retryHeader === 'string' ? Number(retryHeader) : null, status: null}
    requests.push(record)
    const fault = faults.take(method, path)
    const kind = fault === undefined ? undefined : fault.kind ?? 'status'
    record.fault = kind
    const injected = errorForStatus(fault?.status ?? 500, fault === undefined ? {} : faultHeaders(fault))
    if (kind === 'delay') await sleep(fault?.delayMs ?? 1000)
    if (kind === 'drop-connection') return void req.socket.destroy()
    if (kind === 'status') {
      record.status = send(res, injected)
      return
    }
    const reply = await answer(req, method, path, url, body).catch((error: unknown) => {
      if (error instanceof ApiError) return error
      throw error
    })
    if (kind === 'commit-then-drop') return void req.socket.destroy()
    if (kind === 'commit-then-delay') await sleep(fault?.delayMs ?? 1000)
    record.status = send(res, kind === 'commit-then-status' ? injected : reply)
  }

  async function answer(req: IncomingMessage, method: string, path: string, url: URL, body: Buffer): Promise<RawReply> {
    checkKey(apiKey, req.headers.authorization)
    const found = matchRoute(options.routes(), method, path)
    if (found === undefined) throw new ApiError(404, `Invalid URL (${method} ${url.pathname})`)
    return found.handler({method, path, params: found.params, query: url.searchParams, headers: req.headers, body})
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', resolve)
  })
  const {address, port} = server.address() as AddressInfo
  return {
    origin: `http://${address}:${port}`,
    requests,
    injectFault: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    setApiKey(key) {
      apiKey = key
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function checkKey(expected: string | null, authorization: string | undefined): void {
  const given = /^Bearer (.+)$/.exec(authorization ?? '')?.[1]
  if (given === undefined) throw new ApiError(401, 'Missing API key: send it as Authorization: Bearer <key>.', 'invalid_request_error', null, 'invalid_api_key')
  if (expected !== null && given !== expected) throw new ApiError(401, 'Invalid API key provided.', 'invalid_request_error', null, 'invalid_api_key')
}

function send(res: ServerResponse, reply: RawReply | ApiError): number {
  const isError = reply instanceof ApiError
  const status = isError ? reply.status : reply.status ?? 200
  const payload = isError ? reply.toBody() : reply.body
  const raw = Buffer.isBuffer(payload)
  if (res.destroyed) return status
  res.writeHead(status, {
    'content-type': raw ? (reply as Reply).contentType ?? 'application/octet-stream' : 'application/json',
    'x-request-id': `req_${randomBytes(12).toString('hex')}`,
    ...(isError ? reply.headers : reply.headers ?? {}),
  })
  res.end(raw ? payload : payload === undefined ? '' : JSON.stringify(payload))
  return status
}
