import assert from 'node:assert/strict'
import {findSuspects, markFinds, maskShape, quarantineExample} from '../../../src/lib/export/quarantine.js'
import {createRedactor} from '../../../src/lib/redact/index.js'

// Values from sources nobody here wrote: libphonenumber's example numbers (JP mobile 90-1234-5678,
// KR mobile 10-2000-0000), RFC 5737's documentation addresses, RFC 5322 Appendix A's mailboxes.
describe('quarantine (what an example held back keeps)', () => {
  const redactor = createRedactor()

  it('masks a value to its shape: digits, letters and other scripts, separators kept, UTF-16 length kept', () => {
    for (const [value, shape] of [
      ['+81 90-1234-5678', '+99 99-9999-9999'],
      ['Mary.Smith@example.net', 'Aaaa.Aaaaa@aaaaaaa.aaa'],
      ['мелеуз.москва', 'xxxxxx.xxxxxx'],
      ['＋８１ ９０－９０９５', '＋９９ ９９－９９９９'],
      ['𝟘𝟙𝐀', '９９９９xx'],
    ]) {
      assert.equal(maskShape(value), shape)
      assert.equal(maskShape(value).length, value.length)
    }
  })

  it('finds suspects in user and assistant messages, never the system prompt, with message index and offsets', () => {
    const messages = [
      {role: 'system' as const, content: 'Write to mary@example.net for help.'},
      {role: 'user' as const, content: '電話は+81 90-1234-5678です'},
      {role: 'assistant' as const, content: 'わかりました。'},
      {role: 'user' as const, content: '服务器在192.0.2.33。'},
      {role: 'assistant' as const, content: '好的'},
    ]
    assert.deepEqual(findSuspects(messages, redactor), [
      {message: 1, type: 'PHONE', start: 3, end: 19},
      {message: 3, type: 'IP', start: 4, end: 14},
    ])
    assert.equal(findSuspects(messages.slice(0, 1).concat(messages[2]), redactor), undefined)
  })

  it('keeps the example with every find masked and no found value anywhere in it', () => {
    const messages = [
      {role: 'user' as const, content: '내 번호는 +82 10-2000-0000이에요, 服务器在192.0.2.33。'},
      {role: 'assistant' as const, content: 'Mary Smith <mary@example.net> fragen'},
    ]
    const finds = findSuspects(messages, redactor)!
    const kept = quarantineExample('c-7', 2, ['u1'], messages, finds)
    assert.deepEqual(kept.messages.map((message) => message.content), [
      '내 번호는 +99 99-9999-9999이에요, 服务器在999.9.9.99。',
      'Mary Smith <aaaa@aaaaaaa.aaa> fragen',
    ])
    assert.deepEqual([kept.conversationId, kept.exampleIndex, kept.userIds, kept.finds], ['c-7', 2, ['u1'], finds])
    const stored = JSON.stringify(kept)
    for (const value of ['10-2000-0000', '192.0.2.33', 'mary@example.net']) assert.ok(!stored.includes(value), value)
  })

  it('marks the finds of a kept message for review, by their offsets', () => {
    const content = '내 번호는 +99 99-9999-9999이에요'
    assert.equal(markFinds(content, [{message: 0, type: 'PHONE', start: 6, end: 22}], (type, masked) => `⟦${type} ${masked}⟧`), '내 번호는 ⟦PHONE +99 99-9999-9999⟧이에요')
  })
})
