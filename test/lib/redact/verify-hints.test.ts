import assert from 'node:assert/strict'
import fc from 'fast-check'
import {AT, DIGIT_DOT_DIGIT, FOUR_DIGITS, IBAN_START, INNER_DOT_BIT, IP, PHONE_START, SCHEME, SSN_START, TWO_COLONS, ipMatches, textFeatures} from '../../../src/lib/redact/verify-hints.js'

// Texts dense in what the hints look at: digits, hex letters, separators, '%', '@', white space.
const text = fc.array(fc.constantFrom(...'0123456789abcdefgxzAFGZ_.:%@/+-() \t\u00a0é', '://'), {maxLength: 40}).map((parts) => parts.join(''))

const BITS: Array<[string, number, (text: string) => boolean]> = [
  ['AT', AT, (t) => t.includes('@')],
  ['SCHEME', SCHEME, (t) => t.includes('://')],
  ['INNER_DOT_BIT', INNER_DOT_BIT, (t) => /\S\.[^\s.]/.test(t)],
  ['DIGIT_DOT_DIGIT', DIGIT_DOT_DIGIT, (t) => /\d\.\d/.test(t)],
  ['TWO_COLONS', TWO_COLONS, (t) => t.split(':').length > 2],
  ['FOUR_DIGITS', FOUR_DIGITS, (t) => /\d{4}/.test(t)],
  ['IBAN_START', IBAN_START, (t) => /[A-Za-z]{2}\d\d/.test(t)],
  ['SSN_START', SSN_START, (t) => /\d{3}[- ]\d\d[- ]\d{4}/.test(t)],
  ['PHONE_START', PHONE_START, (t) => /\d[ .\-/)]\(?\d|\+\d|\d{8}/.test(t)],
]

describe('redact/verify-hints', () => {
  for (const [name, bit, stands] of BITS) {
    it(`${name} is set exactly when its test holds`, () => {
      fc.assert(fc.property(text, (t) => ((textFeatures(t) & bit) !== 0) === stands(t)), {numRuns: 3000})
    })
  }

  it('the shared scans still tell the rare numbers apart', () => {
    assert.equal(textFeatures('card 41111111'), FOUR_DIGITS | PHONE_START)
    assert.equal(textFeatures('card 4111'), FOUR_DIGITS)
    assert.equal(textFeatures('GB82 WEST'), IBAN_START)
    assert.equal(textFeatures('536-22-1234'), SSN_START | PHONE_START | FOUR_DIGITS)
    assert.equal(textFeatures('536 22'), PHONE_START)
    assert.equal(textFeatures('v1.2'), PHONE_START | DIGIT_DOT_DIGIT | INNER_DOT_BIT)
  })

  it('ipMatches finds what a global scan of the IP pattern finds', () => {
    const scan = (t: string) => [...t.matchAll(IP)].map((m) => ({value: m[0], index: m.index}))
    fc.assert(fc.property(text, (t) => assert.deepEqual([...ipMatches(t)], scan(t))), {numRuns: 5000})
    for (const t of ['fe80::1%eth0 and 10.0.0.1', 'a%1.2.3.4', 'x_1.2.3.4 ::1 12:30:00.', 'ff.ee:dd%cc.1', '%%.:%.']) assert.deepEqual([...ipMatches(t)], scan(t), t)
  })
})
