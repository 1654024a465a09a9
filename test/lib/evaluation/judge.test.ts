import assert from 'node:assert/strict'
import {combineVerdicts, DEFAULT_JUDGE_CRITERIA, JUDGE_RESPONSE_FORMAT, judgeMessages, judgePair, judgeSystemPrompt, parseVerdict, type AskJudge} from '../../../src/lib/evaluation/judge.js'
import {useOpenAIStandin} from '../../support/openai.js'
import {fairJudge, positionBiasedJudge} from '../../support/judge-behaviour.js'

const JUDGE = 'gpt-4.1'
const item = {messages: [{role: 'user' as const, content: 'What tempo range is typical for house music?'}], ideal: '120–130 BPM'}
const right = 'House usually sits at 120–130 BPM.'
const wrong = 'House is usually around 90 BPM.'

describe('judge', () => {
  const openai = useOpenAIStandin()
  const ask: AskJudge = async (messages) => {
    const completion = await openai.client().chat.completions.create({model: JUDGE, messages, temperature: 0, seed: 7, response_format: JUDGE_RESPONSE_FORMAT})
    return completion.choices[0].message.content ?? ''
  }

  it('reads a JSON verdict object, bare or fenced, and nothing else that looks like one', () => {
    assert.equal(parseVerdict('{"reasoning": "B cites the reference.", "verdict": "B"}'), 'B')
    assert.equal(parseVerdict('```json\n{"reasoning": "same", "verdict": "TIE"}\n```'), 'TIE')
    assert.equal(parseVerdict('{"reasoning": "x", "verdict": "a"}'), null)
    assert.equal(parseVerdict('{"reasoning": "x", "verdict": "A or B"}'), null)
    assert.equal(parseVerdict('{"reasoning": "cut off by the token lim'), null)
    assert.equal(parseVerdict('{"winner": "A"}'), null)
  })

  it('parses only a strict last verdict line', () => {
    assert.equal(parseVerdict('B is better.\nVERDICT: B'), 'B')
    assert.equal(parseVerdict('Equal.\n  VERDICT: TIE  \n\n'), 'TIE')
    assert.equal(parseVerdict('VERDICT: A\nActually no.'), null)
    assert.equal(parseVerdict('verdict: a'), null)
    assert.equal(parseVerdict('VERDICT: A or B'), null)
  })

  it('averages both orders: a consistent win is 1, a position preference cancels to 0.5', () => {
    assert.equal(combineVerdicts('A', 'B'), 1)
    assert.equal(combineVerdicts('B', 'A'), 0)
    assert.equal(combineVerdicts('A', 'A'), 0.5)
    assert.equal(combineVerdicts('TIE', 'B'), 0.75)
    assert.equal(combineVerdicts(null, null), 0.5)
  })

  it('puts the rubric, the reference and both answers in the prompt', () => {
    const [system, user] = judgeMessages(item, 'first answer', 'second answer')
    assert.match(system.content, /Correctness/)
    assert.match(system.content, /\{"reasoning": .*"verdict": "A" \| "B" \| "TIE"\}/)
    assert.match(system.content, /VERDICT: TIE/)
    assert.ok(user.content.indexOf('first answer') < user.content.indexOf('second answer'))
    assert.match(user.content, /\[Reference answer\]\n120–130 BPM/)
  })

  it('the default rubric names no domain: the system prompt of the conversation gives the context', () => {
    assert.match(DEFAULT_JUDGE_CRITERIA, /system prompt/)
    assert.doesNotMatch(DEFAULT_JUDGE_CRITERIA, /music|artist|label|industry|release|royalt/i)
    const custom = judgeSystemPrompt('Prefer answers a pharmacist would give.')
    assert.match(custom, /^Prefer answers a pharmacist would give\.\n\nReply with a JSON object only/)
    const [, user] = judgeMessages({messages: [{role: 'system', content: 'You answer questions about tax law.'}, ...item.messages], ideal: item.ideal}, 'a', 'b')
    assert.match(user.content, /^\[Conversation\]\nsystem: You answer questions about tax law\.\nuser: /)
  })

  it('the stand-in enforces OpenAI\'s strict-schema rules on response_format, as the API does', async () => {
    const ask = (response_format: unknown) => openai.client({maxRetries: 0}).chat.completions.create({model: JUDGE, messages: [{role: 'user', content: 'hi'}], response_format: response_format as typeof JUDGE_RESPONSE_FORMAT})
    const loose = {type: 'json_schema', json_schema: {name: 'v', strict: true, schema: {type: 'object', properties: {verdict: {type: 'string'}}, required: []}}}
    const badName = {type: 'json_schema', json_schema: {name: 'pairwise verdict', schema: {}}}
    for (const format of [loose, badName, {type: 'json_object'}, {type: 'xml'}]) {
      const error = await ask(format).catch((caught: unknown) => caught)
      assert.equal((error as {status?: number}).status, 400, JSON.stringify(format))
    }
    assert.ok((await ask(JUDGE_RESPONSE_FORMAT)).choices[0].message.content)
  })

  it('asks in both orders and credits the better answer whichever position it has', async () => {
    openai.standin.setChatBehaviour(JUDGE, fairJudge)
    assert.deepEqual(await judgePair(ask, item, right, wrong), {verdicts: ['A', 'B'], asked: 2, score: 1})
    assert.deepEqual(await judgePair(ask, item, wrong, right), {verdicts: ['B', 'A'], asked: 2, score: 0})
    assert.deepEqual(await judgePair(ask, item, right, right), {verdicts: ['TIE', 'TIE'], asked: 0, score: 0.5})
    const judged = openai.standin.requests.filter((request) => request.path === '/chat/completions')
    assert.equal(judged.length, 4, 'identical answers are a tie without asking')
  })

  it('turns a judge that always picks one position into ties', async () => {
    for (const position of ['A', 'B'] as const) {
      openai.standin.setChatBehaviour(JUDGE, positionBiasedJudge(position))
      assert.equal((await judgePair(ask, item, right, wrong)).score, 0.5)
      assert.equal((await judgePair(ask, item, wrong, right)).score, 0.5)
    }
  })
})
