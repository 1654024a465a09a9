import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import {evaluateCandidate, type EvaluationResult} from '../../../src/lib/evaluation/evaluate.js'
import {readGoldSet} from '../../../src/lib/evaluation/gold-set.js'
import {useTestDatabase} from '../../support/db.js'
import {addFineTunedModel, goldAnswers} from '../../support/eval-standin.js'
import {fairJudge} from '../../support/judge-behaviour.js'
import {useOpenAIStandin} from '../../support/openai.js'

const CHROMIUM = process.env.LOOPFT_CHROMIUM ?? '/usr/bin/chromium'
const GOLD_FILE = path.resolve('examples/gold.jsonl')
const INJECTED = '<script>console.error("not escaped")</script>'

/** Loads a file in headless Chromium; returns the DOM after load and every console line it logged. */
async function openInChromium(file: string, profile: string): Promise<{dom: string; consoleLines: string[]}> {
  const {stdout, stderr} = await promisify(execFile)(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0',
    '--dump-dom', `file://${file}`,
  ], {timeout: 60_000, maxBuffer: 16 * 1024 * 1024})
  return {dom: stdout, consoleLines: stderr.split('\n').filter((line) => line.includes(':CONSOLE'))}
}

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
      {sql: database.sql, openai: openai.client(), config: {goldFile: GOLD_FILE, textModel: {provider: 'openai', model: 'gpt-4o-mini'}, pricesFile: undefined, judgeModel: 'gpt-4.1'}},
      {candidate, judgeModel: 'gpt-4.1', reportFile},
    )
  }

  it('detects console output in headless Chromium (the check below can fail)', async () => {
    const control = path.join(directory, 'control.html')
    fs.writeFileSync(control, '<!doctype html><title>x</title><script>console.error("boom")</script>')
    const {consoleLines} = await openInChromium(control, path.join(directory, 'profile-control'))
    assert.equal(consoleLines.length, 1)
  })

  it('writes a self-contained page that opens without console messages and charts the history', async () => {
    await evaluate('better', () => true)
    const reportFile = path.join(directory, 'report.html')
    const result = await evaluate('worse', () => false, reportFile)
    assert.equal(result.reportFile, reportFile)

    const html = fs.readFileSync(reportFile, 'utf8')
    assert.doesNotMatch(html, /<script|<link|\b(?:src|href)=/i, 'no scripts and nothing fetched')
    assert.ok(html.includes('&#60;script&#62;console.error'), 'model answers are escaped')

    const {dom, consoleLines} = await openInChromium(reportFile, path.join(directory, 'profile'))
    assert.deepEqual(consoleLines, [])
    assert.match(dom, /<svg id="history-chart"/)
    assert.equal(dom.match(/<g class="evaluation">/g)?.length, 2)
    assert.match(dom, /class="dot pass"/)
    assert.match(dom, /class="dot fail"/)
    assert.match(dom, /<span class="verdict fail" id="verdict">FAIL<\/span>/)
    assert.match(dom, /<td>mastering<\/td>/)
  })
})
