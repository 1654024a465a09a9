import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {collectExportedDataset, sha256, splitDataset, validateDataset, writeDataset} from '../../../src/lib/training/dataset.js'
import {useTestDatabase} from '../../support/db.js'
import {addExportRun, dataset, exampleLine} from './fixtures.js'

const LIMIT = {trainingContext: 65_536}

describe('training dataset', () => {
  it('counts tokens exactly, the cookbook way, and hashes the bytes', () => {
    const content = dataset(10)
    const stats = validateDataset(content, LIMIT)
    assert.deepEqual([stats.examples, stats.bytes, stats.sha256], [10, content.length, sha256(content)])
    // 3 per example + 3 per message + role and content tokens: a known small example.
    const one = Buffer.from(`${JSON.stringify({messages: [{role: 'user', content: 'hi'}, {role: 'assistant', content: 'hello', weight: 1}]})}\n`)
    assert.equal(validateDataset(one, {...LIMIT, minExamples: 1}).tokensPerEpoch, 3 + (3 + 1 + 1) + (3 + 1 + 1))
  })

  it('accepts tool calls, weights and text parts', () => {
    const line = JSON.stringify({messages: [
      {role: 'user', content: [{type: 'text', text: 'Chart position of X?'}]},
      {role: 'assistant', content: 'Let me look.', weight: 0},
      {role: 'assistant', tool_calls: [{id: 'call_1', type: 'function', function: {name: 'chart', arguments: '{"artist":"X"}'}}]},
      {role: 'tool', tool_call_id: 'call_1', content: '{"position":12}'},
      {role: 'assistant', content: 'X is at 12.', weight: 1},
    ], tools: [{type: 'function', function: {name: 'chart', parameters: {type: 'object'}}}]})
    assert.equal(validateDataset(Buffer.from(`${line}\n`), {...LIMIT, minExamples: 1}).examples, 1)
  })

  const invalid: Array<[string, string, RegExp]> = [
    ['too few examples', dataset(9).toString(), /9 example\(s\); at least 10/],
    ['a blank line', `${dataset(10)}\n`, /line 11: blank line/],
    ['broken JSON', `${dataset(10)}{"messages":\n`, /line 11: not valid JSON/],
    ['developer role', `${dataset(10)}${JSON.stringify({messages: [{role: 'developer', content: 'x'}, {role: 'assistant', content: 'y'}]})}\n`, /unrecognized role "developer"/],
    ['no assistant', `${dataset(10)}${JSON.stringify({messages: [{role: 'user', content: 'x'}]})}\n`, /no assistant message/],
    ['an extra key', `${dataset(10)}${JSON.stringify({messages: [{role: 'assistant', content: 'x'}], id: 1})}\n`, /unrecognized key "id"/],
    ['arguments as an object', `${dataset(10)}${JSON.stringify({messages: [{role: 'assistant', tool_calls: [{id: 'c', type: 'function', function: {name: 'f', arguments: {}}}]}]})}\n`, /tool_calls need/],
    ['a byte-order mark', `\uFEFF${dataset(10)}`, /byte-order mark/],
  ]
  for (const [name, text, message] of invalid) {
    it(`rejects ${name} with INPUT_INVALID`, () => {
      assert.throws(() => validateDataset(Buffer.from(text), LIMIT), (error: {code?: string; message: string}) => error.code === 'INPUT_INVALID' && message.test(error.message))
    })
  }

  it('rejects an example over the per-example token limit of the base model', () => {
    assert.throws(() => validateDataset(dataset(10), {trainingContext: 20}), /line 1: \d+ tokens, over the model's 20-token limit/)
  })

  it('splits off a validation share deterministically, keeping every example once', () => {
    const content = dataset(200)
    const first = splitDataset(content, 0.1)
    const again = splitDataset(content, 0.1)
    assert.deepEqual([first.training.equals(again.training), first.validation.equals(again.validation)], [true, true])
    const held = validateDataset(first.validation, {...LIMIT, minExamples: 1}).examples
    const kept = validateDataset(first.training, LIMIT).examples
    assert.equal(held + kept, 200)
    assert.ok(held > 5 && held < 40, `held out ${held}`)
    assert.equal(validateDataset(splitDataset(dataset(11), 0.001).validation, {...LIMIT, minExamples: 1}).examples, 1)
  })

  describe('from export runs', () => {
    const t = useTestDatabase()
    let outDir: string
    before(async () => {
      outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-dataset-'))
    })
    after(async () => {
      await fs.rm(outDir, {recursive: true, force: true})
    })

    it('concatenates the daily files of succeeded runs in the window, de-duplicated, and writes atomically', async () => {
      const day = (n: number) => new Date(Date.UTC(2026, 10, n))
      const old = await addExportRun(t.sql, outDir, {windowEnd: day(1), content: dataset(5, 100)})
      const a = await addExportRun(t.sql, outDir, {windowEnd: day(20), content: dataset(6, 1)})
      const b = await addExportRun(t.sql, outDir, {windowEnd: day(21), content: dataset(6, 4)})
      await addExportRun(t.sql, outDir, {windowEnd: day(22), content: dataset(3, 50), status: 'failed'})
      const collected = await collectExportedDataset(t.sql, {since: day(14), until: day(25)})
      assert.deepEqual([collected.exportRunIds, collected.duplicates], [[a, b], 3])
      assert.equal(collected.content.toString(), dataset(9, 1).toString())
      assert.ok(!collected.exportRunIds.includes(old))
      const file = await writeDataset(outDir, collected.content, 'd.jsonl')
      assert.deepEqual([await fs.readFile(file, 'utf8'), (await fs.readdir(path.dirname(file))).length], [collected.content.toString(), 1])
    })

    it('names a missing export file instead of training on less', async () => {
      await addExportRun(t.sql, outDir, {windowEnd: new Date(Date.UTC(2026, 10, 23)), content: Buffer.from(`${exampleLine(1)}\n`)})
      await fs.rm(path.join(outDir, 'daily-2026-11-23.jsonl'))
      await assert.rejects(collectExportedDataset(t.sql, {since: new Date(Date.UTC(2026, 10, 22, 12)), until: new Date(Date.UTC(2026, 10, 24))}), {code: 'INPUT_INVALID'})
    })
  })
})
