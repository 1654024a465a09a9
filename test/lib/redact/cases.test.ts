import assert from 'node:assert/strict'
import {createRedactor, redactText} from '../../../src/lib/redact/index.js'

const redact = (text: string) => redactText(text).text

describe('redact: rules for ambiguous cases', () => {
  const cases: [string, string][] = [
    ['mail <anna@example.com>, "bo@x.io" or mailto:cy@x.org', 'mail <[EMAIL]>, "[EMAIL]" or mailto:[EMAIL]'],
    ['see https://en.wikipedia.org/wiki/Foo_(band).', 'see [URL].'],
    ['[EPK](https://x.com/epk) and <https://y.com>', '[EPK]([URL]) and <[URL]>'],
    ['linktr.ee/jane, www.jane.com and jane.com', '[URL], [URL] and [URL]'],
    ['index.ts, notes.md, song.mp3, Node.js, e.g. ASP.NET', 'index.ts, notes.md, song.mp3, Node.js, e.g. ASP.NET'],
    ['on Spotify.com and last.fm; open.spotify.com/artist/1', 'on [URL] and [URL]; [URL]'],
    ['@jane.doe, @dj@mastodon.social, meet @ 9pm or @9pm, @everyone', '[HANDLE], [HANDLE], meet @ 9pm or @9pm, @everyone'],
    ['10.0.0.1 vs v1.2.3.4, version 1.2.3.4, build 10.0.0.1', '[IP] vs v1.2.3.4, version 1.2.3.4, build 10.0.0.1'],
    ['fe80::1%eth0, ::ffff:192.0.2.1, std::cout, 12:34:56', '[IP], [IP], std::cout, 12:34:56'],
    ['4111 1111 1111 1111 ok, 4111 1111 1111 1112 not', '[CARD] ok, 4111 1111 1111 1112 not'],
    ['SSN 536-22-1234, format 000-00-0000, 666-12-3456', 'SSN [SSN], format 000-00-0000, 666-12-3456'],
    ['bare 536221234 stays, but SSN: 536221234 goes', 'bare 536221234 stays, but SSN: [SSN] goes'],
    ['order 4155550123 stays, call me on 4155550123', 'order 4155550123 stays, call me on [PHONE]'],
    ['2024-05-17 at 12:30, $1,299.99, 1.234.567 streams', '2024-05-17 at 12:30, $1,299.99, 1.234.567 streams'],
    ['+44 (0)20 7946 0958 ext. 12; tel:+14155550100', '[PHONE]; tel:[PHONE]'],
    ['GB82 WEST 1234 5698 7654 32 then GB82 WEST 1234 5698 7654 33', '[IBAN] then GB82 WEST 1234 5698 7654 33'],
    // The scan skips the rest of a word, and digits continuing a number, after a number that is no finding.
    ['sha ae0b2a7fbf7cf40a, uuid 8bdc4f84-9b77-4641-a8e9-de0ae8433d71 then 10.0.0.1', 'sha ae0b2a7fbf7cf40a, uuid 8bdc4f84-9b77-4641-a8e9-de0ae8433d71 then [IP]'],
    ['1Z28DWXD1ALREUSBJQ and DE89 3704 0044 0532 0130 00, abc12def 4111 1111 1111 1111', '1Z28DWXD1ALREUSBJQ and [IBAN], abc12def [CARD]'],
    ['-32.2042, 13.7196 or 8,033,514.33 via 10.0.0.1', '-32.2042, 13.7196 or 8,033,514.33 via [IP]'],
  ]
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => assert.equal(redact(input), expected))
  }
})

describe('redact: the families issue 15 found failing (text nobody here wrote)', () => {
  const cases: [string, string][] = [
    ['電話は+49 30 59358436です', '電話は[PHONE]です'],
    ['服务器在165.63.217.129。', '服务器在[IP]。'],
    ['カード3773-933425-60343で払って', 'カード[CARD]で払って'],
    ['インスタは@q1okco70です', 'インスタは[HANDLE]です'],
    ['メールはmona@gmail.comまで', 'メールは[EMAIL]まで'],
    ['＋８１ ９０－９０９５－６９６１に電話', '[PHONE]に電話'],
    ['call 0812345678 or (215)331-1620', 'call [PHONE] or [PHONE]'],
    ['mobile 912-345-678, Festnetz 030 4388021', 'mobile [PHONE], Festnetz [PHONE]'],
    ['携帯は090-4722-2342です', '携帯は[PHONE]です'],
    ["write o'brien.mixes@example.com or a&r@label.com", 'write [EMAIL] or [EMAIL]'],
    ['perky-traditionalism.frl, shop.lutsk.ua, мелеуз.москва', '[URL], [URL], [URL]'],
    ['see mycompany.health/patient/123', 'see [URL]'],
    ['his social is 536221234', 'his social is [SSN]'],
    ['logic 192.168.1.20', 'logic [IP]'],
  ]
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => assert.equal(redact(input), expected))
  }

  it('leaves configured public domains named bare, and redacts them with a path', () => {
    const redactor = createRedactor({publicDomains: ['spotify.com', 'last.fm']})
    assert.equal(redactor.redact('on Spotify.com and last.fm; open.spotify.com/artist/1').text, 'on Spotify.com and last.fm; [URL]')
  })

  it('maps findings in full-width text back to the original characters', () => {
    const text = 'ＴＥＬ：０３－１２３４－５６７８まで'
    const [finding] = createRedactor().find(text)
    assert.deepEqual([finding.type, finding.value, text.slice(finding.start, finding.end)], ['PHONE', '０３－１２３４－５６７８', '０３－１２３４－５６７８'])
  })

  it('rejects an unknown phone region', () => {
    assert.throws(() => createRedactor({phoneRegions: ['ZZ']}), /unknown phone region "ZZ"/)
  })
})

