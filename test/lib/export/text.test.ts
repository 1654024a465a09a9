import assert from 'node:assert/strict'
import fs from 'node:fs'
import fc from 'fast-check'
import {createRedactor} from '../../../src/lib/redact/index.js'
import {isPlainText, sanitizeText} from '../../../src/lib/export/text.js'

const INDEPENDENT = new URL('../../fixtures/redact/independent/', import.meta.url)

function fixtureTexts(file: string): string[] {
  return fs.readFileSync(new URL(file, INDEPENDENT), 'utf8').split('\n').filter((line) => line !== '').map((line) => (JSON.parse(line) as {text: string}).text)
}

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

  it('calls text plain only when sanitising leaves it alone and JSON writes it unescaped', () => {
    const special = ['"', '\\', '\n', '\t', '\u0000', '\u001f', '\u007f', '\u0085', '\u009f', '\uD83D', '\uDE00', '😀', '\u2028', 'é', 'a', ' ', '/']
    const text = fc.array(fc.oneof(fc.constantFrom(...special), fc.string({unit: 'binary', maxLength: 3})), {maxLength: 12}).map((parts) => parts.join(''))
    fc.assert(fc.property(text, (value) => {
      const unchanged = sanitizeText(value) === value && JSON.stringify(value) === `"${value}"`
      // Plain implies both; the converse fails only for astral characters, which plain leaves to the slow path.
      if (isPlainText(value)) assert.ok(unchanged, JSON.stringify(value))
      else if (unchanged) assert.match(value, /[\uD800-\uDFFF]/)
    }), {numRuns: 5000, seed: 15})
  })

  it('keeps redacted text plain: placeholders add nothing to escape (independent multilingual and positive lines)', () => {
    const texts = [...fixtureTexts('multilingual.jsonl'), ...fixtureTexts('positives.jsonl')].filter(isPlainText)
    assert.ok(texts.length > 1000, `only ${texts.length} plain fixture lines`)
    for (const redactor of [createRedactor(), createRedactor({placeholder: 'pseudonym', pseudonymKey: 'k'})]) {
      let changed = 0
      for (const text of texts) {
        const redacted = redactor.redact(text, 'c1').text
        if (redacted !== text) changed += 1
        assert.ok(isPlainText(redacted), redacted)
      }
      assert.ok(changed > 500, `only ${changed} lines redacted`)
    }
  })
})
