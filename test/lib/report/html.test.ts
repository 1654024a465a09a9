import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {loadConfig} from '../../../src/lib/config.js'
import {reportMonth} from '../../../src/lib/report/index.js'
import {CHROMIUM, openInChromium} from '../../support/chromium.js'
import {useTestDatabase} from '../../support/db.js'
import {insertServedTraffic, TRAFFIC_MODELS} from '../../support/served-traffic.js'

const INJECTED = '<script>console.error("not escaped")</script>'

describe('monthly report page', () => {
  const t = useTestDatabase()
  let directory: string

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      process.stderr.write(`monthly report page: SKIPPED — no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set LOOPFT_CHROMIUM)\n`)
      this.skip()
    }
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'loopft-monthly-'))
    await insertServedTraffic(t.sql, {start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-12-01T00:00:00Z'), rows: 6_000})
    await t.sql`insert into loopft_evaluations (candidate, baseline, judge_model, gold_path, gold_sha256, items, primary_metric, min_improvement, verdict, difference, ci_low, ci_high, result, created_at)
      values (${TRAFFIC_MODELS.promoted}, 'gpt-4o-mini', 'gpt-4.1', 'gold.jsonl', 'abc', 40, 'judge', 0.02, 'pass', 0.05, 0.01, 0.09, ${t.sql.json({models: {candidate: {accuracy: 0.88}}})}, '2026-11-02T00:00:00Z')`
    await t.sql`insert into loopft_promotions (action, from_model, to_model, reason, actor, config_version, created_at)
      values ('promote', null, ${TRAFFIC_MODELS.promoted}, ${INJECTED}, 'alice@host', 1, '2026-11-02T01:00:00Z')`
  })
  after(() => {
    if (directory) fs.rmSync(directory, {recursive: true, force: true})
  })

  it('writes loopft-report-YYYY-MM.html into a directory: self-contained, every chart drawn with a scale, no console messages', async function () {
    this.timeout(120_000)
    const out = path.join(directory, 'reports')
    const report = await reportMonth({sql: t.sql, config: loadConfig({}, {})}, {month: '2026-11', out: `${out}/`})
    assert.equal(report.file, path.join(out, 'loopft-report-2026-11.html'))
    const html = fs.readFileSync(report.file, 'utf8')
    const markup = html.replace(/<script>[\s\S]*?<\/script>/g, '<script></script>')
    assert.doesNotMatch(markup, /<script[^>]*\bsrc=|<link|<img|@import|url\(/i, 'nothing is fetched: every script is inline')
    assert.ok(html.includes('&#60;script&#62;console.error'), 'a promotion reason is escaped')

    const {dom, consoleLines} = await openInChromium(report.file, path.join(directory, 'profile'))
    assert.deepEqual(consoleLines, [])
    const expectedPoints = {'requests-chart': 30, 'latency-chart': report.serving.value?.models.length, 'cost-chart': 3, 'accuracy-chart': 1}
    for (const [id, points] of Object.entries(expectedPoints)) {
      const canvas = new RegExp(`<canvas id="${id}"[^>]*>`).exec(dom)?.[0] ?? ''
      assert.match(canvas, new RegExp(`data-points="${points}"`), `${id} drew ${points} points`)
      const ticks = /data-ticks="([^"]*)"/.exec(canvas)?.[1].split(' ') ?? []
      assert.ok(ticks.length >= 3, `${id} has a y scale: ${ticks.join(' ')}`)
    }
  })

  it('a path ending .html is the file itself, and a month without sources shows their reasons', async () => {
    const file = path.join(directory, 'empty.html')
    const report = await reportMonth({sql: t.sql, config: loadConfig({}, {})}, {month: '2026-08', out: file})
    const html = fs.readFileSync(file, 'utf8')
    assert.equal(report.file, file)
    assert.match(html, /<p class="missing">no recorder data this month/)
    assert.doesNotMatch(html, /<canvas/)
  })
})