describe('redact: options', () => {
  it('counts per type and in total', () => {
    const result = redactText('a@b.co, c@d.co, +1 415 555 0100')
    assert.deepEqual(result, {text: '[EMAIL], [EMAIL], [PHONE]', counts: {EMAIL: 2, PHONE: 1}, total: 3})
  })

  it('returns the input unchanged (same string) when nothing is found', () => {
    const text = 'nothing to see here'
    assert.equal(redactText(text).text, text)
    assert.deepEqual(redactText(text), {text, counts: {}, total: 0})
  })

  it('redacts only the selected types', () => {
    const redactor = createRedactor({types: ['EMAIL']})
    assert.equal(redactor.redact('a@b.co +1 415 555 0100').text, '[EMAIL] +1 415 555 0100')
  })

  it('rejects unknown types', () => {
    assert.throws(() => createRedactor({types: ['NAME' as never]}), /unknown PII type "NAME"/)
  })

  it('leaves allow-listed values and domains (with subdomains) in place', () => {
    const redactor = createRedactor({allow: ['label.com', '@ourlabel', '+1 800 555 0199']})
    const text = 'press@label.com, a@eu.label.com, https://shop.label.com/x, @ourlabel, +1 800 555 0199, b@other.com, @fan'
    assert.equal(redactor.redact(text).text, 'press@label.com, a@eu.label.com, https://shop.label.com/x, @ourlabel, +1 800 555 0199, [EMAIL], [HANDLE]')
    assert.deepEqual(redactor.verify(text).map((f) => f.value), ['b@other.com', '@fan'])
  })

  it('pseudonyms are stable within a scope, differ across scopes and keys, and hide the value', () => {
    const a = createRedactor({placeholder: 'pseudonym', pseudonymKey: 'k1'})
    const b = createRedactor({placeholder: 'pseudonym', pseudonymKey: 'k2'})
    const text = 'Anna@Example.com wrote anna@example.com; call +1 (415) 555-0100'
    const one = a.redact(text, 'conv-1').text
    const [first = '', second, phone = ''] = one.match(/\[[A-Z]+_[0-9a-f]{6}\]/g) ?? []
    assert.match(first, /^\[EMAIL_[0-9a-f]{6}\]$/)
    assert.equal(first, second, 'same address (case-insensitive) → same token')
    assert.match(phone, /^\[PHONE_[0-9a-f]{6}\]$/)
    assert.equal(a.redact(text, 'conv-1').text, one)
    assert.notEqual(a.redact(text, 'conv-2').text, one)
    assert.notEqual(b.redact(text, 'conv-1').text, one)
    assert.ok(!one.includes('anna') && !one.includes('555'))
    assert.deepEqual(a.verify(one), [])
  })

  it('requires a key for pseudonyms', () => {
    assert.throws(() => createRedactor({placeholder: 'pseudonym'}), /need a key/)
  })

  it('find reports type, span and value', () => {
    const text = 'x +44 20 7946 0958 y'
    assert.deepEqual(createRedactor().find(text), [{type: 'PHONE', start: 2, end: 18, value: '+44 20 7946 0958'}])
  })
})

describe('redact: robustness', () => {
  it('never throws on lone surrogates and control characters, and keeps them', () => {
    const text = 'a\uD800b \uDC00 c@d.io \u0000\u0007\u001b[31m +1 415 555 0100 \uFFFF\u202E'
    const result = redactText(text)
    assert.equal(result.text, 'a\uD800b \uDC00 [EMAIL] \u0000\u0007\u001b[31m [PHONE] \uFFFF\u202E')
  })

  it('handles a 1 MB line (digits, dots and @ everywhere)', () => {
    const chunk = 'v1.2.3 at 12:30 @ 9pm, mail a.b@c.io 4111 1111 1111 1111 ... 2024-05-17 '
    const text = chunk.repeat(Math.ceil(1_000_000 / chunk.length))
    const result = redactText(text)
    const n = Math.ceil(1_000_000 / chunk.length)
    assert.deepEqual(result.counts, {EMAIL: n, CARD: n})
  })

  it('handles pathological runs without blowing up', () => {
    for (const text of ['1'.repeat(200_000), '.'.repeat(200_000), '@'.repeat(200_000), 'a.'.repeat(100_000), ':'.repeat(200_000), '1.'.repeat(100_000), 'a@'.repeat(100_000), '1 '.repeat(100_000)]) {
      assert.equal(typeof redactText(text).text, 'string')
    }
  })

  it('returns non-strings as empty findings instead of throwing', () => {
    assert.deepEqual(createRedactor().find(undefined as unknown as string), [])
  })
})
