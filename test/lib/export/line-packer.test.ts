import assert from 'node:assert/strict'
import type {TrainingMessage, TrainingRole} from '../../../src/lib/export/examples.js'
import {LinePacker} from '../../../src/lib/export/line-packer.js'
import {isPlainText} from '../../../src/lib/export/text.js'

const ROLES: TrainingRole[] = ['system', 'user', 'assistant']
const TRICKY = ['', 'plain ascii', 'quote " and backslash \\', 'new\nline\ttab\r\u0000\u001f\u007f', 'é – € ß', '😀 astral', 'lone \uD800 high', 'lone \uDC00 low', 'reversed \uDC00\uD800', 'line sep \u2028 para \u2029', '</script> & <b>', '\uFFFF\uFEFF']

/** Random text from units JSON treats specially and ordinary ones, so every branch of the packer is hit. */
function randomText(random: () => number): string {
  const units = ['a', 'Z', ' ', '"', '\\', '\n', '\u0001', '\u007f', 'é', '€', '\u2028', '\uD83D', '\uDE00', '😀', '/']
  let text = ''
  const length = Math.floor(random() * 40)
  for (let index = 0; index < length; index += 1) text += units[Math.floor(random() * units.length)]
  return text
}

function seeded(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
}

function pack(examples: TrainingMessage[][]) {
  const packer = new LinePacker()
  for (const messages of examples) packer.add(messages, 'c1', ['u1'])
  return packer.finish()
}

describe('export/line-packer', () => {
  it('writes each line exactly as JSON.stringify({messages}) plus a newline', () => {
    const random = seeded(7)
    const examples: TrainingMessage[][] = [TRICKY.map((content, index) => ({role: ROLES[index % 3], content}))]
    for (let index = 0; index < 2000; index += 1) {
      examples.push(Array.from({length: 1 + Math.floor(random() * 4)}, (_, turn) => ({role: ROLES[turn % 3], content: randomText(random)})))
    }
    const {utf8, lines} = pack(examples)
    const expected = examples.map((messages) => `${JSON.stringify({messages})}\n`)
    assert.equal(Buffer.from(utf8).toString('utf8'), expected.join(''))
    assert.deepEqual(
      lines.map((line) => line.byteLength),
      expected.map((text) => Buffer.byteLength(text)),
    )
  })

  it('writes messages flagged plain (as admitMessage flags them) exactly as JSON.stringify does', () => {
    const random = seeded(11)
    const examples: TrainingMessage[][] = []
    for (let index = 0; index < 2000; index += 1) {
      examples.push(Array.from({length: 1 + Math.floor(random() * 4)}, (_, turn) => {
        const content = randomText(random)
        return {role: ROLES[turn % 3], content, plain: isPlainText(content)}
      }))
    }
    assert.ok(examples.flat().filter((message) => message.plain).length > 100)
    const expected = examples.map((messages) => `${JSON.stringify({messages: messages.map(({role, content}) => ({role, content}))})}\n`)
    assert.equal(Buffer.from(pack(examples).utf8).toString('utf8'), expected.join(''))
  })

  it('grows its buffer for a line far larger than the first one, including worst-case escapes', () => {
    const huge = '\u0001'.repeat(400_000) + 'é'.repeat(300_000)
    const {utf8, lines} = pack([[{role: 'user', content: 'hi'}], [{role: 'user', content: huge}, {role: 'assistant', content: huge}]])
    const expected = `${JSON.stringify({messages: [{role: 'user', content: 'hi'}]})}\n${JSON.stringify({messages: [{role: 'user', content: huge}, {role: 'assistant', content: huge}]})}\n`
    assert.equal(Buffer.from(utf8).toString('utf8'), expected)
    assert.equal(lines.length, 2)
  })
})
