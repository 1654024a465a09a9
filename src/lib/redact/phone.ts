import {hasPhoneContext} from './context.js'
import {isDigit, isDigitAt, isWordChar} from './chars.js'
import {isNumberEnd} from './numbers.js'
import type {PhoneRegions} from './phone-regions.js'
import {span, type Span} from './span.js'

// A run of digit groups joined by one separator each; "(0)" and "(415)" count as groups ("(215)331-1620" too).
const GROUPS = /(?:\(\d{1,5}\)(?:[ \-.]?\d{1,15})?|\d{1,15}\)?)(?:(?:[ .\-/\u00a0]|[ ]?(?=\())(?:\(\d{1,5}\)[ \-.]?)?\d{1,15}){0,7}/y
const EXTENSION = /[ ]?(?:ext\.?|extension|x)[ ]?#?\d{1,6}(?!\d)/iy

/**
 * A phone number around the digit at `digit`: E.164 (`+`), `00` international, `tel:`, or a national
 * number with spaces, dots, dashes or parentheses, plus an extension. Every candidate is judged with
 * libphonenumber's metadata: international numbers for their country, national ones for the configured
 * regions. Unbroken national digit strings count only with a trunk prefix or after phone wording, and
 * so do numbers grouped like thousands ("912 345 678") and numbers of fewer than 8 digits.
 */
export function matchPhone(text: string, digit: number, floor: number, regions: PhoneRegions): Span | null {
  let start = digit
  let plus = false
  if (start - 1 >= floor && text.charCodeAt(start - 1) === 40) start-- // "(415) …"
  if (start - 1 >= floor && text.charCodeAt(start - 1) === 43) { start--; plus = true } // "+44 …"
  if (plus && start - 1 >= floor && text.charCodeAt(start - 1) === 40) start-- // "(+44) …"
  if (!hasPhoneStart(text, start)) return null
  // "1234 5698 7654 33": a group after a four-digit group and a space continues that number, not a phone.
  if (!plus && start >= 5 && (text.charCodeAt(start - 1) === 32 || text.charCodeAt(start - 1) === 45) && /\d{4}$/.test(text.slice(start - 5, start - 1))) return null
  const m = execAt(GROUPS, text, text.charCodeAt(start) === 40 && !plus ? start : digit) ?? (start < digit ? execAt(GROUPS, text, digit) : null)
  if (m === null) return null
  if (!plus && text.charCodeAt(start) === 40 && m.index !== start) start = digit
  if (plus && text.charCodeAt(start) === 40 && !/^\d{1,4}\)/.test(m[0])) start++ // "(+44 …" without ")": the paren is text
  const body = m[0]
  // Fewer than 8 characters: international with at least 7 digits ("+6907290"), national only after phone
  // wording and with at least 5 digits ("50/50", "200-300" are not).
  if (body.length < 8 && (plus ? countDigits(body) < 7 : body.length < 5 || countDigits(body) < 5 || !hasCue(text, start))) return null
  // "4111 1111 1111 1112", "1234 5698 7654 33": three or more groups of four are a card, an IBAN or a code
  // (a trunk 0 says phone: "0971 0804 0496").
  if (!plus && body[0] !== '0' && body[0] !== '(' && /(?:^|\D)\d{4}[ -]\d{4}[ -]\d{4}(?!\d)/.test(body)) return null
  const bodyStart = m.index
  // Try the whole run, then drop trailing groups: "415-555-0100 2 times" keeps the phone.
  const runs = digitRuns(body)
  let count = runs.reduce((sum, [from, to]) => sum + to - from, 0)
  let loose: Span | null = null
  for (let k = runs.length; k > 0; count -= runs[k - 1][1] - runs[k - 1][0], k--) {
    if (count < 5 || count > 17 || (k > 6 && !plus)) continue
    const len = runs[k - 1][1]
    const end = bodyStart + len
    const after = text.charCodeAt(end)
    if (!isNumberEnd(text, end) || isFollowedByUnit(text, end) || (after === 45 && isWordChar(text, end + 1)) || after === 64) continue // "…-X", "1234567@numbers.org"
    const verdict = judge(body.slice(0, len), plus, regions, text, start)
    if (verdict === 'valid') return span('PHONE', start, withExtension(text, end))
    // An international number of the right length for its country is still a phone, unless a shorter reading is valid.
    if (verdict === 'possible' && loose === null) loose = span('PHONE', start, withExtension(text, end))
  }
  return loose
}

// Phone wording before the number at `start`, read only when a rule needs it and at most once per number
// (a function, not a closure per call: the scanner reaches here for most numbers in a text).
let cueText = ''
let cueStart = -1
let cueFound = false

function hasCue(text: string, start: number): boolean {
  if (text !== cueText || start !== cueStart) {
    cueText = text
    cueStart = start
    cueFound = hasPhoneContext(text, start)
  }
  return cueFound
}

