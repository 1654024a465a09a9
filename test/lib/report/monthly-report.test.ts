import assert from 'node:assert/strict'
import {buildMonthlyReport, type MonthlyReport} from '../../../src/lib/report/monthly-report.js'
import {getModelInfo} from '../../../src/lib/training/model-catalog.js'
import {useTestDatabase} from '../../support/db.js'
import {insertServedTraffic, TRAFFIC_MODELS} from '../../support/served-traffic.js'

const MONTH = {month: '2026-11', start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-12-01T00:00:00Z')}
const OPTIONS = {month: MONTH.month, defaultModel: 'gpt-4o-mini', visionModel: 'gpt-4o', now: new Date('2026-12-02T08:00:00Z')}
/** A percentile read from the rollup's histogram is the middle of a bucket 10% wide. */
const WITHIN_BUCKET = 1.1 ** 0.5 + 1e-9

interface Expected {
  model: string
  provider: string
  requests: string
  errors: string
  fallbacks: string
  prompt: string
  completion: string
  percentiles: number[]
  mean: string
}

describe('monthly report', () => {
  const t = useTestDatabase()
  let report: MonthlyReport

  before(async function () {
    this.timeout(120_000)
    await insertServedTraffic(t.sql, {start: new Date('2026-10-25T00:00:00Z'), end: MONTH.start, rows: 7_000})
    await insertServedTraffic(t.sql, {start: MONTH.start, end: MONTH.end, rows: 60_000})
    await insertServedTraffic(t.sql, {start: MONTH.end, end: new Date('2026-12-02T00:00:00Z'), rows: 3_000})
    await t.sql`insert into loopft_models (name, base_model) values (${TRAFFIC_MODELS.promoted}, 'gpt-4o-mini-2024-07-18'), (${TRAFFIC_MODELS.canary}, 'gpt-4o-mini-2024-07-18')`
    report = await buildMonthlyReport(t.sql, OPTIONS)
  })

  const inMonth = () => t.sql`served_at >= ${MONTH.start} and served_at < ${MONTH.end}`

  it('counts requests, errors, fallbacks and tokens per model exactly as SQL over the raw rows does, and latency percentiles within a bucket', async () => {
    const expected = await t.sql<Expected[]>`
      select model, provider, count(*) as requests, count(*) filter (where outcome = 'error') as errors, count(*) filter (where outcome = 'fallback') as fallbacks,
        sum(prompt_tokens) as prompt, sum(completion_tokens) as completion, round(avg(latency_ms) filter (where outcome <> 'error')) as mean,
        percentile_disc(array[0.5, 0.95, 0.99]) within group (order by latency_ms) filter (where outcome <> 'error') as percentiles
      from loopft_served_requests where ${inMonth()} group by model, provider order by model`
    const serving = report.serving.value
    assert.ok(serving !== null, report.serving.missing ?? '')
    assert.deepEqual(
      [...serving.models].sort((left, right) => left.model.localeCompare(right.model)).map((model) => [model.model, model.provider, model.requests, model.errors, model.fallbacks, model.promptTokens, model.completionTokens]),
      expected.map((row) => [row.model, row.provider, Number(row.requests), Number(row.errors), Number(row.fallbacks), Number(row.prompt), Number(row.completion)]),
    )
    for (const row of expected) {
      const latency = serving.models.find((model) => model.model === row.model)?.latencyMs
      assert.ok(latency !== null && latency !== undefined)
      const shown = [latency.p50, latency.p95, latency.p99]
      row.percentiles.forEach((exact, index) => assert.ok(shown[index] / exact <= WITHIN_BUCKET && exact / shown[index] <= WITHIN_BUCKET, `${row.model} p${[50, 95, 99][index]}: ${shown[index]} ms shown, ${exact} ms exact`))
      assert.ok(Math.abs(latency.mean - Number(row.mean)) <= 1, `${row.model} mean ${latency.mean} vs ${row.mean}`)
    }
  })

  it('shows totals, fine-tuned and canary shares, and requests per day as the raw rows give them', async () => {
    const [totals] = await t.sql<{requests: string; errors: string; fallbacks: string; fine_tuned: string; canary: string}[]>`
      select count(*) as requests, count(*) filter (where outcome = 'error') as errors, count(*) filter (where outcome = 'fallback') as fallbacks,
        count(*) filter (where model like 'ft:%' and outcome <> 'error') as fine_tuned, count(*) filter (where rule = 'canary') as canary
      from loopft_served_requests where ${inMonth()}`
    const daily = await t.sql<{day: string; model: string; provider: string; requests: string}[]>`
      select to_char(served_at at time zone 'UTC', 'YYYY-MM-DD') as day, model, provider, count(*) as requests
      from loopft_served_requests where ${inMonth()} group by 1, 2, 3 order by 1, 2, 3`
    const serving = report.serving.value
    assert.ok(serving !== null)
    const requests = Number(totals.requests)
    assert.deepEqual(
      [serving.requests, serving.errors, serving.fallbacks, serving.fineTunedShare, serving.canaryShare],
      [requests, Number(totals.errors), Number(totals.fallbacks), Number(totals.fine_tuned) / requests, Number(totals.canary) / requests],
    )
    assert.deepEqual(serving.daily, daily.map((row) => ({day: row.day, model: row.model, provider: row.provider, requests: Number(row.requests)})))
    assert.equal(new Set(serving.daily.map((row) => row.day)).size, 30)
  })

  it('prices the month\'s tokens at list prices (fine-tuned rates for fine-tunes) and against the default and vision models', async () => {
    const tokens = await t.sql<{model: string; prompt: string; completion: string}[]>`
      select model, sum(prompt_tokens) as prompt, sum(completion_tokens) as completion from loopft_served_requests where ${inMonth()} group by model`
    const usd = (rate: {inputPerMillion: number; outputPerMillion: number}, row: {prompt: string; completion: string}) => (Number(row.prompt) * rate.inputPerMillion + Number(row.completion) * rate.outputPerMillion) / 1e6
    const actual = tokens.reduce((sum, row) => {
      const info = getModelInfo(row.model)
      return sum + usd(row.model.startsWith('ft:') ? info.fineTuned! : info.base, row)
    }, 0)
    const onModel = (name: string) => tokens.reduce((sum, row) => sum + usd(getModelInfo(name).base, row), 0)
    const served = report.cost.served.value
    assert.ok(served !== null)
    assert.deepEqual(served.unpriced, [])
    assert.ok(Math.abs(served.usd - actual) < 1e-5, `${served.usd} vs ${actual}`)
    const [onDefault, onVision] = served.comparisons
    assert.deepEqual([onDefault.against, onVision.against], ['default', 'vision'])
    assert.ok(Math.abs(onDefault.usd - onModel('gpt-4o-mini')) < 1e-5 && Math.abs(onVision.usd - onModel('gpt-4o')) < 1e-5)
    assert.ok(Math.abs((onVision.saving ?? NaN) - (1 - actual / onModel('gpt-4o'))) < 1e-6)
    assert.equal(onVision.meetsTarget, (onVision.saving ?? 0) >= 0.3)
  })

  it('says which sources are missing instead of showing zeros', async () => {
    const empty = await buildMonthlyReport(t.sql, {...OPTIONS, month: '2026-08'})
    assert.deepEqual(
      [empty.serving, empty.cost.served, empty.cost.training, empty.cost.deployments, empty.cost.budget, empty.quality.evaluations, empty.quality.promotedScores, empty.quality.accuracy, empty.data.exports].map((source) => [source.value, typeof source.missing]),
      Array.from({length: 9}, () => [null, 'string']),
    )
    assert.match(empty.serving.missing ?? '', /no recorder data this month/)
  })
})
