import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {readGoldSet} from '../../src/lib/evaluation/gold-set.js'
import {useTestDatabase} from '../support/db.js'
import {addFineTunedModel, goldAnswers} from '../support/eval-standin.js'
import {fairJudge, garbageJudge} from '../support/judge-behaviour.js'
import {useOpenAIStandin} from '../support/openai.js'
import {runLoopft} from '../support/run-cli.js'

describe('loopft evaluate', () => {
  const database = useTestDatabase()
  const openai = useOpenAIStandin()
  // The first 12 items of the shipped gold set keep each run short.
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'loopft-eval-cmd-'))
  const GOLD_FILE = path.join(directory, 'gold.jsonl')
  before(() => fs.writeFileSync(GOLD_FILE, fs.readFileSync('examples/gold.jsonl', 'utf8').split('\n').slice(0, 12).join('\n')))
  after(() => fs.rmSync(directory, {recursive: true, force: true}))
  const env = () => ({DATABASE_URL: database.url, ...openai.env(), LOOPFT_DEFAULT_TEXT_MODEL: 'gpt-4o-mini', LOOPFT_GOLD_FILE: GOLD_FILE})

  const candidateThatIs = async (suffix: string, isRight: (line: number) => boolean) => {
    const gold = await readGoldSet(GOLD_FILE)
    const candidate = addFineTunedModel(openai.standin, suffix)
    openai.standin.setChatBehaviour('gpt-4o-mini', goldAnswers(gold.items, (line) => line % 2 === 0))
    openai.standin.setChatBehaviour('gpt-4.1', fairJudge)
    openai.standin.setChatBehaviour(candidate, goldAnswers(gold.items, isRight))
    return candidate
  }

  it('--json: exit 0 and the typed result for a candidate that passes', async () => {
    const candidate = await candidateThatIs('cmdpass', () => true)
    const result = await runLoopft(['evaluate', '--candidate', candidate, '--json'], env())
    assert.equal(result.status, 0, result.stderr)
    const json = result.json
    assert.deepEqual([json.verdict, json.candidate, json.baseline, json.judgeModel, json.gold.items], ['pass', candidate, 'gpt-4o-mini', 'gpt-4.1', 12])
    assert.deepEqual(Object.keys(json).sort(), [
      'baseline', 'calls', 'candidate', 'createdAt', 'differences', 'evaluationId', 'gate', 'gold', 'judge', 'judgeModel',
      'models', 'recordedOnModel', 'samples', 'tags', 'verdict', 'warnings', 'worstRegressions',
    ])
    assert.deepEqual(Object.keys(json.gate).sort(), ['checks', 'difference', 'interval', 'minImprovement', 'primaryMetric', 'tolerance'])
    assert.deepEqual(Object.keys(json.models.candidate).sort(), ['accuracy', 'bleu', 'costUsd', 'judgeWinRate', 'latencyMs', 'model', 'rougeL', 'tokens'])
    assert.equal(json.gate.difference, 0.25)
  })

  it('--json: exit 11 (GATE_FAILED) with the full evaluation as the error result for a candidate that fails', async () => {
    const candidate = await candidateThatIs('cmdfail', () => false)
    const result = await runLoopft(['evaluate', '--candidate', candidate, '--min-improvement', '0.05', '--json'], env())
    const evaluation = result.json.error.result
    assert.deepEqual([result.status, result.json.error.code, evaluation.verdict, evaluation.gate.minImprovement], [11, 'GATE_FAILED', 'fail', 0.05])
    assert.equal(evaluation.worstRegressions.judge.length, 5)
  })

  it('without --json: tables on stdout, exit 11 on a failed gate', async () => {
    const candidate = await candidateThatIs('cmdtable', () => false)
    const result = await runLoopft(['evaluate', '--candidate', candidate, '--primary-metric', 'accuracy'], env())
    assert.equal(result.status, 11, result.stderr)
    assert.match(result.stdout, /^verdict\s+✖ FAIL$/m)
    assert.match(result.stdout, /^tag\titems\tjudge win rate/m)
    assert.match(result.stdout, /^metric\tline\tquestion\tcandidate\tbaseline/m)
    assert.match(result.stderr, /evaluation #\d+: failed the gate/)
  })

  it('a judge that answers garbage is exit 21 (JUDGE_UNREADABLE) with an error, not exit 11', async () => {
    const candidate = await candidateThatIs('cmdgarbage', () => true)
    openai.standin.setChatBehaviour('gpt-4.1', garbageJudge)
    await database.sql`truncate loopft_eval_answers` // the same judge prompts were answered (and cached) above
    const result = await runLoopft(['evaluate', '--candidate', candidate, '--json'], env())
    assert.deepEqual([result.status, result.json?.error?.code], [21, 'JUDGE_UNREADABLE'], result.stdout)
    assert.match(result.json.error.message, /^12 of 12 verdicts of the judge gpt-4\.1 could not be read/)
    assert.equal(result.json.verdict, undefined)
  })

  it('takes the judge from LOOPFT_JUDGE_MODEL, and --judge over it', async () => {
    const candidate = await candidateThatIs('cmdjudge', () => true)
    openai.standin.setChatBehaviour('gpt-4.1-mini', fairJudge)
    const fromEnv = await runLoopft(['evaluate', '--candidate', candidate, '--json'], {...env(), LOOPFT_JUDGE_MODEL: 'gpt-4.1-mini'})
    const fromFlag = await runLoopft(['evaluate', '--candidate', candidate, '--judge', 'gpt-4.1', '--json'], {...env(), LOOPFT_JUDGE_MODEL: 'gpt-4.1-mini'})
    assert.deepEqual([fromEnv.status, fromEnv.json.judgeModel, fromFlag.json.judgeModel], [0, 'gpt-4.1-mini', 'gpt-4.1'])
  })

  it('errors keep their own codes: a bad flag is 2, an unknown model 12, a broken gold set 5', async () => {
    const badFlag = await runLoopft(['evaluate', '--candidate', 'x', '--min-improvement', 'lots', '--json'], env())
    const unknown = await runLoopft(['evaluate', '--candidate', 'ft:gpt-4o-mini-2024-07-18:standin-org:gone:gonexxxx', '--json'], env())
    const badGold = await runLoopft(['evaluate', '--candidate', 'x', '--gold', 'package.json', '--json'], env())
    assert.deepEqual([badFlag.status, badFlag.json?.error?.code], [2, 'USAGE'])
    assert.deepEqual([unknown.status, unknown.json?.error?.code], [12, 'NOT_FOUND'])
    assert.deepEqual([badGold.status, badGold.json?.error?.code], [5, 'INPUT_INVALID'])
    assert.match(badGold.json.error.message, /package\.json:1:/)
  })
})