function countDigits(body: string): number {
  let digits = 0
  for (let i = 0; i < body.length; i++) if (isDigit(body.charCodeAt(i))) digits++
  return digits
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

function judge(body: string, plus: boolean, regions: PhoneRegions, text: string, start: number): 'valid' | 'possible' | false {
  const groups = body.match(/\d+/g) ?? []
  let digits = groups.join('')
  if (plus) {
    if (body.includes('(0)')) digits = digits.replace(/^(\d{1,3}?)0/, '$1') // "+44 (0)20 …": the trunk 0 is not dialled
    return digits[0] !== '0' && digits.length >= 7 ? regions.international(digits) : false
  }
  // "0-307-74308-X": a lone leading digit joined by a dash or dot is an ISBN or a code ("1-800-…" is the US trunk 1).
  if (groups[0]?.length === 1 && (body[1] === '-' || body[1] === '.') && groups[0] !== '1') return false
  if (groups[0]?.startsWith('00')) return groups.length >= 2 && digits.length >= 10 ? regions.international(digits.slice(2)) : false
  if (isDateLike(body)) return false
  // A national number has at most 12 digits (13 with a trunk 0): "(201) 200 0000 128" is a phone and a count.
  if (digits.length > (digits[0] === '0' ? 13 : 12)) return false
  const unbroken = groups.length === 1
  // Short numbers, and unbroken ones without a trunk 0, read as counts and IDs unless phone wording comes first.
  if ((digits.length < 8 || (unbroken && !(digits[0] === '0' && digits.length >= 9 && digits.length <= 12))) && !hasCue(text, start)) return false
  if (!unbroken && looksLikeAnotherNumber(body, groups) && !hasCue(text, start)) return false
  return regions.national(digits) ? 'valid' : false
}

// Numbers that are grouped the way phones are not, unless phone wording says otherwise.
function looksLikeAnotherNumber(body: string, groups: string[]): boolean {
  // "978-3-16-148410-0", "1.2.3": a one-digit group inside (a leading one is how trunks are written: "8 (771) …").
  if (groups.some((g, i) => i > 0 && g.length < 2)) return true
  // "12 345 678", "1.234.567", "912 345 678": counts and prices.
  if (/^\d{1,3}(?:([ .\u00a0'])\d{3})(?:\1\d{3})*$/.test(body)) return true
  // "2019-2024", "2024-118-07": year ranges and codes that start with a year.
  if (/^(?:19|20)\d\d[-/.]/.test(body)) return true
  // "123-45-6789", "296-77-00088": SSN-shaped and invoice numbers.
  if (/^\d{3}-\d{2}-\d{4,5}$/.test(body)) return true
  // "17.10.71.36", "1.16.20.2400": dotted versions; dotted phones have groups of 3+ ("415.555.0100") or a trunk 0 ("06.12.34.56.78").
  if (body.includes('.') && body[0] !== '0' && groups.some((g, i) => i > 0 && i < groups.length - 1 && g.length < 3)) return true
  return false
}

function isDateLike(body: string): boolean {
  return /^\d{1,2}([./-])\d{1,2}\1(?:\d{4}|\d{2}$)/.test(body) || /^(?:19|20)\d\d([./-])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])(?!\d)/.test(body)
}

// Not glued to a word, a price, another number or a code like "ORD-415…".
function hasPhoneStart(text: string, start: number): boolean {
  if (start === 0) return true
  const c = text.charCodeAt(start - 1)
  if (isWordChar(text, start - 1)) return false
  if (c === 45 || c === 46 || c === 47 || c === 44) return !isWordChar(text, start - 2)
  if (c === 58) return !isDigitAt(text, start - 2) // "tel:" / "Phone:" yes, "10:30" no
  return !(c === 35 || c === 64 || c === 43 || c === 36 || (c >= 128 && NOT_BEFORE_PHONE.test(text[start - 1])))
}

// Currency signs ("¥", "₩", "₹"…) and the numero sign come before amounts and order numbers, never before a phone.
const NOT_BEFORE_PHONE = /[\p{Sc}\u2116]/u

// A currency or percent sign after a number ("1 234 567 ₩", "99 %") says what it is; one that starts the
// next amount ("… $20") does not.
function isFollowedByUnit(text: string, end: number): boolean {
  let at = end
  if (text.charCodeAt(at) === 32 || text.charCodeAt(at) === 0xa0) at++
  const c = text.charCodeAt(at)
  const unit = c === 37 || c === 0x066a || c === 36 || (c >= 0xa2 && c <= 0xa5) || (c >= 0x20a0 && c <= 0x20cf) || c === 0x0e3f
  return unit && !isDigitAt(text, at + 1)
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

