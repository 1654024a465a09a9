import assert from 'node:assert/strict'
import {getCountries, getExampleNumber, isValidPhoneNumber, parsePhoneNumberFromString, type CountryCode} from 'libphonenumber-js/max'
import examples from 'libphonenumber-js/mobile/examples'
import {mulberry32} from '../../../src/lib/evaluation/metrics/bootstrap.js'
import {createPhoneRegions, DEFAULT_PHONE_REGIONS} from '../../../src/lib/redact/phone-regions.js'

// The scanner's judge reads libphonenumber's metadata directly (its parser costs ~1 ms a call): it must
// agree with libphonenumber's own isValid() on the example number of every region and on numbers near them.
describe('redact/phone-regions', () => {
  const all = createPhoneRegions(['all'])
  const rnd = mulberry32(15)
  const near = (digits: string) => digits.slice(0, -3) + String(Math.floor(rnd() * 1000)).padStart(3, '0')

  it('judges international numbers as libphonenumber does', () => {
    const disagree: string[] = []
    for (const region of getCountries()) {
      const example = getExampleNumber(region, examples)
      if (example === undefined) continue
      for (const digits of [example.number.slice(1), near(example.number.slice(1)), near(example.number.slice(1))]) {
        const reference = parsePhoneNumberFromString(`+${digits}`)?.isValid() ?? false
        if ((all.international(digits) === 'valid') !== reference) disagree.push(digits)
      }
    }
    assert.deepEqual(disagree, [])
  })

  it('judges national numbers as libphonenumber does for the configured regions', () => {
    const regions: CountryCode[] = ['DE', 'JP', 'BR', 'IN', 'FR']
    const judge = createPhoneRegions(regions)
    const disagree: string[] = []
    for (const region of regions) {
      const national = getExampleNumber(region, examples)!.formatNational().replace(/\D/g, '')
      for (const digits of [national, near(national), near(national), near(national)]) {
        if (judge.national(digits) !== regions.some((r) => isValidPhoneNumber(digits, r))) disagree.push(`${region} ${digits}`)
      }
    }
    assert.deepEqual(disagree, [])
  })

  it('has a broad default list, takes "all", and rejects unknown regions', () => {
    assert.ok(DEFAULT_PHONE_REGIONS.length >= 60)
    const jersey = getExampleNumber('JE', examples)!.formatNational().replace(/\D/g, '')
    assert.deepEqual([createPhoneRegions(['GB']).national(jersey), createPhoneRegions(['JE']).national(jersey)], [false, true])
    assert.throws(() => createPhoneRegions(['XX']), /unknown phone region "XX"/)
  })
})
