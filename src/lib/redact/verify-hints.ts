import {runStart, type CharacterClass} from './char-runs.js'

/** A match of a rule's pattern: its text and where it starts. */
export interface Match {
  value: string
  index: number
}

// The prefilters of verify.ts: what a text holds that some rule needs, as bits, each standing for
// exactly the test beside it. Every finding of a rule implies one of its bits, so a rule whose bits are
// all missing cannot find anything, and its pattern never scans the text.
export const AT = 1 // includes('@')
export const SCHEME = 2 // includes('://')
export const INNER_DOT_BIT = 4 // /\S\.[^\s.]/
export const DIGIT_DOT_DIGIT = 8 // /\d\.\d/
export const TWO_COLONS = 16 // two ':'
export const FOUR_DIGITS = 32 // /\d{4}/
export const IBAN_START = 64 // /[A-Za-z]{2}\d\d/
export const SSN_START = 128 // /\d{3}[- ]\d\d[- ]\d{4}/
export const PHONE_START = 256 // /\d[ .\-/)]\(?\d|\+\d|\d{8}/

// The IP rule's pattern: every match holds a '.' or ':'. ipMatches() finds its matches without a scan of the whole text.
export const IP = /(?<![\w.:])[0-9A-Fa-f.:%]*[.:][0-9A-Fa-f.:%]*(?![\w])/g
const IP_AT = new RegExp(IP.source, 'y')
// [0-9A-Fa-f.:%], the characters of an address run: all ASCII, so no other character belongs.
const ADDRESS: CharacterClass = {ascii: (c) => (c >= 48 && c <= 58) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === 46 || c === 37, other: /[^\s\S]/}

// Regular expressions and searches, not one loop over the characters: V8 runs these in native code,
// at ~0.5 ns a character against ~3 for a JavaScript loop (measured on chat text).
const INNER_DOT_AT = /\S\.[^\s.]/y
// Global, so that each scan can start where its first match could: where DIGIT_HINTS first matches
// (two characters before, for IBAN's letters). A text without such a match has none of these features.
const PHONE_HINT = /\d[ .\-/)]\(?\d|\+\d|\d{8}/g
const DIGIT_DOT_DIGIT_HINT = /\d\.\d/g
// Card, IBAN and SSN numbers are rare: one scan for the three (\d{4}, [A-Za-z]{2}\d\d or \d{3}[- ]\d,
// written to start with a digit, which V8 skips to faster), the single ones only when it finds something.
const RARE_NUMBER_HINT = /\d(?:(?<=[A-Za-z]{2}\d)\d|\d\d(?:\d|[- ]\d))/g
// Where the phone or the rare-number hint can first hold (their alternatives joined; the phone's \d{8}
// needs none, since its first four digits are a rare-number match): most texts with a digit have neither
// ("128 BPM", "at 9:30"), and one scan then answers for both. Every match of the other digit hints
// holds one of these ("\d.\d" is a phone hint; \d{4}, [A-Za-z]{2}\d\d and \d{3}[- ]\d are rare-number ones).
const DIGIT_HINTS = /\d(?:[ .\-/)]\(?\d|(?<=[A-Za-z]{2}\d)\d|\d\d(?:\d|[- ]\d))|\+\d/g
const FOUR_DIGITS_HINT = /\d{4}/g
const IBAN_HINT = /[A-Za-z]{2}\d\d/g
const SSN_HINT = /\d{3}[- ]\d\d[- ]\d{4}/g

/** The feature bits of `text`. */
export function textFeatures(text: string): number {
  let features = text.includes('@') ? AT : 0
  const colon = text.indexOf(':')
  if (colon !== -1) {
    if (text.includes('://', colon)) features |= SCHEME
    if (text.includes(':', colon + 1)) features |= TWO_COLONS
  }
  if (hasInnerDot(text)) features |= INNER_DOT_BIT
  DIGIT_HINTS.lastIndex = 0
  const hint = DIGIT_HINTS.exec(text)
  if (hint === null) return features
  // No digit hint holds before `from`.
  const from = hint.index
  if (testFrom(PHONE_HINT, text, from)) features |= PHONE_START | (testFrom(DIGIT_DOT_DIGIT_HINT, text, from) ? DIGIT_DOT_DIGIT : 0)
  if (testFrom(RARE_NUMBER_HINT, text, from)) {
    if (testFrom(FOUR_DIGITS_HINT, text, from)) features |= FOUR_DIGITS
    if (testFrom(IBAN_HINT, text, from - 2)) features |= IBAN_START
    if (testFrom(SSN_HINT, text, from)) features |= SSN_START
  }
  return features
}

// /\S\.[^\s.]/ tried only at the dots (indexOf finds them far faster than the pattern's own scan,
// which tries \S at every character).
function hasInnerDot(text: string): boolean {
  for (let dot = text.indexOf('.', 1); dot !== -1; dot = text.indexOf('.', dot + 1)) {
    INNER_DOT_AT.lastIndex = dot - 1
    if (INNER_DOT_AT.test(text)) return true
  }
  return false
}

function testFrom(pattern: RegExp, text: string, from: number): boolean {
  pattern.lastIndex = Math.max(0, from)
  return pattern.test(text)
}

/**
 * The IP pattern's matches, as its global scan finds them, tried only near
 * the dots and colons every match holds: a match starts where its run of
 * address characters starts, or right after a '%' in it (anywhere else the
 * lookbehind fails), so the pattern never walks the whole text.
 */
export function* ipMatches(text: string): Generator<Match> {
  let from = 0
  for (let separator = nextSeparator(text, 0); separator !== -1; separator = nextSeparator(text, from)) {
    const run = runStart(text, separator, ADDRESS, from)
    let found: RegExpExecArray | null = null
    for (let start = run; start <= separator && found === null; start++) {
      if (start > run && text.charCodeAt(start - 1) !== 37) continue
      IP_AT.lastIndex = start
      found = IP_AT.exec(text)
    }
    if (found === null) {
      from = separator + 1
      continue
    }
    yield {value: found[0], index: found.index}
    from = found.index + found[0].length
  }
}

function nextSeparator(text: string, from: number): number {
  const dot = text.indexOf('.', from)
  const colon = text.indexOf(':', from)
  return dot === -1 ? colon : colon === -1 ? dot : Math.min(dot, colon)
}
