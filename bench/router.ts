/**
 * npm run bench:router — the router's three figures, against the real Postgres
 * (LOOPFT_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
 * and the in-process OpenAI stand-in:
 *   1. selectModel cost per call (median, p99) and database queries counted
 *      (postgres.js `debug` hook) while serving requests in steady state;
 *   2. swap propagation: from promote's commit to 8 router processes all
 *      serving the new model, with NOTIFY and with polling only;
 *   3. import time of `loopft/router` (dist/router.js; `npm run build` first)
 *      against importing `postgres` alone. The router loads postgres.js
 *      lazily (only for a databaseUrl target, during ready()), so that cost
 *      is not part of the import.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync} from 'node:fs'
import {createInterface} from 'node:readline'
import {setImmediate as yieldToLoop} from 'node:timers/promises'
import OpenAI from 'openai'
import postgres from 'postgres'
import {createRouter} from '../src/router.js'
import {promoteModel} from '../src/lib/serving/promote.js'
import {readServingConfig} from '../src/lib/runtime/serving-row.js'
import {createTestDatabase} from '../test/support/db.js'
import {startOpenAIStandin} from '../test/support/openai-standin/index.js'

const PROCESSES = 8
const SWAPS = 15
const POLL_TTL_MS = 500

const now = () => performance.timeOrigin + performance.now()
const median = (values: number[]) => quantile(values, 0.5)
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}
const fmt = (value: number, digits = 1) => value.toFixed(digits)

const database = await createTestDatabase()
const standin = await startOpenAIStandin()
const openai = new OpenAI({apiKey: 'sk-bench', baseURL: standin.baseURL, maxRetries: 0})
const models = ['a', 'b', 'c'].map((id) => `ft:gpt-4o-mini-2024-07-18:standin-org:bench:${id}`)
for (const name of models) {
  standin.store.models.set(name, {id: name, object: 'model', created: 1, owned_by: standin.store.org.id})
  await database.sql`insert into loopft_models (name, base_model, evaluation) values (${name}, 'gpt-4o-mini-2024-07-18', ${database.sql.json({verdict: 'pass'})})`
}
/** Promotes `model`; resolves with the time just before its transaction began (an upper bound on commit-to-swap). */
async function promote(model: string, canaryPercent?: number): Promise<number> {
  let committing = 0
  await promoteModel({sql: database.sql, openai, textModel: 'gpt-4o-mini'}, {model, canaryPercent, actor: 'bench', confirm: async () => ((committing = now()), true)})
  return committing
}

try {
  await benchSelect()
  await benchSwap('NOTIFY', {ROUTER_POLL_MS: '600000'})
  await benchSwap(`poll only, TTL ${POLL_TTL_MS} ms`, {ROUTER_POLL_MS: String(POLL_TTL_MS), ROUTER_LISTEN: '0'})
  await benchImport()
} finally {
  await standin.close()
  await database.drop()
}

async function benchSelect(): Promise<void> {
  await promote(models[0])
  await promote(models[1], 10)
  let queries = 0
  const sql = postgres(database.url, {max: 1, onnotice: () => {}, debug: () => void (queries += 1)})
  const router = createRouter({sql})
  await router.ready()
  const text = {messages: [{role: 'system', content: 'You are helpful.'}, {role: 'user', content: 'hi'}], conversationId: 'conversation-12345'}
  const vision = {messages: [{role: 'user', content: [{type: 'text', text: 'what is this?'}, {type: 'image_url', image_url: {url: 'https://x/y.png'}}]}]}
  for (const [label, request] of [['text + canary', text], ['vision', vision]] as const) {
    const perCall: number[] = []
    const before = queries
    const started = now()
    let calls = 0
    for (let sample = 0; sample < 2_000; sample++) {
      const t0 = process.hrtime.bigint()
      for (let i = 0; i < 1_000; i++) router.selectModel(request)
      perCall.push(Number(process.hrtime.bigint() - t0) / 1_000)
      calls += 1_000
      if (sample % 50 === 0) await yieldToLoop() // let timers and notifications run, as a server would
    }
    const seconds = (now() - started) / 1000
    console.log(`selectModel (${label}): median ${fmt(median(perCall), 0)} ns, p99 ${fmt(quantile(perCall, 0.99), 0)} ns per call; ` +
      `${calls.toLocaleString('en')} calls over ${fmt(seconds, 2)} s, ${queries - before} database queries (${fmt((queries - before) / calls, 6)} per request; target: 0, < 1000 ns)`)
  }
  await router.close()
  await sql.end()
}

