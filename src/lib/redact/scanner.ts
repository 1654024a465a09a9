import {matchAtSign} from './at-sign.js'
import {CHAR_CLASS, HEX, isAsciiAlpha, isDigitAt, isWordChar} from './chars.js'
import {matchIpv4, matchIpv6} from './network.js'
import {matchCard, matchIban, matchSsn} from './numbers.js'
import {matchPhone} from './phone.js'
import type {PhoneRegions} from './phone-regions.js'
import {hasPhoneContext} from './context.js'
import {FOLDABLE_CHARS} from './fold.js'
import type {Span} from './span.js'
import {matchHostUrl, matchSchemeUrl, type PublicDomainTest} from './url.js'

/** What the scanner judges candidates against: phone regions and the configured public domains. */
export interface ScanPolicy {
  phones: PhoneRegions
  isPublicDomain: PublicDomainTest
}

const AT = 64
const COLON = 58
const DOT = 46
// The characters that can anchor a finding; V8 skips to them far faster than a charCodeAt loop.
// A '.' only matters before a letter of a label (not at a sentence end; a label starting with a digit is
// no top-level domain, and the digit anchors by itself), a ':' only before '/', ':' or hex.
// A character that needs folding is found in the same pass, so no text is read twice to look for one.
const TRIGGERS = new RegExp(`[0-9@]|\\.(?=[A-Za-z\\u00c0-\\uffff])|:(?=[/:0-9A-Fa-f])|[${FOLDABLE_CHARS}]`, 'g')

/**
 * One left-to-right pass over `text`. Only digits, `@`, `:` and `.` can anchor a finding; at each
 * anchor the matchers for that character extend left (never before the previous finding) and
 * right, validate, and the scan resumes after the finding. Returns spans in text order, or null at
 * the first character outside those spans that needs folding (see fold.ts): the caller folds and scans again.
 */
export function scan(text: string, policy: ScanPolicy): Span[] | null {
  const spans: Span[] = []
  let floor = 0
  const triggers = TRIGGERS // shared: scan() is synchronous and never re-entered
  triggers.lastIndex = 0
  // test() rather than exec(): no match array per anchor. Every anchor is one character long.
  while (triggers.test(text)) {
    const i = triggers.lastIndex - 1
    const c = text.charCodeAt(i)
    if (c > 127) return null
    let found: Span | null
    let resume = i + 1
    if (c === AT) found = matchAtSign(text, i, floor)
    else if (c === COLON) found = matchSchemeUrl(text, i, floor) ?? matchColonIpv6(text, i, floor)
    else if (c === DOT) found = matchHostUrl(text, i, floor, policy.isPublicDomain)
    else {
      found = matchNumber(text, i, floor, policy.phones)
      if (found === null) resume = numberEnd(text, i)
    }
    if (found !== null) {
      spans.push(found)
      floor = found.end
      resume = found.end
    }
    triggers.lastIndex = resume
  }
  return spans
}

/** Matchers anchored at the first digit of a run, most specific first. */
function matchNumber(text: string, digit: number, floor: number, phones: PhoneRegions): Span | null {
  if (digit > floor && isWordChar(text, digit - 1)) return matchGluedNumber(text, digit, floor)
  if (continuesNumber(text, digit)) return null
  const run = digitRunEnd(text, digit)
  const next = text.charCodeAt(run)
  if ((next === COLON || (next < 128 && (CHAR_CLASS[next] & HEX) !== 0)) && mayBeIpv6(text, digit)) {
    const ip6 = matchIpv6(text, digit)
    if (ip6 !== null) return ip6
  }
  if (run - digit <= 3 && next === DOT) {
    const ip4 = matchIpv4(text, digit)
    if (ip4 !== null) return ip4
  }
  // "3pm", "1:2", "5," — one digit glued to something cannot start a card, SSN or phone.
  if (run - digit === 1 && next !== 32 && next !== 45 && next !== 46 && next !== 41 && text.charCodeAt(digit - 1) !== 43) return null
  const length = run - digit
  if (length >= 4) {
    const card = matchCard(text, digit)
    if (card !== null) return card
  }
  if ((length === 3 && (next === 45 || next === 32)) || length === 9) {
    const ssn = matchSsn(text, digit)
    if (ssn !== null) return ssn
  }
  return mayBePhone(text, digit, run, length) ? matchPhone(text, digit, floor, phones) : null
}

