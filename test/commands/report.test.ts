import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {useTestDatabase} from '../support/db.js'
import {runLoopft} from '../support/run-cli.js'
import {insertServedTraffic} from '../support/served-traffic.js'

describe('loopft report', () => {
  const t = useTestDatabase()
  let directory: string
  before(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'loopft-report-cmd-'))
    await insertServedTraffic(t.sql, {start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-12-01T00:00:00Z'), rows: 2_000})
  })
  after(() => fs.rmSync(directory, {recursive: true, force: true}))

  it('--json --out DIR returns the typed report and writes loopft-report-YYYY-MM.html there', async () => {
    const out = path.join(directory, 'reports')
    const result = await runLoopft(['report', '--month', '2026-11', '--out', out, '--json'], {DATABASE_URL: t.url, LOOPFT_MONTHLY_BUDGET: '50'})
    assert.equal(result.status, 0, result.stderr)
    assert.deepEqual(Object.keys(result.json), ['month', 'generatedAt', 'serving', 'cost', 'quality', 'data', 'changes', 'file'])
    assert.deepEqual([result.json.month, result.json.serving.value.requests, result.json.file, fs.existsSync(result.json.file)], ['2026-11', 2_000, path.join(out, 'loopft-report-2026-11.html'), true])
    assert.deepEqual(result.json.cost.budget.value.monthlyBudgetUsd, 50)
    assert.deepEqual(result.json.quality.evaluations, {value: null, missing: 'no evaluation this month'})
  })

  it('prints a plain summary off a TTY, saying which sources are missing', async () => {
    const result = await runLoopft(['report', '--month', '2026-10'], {DATABASE_URL: t.url})
    assert.equal(result.status, 0, result.stderr)
    assert.match(result.stdout, /^requests +— no recorder data this month/m)
    assert.match(result.stdout, /^budget +— LOOPFT_MONTHLY_BUDGET is not set/m)
  })

  it('a malformed --month is a usage error (exit 2)', async () => {
    const result = await runLoopft(['report', '--month', '2026-13', '--json'], {DATABASE_URL: t.url})
    assert.deepEqual([result.status, result.json.error.code], [2, 'USAGE'])
  })
})
