import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {containsGoldPrompt, goldPromptKeys, readGoldSet} from '../../../src/lib/evaluation/gold-set.js'
import {isLoopftError} from '../../../src/lib/errors.js'

const line = (question: string, ideal = 'an answer', tags: string[] = ['t']) =>
  JSON.stringify({messages: [{role: 'system', content: 'be brief'}, {role: 'user', content: question}], ideal, tags})

describe('gold', () => {
  let directory: string
  before(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-gold-'))
  })
  after(async () => {
    await fs.rm(directory, {recursive: true, force: true})
  })
  const write = async (name: string, text: string) => {
    const file = path.join(directory, name)
    await fs.writeFile(file, text)
    return file
  }
  const rejection = async (text: string): Promise<string> => {
    const error = await readGoldSet(await write('bad.jsonl', text)).then(() => undefined, (caught: unknown) => caught)
    assert.ok(isLoopftError(error, 'INPUT_INVALID'), `expected INPUT_INVALID, got ${String(error)}`)
    return error.message
  }

  it('ships at least 50 valid, tagged items in examples/gold.jsonl', async () => {
    const gold = await readGoldSet('examples/gold.jsonl')
    assert.ok(gold.items.length >= 50, `${gold.items.length} items`)
    assert.ok(gold.items.every((item) => item.tags.length > 0))
    assert.ok(new Set(gold.items.flatMap((item) => item.tags)).size >= 8)
  })

  it('versions the set by the sha256 of the file and numbers items by line', async () => {
    const text = `${line('What BPM is house?')}\n\n${line('What is an ISRC?')}\n`
    const gold = await readGoldSet(await write('ok.jsonl', text))
    assert.equal(gold.sha256, createHash('sha256').update(text).digest('hex'))
    assert.deepEqual(gold.items.map((item) => item.line), [1, 3])
    assert.equal(gold.items[0].promptHash.length, 64)
    assert.notEqual(gold.items[0].promptHash, gold.items[1].promptHash)
  })

  it('rejects bad lines with their line number', async () => {
    assert.match(await rejection(`${line('ok')}\n{not json`), /bad\.jsonl:2: not valid JSON/)
    assert.match(await rejection(`${line('ok')}\n${line('fine')}\n{"messages":[{"role":"user","content":"q"}]}`), /:3: ideal:/)
    assert.match(await rejection('{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}],"ideal":"x"}'), /:1: messages: the last message must be the user's question/)
    assert.match(await rejection('{"messages":[{"role":"robot","content":"q"}],"ideal":"x"}'), /:1: messages\.0\.role/)
    assert.match(await rejection(`${line('Same?')}\n${line('Same?', 'other')}`), /:2: the same prompt as line 1/)
    assert.match(await rejection('\n\n'), /the gold set is empty/)
  })

  it('fails with INPUT_INVALID when the file is missing', async () => {
    const error = await readGoldSet(path.join(directory, 'missing.jsonl')).catch((caught: unknown) => caught)
    assert.ok(isLoopftError(error, 'INPUT_INVALID'))
    assert.match(error.message, /ENOENT/)
  })

  it('keys each item by its last user message and finds them in training examples', async () => {
    const gold = await readGoldSet(await write('keys.jsonl', `${line('What BPM is house?')}\n${line('What is an ISRC?')}`))
    const keys = goldPromptKeys(gold.items)
    assert.deepEqual([...keys].sort(), ['what bpm is house', 'what is an isrc'])
    const leaked = {messages: [{role: 'user', content: 'hi'}, {role: 'assistant', content: 'hello'}, {role: 'user', content: [{type: 'text', text: 'what is an ISRC'}]}, {role: 'assistant', content: 'a code'}]}
    const clean = {messages: [{role: 'user', content: 'What is an ISRC code used for?'}, {role: 'assistant', content: 'a code'}]}
    const assistantOnly = {messages: [{role: 'assistant', content: 'What is an ISRC?'}]}
    assert.deepEqual([leaked, clean, assistantOnly, {}].map((example) => containsGoldPrompt(example, keys)), [true, false, false, false])
  })
})
