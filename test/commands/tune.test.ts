import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {useTestDatabase} from '../support/db.js'
import {useOpenAIStandin} from '../support/openai.js'
import {runLoopft} from '../support/run-cli.js'
import {dataset} from '../lib/training/fixtures.js'

describe('loopft tune → watch-job (end to end)', () => {
  const t = useTestDatabase()
  const openai = useOpenAIStandin({resetAfterEach: false})
  let outDir: string
  let env: Record<string, string>

  before(async () => {
    outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-tune-cmd-'))
    env = {DATABASE_URL: t.url, LOOPFT_OUT_DIR: outDir, ...openai.env()}
  })
  after(async () => {
    await fs.rm(outDir, {recursive: true, force: true})
  })

  it('export → tune → watch-job registers the fine-tuned model as a candidate', async () => {
    const started = new Date(Date.now() - 3_600_000)
    const rows = Array.from({length: 12}, (_, n) => [
      {conversation_id: `c${n}`, user_id: `u${n}`, role: 'user', content: `Which tempo suits genre number ${n}?`, created_at: new Date(started.getTime() + n * 60_000)},
      {conversation_id: `c${n}`, user_id: null, role: 'assistant', content: `Genre ${n} usually sits around ${100 + n} BPM.`, created_at: new Date(started.getTime() + n * 60_000 + 1000)},
    ]).flat()
    await t.sql`insert into conversation_messages ${t.sql(rows as never, 'conversation_id', 'user_id', 'role', 'content', 'created_at')}`
    const exported = await runLoopft(['export', '--since', '24h', '--json'], env)
    assert.equal(exported.status, 0, exported.stderr)

    const tune = await runLoopft(['tune', '--since', '7d', '--max-cost', '1', '--json'], env)
    assert.equal(tune.status, 0, tune.stderr)
    assert.deepEqual([tune.json.outcome, tune.json.dataset.examples, tune.json.dataset.exportRunIds.length, tune.json.epochs, typeof tune.json.estimatedCostUsd],
      ['created', 12, 1, 1, 'number'])
    const jobId = tune.json.record.jobId
    assert.match(jobId, /^ftjob-/)

    openai.standin.setAdvanceOnPoll(true)
    const watch = await runLoopft(['watch-job', '--latest', '--interval', '1ms', '--json'], env)
    openai.standin.setAdvanceOnPoll(false)
    assert.equal(watch.status, 0, watch.stderr)
    const job = openai.standin.store.jobs.get(jobId)!
    assert.deepEqual([watch.json.jobId, watch.json.status, watch.json.fineTunedModel, watch.json.model.status, watch.json.record.status],
      [jobId, 'succeeded', job.fine_tuned_model, 'candidate', 'succeeded'])
    assert.equal(watch.json.actualCostUsd, tune.json.estimatedCostUsd)

    const again = await runLoopft(['tune', '--since', '7d', '--json'], env)
    assert.deepEqual([again.status, again.json.outcome, openai.standin.store.jobs.size], [0, 'skipped', 1])

    const status = await runLoopft(['status', '--json'], env)
    assert.equal(status.status, 0, status.stderr)
    assert.deepEqual([status.json.jobs[0].jobId, status.json.candidates[0].name, status.json.cost.spentThisMonthUsd], [jobId, job.fine_tuned_model, watch.json.actualCostUsd])
  })

  describe('on a file', () => {
    let file: string
    before(async () => {
      file = path.join(outDir, 'own.jsonl')
      await fs.writeFile(file, dataset(15, 700))
    })

    it('--dry-run prints the plan, the estimate and the checks before spending, writes nothing and only reads from the API', async () => {
      const requestsBefore = openai.standin.requests.length
      const [{count: rowsBefore}] = await t.sql<{count: number}[]>`select count(*)::int as count from loopft_training_jobs`
      const result = await runLoopft(['tune', '--file', file, '--dry-run', '--json'], {...env, LOOPFT_GOLD_FILE: path.resolve('examples/gold.jsonl')})
      assert.equal(result.status, 0, result.stderr)
      assert.deepEqual([result.json.outcome, result.json.record, result.json.dataset.examples], ['dry-run', null, 15])
      assert.deepEqual(result.json.checks.map((check: {name: string; passed: boolean}) => [check.name, check.passed]), [['budget', true], ['provider access', true], ['gold set', true]])
      const [{count: rowsAfter}] = await t.sql<{count: number}[]>`select count(*)::int as count from loopft_training_jobs`
      const sent = openai.standin.requests.slice(requestsBefore)
      assert.deepEqual([sent.filter((request) => request.method !== 'GET').length, rowsAfter], [0, rowsBefore])
    })

    it('--dry-run off a terminal shows the checks as plain lines, and a refused key as the error after them (no upload)', async () => {
      const plain = await runLoopft(['tune', '--file', file, '--dry-run'], {...env, LOOPFT_GOLD_FILE: path.resolve('examples/gold.jsonl')})
      assert.equal(plain.status, 0, plain.stderr)
      assert.match(plain.stdout, /^check before spending\tresult\tdetail\nbudget\tok\testimated \$[\d.]+, within no limit .*\nprovider access\tok\tgpt-4o-mini-2024-07-18 can be fine-tuned at openai\ngold set\tok\t\d+ items in /m)
      const requestsBefore = openai.standin.requests.length
      openai.standin.injectFault({method: 'GET', path: '/fine_tuning/jobs', status: 401, times: 10})
      const refused = await runLoopft(['tune', '--file', file], env)
      openai.standin.clearFaults()
      assert.equal(refused.status, 7, refused.stderr)
      assert.match(refused.stdout, /^provider access\tFAIL\tlisting fine-tuning jobs failed/m)
      assert.match(refused.stderr, /loopft: API_ERROR: before spending: provider access: /)
      assert.equal(openai.standin.requests.slice(requestsBefore).filter((request) => request.method !== 'GET').length, 0, 'nothing uploaded')
    })

    it('refuses over --max-cost with BUDGET_EXCEEDED (exit 8)', async () => {
      const result = await runLoopft(['tune', '--file', file, '--max-cost', '0.00001', '--json'], env)
      assert.deepEqual([result.status, result.json.error.code], [8, 'BUDGET_EXCEEDED'])
    })

    it('refuses over the monthly budget (exit 8)', async () => {
      const result = await runLoopft(['tune', '--file', file, '--json'], {...env, LOOPFT_MONTHLY_BUDGET: '0.00001'})
      assert.deepEqual([result.status, result.json.error.code], [8, 'BUDGET_EXCEEDED'])
    })

    it('rejects an invalid dataset with INPUT_INVALID (exit 5) and bad flags with USAGE (exit 2)', async () => {
      const small = path.join(outDir, 'small.jsonl')
      await fs.writeFile(small, dataset(3))
      const invalid = await runLoopft(['tune', '--file', small, '--json'], env)
      const usage = await runLoopft(['tune', '--file', file, '--validation-split', '0.9', '--json'], env)
      assert.deepEqual([invalid.status, invalid.json.error.code, usage.status, usage.json.error.code], [5, 'INPUT_INVALID', 2, 'USAGE'])
    })

    it('--json carries a warning when the fine-tune would be shut down within 60 days, and exit 14 after the base\'s last training day', async () => {
      // Dates relative to the real clock: the CLI has no other. The stand-in serves as --provider openai (the default).
      const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
      const prices = path.join(outDir, 'retirements.json')
      const retire = async (fields: object) => fs.writeFile(prices, JSON.stringify({retirements: {'openai': {'gpt-4o-mini-2024-07-18': fields}}}))
      await retire({fineTunesShutdownDate: day(20), successor: 'nebius:meta-llama/Meta-Llama-3.1-8B-Instruct'})
      const warned = await runLoopft(['tune', '--file', file, '--dry-run', '--json'], {...env, LOOPFT_PRICES_FILE: prices})
      assert.equal(warned.status, 0, warned.stderr)
      assert.equal(warned.json.warnings.length, 1)
      assert.match(warned.json.warnings[0], new RegExp(`^fine-tunes of gpt-4o-mini-2024-07-18 at openai shut down on ${day(20)} \\((19|20) day\\(s\\) from now\\)`))
      await retire({trainingEndsDate: day(-1)})
      const refused = await runLoopft(['tune', '--file', file, '--dry-run', '--json'], {...env, LOOPFT_PRICES_FILE: prices})
      assert.deepEqual([refused.status, refused.json.error.code, refused.json.error.message], [14, 'TRAINING_UNAVAILABLE', `openai stopped fine-tuning gpt-4o-mini-2024-07-18 after ${day(-1)}`])
    })

    it('a refused account is TRAINING_UNAVAILABLE (exit 14)', async () => {
      openai.standin.refuseFineTuning()
      try {
        const result = await runLoopft(['tune', '--file', file, '--json'], env)
        assert.deepEqual([result.status, result.json.error.code], [14, 'TRAINING_UNAVAILABLE'])
      } finally {
        openai.standin.allowFineTuning()
      }
    })
  })
})
