/**
 * npm run bench:export — the daily export against psql's \copy of the same rows.
 *
 * Loads generated chat traffic (about 250 bytes a message, personal data every
 * 300 bytes or so) into a scratch schema of the real Postgres, then in the same
 * run times `\copy (select row_to_json(m) …) to FILE` and `loopft export`
 * (bin/run.js started as users start it, so with its shebang's V8 options, in
 * a child process whose peak RSS is its own) at 1M and 3M messages.
 * Targets: export ≤ 1.5× COPY; peak RSS < 200 MB and flat from 1M to 3M.
 * Each is run BENCH_ROUNDS times (default 2), alternating; the best times and the highest RSS count.
 * Options: BENCH_MESSAGES=1000000,3000000  BENCH_ROUNDS=2  LOOPFT_BENCH_DATABASE_URL=…
 */
import {execFile} from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import postgres from 'postgres'
import {migrate} from '../src/lib/db/migrate.js'
import {createRng, generateConversation} from '../examples/sample-data.js'

const run = promisify(execFile)
const DATABASE_URL = process.env.LOOPFT_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SCHEMA = 'loopft_bench_export'
const SIZES = (process.env.BENCH_MESSAGES ?? '1000000,3000000').split(',').map(Number)
const WINDOW_START = new Date('2026-01-01T00:00:00Z')
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)

async function main(): Promise<void> {
  const admin = postgres(DATABASE_URL, {max: 1, onnotice: () => {}})
  await admin.unsafe(`drop schema if exists ${SCHEMA} cascade; create schema ${SCHEMA}`)
  const sql = postgres(DATABASE_URL, {max: 2, onnotice: () => {}, connection: {search_path: SCHEMA}})
  await migrate(sql as never)
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-bench-'))
  const rows: Array<Record<string, string | number>> = []
  let loaded = 0
  const generator = messages()
  try {
    for (const size of SIZES) {
      loaded += await load(sql, generator, size - loaded)
      const [{bytes}] = await sql<{bytes: string}[]>`select sum(octet_length(content))::bigint as bytes from conversation_messages`
      await sql`vacuum analyze conversation_messages`.catch(() => {})
      // The load leaves a checkpoint's worth of dirty pages; writing them now keeps them out of the timings.
      await sql`checkpoint`
      // Both runs ROUNDS times, alternating, best of each: a shared machine's noise only ever slows a run down.
      let copy = Number.POSITIVE_INFINITY
      let exported = {ms: Number.POSITIVE_INFINITY, maxRssKb: 0, examples: 0}
      for (let round = 0; round < ROUNDS; round += 1) {
        copy = Math.min(copy, await timeCopy(workDir))
        // Each run is a first export: nothing in the master yet.
        await sql`truncate loopft_examples, loopft_export_runs cascade`
        const run = await timeExport(workDir, size)
        exported = {ms: Math.min(exported.ms, run.ms), maxRssKb: Math.max(exported.maxRssKb, run.maxRssKb), examples: run.examples}
      }
      rows.push({
        messages: size,
        'content MB': (Number(bytes) / 1e6).toFixed(0),
        'COPY s': (copy / 1000).toFixed(2),
        'export s': (exported.ms / 1000).toFixed(2),
        'export / COPY': (exported.ms / copy).toFixed(2),
        'peak RSS MB': (exported.maxRssKb / 1024).toFixed(0),
        examples: exported.examples,
      })
      console.table(rows)
    }
    const [first, last] = [rows[0], rows.at(-1)!]
    console.log(`\nRSS ${last.messages} vs ${first.messages} messages: ${(Number(last['peak RSS MB']) / Number(first['peak RSS MB'])).toFixed(2)}× (flat = 1.00)`)
    console.log(`targets: export/COPY ≤ 1.50 (measured ${rows.map((row) => row['export / COPY']).join(', ')}); peak RSS < 200 MB (measured ${rows.map((row) => row['peak RSS MB']).join(', ')})`)
  } finally {
    await sql.end()
    await admin.unsafe(`drop schema if exists ${SCHEMA} cascade`)
    await admin.end()
    await fs.rm(workDir, {recursive: true, force: true})
  }
}

function* messages(): Generator<string> {
  const rng = createRng(42)
  for (let index = 0; ; index += 1) {
    const start = new Date(WINDOW_START.getTime() + index * 1000)
    for (const message of generateConversation(rng, index, start)) {
      yield [message.conversation_id, message.user_id, message.role, copyText(message.content), message.content_parts ? copyText(JSON.stringify(message.content_parts)) : '\\N', message.created_at].join('\t')
    }
  }
}

function copyText(value: string | null): string {
  return value === null ? '\\N' : value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
}

async function load(sql: postgres.Sql, generator: Generator<string>, count: number): Promise<number> {
  const writable = await sql`copy conversation_messages (conversation_id, user_id, role, content, content_parts, created_at) from stdin`.writable()
  let buffer: string[] = []
  for (let index = 0; index < count; index += 1) {
    buffer.push(generator.next().value as string)
    if (buffer.length === 10_000) {
      if (!writable.write(`${buffer.join('\n')}\n`)) await new Promise((resolve) => writable.once('drain', resolve))
      buffer = []
    }
  }
  if (buffer.length > 0) writable.write(`${buffer.join('\n')}\n`)
  await new Promise<void>((resolve, reject) => writable.end((error?: Error | null) => (error ? reject(error) : resolve())))
  return count
}

async function timeCopy(workDir: string): Promise<number> {
  const query = `\\copy (select row_to_json(m) from ${SCHEMA}.conversation_messages m where created_at >= '${WINDOW_START.toISOString()}' and created_at < '2100-01-01' order by conversation_id, created_at, id) to '${path.join(workDir, 'copy.jsonl')}'`
  const started = performance.now()
  await run('psql', [DATABASE_URL, '-q', '-c', query])
  return performance.now() - started
}

async function timeExport(workDir: string, size: number): Promise<{ms: number; maxRssKb: number; examples: number}> {
  const outDir = path.join(workDir, `out-${size}`)
  await fs.rm(outDir, {recursive: true, force: true})
  const started = performance.now()
  const {stdout, stderr} = await run('/usr/bin/time', ['-f', 'maxrss=%M', path.resolve('bin/run.js'), 'export', '--since', WINDOW_START.toISOString(), '--until', '2100-01-01T00:00:00Z', '--out', outDir, '--json'], {
    env: {...process.env, DATABASE_URL: `${DATABASE_URL}?search_path=${SCHEMA}`, LOOPFT_MAX_BYTES: '2GB'},
    maxBuffer: 1 << 26,
  })
  const ms = performance.now() - started
  const maxRssKb = Number(/maxrss=(\d+)/.exec(stderr)?.[1] ?? Number.NaN)
  return {ms, maxRssKb, examples: JSON.parse(stdout).examplesWritten}
}

await main()
