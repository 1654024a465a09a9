import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {evaluateCandidate, type EvaluateOptions} from '../../../src/lib/evaluation/evaluate.js'
import {loadConfig} from '../../../src/lib/config.js'
import {EXIT, isLoopftError} from '../../../src/lib/errors.js'
import {readGoldSet, type GoldSet} from '../../../src/lib/evaluation/gold-set.js'
import {findModel, registerCandidate} from '../../../src/lib/serving/registry.js'
import {useTestDatabase} from '../../support/db.js'
import {addFineTunedModel, goldAnswers} from '../../support/eval-standin.js'
import {fairJudge, garbageJudge, partlyGarbledJudge} from '../../support/judge-behaviour.js'
import {useOpenAIStandin} from '../../support/openai.js'
import type {ChatBehaviour, ResponseFormat} from '../../support/openai-standin/index.js'

const BASELINE = 'gpt-4o-mini'
const JUDGE = 'gpt-4.1'
const GOLD_FILE = path.resolve('examples/gold.jsonl')

describe('evaluate', () => {
  const database = useTestDatabase()
  const openai = useOpenAIStandin()
  let gold: GoldSet
  let candidate: string

  before(async () => {
    gold = await readGoldSet(GOLD_FILE)
  })
  beforeEach(async () => {
    await database.sql`truncate loopft_eval_answers`
    await database.sql`delete from loopft_models`
    candidate = addFineTunedModel(openai.standin, 'cand')
    // The baseline knows the answer on even lines; the judge prefers whichever answer contains the reference.
    openai.standin.setChatBehaviour(BASELINE, goldAnswers(gold.items, (line) => line % 2 === 0))
    openai.standin.setChatBehaviour(JUDGE, fairJudge)
  })

  /** Evaluation settings come from the one config loader, as cycle's do; `env` adds LOOPFT_* variables. */
  const evaluate = (options: Partial<EvaluateOptions> = {}, clientOptions = {}, env: Record<string, string> = {}) =>
    evaluateCandidate(
      {sql: database.sql, openai: openai.client(clientOptions), config: loadConfig({}, {LOOPFT_GOLD_FILE: GOLD_FILE, LOOPFT_DEFAULT_TEXT_MODEL: BASELINE, ...env})},
      {candidate, ...options},
    )
  const chatRequests = () => openai.standin.requests.filter((request) => request.path === '/chat/completions').length
  /** Sets a judge that records what each request asked for. */
  const recordingJudge = (model: string, judge: ChatBehaviour = fairJudge) => {
    const seen: Array<{responseFormat: ResponseFormat; system: string}> = []
    openai.standin.setChatBehaviour(model, (messages, request) => {
      seen.push({responseFormat: request.responseFormat, system: String(messages[0].content)})
      return judge(messages, request)
    })
    return seen
  }
  const candidateAnswers = (isRight: (line: number) => boolean) => openai.standin.setChatBehaviour(candidate, goldAnswers(gold.items, isRight))

  it('passes a candidate that is right everywhere, and records the verdict on the registered model', async () => {
    await registerCandidate(database.sql, {name: candidate, baseModel: 'gpt-4o-mini-2024-07-18'})
    candidateAnswers(() => true)
    const result = await evaluate()

    assert.equal(result.verdict, 'pass')
    assert.equal(result.baseline, BASELINE)
    assert.equal(result.gold.sha256, gold.sha256)
    assert.equal(result.judge.winRate, 0.75)
    assert.equal(result.gate.difference, 0.25)
    assert.ok(result.gate.interval.low > 0)
    assert.ok(result.gate.checks.every((check) => check.passed))
    assert.equal(result.models.candidate.accuracy, 1)
    assert.equal(result.models.baseline.accuracy, 0.5)
    assert.ok(result.models.candidate.bleu > result.models.baseline.bleu)
    assert.ok(result.models.candidate.rougeL > result.models.baseline.rougeL)
    assert.ok(result.models.candidate.tokens.completion > 0 && result.models.candidate.costUsd !== null)
    assert.deepEqual(result.worstRegressions, {judge: [], accuracy: [], bleu: [], rougeL: []})
    assert.deepEqual([result.judge.askedVerdicts, result.judge.unparsedVerdicts, result.judge.rubric], [60, 0, 'default'])
    assert.equal(result.judgeModel, JUDGE, 'the judge is gpt-4.1 by default')
    assert.ok(result.recordedOnModel)

    const model = await findModel(database.sql, candidate)
    assert.deepEqual([model?.evaluation?.verdict, model?.evaluation?.evaluationId, model?.evaluation?.primaryMetric], ['pass', result.evaluationId, 'judge'])
    const [row] = await database.sql`select verdict, gold_sha256, result->'models'->'candidate'->>'accuracy' as accuracy from loopft_evaluations where id = ${result.evaluationId}`
    assert.deepEqual({...row}, {verdict: 'pass', gold_sha256: gold.sha256, accuracy: '1'})
  })

  it('fails a worse candidate and lists per-tag figures and the worst regressions', async () => {
    candidateAnswers(() => false)
    const result = await evaluate()

    assert.equal(result.verdict, 'fail')
    assert.equal(result.judge.winRate, 0.25)
    assert.deepEqual(result.gate.checks.filter((check) => !check.passed).map((check) => check.name), [
      'judge improvement', 'judge 95% interval', 'accuracy no regression', 'bleu no regression', 'rougeL no regression',
    ])
    for (const metric of ['judge', 'accuracy', 'bleu', 'rougeL'] as const) {
      assert.equal(result.worstRegressions[metric].length, 5, metric)
      assert.ok(result.worstRegressions[metric].every((item) => item.difference < 0 && item.line % 2 === 0), metric)
    }
    assert.ok(result.worstRegressions.judge.every((item) => item.difference === -0.5))
    assert.deepEqual(result.samples.map((sample) => sample.line), [2, 4, 6], 'the first items where the answers differ')
    assert.ok(result.samples.every((sample) => sample.candidateAnswer !== sample.baselineAnswer))
    const mastering = result.tags.find((tag) => tag.tag === 'mastering')
    assert.ok(mastering !== undefined && mastering.items >= 4)
    assert.equal(result.tags.reduce((sum, tag) => sum + tag.items, 0), gold.items.reduce((sum, item) => sum + item.tags.length, 0))
    assert.ok(!result.recordedOnModel)
    assert.match(result.warnings.join('\n'), /not in the registry/)
  })

  it('does not pass an improvement smaller than --min-improvement', async () => {
    // Right on every line the baseline gets right, plus line 1: one win out of 60 items.
    candidateAnswers((line) => line % 2 === 0 || line === 1)
    const result = await evaluate()
    assert.equal(result.verdict, 'fail')
    assert.ok(result.gate.difference > 0 && result.gate.difference < 0.02)
    assert.equal(result.gate.checks.find((check) => check.name === 'judge improvement')?.passed, false)
  })

  it('does not pass a noisy improvement whose 95% interval reaches zero', async () => {
    // 16 wins (odd lines up to 31) against 12 losses (even lines from 38): +0.033 on average, but noisy.
    candidateAnswers((line) => (line % 2 === 1 && line <= 31) || (line % 2 === 0 && line < 38))
    const result = await evaluate()
    assert.equal(result.judge.wins, 16)
    assert.equal(result.judge.losses, 12)
    assert.ok(result.gate.difference >= 0.02, `difference ${result.gate.difference}`)
    assert.ok(result.gate.interval.low <= 0 && result.gate.interval.high > 0)
    assert.equal(result.verdict, 'fail')
    assert.equal(result.gate.checks.find((check) => check.name === 'judge 95% interval')?.passed, false)
  })

  it('gates on another primary metric when asked', async () => {
    candidateAnswers(() => true)
    const result = await evaluate({primaryMetric: 'accuracy', minImprovement: 0.6})
    assert.equal(result.gate.primaryMetric, 'accuracy')
    assert.equal(result.gate.difference, 0.5)
    assert.equal(result.verdict, 'fail')
  })

  it('sends the judge a JSON-schema response format and reads its JSON verdicts', async () => {
    const judged = recordingJudge(JUDGE)
    candidateAnswers(() => true)
    const result = await evaluate()
    assert.equal(judged.length, 60)
    assert.ok(judged.every(({responseFormat}) => responseFormat.type === 'json_schema' && responseFormat.strict && responseFormat.name === 'pairwise_verdict'))
    assert.equal(result.judge.unparsedVerdicts, 0)
    assert.equal(result.verdict, 'pass')
  })

  it('reads verdict lines when the response format is text, and honours LOOPFT_JUDGE_MODEL', async () => {
    const judged = recordingJudge('gpt-4.1-mini')
    candidateAnswers(() => true)
    const result = await evaluate({}, {}, {LOOPFT_JUDGE_RESPONSE_FORMAT: 'text', LOOPFT_JUDGE_MODEL: 'gpt-4.1-mini'})
    assert.equal(judged.length, 60)
    assert.ok(judged.every(({responseFormat}) => responseFormat.type === 'text'))
    assert.deepEqual([result.judgeModel, result.judge.unparsedVerdicts, result.verdict], ['gpt-4.1-mini', 0, 'pass'])
  })

  it('is an error, not a failed gate, when a judge answers garbage; nothing is recorded or cached', async () => {
    openai.standin.setChatBehaviour(JUDGE, garbageJudge)
    candidateAnswers(() => true)
    const [before] = await database.sql`select count(*)::int as count from loopft_evaluations`
    const error = await evaluate().catch((caught: unknown) => caught)
    assert.ok(isLoopftError(error, 'JUDGE_UNREADABLE'), String(error))
    assert.equal(error.exitCode, EXIT.JUDGE_UNREADABLE)
    assert.notEqual(error.exitCode, EXIT.GATE_FAILED)
    assert.match(error.message, /^60 of 60 verdicts of the judge gpt-4\.1 could not be read \(100%/)
    const [after] = await database.sql`select count(*)::int as count from loopft_evaluations`
    assert.equal(after.count, before.count)

    openai.standin.setChatBehaviour(JUDGE, fairJudge)
    const retried = await evaluate()
    assert.deepEqual(retried.calls, {made: 60, cached: 120}, 'the unreadable verdicts were asked again, the answers came from the cache')
    assert.equal(retried.verdict, 'pass')
  })

  it('tolerates up to 10% unreadable verdicts and refuses more', async () => {
    // Answers differ on the 30 odd lines: 60 verdicts. 3 garbled items are 6 verdicts (10%), 4 items are 8 (13%).
    candidateAnswers(() => true)
    const oddIdeals = gold.items.filter((item) => item.line % 2 === 1).map((item) => item.ideal)
    openai.standin.setChatBehaviour(JUDGE, partlyGarbledJudge((reference) => oddIdeals.slice(0, 3).includes(reference)))
    const tolerated = await evaluate()
    assert.deepEqual([tolerated.judge.unparsedVerdicts, tolerated.judge.askedVerdicts, tolerated.verdict], [6, 60, 'pass'])

    await database.sql`truncate loopft_eval_answers`
    openai.standin.setChatBehaviour(JUDGE, partlyGarbledJudge((reference) => oddIdeals.slice(0, 4).includes(reference)))
    const error = await evaluate().catch((caught: unknown) => caught)
    assert.ok(isLoopftError(error, 'JUDGE_UNREADABLE'), String(error))
    assert.match(error.message, /^8 of 60 verdicts/)
  })

  it('judges with a rubric file when LOOPFT_JUDGE_RUBRIC names one, and says so', async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-rubric-'))
    try {
      const rubricFile = path.join(directory, 'rubric.txt')
      await fs.writeFile(rubricFile, 'Prefer the answer a careful reviewer would sign off on.\n')
      const judged = recordingJudge(JUDGE)
      candidateAnswers(() => true)
      const result = await evaluate({}, {}, {LOOPFT_JUDGE_RUBRIC: rubricFile})
      assert.equal(result.judge.rubric, rubricFile)
      assert.match(judged[0].system, /^Prefer the answer a careful reviewer would sign off on\.\n\nReply with a JSON object only/)

      const missing = await evaluate({}, {}, {LOOPFT_JUDGE_RUBRIC: path.join(directory, 'absent.txt')}).catch((caught: unknown) => caught)
      assert.ok(isLoopftError(missing, 'CONFIG_INVALID'))
      assert.match(missing.message, /cannot read the judge rubric .*absent\.txt: ENOENT/)
    } finally {
      await fs.rm(directory, {recursive: true, force: true})
    }
  })

  it('answers from the cache on a re-run, at no cost, with the same figures', async () => {
    candidateAnswers(() => true)
    const first = await evaluate()
    // 60 answers each, and two judge calls for each of the 30 items where the answers differ.
    assert.deepEqual(first.calls, {made: 180, cached: 0})
    assert.equal(chatRequests(), 180)

    const second = await evaluate()
    assert.equal(chatRequests(), 180, 'no new API calls')
    assert.deepEqual(second.calls, {made: 0, cached: 180})
    assert.notEqual(second.evaluationId, first.evaluationId)
    assert.deepEqual(second.differences, first.differences)
    assert.deepEqual(second.models, first.models)
  })

  it('resumes an interrupted run: only the missing answers are asked for', async () => {
    const failingLine = gold.items[9].line
    let broken = true
    const right = goldAnswers(gold.items, () => true)
    openai.standin.setChatBehaviour(candidate, (messages, request) => {
      if (broken && messages.at(-1)?.content === gold.items[9].messages.at(-1)?.content) throw new Error(`line ${failingLine} is broken`)
      return right(messages, request)
    })
    const failure = await evaluate({concurrency: 1}, {maxRetries: 0}).catch((error: unknown) => error)
    assert.equal((failure as {status?: number}).status, 500)
    // With one call at a time the queue runs item by item: 9 items × 2 answers finished before the failure.
    const answeredBefore = chatRequests() - 1
    assert.equal(answeredBefore, 18)

    broken = false
    const resumed = await evaluate({concurrency: 1})
    assert.deepEqual(resumed.calls, {made: 180 - answeredBefore, cached: answeredBefore})
    assert.equal(chatRequests(), answeredBefore + 1 + resumed.calls.made)
    assert.equal(resumed.verdict, 'pass')
  })

  it('compares against the served model for --baseline promoted', async () => {
    await database.sql`insert into loopft_config (key, value) values ('serving', ${database.sql.json({model: 'gpt-4.1-mini'})})`
    try {
      candidateAnswers(() => true)
      const result = await evaluate({baseline: 'promoted'})
      assert.equal(result.baseline, 'gpt-4.1-mini')
      assert.equal(result.judge.losses, 0, 'the unconfigured gpt-4.1-mini echoes the question, so it never wins')
    } finally {
      await database.sql`delete from loopft_config where key = 'serving'`
    }
  })

  it('refuses to compare a model with itself', async () => {
    const error = await evaluate({baseline: candidate}).catch((caught: unknown) => caught)
    assert.ok(isLoopftError(error, 'USAGE'))
  })

  it('warns when the candidate was trained on gold prompts', async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-leak-'))
    try {
      const dataset = path.join(directory, 'daily.jsonl')
      const leaked = {messages: [{role: 'user', content: 'what is an ISRC'}, {role: 'assistant', content: 'A code.'}]}
      const clean = {messages: [{role: 'user', content: 'Tell me a joke'}, {role: 'assistant', content: 'No.'}]}
      await fs.writeFile(dataset, `${JSON.stringify(leaked)}\n${JSON.stringify(clean)}\n`)
      await registerCandidate(database.sql, {name: candidate, baseModel: 'gpt-4o-mini-2024-07-18', datasetSha256: 'sha-of-daily'})
      await database.sql`
        insert into loopft_export_runs (idempotency_key, status, window_start, window_end, out_dir, daily_file, daily_sha256)
        values ('export:leak-test', 'succeeded', now() - interval '1 day', now(), ${directory}, ${dataset}, 'sha-of-daily')`
      candidateAnswers(() => true)
      const result = await evaluate()
      assert.match(result.warnings.join('\n'), /trained on 1 example\(s\) containing gold prompts/)
    } finally {
      await database.sql`delete from loopft_export_runs where idempotency_key = 'export:leak-test'`
      await fs.rm(directory, {recursive: true, force: true})
    }
  })
})
