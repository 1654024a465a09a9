import assert from 'node:assert/strict'
import {PassThrough, Readable} from 'node:stream'
import {createRedactor} from '../../../src/lib/redact/index.js'
import {redactStream, type RedactFormat} from '../../../src/lib/redact/stream.js'

async function run(input: string | string[], format: RedactFormat = 'auto', redactor = createRedactor()) {
  const chunks = Array.isArray(input) ? input.map((c) => Buffer.from(c)) : [Buffer.from(input)]
  const output = new PassThrough()
  const collected: Buffer[] = []
  output.on('data', (c: Buffer) => collected.push(c))
  const result = await redactStream(Readable.from(chunks), output, {format, redactor})
  return {result, text: Buffer.concat(collected).toString('utf8')}
}

describe('redactStream', () => {
  it('redacts text line by line, keeping line endings and a missing final newline', async () => {
    const {result, text} = await run('a@b.io\r\n\nplain\ncall +1 415 555 0100')
    assert.equal(text, '[EMAIL]\r\n\nplain\ncall [PHONE]')
    assert.deepEqual(result, {format: 'text', lines: 4, invalidLines: 0, counts: {EMAIL: 1, PHONE: 1}, total: 2})
  })

  it('detects JSONL and redacts only messages[].content strings and text parts', async () => {
    const line = {id: 'c1', metadata: {owner: 'x@y.io'}, messages: [{role: 'user', content: 'mail a@b.io'}, {role: 'user', content: [{type: 'text', text: 'ip 10.0.0.1'}, {type: 'image_url', image_url: {url: 'https://x.com/a.png'}}]}]}
    const {result, text} = await run(`\n${JSON.stringify(line)}\n{"messages":[{"role":"user","content":"nothing here"}]}\n`)
    const out = text.split('\n')
    assert.equal(out.length, 4)
    assert.equal(out[0], '')
    const record = JSON.parse(out[1])
    assert.equal(record.messages[0].content, 'mail [EMAIL]')
    assert.equal(record.messages[1].content[0].text, 'ip [IP]')
    assert.equal(record.messages[1].content[1].image_url.url, 'https://x.com/a.png', 'structure and non-text parts untouched')
    assert.equal(record.metadata.owner, 'x@y.io', 'only message content is redacted')
    assert.equal(out[2], '{"messages":[{"role":"user","content":"nothing here"}]}', 'unchanged lines are copied byte for byte')
    assert.deepEqual(result, {format: 'jsonl', lines: 3, invalidLines: 0, counts: {EMAIL: 1, IP: 1}, total: 2})
  })

  it('counts non-JSON lines in JSONL mode and passes them through redacted as text', async () => {
    const {result, text} = await run('{"messages":[]}\nbroken {"x": a@b.io\n', 'jsonl')
    assert.equal(text, '{"messages":[]}\nbroken {"x": [EMAIL]\n')
    assert.equal(result.invalidLines, 1)
  })

  it('treats a first line that starts with { but does not parse as text', async () => {
    const {result} = await run('{not json}\n{"messages":[]}\n')
    assert.equal(result.format, 'text')
  })

  it('handles multi-byte characters split across chunks', async () => {
    const bytes = Buffer.from('héllo 👩🏽‍🎤 a@b.io\n')
    const output = new PassThrough()
    const collected: Buffer[] = []
    output.on('data', (c: Buffer) => collected.push(c))
    const pieces = [...bytes].map((b) => Buffer.from([b]))
    await redactStream(Readable.from(pieces), output, {redactor: createRedactor()})
    assert.equal(Buffer.concat(collected).toString('utf8'), 'héllo 👩🏽‍🎤 [EMAIL]\n')
  })

  it('gives stable pseudonyms per conversation id', async () => {
    const redactor = createRedactor({placeholder: 'pseudonym', pseudonymKey: 'k'})
    const a = JSON.stringify({id: 'A', messages: [{role: 'user', content: 'a@b.io'}, {role: 'assistant', content: 'a@b.io'}]})
    const b = JSON.stringify({id: 'B', messages: [{role: 'user', content: 'a@b.io'}]})
    const {text} = await run(`${a}\n${b}\n`, 'auto', redactor)
    const [ra, rb] = text.trim().split('\n').map((l) => JSON.parse(l))
    assert.equal(ra.messages[0].content, ra.messages[1].content)
    assert.notEqual(ra.messages[0].content, rb.messages[0].content)
  })

  it('writes one output line per input line over a long generated stream', async () => {
    const lines = 50_000
    const source = Readable.from((function* () {
      for (let i = 0; i < lines; i++) yield Buffer.from(`line ${i} mail user${i}@example.com\n`)
    })())
    const output = new PassThrough()
    let outLines = 0
    output.on('data', (c: Buffer) => { for (const b of c) if (b === 10) outLines++ })
    const result = await redactStream(source, output, {redactor: createRedactor()})
    assert.equal(result.lines, lines)
    assert.equal(outLines, lines)
    assert.deepEqual(result.counts, {EMAIL: lines})
  })
})
