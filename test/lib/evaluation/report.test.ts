import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {loadConfig} from '../../../src/lib/config.js'
import {evaluateCandidate, type EvaluationResult} from '../../../src/lib/evaluation/evaluate.js'
import {readGoldSet} from '../../../src/lib/evaluation/gold-set.js'
import {CHROMIUM, openInChromium} from '../../support/chromium.js'
import {useTestDatabase} from '../../support/db.js'
import {addFineTunedModel, goldAnswers} from '../../support/eval-standin.js'
import {fairJudge} from '../../support/judge-behaviour.js'
import {useOpenAIStandin} from '../../support/openai.js'

const GOLD_FILE = path.resolve('examples/gold.jsonl')
const INJECTED = '<script>console.error("not escaped")</script>'

describe('eval-report', () => {
  const database = useTestDatabase()
  const openai = useOpenAIStandin()
  let directory: string

  before(function () {
    if (!fs.existsSync(CHROMIUM)) {
      process.stderr.write(`eval-report: SKIPPED — no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set LOOPFT_CHROMIUM)\n`)
      this.skip()
    }
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'loopft-report-'))
  })
  after(() => {
    if (directory) fs.rmSync(directory, {recursive: true, force: true})
  })

  const evaluate = async (suffix: string, isRight: (line: number) => boolean, reportFile?: string): Promise<EvaluationResult> => {
    const gold = await readGoldSet(GOLD_FILE)
    const candidate = addFineTunedModel(openai.standin, suffix)
    const right = goldAnswers(gold.items, () => true)
    openai.standin.setChatBehaviour('gpt-4o-mini', goldAnswers(gold.items, (line) => line % 2 === 0))
    openai.standin.setChatBehaviour(candidate, (messages, request) => {
      const answer = goldAnswers(gold.items, isRight)(messages, request)
      return answer === right(messages, request) ? answer : INJECTED
    })
    openai.standin.setChatBehaviour('gpt-4.1', fairJudge)
    return evaluateCandidate(
      {sql: database.sql, openai: openai.client(), config: loadConfig({}, {LOOPFT_GOLD_FILE: GOLD_FILE, LOOPFT_DEFAULT_TEXT_MODEL: 'gpt-4o-mini'})},
      {candidate, reportFile},
    )
  }

  it('detects console output in headless Chromium (the check below can fail)', async () => {
    const control = path.join(directory, 'control.html')
    fs.writeFileSync(control, '<!doctype html><title>x</title><script>console.error("boom")</script>')
    const {consoleLines} = await openInChromium(control, path.join(directory, 'profile-control'))
    assert.equal(consoleLines.length, 1)
  })

  it('writes a self-contained page whose Chart.js history chart draws with a scale, without console messages', async () => {
    await evaluate('better', () => true)
    const reportFile = path.join(directory, 'report.html')
    const result = await evaluate('worse', () => false, reportFile)
    assert.equal(result.reportFile, reportFile)

    const html = fs.readFileSync(reportFile, 'utf8')
    const markup = html.replace(/<script>[\s\S]*?<\/script>/g, '<script></script>')
    assert.doesNotMatch(markup, /<script[^>]*\bsrc=|<link|<img|@import|url\(/i, 'nothing is fetched: every script is inline')
    assert.ok(html.length - markup.length > 100_000, 'Chart.js is inlined')
    assert.ok(html.includes('&#60;script&#62;console.error'), 'model answers are escaped')

    const {dom, consoleLines} = await openInChromium(reportFile, path.join(directory, 'profile'))
    assert.deepEqual(consoleLines, [])
    const canvas = /<canvas id="history-chart"[^>]*>/.exec(dom)?.[0] ?? ''
    assert.match(canvas, /data-points="2"/, 'the chart drew both evaluations')
    const ticks = /data-ticks="([^"]*)"/.exec(canvas)?.[1].split(' ') ?? []
    assert.ok(ticks.length >= 3 && ticks.includes('0'), `the y axis has a scale through 0: ${ticks.join(' ')}`)
    assert.match(dom, /<span class="verdict fail" id="verdict">✖ FAIL<\/span>/)
    assert.match(dom, /<td>mastering<\/td>/)
  })

  it('puts every metric on one 0–100 scale and never calls a failed gate "not worse"', async () => {
    const reportFile = path.join(directory, 'one-scale.html')
    // Right on the lines the baseline gets right and a few more: the judge improves, but not enough to pass.
    const result = await evaluate('slightly', (line) => line % 2 === 0 || line === 1, reportFile)
    assert.equal(result.verdict, 'fail')
    const html = fs.readFileSync(reportFile, 'utf8')
    assert.doesNotMatch(html, /not worse on any item/)
    assert.match(html, /<h2>Metrics <small>\(0–100; differences in points\)<\/small><\/h2>/)
    const bleuRow = /<tr><td>BLEU<\/td><td>([\d.]+)<\/td><td>([\d.]+)<\/td><td><span class="[^"]*">([+−][\d.]+) pts<\/span>/.exec(html)
    assert.ok(bleuRow !== null, 'BLEU row')
    const [candidateBleu, baselineBleu, difference] = [Number(bleuRow[1]), Number(bleuRow[2]), Number(bleuRow[3].replace('−', '-'))]
    assert.ok(Math.abs(candidateBleu - baselineBleu - difference) < 0.11, `BLEU ${candidateBleu} − ${baselineBleu} is shown as ${difference} points`)
    for (const metric of ['judge', 'accuracy', 'bleu', 'rougeL']) assert.match(html, new RegExp(`<h3 id="regressions-${metric}">`))
    assert.match(html, /<h3 id="regressions-judge">Judge <span class="fail">✖ gate check failed<\/span><\/h3>\n<p>No item is worse on Judge, but the metric as a whole failed its gate check\.<\/p>/)
    assert.equal(html.match(/<div class="answers">/g)?.length, result.samples.length + Object.values(result.worstRegressions).flat().length, 'each sample and regression shows both answers side by side')
  })
})
