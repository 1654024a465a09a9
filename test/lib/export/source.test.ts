import assert from 'node:assert/strict'
import {connectServer} from '../../../src/lib/db/connection.js'
import {decodeSourceRows} from '../../../src/lib/export/copy-text.js'
import {admitMessage, groupConversations, streamCopyBatches, streamCursorBatches, type SourceBatch, type SourceConversation, type SourceRow} from '../../../src/lib/export/source.js'
import {describeOnBothBackends} from '../../support/backends.js'

const WINDOW = {start: new Date('2026-11-20T00:00:00Z'), end: new Date('2026-11-21T00:00:00Z')}
// Larger than a COPY batch (512 KB), with characters COPY escapes.
const BIG = 'x\t\\y\n'.repeat(300_000)

function conversationsOf(batch: SourceBatch): SourceConversation[] {
  if (!('copyText' in batch)) return batch.conversations
  const rows: SourceRow[] = []
  decodeSourceRows(batch.copyText, (row) => rows.push(row))
  return groupConversations(rows)
}

async function collect(batches: AsyncIterable<SourceBatch>): Promise<{count: number; conversations: SourceConversation[]}> {
  let count = 0
  const conversations: SourceConversation[] = []
  for await (const batch of batches) {
    count += 1
    conversations.push(...conversationsOf(batch))
  }
  return {count, conversations}
}

describeOnBothBackends('export/source', (backend) => {
  const ids = Array.from({length: 3000}, (_, index) => `c${String(index).padStart(5, '0')}`)

  before(async function () {
    this.timeout(60_000)
    // Stored answer first: the reader must order by time, not by id or place on disk.
    const rows = ids.flatMap((id, index) => [
      {conversation_id: id, user_id: null, role: 'assistant', content: `answer to ${id}`, created_at: new Date(WINDOW.start.getTime() + index * 1000 + 500)},
      {conversation_id: id, user_id: `u${index % 7}`, role: 'user', content: id === 'c01500' ? BIG : `question\tof ${id} with a \\ and\na newline ${'é'.repeat(80)}`, created_at: new Date(WINDOW.start.getTime() + index * 1000)},
    ])
    for (let start = 0; start < rows.length; start += 1000) {
      await backend.db.sql`insert into conversation_messages ${backend.db.sql(rows.slice(start, start + 1000), 'conversation_id', 'user_id', 'role', 'content', 'created_at')}`
    }
  })

  function assertWholeAndInOrder(conversations: SourceConversation[]): void {
    assert.deepEqual(conversations.map((conversation) => conversation.conversationId), ids)
    for (const conversation of conversations) assert.deepEqual(conversation.rows.map((row) => row.role), ['user', 'assistant'])
    const big = conversations[1500].rows[0]
    assert.equal(big.content, BIG)
    assert.equal(conversations[7].rows[0].content, `question\tof c00007 with a \\ and\na newline ${'é'.repeat(80)}`)
    assert.deepEqual([...conversations[8].userIds], ['u1'])
  }

  it('reads whole conversations in order through a cursor in a transaction', async () => {
    const {count, conversations} = await backend.db.sql.begin((tx) => collect(streamCursorBatches(tx, WINDOW)))
    assertWholeAndInOrder(conversations)
    assert.ok(count > 1, `${count} batches`)
  })

  it('streams COPY text in batches that never split a conversation, even one larger than a batch', async function () {
    if (backend.db.server === undefined) this.skip()
    const sql = connectServer(backend.db.server!, 1)
    try {
      const {count, conversations} = await collect(streamCopyBatches(sql, WINDOW))
      assertWholeAndInOrder(conversations)
      assert.ok(count >= 2, `${count} batches`)
    } finally {
      await sql.end()
    }
  })

  it('fails, rather than waits for ever, when the server ends the connection midway through COPY', async function () {
    if (backend.db.server === undefined) this.skip()
    this.timeout(30_000)
    // Far more than socket buffers hold, so the server is still sending when it is stopped.
    const window = {start: new Date('2026-11-22T00:00:00Z'), end: new Date('2026-11-23T00:00:00Z')}
    const rows = Array.from({length: 40}, (_, index) => ({conversation_id: `big${index}`, role: 'user', content: 'z'.repeat(600_000), created_at: new Date(window.start.getTime() + index)}))
    await backend.db.sql`insert into conversation_messages ${backend.db.sql(rows, 'conversation_id', 'role', 'content', 'created_at')}`
    const sql = connectServer(backend.db.server!, 1)
    try {
      const [{pid}] = await sql<{pid: number}[]>`select pg_backend_pid() as pid`
      let batches = 0
      await assert.rejects(async () => {
        for await (const _batch of streamCopyBatches(sql, window)) {
          batches += 1
          if (batches === 1) await backend.db.sql`select pg_terminate_backend(${pid})`
        }
      })
      assert.ok(batches < rows.length, `${batches} batches`)
    } finally {
      await sql.end({timeout: 1})
      await backend.db.sql`delete from conversation_messages where conversation_id like 'big%'`
    }
  })
})

describe('export/source admitMessage', () => {
  const row = (content: string | null) => ({conversation_id: 'c', user_id: null, role: 'user', content, has_image: false, parts_text: null})

  it('calls content empty when only white space or control characters are left', () => {
    for (const content of [null, '', ' \t\n', '\u3000\uFEFF\u00A0\u2028', '\u0007\u0001', ' \u0085 ']) assert.deepEqual(admitMessage(row(content)), {ok: false, reason: 'empty_content'}, JSON.stringify(content))
  })

  it('keeps text with anything visible, untrimmed', () => {
    assert.deepEqual(admitMessage(row(' \u3000x ')), {ok: true, role: 'user', content: ' \u3000x ', sanitized: false, plain: true})
    assert.deepEqual(admitMessage(row('a\u0007')), {ok: true, role: 'user', content: 'a', sanitized: true, plain: false})
  })
})
