import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type {Database} from '../../../src/lib/db/connection.js'
import {exportConversations, type ExportOptions} from '../../../src/lib/export/index.js'
import {withRunLock} from '../../../src/lib/db/run-locks.js'
import {createRedactor, type Redactor} from '../../../src/lib/redact/index.js'
import {describeOnBothBackends} from '../../support/backends.js'
import {holdUntilReleased} from '../../support/wait-for.js'

const T0 = new Date('2026-11-20T00:00:00Z')
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000)

interface Row {
  conversation_id: string
  role: string
  content: string | null
  created_at: Date
  user_id?: string
  content_parts?: unknown
}

async function insert(db: Database, rows: Row[]): Promise<void> {
  const full = rows.map((row) => ({user_id: 'u1', content_parts: null, ...row}))
  await db.sql`insert into conversation_messages ${db.sql(full as never, 'conversation_id', 'user_id', 'role', 'content', 'content_parts', 'created_at')}`
}

function turn(conversation: string, minute: number, question: string, answer: string): Row[] {
  return [
    {conversation_id: conversation, role: 'user', content: question, created_at: at(minute)},
    {conversation_id: conversation, role: 'assistant', content: answer, created_at: at(minute + 1)},
  ]
}

async function readLines(file: string): Promise<Array<{messages: Array<{role: string; content: string}>}>> {
  const text = await fs.readFile(file, 'utf8')
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line))
}

/** The contract's training-format rules (docs/openai-contract.md §3.5) for what export writes. */
function assertValidTrainingLine(line: string): void {
  const example = JSON.parse(line)
  assert.deepEqual(Object.keys(example), ['messages'])
  assert.ok(Array.isArray(example.messages) && example.messages.length > 0)
  assert.ok(example.messages.some((message: {role: string}) => message.role === 'assistant'))
  for (const message of example.messages) {
    assert.deepEqual(Object.keys(message).sort(), ['content', 'role'])
    assert.ok(['system', 'user', 'assistant'].includes(message.role))
    assert.equal(typeof message.content, 'string')
    assert.ok(message.content.trim() !== '')
    assert.ok(message.content.isWellFormed())
  }
}

