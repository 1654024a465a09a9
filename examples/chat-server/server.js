// A small chat server using loopft's router and recorder. Run: see README.md next to this file.
import http from 'node:http'
import OpenAI from 'openai'
import {createRecorder} from 'loopft/recorder'
import {createRouter} from 'loopft/router'

const databaseUrl = process.env.DATABASE_URL
if (!databaseUrl) throw new Error('set DATABASE_URL (the same database loopft uses)')
const port = Number(process.env.PORT ?? 3000)

// One client per provider the serving row may name (OpenAI-compatible chat everywhere); the router
// picks the one of the selected model, so a promotion to Nebius or a rollback to OpenAI needs no restart.
const clients = {openai: new OpenAI()} // OPENAI_API_KEY and OPENAI_BASE_URL from the environment
if (process.env.NEBIUS_API_KEY) clients.nebius = new OpenAI({apiKey: process.env.NEBIUS_API_KEY, baseURL: process.env.NEBIUS_BASE_URL ?? 'https://api.tokenfactory.nebius.com/v1/'})
if (process.env.TOGETHER_API_KEY) clients.together = new OpenAI({apiKey: process.env.TOGETHER_API_KEY, baseURL: process.env.TOGETHER_BASE_URL ?? 'https://api.together.xyz/v1'})
const router = createRouter({databaseUrl}, {textModel: 'gpt-4o-mini', visionModel: 'gpt-4o'})
const recorder = createRecorder({databaseUrl}, {batchSize: 100, flushIntervalMs: 1000})
const log = (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`)

router.on('swap', ({from, to}) => log(`swap: ${from.model ?? 'default'} -> ${to.model ?? 'default'} (${to.provider ?? 'openai'})${to.canary ? ` (+ canary ${to.canary.model} ${to.canary.percent}%)` : ''}, config v${to.version}`))
router.on('fallback', ({from, to}) => log(`fallback: ${from} is gone, answered with ${to}`))
router.on('error', ({during, error}) => log(`router ${during} failed, serving the last known model: ${error.message}`))
recorder.on('error', ({error, queued}) => log(`recorder: ${error.message} (${queued} queued, retrying)`))
await router.ready()

/** POST /chat {conversationId, userId?, messages: [...]} → {reply, model, rule, configVersion} */
async function chat(body) {
  const {conversationId, userId, messages} = body
  if (typeof conversationId !== 'string' || !Array.isArray(messages) || messages.length === 0) {
    return [400, {error: 'send {conversationId, userId?, messages: [{role, content}, ...]}'}]
  }
  const {completion, model, provider, reason, fallbackFrom} = await router.chat(clients, {messages, max_completion_tokens: 300}, {conversationId, userId})
  const reply = completion.choices[0]?.message.content ?? ''
  const served = {model, provider, rule: reason.rule, configVersion: reason.configVersion, fallbackFrom}
  const last = messages.at(-1)
  const isText = typeof last.content === 'string'
  if (!recorder.record({conversationId, userId, role: last.role, content: isText ? last.content : null, contentParts: isText ? null : last.content})) log('recorder queue full: message not recorded')
  recorder.record({conversationId, userId, role: 'assistant', content: reply, metadata: served})
  log(`${conversationId}: ${provider} ${model} (${reason.rule}, config v${reason.configVersion})`)
  return [200, {reply, ...served}]
}

const server = http.createServer(async (request, response) => {
  const send = (status, payload) => response.writeHead(status, {'content-type': 'application/json'}).end(JSON.stringify(payload))
  try {
    if (request.method === 'GET' && request.url === '/health') return send(200, {serving: router.serving, queued: recorder.queued})
    if (request.method !== 'POST' || request.url !== '/chat') return send(404, {error: 'POST /chat or GET /health'})
    let raw = ''
    for await (const chunk of request) raw += chunk
    const [status, payload] = await chat(JSON.parse(raw))
    send(status, payload)
  } catch (error) {
    log(`request failed: ${error.message}`)
    send(502, {error: 'the model provider failed; try again'})
  }
})
server.listen(port, () => log(`chat server on http://127.0.0.1:${port} serving ${router.selectModel().model}`))

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    server.close()
    await recorder.close() // writes every queued message before exiting
    await router.close()
    process.exit(0)
  })
}
