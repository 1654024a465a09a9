import assert from 'node:assert/strict'
import {buildExamples, type ConversationMessage} from '../../../src/lib/export/examples.js'
import {countExampleTokens} from '../../../src/lib/training/token-count.js'

const user = (content: string): ConversationMessage => ({role: 'user', content})
const assistant = (content: string): ConversationMessage => ({role: 'assistant', content})

describe('export/examples', () => {
  const options = {maxExampleTokens: 65_536}

  it('merges consecutive messages of one role and drops a leading assistant and a trailing user message', () => {
    const built = buildExamples([assistant('hello there'), user('a'), user('b'), assistant('c'), user('dangling')], options)
    assert.deepEqual(built.examples, [[{role: 'user', content: 'a\n\nb'}, {role: 'assistant', content: 'c'}]])
    assert.deepEqual(built.skipped, {leading_assistant: 1, trailing_user: 1})
  })

  it('drops a conversation with no assistant reply, counted', () => {
    assert.deepEqual(buildExamples([user('anyone?'), user('hello?')], options), {examples: [], skipped: {trailing_user: 1, no_assistant_reply: 1}, split: false})
  })

  it('puts the system prompt first, replacing nothing else', () => {
    const built = buildExamples([user('q'), assistant('a')], {...options, systemPrompt: 'You are helpful.'})
    assert.deepEqual(built.examples[0][0], {role: 'system', content: 'You are helpful.'})
  })

  it('keeps a leading stored system message, drops one mid-conversation', () => {
    const built = buildExamples([{role: 'system', content: 's'}, user('q'), {role: 'system', content: 'late'}, assistant('a')], options)
    assert.deepEqual(built.examples, [[{role: 'system', content: 's'}, {role: 'user', content: 'q'}, {role: 'assistant', content: 'a'}]])
    assert.deepEqual(built.skipped, {system_message: 1})
  })

  it('splits a long conversation into windows that each fit the token limit exactly', () => {
    const turns: ConversationMessage[] = []
    for (let index = 0; index < 40; index += 1) turns.push(user(`question ${index} about the release plan for the single`), assistant(`answer ${index}: pitch it four weeks ahead`))
    const limit = 120
    const built = buildExamples(turns, {maxExampleTokens: limit, systemPrompt: 'sys'})
    assert.ok(built.split)
    assert.ok(built.examples.length > 1)
    for (const example of built.examples) {
      assert.ok(countExampleTokens(example) <= limit, `example of ${countExampleTokens(example)} tokens`)
      assert.equal(example[0].role, 'system')
      assert.equal(example[1].role, 'user')
      assert.equal(example.at(-1)?.role, 'assistant')
    }
    const contents = built.examples.flatMap((example) => example.slice(1).map((message) => message.content))
    assert.deepEqual(contents, turns.map((message) => message.content), 'every turn lands in exactly one window, in order')
  })

  it('skips a single turn that cannot fit, and counts it', () => {
    const built = buildExamples([user('short'), assistant('ok'), user('x'.repeat(5000)), assistant('too long'), user('again'), assistant('fine')], {maxExampleTokens: 200})
    assert.equal(built.skipped.turn_too_long, 1)
    assert.deepEqual(built.examples.flat().map((message) => message.content), ['short', 'ok', 'again', 'fine'])
  })
})