describeOnBothBackends('export', (backend) => {
  let outDir: string
  const redactor = createRedactor()
  const run = (options: Partial<ExportOptions> = {}) =>
    exportConversations(backend.db, {since: '2026-11-20T00:00:00Z', until: '2026-11-21T00:00:00Z', outDir, maxBytes: 50_000_000, maxExampleTokens: 65_536, redactor, ...options})

  beforeEach(async () => {
    outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-export-'))
  })
  afterEach(async () => {
    await backend.db.sql`truncate conversation_messages, loopft_examples, loopft_export_runs, loopft_quarantined_examples`
    await fs.rm(outDir, {recursive: true, force: true})
  })

  it('writes the same files with worker threads as on one thread', async () => {
    await insert(backend.db, Array.from({length: 400}, (_, index) => turn(`w${String(index).padStart(3, '0')}`, index, `question ${index}, mail me at fan${index}@gmail.com`, `answer ${index}`)).flat())
    const inline = await run({redactor: undefined, redaction: {}, workers: 0, until: '2026-11-20T12:00:00Z'})
    const inlineDaily = await fs.readFile(inline.dailyFile!)
    await backend.db.sql`truncate loopft_examples, loopft_export_runs`
    await fs.rm(outDir, {recursive: true})
    const threaded = await run({redactor: undefined, redaction: {}, workers: 2, until: '2026-11-20T12:00:00Z'})
    assert.deepEqual(await fs.readFile(threaded.dailyFile!), inlineDaily)
    assert.deepEqual([threaded.examplesWritten, threaded.redactions], [400, {EMAIL: 400}])
  })

  it('exports only the window, grouped by conversation, redacted, as valid training lines', async () => {
    await insert(backend.db, [
      ...turn('b', 10, 'Mail me at anna@label.io about the tour', 'Sure, I will.'),
      ...turn('a', 11, 'What BPM for house?', 'Usually 120–130 BPM.'),
      ...turn('a', 30, 'And techno?', '125–140 BPM.'),
      ...turn('c', -5, 'before the window', 'not exported'),
      {conversation_id: 'd', role: 'user', content: 'at the very end', created_at: new Date('2026-11-21T00:00:00Z')},
    ])
    const result = await run()
    assert.equal(result.status, 'succeeded')
    assert.deepEqual([result.messagesRead, result.conversations, result.examplesWritten], [6, 2, 2])
    assert.deepEqual(result.redactions, {EMAIL: 1})
    assert.equal(result.dailyFile, path.join(outDir, 'fine_tune_2026-11-21.jsonl'))
    const lines = (await fs.readFile(result.dailyFile!, 'utf8')).split('\n').filter(Boolean)
    lines.forEach(assertValidTrainingLine)
    assert.deepEqual(lines.map((line) => JSON.parse(line).messages.map((message: {content: string}) => message.content)), [
      ['What BPM for house?', 'Usually 120–130 BPM.', 'And techno?', '125–140 BPM.'],
      ['Mail me at [EMAIL] about the tour', 'Sure, I will.'],
    ])
    assert.equal(await fs.readFile(path.join(outDir, 'master.jsonl'), 'utf8'), await fs.readFile(result.dailyFile!, 'utf8'))
  })

  it('re-running the same window writes a byte-identical daily file and adds nothing to the master', async () => {
    await insert(backend.db, [...turn('a', 1, 'q1', 'a1'), ...turn('b', 2, 'q2', 'a2')])
    const first = await run()
    const daily = await fs.readFile(first.dailyFile!)
    const master = await fs.readFile(path.join(outDir, 'master.jsonl'))
    const second = await run()
    assert.equal(second.id, first.id)
    assert.deepEqual(await fs.readFile(second.dailyFile!), daily)
    assert.deepEqual(await fs.readFile(path.join(outDir, 'master.jsonl')), master)
    assert.deepEqual([second.examplesWritten, second.examplesDuplicate, second.masterFiles], [2, 2, []])
  })

  it('never writes an example to the master twice across runs, and an earlier run\'s example once to the daily file', async () => {
    await insert(backend.db, [...turn('a', 60, 'same question', 'same answer'), ...turn('x', 61, 'only day one', 'ok')])
    await run({since: '2026-11-20T00:00:00Z', until: '2026-11-20T12:00:00Z'})
    await insert(backend.db, [...turn('b', 13 * 60, 'same question', 'same answer'), ...turn('y', 13 * 60 + 5, 'only day two', 'ok'), ...turn('z', 13 * 60 + 9, 'same question', 'same answer')])
    const second = await run({since: '2026-11-20T12:00:00Z', until: '2026-11-21T00:00:00Z'})
    assert.equal(second.examplesWritten, 2, 'the daily file has the whole window')
    assert.equal(second.examplesDuplicate, 2)
    assert.deepEqual((await readLines(second.dailyFile!)).map((example) => example.messages[0].content), ['same question', 'only day two'])
    const master = await readLines(path.join(outDir, 'master.jsonl'))
    assert.deepEqual(master.map((example) => example.messages[0].content), ['same question', 'only day one', 'only day two'])
  })

  it('--since last exports exactly what the last successful run did not', async () => {
    await insert(backend.db, turn('a', 1, 'early', 'e'))
    await run({since: '2026-11-20T00:00:00Z', until: '2026-11-20T06:00:00Z'})
    await insert(backend.db, [...turn('b', 5 * 60 + 58, 'still before', 'x'), ...turn('c', 7 * 60, 'after', 'y')])
    const next = await run({since: 'last', until: '2026-11-20T12:00:00Z'})
    assert.deepEqual(next.window, {start: '2026-11-20T06:00:00.000Z', end: '2026-11-20T12:00:00.000Z', startFrom: 'last'})
    assert.deepEqual((await readLines(next.dailyFile!)).map((example) => example.messages[0].content), ['after'])
  })

  it('skips and counts bad rows without crashing: null, empty, unknown role, tool, image, 1 MB, odd Unicode', async () => {
    await insert(backend.db, [
      {conversation_id: 'bad', role: 'user', content: null, created_at: at(1)},
      {conversation_id: 'bad', role: 'user', content: '   ', created_at: at(2)},
      {conversation_id: 'bad', role: 'narrator', content: 'once upon a time', created_at: at(3)},
      {conversation_id: 'bad', role: 'user', content: 'lone \uD800 surrogate and bell \u0007 here', created_at: at(4)},
      {conversation_id: 'bad', role: 'tool', content: '{"x":1}', created_at: at(5)},
      {conversation_id: 'bad', role: 'assistant', content: 'fine 🎧', created_at: at(6)},
      {conversation_id: 'bad', role: 'user', content: null, content_parts: [{type: 'image_url', image_url: {url: 'https://x/y.png'}}], created_at: at(7)},
      {conversation_id: 'bad', role: 'user', content: 'y'.repeat(1_000_000), created_at: at(8)},
      {conversation_id: 'bad', role: 'assistant', content: 'answer to the huge one', created_at: at(9)},
      {conversation_id: 'bad', role: 'user', content: 'text in parts', created_at: at(10)},
      {conversation_id: 'bad', role: 'assistant', content: 'ok', created_at: at(11)},
    ])
    const result = await run({maxExampleTokens: 16_384})
    assert.deepEqual(result.skipped, {empty_content: 2, unknown_role: 1, tool_message: 1, image_message: 1, sanitized_text_kept: 1, turn_too_long: 1})
    const lines = (await fs.readFile(result.dailyFile!, 'utf8')).split('\n').filter(Boolean)
    lines.forEach(assertValidTrainingLine)
    assert.deepEqual(JSON.parse(lines[0]).messages.map((message: {content: string}) => message.content), [
      'lone \uFFFD surrogate and bell  here', 'fine 🎧', 'text in parts', 'ok',
    ])
  })

  it('keeps every file under --max-bytes, starting numbered master parts, and counts an example too large for any file', async () => {
    const rows: Row[] = []
    for (let index = 0; index < 30; index += 1) rows.push(...turn(`c${String(index).padStart(2, '0')}`, index, `question number ${index} ${'z'.repeat(60)}`, `answer ${index}`))
    rows.push(...turn('huge', 100, 'h'.repeat(2000), 'big'))
    await insert(backend.db, rows)
    const result = await run({maxBytes: 1000})
    assert.equal(result.skipped.example_too_large, 1)
    assert.equal(result.examplesWritten, 30)
    const files = (await fs.readdir(outDir)).sort()
    assert.ok(files.includes('master-0002.jsonl') && files.includes('fine_tune_2026-11-21-0002.jsonl'), files.join(' '))
    let masterLines = 0
    for (const file of files) {
      const size = (await fs.stat(path.join(outDir, file))).size
      assert.ok(size <= 1000, `${file} is ${size} bytes`)
      if (file.startsWith('master')) masterLines += (await readLines(path.join(outDir, file))).length
    }
    assert.equal(masterLines, 30, 'nothing dropped silently')
  })

  it('strict: fails the run and publishes nothing when the verify pass finds PII that redaction missed', async () => {
    await insert(backend.db, turn('a', 1, 'write to leak@example.org please', 'ok'))
    const leaky: Redactor = {...redactor, redact: (text) => ({text, counts: {}, total: 0})}
    await assert.rejects(run({redactor: leaky, verify: 'strict'}), (error: {code?: string}) => error.code === 'PII_SURVIVED')
    assert.deepEqual(await fs.readdir(outDir), [])
    const [row] = await backend.db.sql<{status: string; verify_findings: string}[]>`select status, verify_findings from loopft_export_runs`
    assert.deepEqual([row.status, Number(row.verify_findings)], ['failed', 1])
  })

  it('a run that dies midway leaves the earlier files byte-identical and no temporary files', async () => {
    await insert(backend.db, turn('a', 1, 'first run', 'ok'))
    await run({since: '2026-11-20T00:00:00Z', until: '2026-11-20T01:00:00Z'})
    const before = await snapshot(outDir)
    await insert(backend.db, Array.from({length: 3000}, (_, index) => turn(`n${index}`, 120 + (index % 50), `new ${index}`, 'ok')).flat())
    let calls = 0
    const crashing: Redactor = {...redactor, redact(text, scope) {
      calls += 1
      if (calls === 5000) throw new Error('simulated crash')
      return redactor.redact(text, scope)
    }}
    await assert.rejects(run({since: 'last', until: '2026-11-21T00:00:00Z', redactor: crashing}), /simulated crash/)
    assert.deepEqual(await snapshot(outDir), before)
    const retried = await run({since: 'last', until: '2026-11-21T00:00:00Z'})
    assert.equal(retried.examplesWritten, 3000)
  })

  it('rolls forward files committed by a run that crashed before renaming them', async () => {
    await insert(backend.db, turn('a', 1, 'q', 'a'))
    const first = await run()
    const final = path.join(outDir, 'late.jsonl')
    const temp = path.join(outDir, '.late.jsonl.tmp-1-deadbeef')
    await fs.writeFile(temp, 'committed content\n')
    await backend.db.sql`update loopft_export_runs set pending_files = ${backend.db.sql.json([{temp, final}])} where id = ${first.id}`
    const orphan = path.join(outDir, '.orphan.jsonl.tmp-2-cafebabe')
    await fs.writeFile(orphan, 'never committed')
    await run({since: 'last', until: '2026-11-22T00:00:00Z'})
    assert.equal(await fs.readFile(final, 'utf8'), 'committed content\n')
    await assert.rejects(fs.access(orphan))
    await assert.rejects(fs.access(temp))
  })

  it('a second concurrent export fails fast with RUN_IN_PROGRESS', async () => {
    const held = holdUntilReleased((inside) => withRunLock(backend.db, 'export', inside))
    await held.acquired
    await assert.rejects(run(), (error: {code?: string}) => error.code === 'RUN_IN_PROGRESS')
    held.release()
    await held.done
  })

  it('passes redaction options to worker threads: allow-list and pseudonyms stable within a conversation', async () => {
    await insert(backend.db, [
      ...turn('a', 1, 'write to support@mylabel.com or fan@gmail.com', 'ok'),
      ...turn('a', 3, 'again: fan@gmail.com', 'noted'),
    ])
    const result = await run({redactor: undefined, workers: 1, redaction: {allow: ['mylabel.com'], placeholder: 'pseudonym', pseudonymKey: 'test-key-123'}})
    const [example] = await readLines(result.dailyFile!)
    const [first, , second] = example.messages.map((message) => message.content)
    const token = /\[EMAIL_[0-9a-f]+\]/.exec(first)?.[0]
    assert.ok(first.startsWith('write to support@mylabel.com or [EMAIL_'), first)
    assert.equal(second, `again: ${token}`)
  })

  it('leaves out examples whose prompt is in the gold set', async () => {
    await insert(backend.db, [...turn('a', 1, 'What BPM is House??', 'x'), ...turn('b', 2, 'Something else', 'y')])
    const result = await run({goldKeys: new Set(['what bpm is house'])})
    assert.equal(result.skipped.gold_prompt, 1)
    assert.deepEqual((await readLines(result.dailyFile!)).map((example) => example.messages[0].content), ['Something else'])
  })
})

async function snapshot(directory: string): Promise<Record<string, string>> {
  const entries: Record<string, string> = {}
  for (const name of (await fs.readdir(directory)).sort()) entries[name] = await fs.readFile(path.join(directory, name), 'utf8')
  return entries
}
