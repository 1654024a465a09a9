import assert from 'node:assert/strict'
import {copyHeaderLength, copyTupleEnd, decodeConversations} from '../../../src/lib/export/copy-binary.js'
import {copyHeader, COPY_TRAILER, encodeConversationTuples} from '../../support/copy-tuples.js'

describe('export/copy-binary', () => {
  it('decodes conversations: message order, nulls, images, parts text, user ids', () => {
    const tuples = encodeConversationTuples([
      {id: 'c1', messages: [
        {user_id: 'u1', role: 'user', content: 'line one\nline two\t\\ back'},
        {user_id: null, role: 'assistant', content: null, has_image: true, parts_text: 'parts \\N text'},
        {user_id: 'u2', role: 'user', content: ''},
      ]},
      {id: 'c2', messages: [{user_id: 'u1', role: 'system', content: 'Přílišé 👩‍👩‍👧 こんにちは'}]},
    ])
    const conversations = [...decodeConversations(tuples)]
    assert.deepEqual(conversations.map(({conversationId, userIds}) => [conversationId, [...userIds]]), [['c1', ['u1', 'u2']], ['c2', ['u1']]])
    assert.deepEqual(conversations[0].rows, [
      {conversation_id: 'c1', user_id: 'u1', role: 'user', content: 'line one\nline two\t\\ back', has_image: false, parts_text: null},
      {conversation_id: 'c1', user_id: null, role: 'assistant', content: null, has_image: true, parts_text: 'parts \\N text'},
      {conversation_id: 'c1', user_id: 'u2', role: 'user', content: '', has_image: false, parts_text: null},
    ])
    assert.equal(conversations[1].rows[0].content, 'Přílišé 👩‍👩‍👧 こんにちは')
  })

  it('decodes a view into a larger buffer', () => {
    const tuples = encodeConversationTuples([{id: 'c3', messages: [{user_id: 'u', role: 'user', content: 'héllo'}]}])
    const padded = new Uint8Array(tuples.length + 7)
    padded.set(tuples, 3)
    assert.equal([...decodeConversations(padded.subarray(3, 3 + tuples.length))][0].rows[0].content, 'héllo')
  })

  it('refuses tuples that are not of the conversation query', () => {
    const tuples = Buffer.from(encodeConversationTuples([{id: 'c4', messages: [{user_id: 'u', role: 'user', content: 'x'}]}]))
    tuples.writeInt16BE(5, 0)
    assert.throws(() => [...decodeConversations(tuples)], /5 fields, not 6/)
  })

  it('finds where each tuple ends, and when one is still incomplete', () => {
    const one = Buffer.from(encodeConversationTuples([{id: 'a', messages: [{user_id: 'u', role: 'user', content: 'text of a'}]}]))
    const bytes = Buffer.concat([one, one, COPY_TRAILER])
    assert.equal(copyTupleEnd(bytes, 0, bytes.length), one.length)
    assert.equal(copyTupleEnd(bytes, one.length, bytes.length), 2 * one.length)
    assert.equal(copyTupleEnd(bytes, 2 * one.length, bytes.length), 'trailer')
    for (let end = one.length; end < 2 * one.length; end += 1) assert.equal(copyTupleEnd(bytes, one.length, end), undefined, `cut at ${end}`)
  })

  it('reads the header, with its extension area, once it is complete', () => {
    const header = copyHeader(5)
    assert.equal(copyHeaderLength(header, header.length), header.length)
    assert.equal(copyHeaderLength(header, header.length - 1), undefined)
    assert.equal(copyHeaderLength(header, 10), undefined)
    assert.throws(() => copyHeaderLength(Buffer.from('c1\tu1\tuser\thello\tf\t\\N\n'), 22), /not in binary format/)
  })
})
