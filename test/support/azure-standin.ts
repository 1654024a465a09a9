import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {startOpenAIStandin, type Standin, type StandinOptions} from './openai-standin/index.js'

const FORWARDED_HEADERS = ['content-type', 'retry-after', 'retry-after-ms', 'x-should-retry', 'x-request-id']
const INNER_KEY = 'azure-standin-inner'

export interface AzureStandin {
  /** `http://127.0.0.1:<port>/openai/v1`: AZURE_BASE_URL. */
  readonly baseURL: string
  /** The OpenAI routes behind it: files, jobs, faults, chat behaviours, requests (paths below /v1). */
  readonly openai: Standin
  /** Deployment name → the model it serves; a chat names a deployment, never a model. */
  readonly deployments: Map<string, string>
  /** What `az cognitiveservices account deployment create` does: from now on `name` answers as `model`. */
  createDeployment(name: string, model: string): void
  reset(): void
  close(): Promise<void>
}

/**
 * A loopback stand-in for Azure OpenAI's v1 API as docs/contracts/azure.md
 * describes it: OpenAI's files and fine-tuning routes under /openai/v1 (served by
 * the OpenAI stand-in behind it), the key in an `api-key` header, chats that name
 * a deployment (404 DeploymentNotFound until one exists), and Azure's own error
 * envelope `{"error": {"code", "message"}}` for what Azure answers itself.
 */
export async function startAzureStandin(options: StandinOptions & {apiKey?: string} = {}): Promise<AzureStandin> {
  const {apiKey, ...openaiOptions} = options
  const openai = await startOpenAIStandin({...openaiOptions, apiKey: INNER_KEY})
  const deployments = new Map<string, string>()
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => azureError(res, 500, 'InternalServerError', `Stand-in failure: ${error instanceof Error ? error.message : String(error)}`))
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    let body = Buffer.concat(chunks)
    const url = new URL(req.url ?? '/', 'http://standin')
    if (!url.pathname.startsWith('/openai/v1/')) return azureError(res, 404, '404', 'Resource not found')
    const given = req.headers['api-key']
    if (typeof given !== 'string' || given === '' || (apiKey !== undefined && given !== apiKey)) {
      return azureError(res, 401, '401', 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.')
    }
    const path = url.pathname.slice('/openai'.length)
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      const request = JSON.parse(body.toString('utf8') || '{}') as {model?: unknown}
      const model = deployments.get(String(request.model))
      if (model === undefined) {
        return azureError(res, 404, 'DeploymentNotFound', 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.')
      }
      body = Buffer.from(JSON.stringify({...request, model}))
    }
    const headers: Record<string, string> = {authorization: `Bearer ${INNER_KEY}`}
    for (const name of ['content-type', 'x-stainless-retry-count']) if (typeof req.headers[name] === 'string') headers[name] = req.headers[name] as string
    const inner = await fetch(`${openai.baseURL.replace(/\/v1$/, '')}${path}${url.search}`, {method: req.method, headers, body: body.length === 0 ? undefined : body})
      .catch(() => undefined)
    // The OpenAI stand-in dropped the connection (a fault): so does Azure's front.
    if (inner === undefined) return void req.socket.destroy()
    const answer = Buffer.from(await inner.arrayBuffer())
    if (res.destroyed) return
    res.writeHead(inner.status, Object.fromEntries(FORWARDED_HEADERS.flatMap((name) => (inner.headers.has(name) ? [[name, inner.headers.get(name)!]] : []))))
    res.end(answer)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const {address, port} = server.address() as AddressInfo
  return {
    baseURL: `http://${address}:${port}/openai/v1`,
    openai,
    deployments,
    createDeployment: (name, model) => void deployments.set(name, model),
    reset() {
      deployments.clear()
      openai.reset()
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await openai.close()
    },
  }
}

function azureError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, {'content-type': 'application/json'})
  res.end(JSON.stringify({error: {code, message}}))
}
