import assert from 'node:assert/strict'
import fc from 'fast-check'
import {getCountries, getExampleNumber} from 'libphonenumber-js/max'
import examples from 'libphonenumber-js/mobile/examples'
import {createRedactor, isLuhnValid, type PiiType} from '../../../src/lib/redact/index.js'

const redactor = createRedactor()
const pick = <T>(...xs: T[]) => fc.constantFrom(...xs)
const word = fc.stringMatching(/^[a-z]{1,10}$/)
const label = fc.stringMatching(/^[a-z][a-z0-9]{1,12}$/)
const digits = (n: number) => fc.array(fc.integer({min: 0, max: 9}), {minLength: n, maxLength: n}).map((d) => d.join(''))

// Generated entities, each with its type.
const email = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9._+-]{0,15}[a-z0-9]$/), label, pick('com', 'io', 'co.uk', 'de', 'music', 'studio', 'xyz'))
  .filter(([local]) => !local.includes('..')).map(([l, d, t]) => `${l}@${d}.${t}`)
// libphonenumber's example number of every region, written internationally and in E.164.
const phone = fc.constantFrom(
  ...getCountries().flatMap((region) => {
    const example = getExampleNumber(region, examples)
    return example === undefined ? [] : [example.formatInternational(), example.number]
  }),
)
const url = fc.tuple(pick('https://', 'http://', 'www.', ''), label, pick('com', 'net', 'org', 'io', 'ee', 'fm'), fc.array(fc.stringMatching(/^[a-zA-Z0-9_-]{1,8}$/), {minLength: 1, maxLength: 3}))
  .map(([scheme, host, tld, path]) => `${scheme}${host}.${tld}/${path.join('/')}`)
const handle = fc.stringMatching(/^[a-z][a-z0-9_]{1,12}[a-z0-9]$/).map((h) => `@${h}`)
const ipv4 = fc.tuple(fc.integer({min: 1, max: 255}), fc.integer({min: 0, max: 255}), fc.integer({min: 0, max: 255}), fc.integer({min: 1, max: 254})).map((o) => o.join('.'))
const card = fc.tuple(pick('4', '51', '55', '2221', '6011'), digits(14)).map(([p, rest]) => {
  const body = (p + rest).slice(0, 15)
  for (let check = 0; check <= 9; check++) if (isLuhnValid(body + check)) return body + check
  throw new Error('unreachable')
}).chain((n) => pick(n, n.replace(/(\d{4})(?=\d)/g, '$1 '), n.replace(/(\d{4})(?=\d)/g, '$1-')))
const ssn = fc.tuple(fc.integer({min: 1, max: 899}).filter((a) => a !== 666), fc.integer({min: 1, max: 99}), fc.integer({min: 1, max: 9999}))
  .map(([a, g, s]) => `${String(a).padStart(3, '0')}-${String(g).padStart(2, '0')}-${String(s).padStart(4, '0')}`)

const entity = fc.oneof(
  email.map((v) => ['EMAIL', v] as const), phone.map((v) => ['PHONE', v] as const), url.map((v) => ['URL', v] as const),
  handle.map((v) => ['HANDLE', v] as const), ipv4.map((v) => ['IP', v] as const), card.map((v) => ['CARD', v] as const), ssn.map((v) => ['SSN', v] as const),
)
// Filler text: words, emoji, non-Latin, clean numbers; never glued to the entity.
const filler = fc.array(fc.oneof(word, pick('🎧', '👩🏽‍🎤', '🇯🇵', 'мелодия', '音楽', '128 BPM', 'at 9:30', '-14 LUFS', '$20', 'v1.2.3', '#1', 'e.g.', 'Node.js', 'notes.md')), {maxLength: 8}).map((w) => w.join(' '))
const before = pick(' ', ': ', ' (', ' "', ' <')
const after = pick(' ', '. ', ', ', ') ', '" ', '> ', '! ')

describe('redact: properties', () => {
  it('finds a generated entity inserted anywhere in generated text, with its type and exact span', () => {
    fc.assert(fc.property(filler, before, entity, after, filler, (head, open, [type, value], close, tail) => {
      const prefix = `${head}${open}`
      const text = `${prefix}${value}${close}${tail}`
      const found = redactor.find(text).filter((f) => f.type === (type as PiiType))
      assert.ok(found.some((f) => f.start === prefix.length && f.value === value), `${type} ${JSON.stringify(value)} in ${JSON.stringify(text)}: ${JSON.stringify(redactor.find(text))}`)
    }), {numRuns: 2000, seed: 42})
  })

  it('leaves the filler text alone and verify finds nothing after redaction', () => {
    fc.assert(fc.property(filler, entity, filler, (head, [, value], tail) => {
      const text = `${head} ${value} ${tail}`
      const result = redactor.redact(text)
      assert.ok(result.text.startsWith(head) && result.text.endsWith(tail), JSON.stringify([text, result.text]))
      assert.deepEqual(redactor.verify(result.text), [])
    }), {numRuns: 1000, seed: 7})
  })

  it('never throws and never grows text without findings, on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({unit: 'binary', maxLength: 300}), (text) => {
      const result = redactor.redact(text)
      if (result.total === 0) assert.equal(result.text, text)
      redactor.verify(result.text)
    }), {numRuns: 3000, seed: 1})
  })

  it('never throws on strings made of the characters PII is built from', () => {
    const alphabet = fc.constantFrom(...'0123456789@:.+-()/ abcdefxXw_[]%#\uD800\u0000é'.split(''))
    fc.assert(fc.property(fc.array(alphabet, {maxLength: 120}).map((a) => a.join('')), (text) => {
      const result = redactor.redact(text)
      assert.equal(typeof result.text, 'string')
      for (const f of redactor.find(text)) assert.equal(text.slice(f.start, f.end), f.value)
    }), {numRuns: 3000, seed: 3})
  })
})
