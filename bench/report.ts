/**
 * npm run bench:report — `loopft report` over a month of 10 million recorded
 * requests on the real Postgres (LOOPFT_TEST_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test), against a plain count(*) over the
 * same rows, in a scratch schema dropped at the end.
 *
 * The rows go in through the same table and trigger as the recorder's batches
 * (INSERT … SELECT generate_series, BENCH_CHUNK rows a statement), so the daily
 * rollup is built as it would be in production; the insert's cost with and
 * without the trigger is printed too. Then, BENCH_ROUNDS times alternating:
 * `select count(*)` over the month, and the whole report (every section and
 * the HTML page). Best times count. Target: report < 10 s.
 * Options: BENCH_REQUESTS=10000000  BENCH_CHUNK=1000000  BENCH_ROUNDS=3
 */
import {loadConfig} from '../src/lib/config.js'
import {renderMonthlyReport} from '../src/lib/report/html.js'
import {buildMonthlyReport} from '../src/lib/report/monthly-report.js'
import {createTestDatabase} from '../test/support/db.js'
import {insertServedTraffic} from '../test/support/served-traffic.js'

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 10_000_000)
const CHUNK = Number(process.env.BENCH_CHUNK ?? 1_000_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const START = new Date('2026-11-01T00:00:00Z')
const END = new Date('2026-12-01T00:00:00Z')
const TARGET_SECONDS = 10

const seconds = (since: number) => (performance.now() - since) / 1000
async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now()
  const result = await work()
  return [result, seconds(started)]
}

const database = await createTestDatabase()
const {sql} = database
try {
  const chunks = Math.ceil(REQUESTS / CHUNK)
  const span = (END.getTime() - START.getTime()) / chunks
  let insertSeconds = 0
  for (let chunk = 0; chunk < chunks; chunk++) {
    const rows = Math.min(CHUNK, REQUESTS - chunk * CHUNK)
    const [, elapsed] = await timed(() => insertServedTraffic(sql, {start: new Date(START.getTime() + chunk * span), end: new Date(START.getTime() + (chunk + 1) * span), rows}))
    insertSeconds += elapsed
    process.stderr.write(`inserted ${((chunk * CHUNK + rows) / 1e6).toFixed(1)}M rows (${elapsed.toFixed(1)} s)\n`)
  }
  // What recording pays for the rollup: the same rows inserted with the trigger (rolled back) and into a table without it.
  await sql`create table bench_served_plain (like loopft_served_requests including defaults including identity including indexes)`
  const sample = sql`select served_at, model, provider, rule, outcome, fallback_from, error_status, latency_ms, prompt_tokens, completion_tokens from loopft_served_requests order by id limit ${CHUNK}`
  const columns = sql`(served_at, model, provider, rule, outcome, fallback_from, error_status, latency_ms, prompt_tokens, completion_tokens)`
  const [, plainSeconds] = await timed(() => sql`insert into bench_served_plain ${columns} ${sample}`)
  const rolledBack = new Error('rolled back on purpose')
  const [, triggeredSeconds] = await timed(() => sql.begin(async (tx) => {
    await tx`insert into loopft_served_requests ${columns} select served_at, model, provider, rule, outcome, fallback_from, error_status, latency_ms, prompt_tokens, completion_tokens from bench_served_plain`
    throw rolledBack
  }).catch((error: unknown) => {
    if (error !== rolledBack) throw error
  }))
  await sql`drop table bench_served_plain`
  await sql`vacuum analyze loopft_served_requests`
  await sql`vacuum analyze loopft_served_daily`

  const config = loadConfig({}, {})
  const options = {month: '2026-11', defaultModel: config.textModel.model, visionModel: config.visionModel.model, now: new Date('2026-12-02T00:00:00Z')}
  const countTimes: number[] = []
  const reportTimes: number[] = []
  let counted = 0
  let reported = 0
  for (let round = 0; round < ROUNDS; round++) {
    const [[{count}], countSeconds] = await timed(() => sql<{count: string}[]>`select count(*) from loopft_served_requests where served_at >= ${START} and served_at < ${END}`)
    countTimes.push(countSeconds)
    counted = Number(count)
    const [report, reportSeconds] = await timed(async () => {
      const built = await buildMonthlyReport(sql, options)
      renderMonthlyReport(built)
      return built
    })
    reportTimes.push(reportSeconds)
    reported = report.serving.value?.requests ?? 0
  }
  const [rollupRows] = await sql<{count: string}[]>`select count(*) from loopft_served_daily`
  const best = (times: number[]) => Math.min(...times)
  console.log(`rows: ${counted.toLocaleString('en')} counted, ${reported.toLocaleString('en')} in the report (rollup: ${Number(rollupRows.count).toLocaleString('en')} rows)`)
  console.log(`count(*) over the month:   ${best(countTimes).toFixed(3)} s (best of ${ROUNDS})`)
  console.log(`loopft report (all + HTML): ${best(reportTimes).toFixed(3)} s (best of ${ROUNDS})`)
  console.log(`report / count(*):          ${(best(reportTimes) / best(countTimes)).toFixed(3)}×`)
  console.log(`target: report < ${TARGET_SECONDS} s — ${best(reportTimes) < TARGET_SECONDS ? 'met' : 'NOT met'}`)
  console.log(`insert of ${CHUNK.toLocaleString('en')} rows: ${triggeredSeconds.toFixed(2)} s with the rollup trigger, ${plainSeconds.toFixed(2)} s into the same table without it (${(triggeredSeconds / plainSeconds).toFixed(2)}×); generating ${REQUESTS.toLocaleString('en')} took ${insertSeconds.toFixed(0)} s`)
  if (counted !== reported) throw new Error(`the report counts ${reported} requests, count(*) ${counted}`)
} finally {
  await database.drop()
}
