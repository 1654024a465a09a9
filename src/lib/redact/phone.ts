import {hasPhoneContext} from './context.js'
import {isDigit, isDigitAt, isWordChar} from './chars.js'
import {isNumberEnd} from './numbers.js'
import {span, type Span} from './span.js'

// A run of digit groups joined by one separator each; "(0)" and "(415)" count as groups.
const GROUPS = /(?:\(\d{1,5}\)|\d{1,12}\)?)(?:(?:[ .\-/\u00a0]|[ ]?(?=\())(?:\(\d{1,5}\)[ \-.]?)?\d{1,12}){0,7}/y
const EXTENSION = /[ ]?(?:ext\.?|extension|x)[ ]?#?\d{1,6}(?!\d)/iy

/**
 * A phone number around the digit at `digit`: E.164 (`+`), `00` international, `tel:`, or a national
 * format of US, UK, DE, FR, IN, BR, AU, JP, NL, ES, IT, MX with spaces, dots, dashes or parentheses,
 * plus an extension. Unbroken national digit strings count only after phone wording ("call me on").
 */
export function matchPhone(text: string, digit: number, floor: number): Span | null {
  let start = digit
  let plus = false
  if (start - 1 >= floor && text.charCodeAt(start - 1) === 40) start-- // "(415) …"
  if (start - 1 >= floor && text.charCodeAt(start - 1) === 43) { start--; plus = true } // "+44 …"
  if (plus && start - 1 >= floor && text.charCodeAt(start - 1) === 40) start-- // "(+44) …"
  if (!hasPhoneStart(text, start)) return null
  const m = execAt(GROUPS, text, text.charCodeAt(start) === 40 && !plus ? start : digit) ?? (start < digit ? execAt(GROUPS, text, digit) : null)
  if (m === null) return null
  if (!plus && text.charCodeAt(start) === 40 && m.index !== start) start = digit
  if (plus && text.charCodeAt(start) === 40 && !/^\d{1,4}\)/.test(m[0])) start++ // "(+44 …" without ")": the paren is text
  const body = m[0]
  if (body.length < 8) return null // at most 7 digits: never a phone
  if (!plus && !isDigitAt(text, digit + 1) && text.charCodeAt(digit) !== 49 && !digits00(text, digit)) return null // "3 …": a lone leading digit other than the "1" of US numbers
  const bodyStart = m.index
  // Try the whole run, then drop trailing groups: "415-555-0100 2 times" keeps the phone.
  const runs = digitRuns(body)
  let count = runs.reduce((sum, [from, to]) => sum + to - from, 0)
  let loose: Span | null = null
  for (let k = runs.length; k > 0; count -= runs[k - 1][1] - runs[k - 1][0], k--) {
    if (count < 8 || count > 17 || (k > 6 && !plus)) continue
    const len = runs[k - 1][1]
    const end = bodyStart + len
    if (!isNumberEnd(text, end)) continue
    if (isPhone(body.slice(0, len), plus, text, start)) return span('PHONE', start, withExtension(text, end))
    // An international number of unexpected length for its country is still a phone, unless a shorter reading fits.
    if (plus && loose === null && count <= 15) loose = span('PHONE', start, withExtension(text, end))
  }
  return loose
}

function digitRuns(body: string): [number, number][] {
  const runs: [number, number][] = []
  for (let i = 0; i < body.length; i++) {
    if (!isDigit(body.charCodeAt(i))) continue
    const from = i
    while (i < body.length && isDigit(body.charCodeAt(i))) i++
    runs.push([from, i])
  }
  return runs
}

function isPhone(body: string, plus: boolean, text: string, start: number): boolean {
  const groups = body.match(/\d+/g) ?? []
  const digits = groups.join('')
  const count = digits.length
  if (plus) return isInternational(digits, body.includes('(0)'))
  if (digits.startsWith('00')) return groups.length >= 2 && isInternational(digits.slice(2), body.includes('(0)'))
  const lengths = groups.map((g) => g.length)
  if (groups.length === 1) return count >= 9 && count <= 12 && hasPhoneContext(text, start)
  if (lengths.some((n, i) => n < 2 && !(i === 0 && digits[0] === '1'))) return false
  const shape = lengths.join('-')
  // Trunk-0 national numbers; five or more groups is the French 2-2-2-2-2 style, exactly ten digits.
  if (digits[0] === '0') return count >= 9 && count <= 12 && lengths[0] <= 5 && !isDateLike(body) && (groups.length < 5 || count === 10)
  switch (count) {
    case 11: return (shape === '1-3-3-4' && digits[1] >= '2') || (shape === '2-5-4' && groups[1][0] === '9')
    case 10: return isTenDigitShape(shape, digits) || hasPhoneContext(text, start)
    case 9:
      if (!/^[6-9]/.test(digits)) return false
      return shape === '3-2-2-2' || shape === '2-3-2-2' || (shape === '3-3-3' && hasPhoneContext(text, start))
    default: return false
  }
}

// Total digits (country code included) for the commonest codes; others: 8–15 as E.164 allows.
const COUNTRY_DIGITS: Record<string, [number, number]> = {
  '1': [11, 11], '44': [11, 12], '49': [10, 15], '33': [11, 11], '91': [12, 12], '55': [12, 13], '61': [11, 11], '81': [11, 12],
  '31': [11, 11], '34': [11, 11], '39': [10, 13], '52': [12, 13], '7': [11, 11], '86': [12, 13],
}

function isInternational(digits: string, hasTrunk: boolean): boolean {
  if (digits[0] === '0') return false
  const count = digits.length - (hasTrunk ? 1 : 0)
  const range = COUNTRY_DIGITS[digits[0]] ?? COUNTRY_DIGITS[digits.slice(0, 2)] ?? [8, 15]
  return count >= range[0] && count <= range[1]
}

// US/CA 415-555-0100, IN 98765 43210, MX/BR 55 1234 5678, IT 347 123 4567 / 347 1234567 / 347 123 45 67.
function isTenDigitShape(shape: string, digits: string): boolean {
  if (shape === '3-3-4') return digits[0] === '3' || (digits[0] >= '2' && digits[3] >= '2')
  if (shape === '5-5') return digits[0] >= '6'
  if (shape === '2-4-4') return digits[0] >= '1'
  if (shape === '3-7' || shape === '3-3-2-2') return digits[0] === '3'
  return false
}

function isDateLike(body: string): boolean {
  return /^\d{1,2}([./-])\d{1,2}\1(?:\d{4}|\d{2}$)/.test(body) || /^\d{4}([./-])\d{2}\1\d{2}/.test(body)
}

// Not glued to a word, a price, another number or a code like "ORD-415…".
function hasPhoneStart(text: string, start: number): boolean {
  if (start === 0) return true
  const c = text.charCodeAt(start - 1)
  if (isWordChar(text, start - 1)) return false
  if (c === 45 || c === 46 || c === 47 || c === 44) return !isWordChar(text, start - 2)
  if (c === 58) return !isDigitAt(text, start - 2) // "tel:" / "Phone:" yes, "10:30" no
  return !(c === 36 || c === 0x20ac || c === 0xa3 || c === 0xa5 || c === 35 || c === 64 || c === 43)
}

function digits00(text: string, digit: number): boolean {
  return text.charCodeAt(digit) === 48 && text.charCodeAt(digit + 1) === 48
}

function execAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at
  return re.exec(text)
}

function withExtension(text: string, end: number): number {
  EXTENSION.lastIndex = end
  const m = EXTENSION.exec(text)
  return m === null || isWordChar(text, end + m[0].length) ? end : end + m[0].length
}

