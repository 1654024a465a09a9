import assert from 'node:assert/strict'
import {decodeSourceRows, lastConversationStart} from '../../../src/lib/export/copy-text.js'
import type {SourceRow} from '../../../src/lib/export/source.js'

const encode = (text: string) => new Uint8Array(Buffer.from(text))

function decoded(copyText: Uint8Array): SourceRow[] {
  const rows: SourceRow[] = []
  decodeSourceRows(copyText, (row) => rows.push(row))
  return rows
}

describe('export/copy-text', () => {
  it('decodes rows, nulls and every escape COPY TO writes; other escaped characters stand for themselves', () => {
    const text = 'c1\tu1\tuser\tline one\\nline two\\ttab \\\\ back\\r\\b\\f\\v \\q\tf\t\\N\n' + 'c1\t\\N\tassistant\t\\N\tt\tparts \\\\N text\n'
    assert.deepEqual(decoded(encode(text)), [
      {conversation_id: 'c1', user_id: 'u1', role: 'user', content: 'line one\nline two\ttab \\ back\r\b\f\v q', has_image: false, parts_text: null},
      {conversation_id: 'c1', user_id: null, role: 'assistant', content: null, has_image: true, parts_text: 'parts \\N text'},
    ])
  })

  it('decodes multi-byte UTF-8 and a view into a larger buffer', () => {
    const bytes = Buffer.from('xxc2\tu\tuser\tPřílišé 👩‍👩‍👧 こんにちは\tf\t\\N\n')
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset + 2, bytes.length - 2)
    assert.equal(decoded(view)[0].content, 'Přílišé 👩‍👩‍👧 こんにちは')
  })

  it('decodes ids and roles that repeat, change or only look alike', () => {
    const row = (conversation: string, user: string, role: string) => `${conversation}\t${user}\t${role}\tx\tf\t\\N\n`
    const text = [
      row('c1', 'u1', 'user'), row('c1', 'u1', 'assistant'), row('c1', '\\N', 'users'), row('c1', 'u2', 'use'), row('c1', 'u3', 'usex'),
      row('c2', 'u2', 'tool'), row('c3', 'u2', 'Tool'), row('c3', 'u\\t', 'system'), row('c3', 'u\\t', 'assistant_'), row('c\\n', 'u1', ''),
    ].join('')
    const fields = decoded(encode(text)).map((r) => [r.conversation_id, r.user_id, r.role])
    assert.deepEqual(fields, [
      ['c1', 'u1', 'user'], ['c1', 'u1', 'assistant'], ['c1', null, 'users'], ['c1', 'u2', 'use'], ['c1', 'u3', 'usex'],
      ['c2', 'u2', 'tool'], ['c3', 'u2', 'Tool'], ['c3', 'u\t', 'system'], ['c3', 'u\t', 'assistant_'], ['c\n', 'u1', ''],
    ])
  })

  it('finds where the last conversation begins among the complete lines', () => {
    const rows = (ids: string[]) => ids.map((id) => `${id}\tu\tuser\ttext of ${id}\tf\t\\N\n`).join('')
    const text = rows(['a', 'a', 'b', 'b', 'b'])
    assert.equal(lastConversationStart(Buffer.from(text)), rows(['a', 'a']).length)
    assert.equal(lastConversationStart(Buffer.from(`${text}b\tu\tus`)), rows(['a', 'a']).length, 'a partial line after the last newline is ignored')
    assert.equal(lastConversationStart(Buffer.from(`${text}c\tu\tus`)), rows(['a', 'a']).length)
    assert.equal(lastConversationStart(Buffer.from(rows(['b', 'b']))), 0, 'one conversation: no cut')
    assert.equal(lastConversationStart(Buffer.from('b\tu\tpartial')), 0)
    assert.equal(lastConversationStart(Buffer.from(rows(['ab', 'b']))), rows(['ab']).length, 'ids compared whole, not by suffix')
  })
})
