import assert from 'node:assert/strict'
import {sanitizeText} from '../../../src/lib/export/text.js'

describe('export/text', () => {
  it('replaces lone surrogates and removes control characters, keeping tabs and newlines', () => {
    assert.equal(sanitizeText('a\uD800b\uDC00c'), 'a\uFFFDb\uFFFDc')
    assert.equal(sanitizeText('bell\u0007 nul-ish\u0001 del\u007F\tok\nnext'), 'bell nul-ish del\tok\nnext')
  })

  it('returns the very same string when nothing needs fixing (emoji, ZWJ, non-Latin)', () => {
    const text = '👩‍👩‍👧 🇯🇵 こんにちは — Привет'
    assert.equal(sanitizeText(text), text)
    const lines = 'one\ttwo\r\nthree\n'
    assert.equal(sanitizeText(lines), lines)
    assert.equal(sanitizeText('tab\tthen C1\u0085 and\u009F'), 'tab\tthen C1 and')
  })
})