async function benchSwap(label: string, env: Record<string, string>): Promise<void> {
  const children = await Promise.all(Array.from({length: PROCESSES}, () => startChild(env)))
  const latencies: number[] = []
  try {
    for (let round = 0; round < SWAPS; round++) {
      const {model: serving} = await readServingConfig(database.sql)
      const model = serving === models[2] ? models[0] : models[2]
      const swapped = children.map((child) => child.nextSwapTo(model))
      const committing = await promote(model)
      const times = await Promise.all(swapped)
      latencies.push(Math.max(...times) - committing)
    }
  } finally {
    await Promise.all(children.map((child) => child.stop()))
  }
  const target = env.ROUTER_LISTEN === '0' ? POLL_TTL_MS + 50 : 250
  console.log(`swap to all ${PROCESSES} routers (${label}): median ${fmt(median(latencies))} ms, max ${fmt(Math.max(...latencies))} ms over ${SWAPS} promotions (target ≤ ${target} ms)`)
}

async function startChild(env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/support/router-child.ts'], {
    env: {...process.env, ...env, DATABASE_URL: database.url, LOOPFT_TEXT_MODEL: ''},
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const waiting: Array<{model: string; resolve: (at: number) => void}> = []
  let onReady!: () => void
  const ready = new Promise<void>((resolve) => (onReady = resolve))
  createInterface({input: child.stdout!}).on('line', (line) => {
    const message = JSON.parse(line) as {event: string; model: string; at: number}
    if (message.event === 'ready') onReady()
    const index = waiting.findIndex((wait) => wait.model === message.model)
    if (message.event === 'swap' && index >= 0) waiting.splice(index, 1)[0].resolve(message.at)
  })
  await ready
  return {
    nextSwapTo: (model: string) => new Promise<number>((resolve) => waiting.push({model, resolve})),
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.stdin!.end()
    }),
  }
}

async function benchImport(): Promise<void> {
  if (!existsSync('dist/router.js')) {
    console.log('import time: dist/router.js is missing; run npm run build first')
    return
  }
  const targets = {
    'loopft/router (dist/router.js)': './dist/router.js',
    'loopft/recorder (dist/recorder.js)': './dist/recorder.js',
    'an empty module (the loader floor)': 'data:text/javascript,export default 1',
    'postgres alone': 'postgres',
    '@oclif/core (for scale)': '@oclif/core',
  }
  const results: Record<string, number> = {}
  for (const [label, specifier] of Object.entries(targets)) {
    const runs: number[] = []
    for (let run = 0; run < 15; run++) runs.push(await importTime(specifier))
    results[label] = median(runs)
  }
  const reference = results['postgres alone']
  for (const [label, ms] of Object.entries(results)) console.log(`import ${label}: median ${fmt(ms)} ms (${fmt(ms / reference, 2)}× postgres alone)${label.startsWith('loopft/router') ? ' (target ≤ 50 ms)' : ''}`)
}

/** Milliseconds a fresh node process spends in `await import(specifier)`. */
function importTime(specifier: string): Promise<number> {
  const script = `const t=performance.now();await import(${JSON.stringify(specifier)});process.stdout.write(String(performance.now()-t))`
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {stdio: ['ignore', 'pipe', 'inherit']})
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.on('close', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`importing ${specifier} failed`))))
  })
}
