import assert from 'node:assert/strict'
import {combineVerdicts, judgeMessages, judgePair, parseVerdict, type AskJudge} from '../../../src/lib/evaluation/judge.js'
import {useOpenAIStandin} from '../../support/openai.js'
import {fairJudge, positionBiasedJudge} from '../../support/judge-behaviour.js'

const JUDGE = 'gpt-4.1'
const item = {messages: [{role: 'user' as const, content: 'What tempo range is typical for house music?'}], ideal: '120–130 BPM'}
const right = 'House usually sits at 120–130 BPM.'
const wrong = 'House is usually around 90 BPM.'

describe('judge', () => {
  const openai = useOpenAIStandin()
  const ask: AskJudge = async (messages) => {
    const completion = await openai.client().chat.completions.create({model: JUDGE, messages, temperature: 0, seed: 7})
    return completion.choices[0].message.content ?? ''
  }

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
    assert.match(system.content, /VERDICT: TIE/)
    assert.ok(user.content.indexOf('first answer') < user.content.indexOf('second answer'))
    assert.match(user.content, /\[Reference answer\]\n120–130 BPM/)
  })

  it('asks in both orders and credits the better answer whichever position it has', async () => {
    openai.standin.setChatBehaviour(JUDGE, fairJudge)
    assert.deepEqual(await judgePair(ask, item, right, wrong), {verdicts: ['A', 'B'], score: 1})
    assert.deepEqual(await judgePair(ask, item, wrong, right), {verdicts: ['B', 'A'], score: 0})
    assert.deepEqual(await judgePair(ask, item, right, right), {verdicts: ['TIE', 'TIE'], score: 0.5})
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
