import {isIbanValid, isLuhnValid, isSsnValid} from './checksums.js'
import {hasSsnContext} from './context.js'
import {isDigitAt, isWordChar} from './chars.js'
import {span, type Span} from './span.js'

// Cards: 4-4-4-4(-1..3), Amex/Diners 4-6-5 and 4-6-4, or 13-19 digits unbroken.
const CARD = /\d{4}(?:([ -])\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?|([ -])\d{6}\2\d{4,5}|\d{9,15})/y
const SSN = /(\d{3})([- ])(\d{2})\2(\d{4})|(\d{3})(\d{2})(\d{4})/y
const IBAN = /[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,3})?/y

/** A Luhn-valid payment card number starting at `start` with a plausible issuer prefix for its length. */
export function matchCard(text: string, start: number): Span | null {
  CARD.lastIndex = start
  const m = CARD.exec(text)
  if (m === null) return null
  // 4-4-4-4 followed by a short group may be a card and an unrelated number: try both.
  const candidates = m[1] !== undefined && m[0].length > 19 ? [m[0], m[0].slice(0, 19)] : [m[0]]
  for (const candidate of candidates) {
    const end = start + candidate.length
    if (!isNumberEnd(text, end)) continue
    const digits = candidate.replace(/[ -]/g, '')
    if (hasIssuerPrefix(digits) && isLuhnValid(digits)) return span('CARD', start, end)
  }
  return null
}

function hasIssuerPrefix(digits: string): boolean {
  const first = digits[0]
  switch (digits.length) {
    case 13: return first === '4'
    case 14: return first === '3'
    case 15: return first === '3' || first === '1'
    default: return first >= '2' && first <= '6'
  }
}

/**
 * A US SSN: dashed or spaced 3-2-4 in the issued ranges, or 9 bare digits right after SSN wording.
 * Example formats (000-00-0000, 999-99-9999) fail the range rule and stay.
 */
export function matchSsn(text: string, start: number): Span | null {
  SSN.lastIndex = start
  const m = SSN.exec(text)
  if (m === null) return null
  const end = start + m[0].length
  if (!isNumberEnd(text, end)) return null
  if (text.charCodeAt(start - 1) === 45 && isWordChar(text, start - 2)) return null // "ORD-334202394"
  if (m[1] !== undefined) return isSsnValid(m[1], m[3], m[4]) ? span('SSN', start, end) : null
  return isSsnValid(m[5], m[6], m[7]) && hasSsnContext(text, start) ? span('SSN', start, end) : null
}

/** An IBAN starting at `start` (country letters), compact or grouped in fours, mod-97 valid. */
export function matchIban(text: string, start: number): Span | null {
  IBAN.lastIndex = start
  const m = IBAN.exec(text)
  if (m === null) return null
  // Greedy grouping may have swallowed a following word or number: shorten group by group.
  let candidate = m[0]
  while (candidate.length >= 15) {
    if (!isWordChar(text, start + candidate.length) && isIbanValid(candidate.replace(/ /g, ''))) {
      return span('IBAN', start, start + candidate.length)
    }
    const cut = candidate.lastIndexOf(' ')
    candidate = cut > 4 ? candidate.slice(0, cut) : candidate.slice(0, -1)
  }
  return null
}

/** No digit, letter or `[.,-/]digit` continues the number. */
export function isNumberEnd(text: string, end: number): boolean {
  if (isWordChar(text, end)) return false
  const c = text.charCodeAt(end)
  if (c === 46 || c === 44 || c === 45 || c === 47) return !isDigitAt(text, end + 1)
  return true
}