// A phone has 8+ digits (7 after '+', 5+ after phone wording): an unbroken run that short must continue with a separator and a digit or "(".
function mayBePhone(text: string, digit: number, run: number, length: number): boolean {
  if (length >= 8 || (length === 7 && text.charCodeAt(digit - 1) === 43)) return true // "+6907290"
  const next = text.charCodeAt(run)
  if (next !== 32 && next !== 45 && next !== 46 && next !== 47 && next !== 41 && next !== 0xa0) return length >= 5 && hasPhoneContext(text, digit)
  const after = text.charCodeAt(run + 1)
  return (after >= 48 && after <= 57) || after === 40 || (next === 41 && after === 32)
}

// A digit right after letters: an IBAN ("DE89…") or an IPv6 group starting with hex letters ("fe80::").
function matchGluedNumber(text: string, digit: number, floor: number): Span | null {
  if (digit - 2 >= floor && isAsciiAlpha(text.charCodeAt(digit - 1)) && isAsciiAlpha(text.charCodeAt(digit - 2)) && !isWordChar(text, digit - 3)) {
    const iban = matchIban(text, digit - 2)
    if (iban !== null) return iban
  }
  let start = digit
  while (start > floor && start > digit - 4 && isHexLetter(text.charCodeAt(start - 1))) start--
  return start < digit && !isWordChar(text, start - 1) && mayBeIpv6(text, start) ? matchIpv6(text, start) : null
}

// "::1", "::ffff:…" and groups made only of hex letters ("abcd:…") have no digit anchor before the colon.
function matchColonIpv6(text: string, colon: number, floor: number): Span | null {
  let start = colon
  while (start > floor && start > colon - 4 && isHexLetter(text.charCodeAt(start - 1))) start--
  if (start === colon && text.charCodeAt(colon + 1) !== COLON) return null
  return matchIpv6(text, start)
}

// "3.14159…", "1,299", "10-15": a digit after [.,-/:] that follows a digit belongs to the number before.
function continuesNumber(text: string, digit: number): boolean {
  return isNumberSeparator(text.charCodeAt(digit - 1)) && isDigitAt(text, digit - 2)
}

// An IPv6 address has "::" or at least six colons among its hex digits; "12:30", "3:42:10" and hex words
// ("8bdc4f84", "ae0b2a7f…") have neither.
function mayBeIpv6(text: string, start: number): boolean {
  let colons = 0
  for (let i = start; i < text.length && i < start + 45; i++) {
    const c = text.charCodeAt(i)
    if (c === COLON) {
      if (text.charCodeAt(i + 1) === COLON) return true
      colons++
    } else if (c >= 128 || (CHAR_CLASS[c] & HEX) === 0) break
  }
  return colons >= 6
}

// After a number that is no finding, where the next finding may start. Not in the rest of its word: a
// digit after a word character only starts an IBAN or IPv6 address at the word's start (matchGluedNumber),
// which lies before this number. Nor at a digit that continues it after [.,-/:] (continuesNumber), nor at
// that separator. So hashes, codes, prices and coordinates ("ae0b2a7f…", "1Z28DWXD1…", "8,033,514.33",
// "-32.2042") cost one anchor each, not one per digit run.
function numberEnd(text: string, i: number): number {
  let end = wordEnd(text, i)
  while (isDigitAt(text, end + 1) && isNumberSeparator(text.charCodeAt(end)) && isDigitAt(text, end - 1)) end = wordEnd(text, end + 1)
  return end
}

function isNumberSeparator(c: number): boolean {
  return c === DOT || c === 44 || c === 45 || c === 47 || c === COLON
}

function wordEnd(text: string, i: number): number {
  while (isWordChar(text, i)) i++
  return i
}

function digitRunEnd(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) break
    i++
  }
  return i
}

function isHexLetter(c: number): boolean {
  return (c >= 97 && c <= 102) || (c >= 65 && c <= 70)
}

