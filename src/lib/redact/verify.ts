import {isIP} from 'node:net'
import {isAsciiAlphanumeric, runStart, type CharacterClass} from './char-runs.js'
import {isIbanValid, isLuhnValid, isSsnValid} from './checksums.js'
import {hasIdentifierContext, hasPhoneContext, hasVersionContext, isNotAHandle} from './context.js'
import {fold, needsFolding} from './fold.js'
import type {PhoneRegions} from './phone-regions.js'
import type {Finding, PiiType} from './types.js'
import {FILE_EXTENSIONS, suffixKind, type PublicDomainTest} from './url.js'
import {AT, DIGIT_DOT_DIGIT, FOUR_DIGITS, IBAN_START, INNER_DOT_BIT, IP, PHONE_START, SCHEME, SSN_START, TWO_COLONS, ipMatches, textFeatures, type Match} from './verify-hints.js'

// The second detector export runs on its own output. It shares only the references (checksums,
// libphonenumber's metadata, the Public Suffix List, the compatibility folding) and the policy lists
// with the scanner; its matching is separate, plain regular expressions over the folded text, so a
// bug in one scanner path is unlikely to hide the same value from both.

/** What verify judges candidates against: the scanner's references and policy, not its matchers. */
export interface VerifyPolicy {
  phones: PhoneRegions
  isPublicDomain: PublicDomainTest
}
interface Rule {
  type: PiiType
  pattern: RegExp
  /** Bits of textFeatures() that every match implies (any of them): most texts lack them, so most rules never scan them. */
  requires: number
  /** The pattern's non-empty matches, when a scan of the whole text would be too slow. */
  matches?: (text: string) => Iterable<Match>
  accept: (value: string, text: string, index: number, policy: VerifyPolicy) => boolean
}

const HOST_URL = /(?<![\p{L}\p{N}@./\\_#$~-])[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+(?:[:/][^\s<>"'`]*)?/uy
// A dot between two characters that are neither space nor dot. The dot comes first, so V8 skips from
// dot to dot instead of trying the lookbehind at every character (docs/performance.md).
const INNER_DOT = /\.(?<=[^\s.]\.)(?=[^\s.])/g
const LABEL: CharacterClass = {ascii: (code) => isAsciiAlphanumeric(code) || code === 45, other: /^[\p{L}\p{N}-]$/u}

const RULES: Rule[] = [
  {type: 'EMAIL', requires: AT, pattern: /[\p{L}\p{N}._%+'&!#$*/=?^`{|}~-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.(?:\p{L}{2,}|xn--[a-z0-9-]+)/gu, accept: () => true},
  {type: 'HANDLE', requires: AT, pattern: /(?<![\p{L}\p{N}_@.])@[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*/gu, accept: (v) => !isNotAHandle(v.slice(1))},
  {type: 'URL', requires: SCHEME, pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s<>"'`]*[\p{L}\p{N}/_=#-]/giu, accept: () => true},
  {type: 'URL', requires: INNER_DOT_BIT, pattern: HOST_URL, matches: hostUrlMatches, accept: isHostUrl},
  {type: 'IP', requires: DIGIT_DOT_DIGIT | TWO_COLONS, pattern: IP, matches: ipMatches, accept: isIpAddress},
  {type: 'CARD', requires: FOUR_DIGITS, pattern: /(?<![\w.,/-])\d(?:[ -]?\d){12,18}(?![\w]|[.,/-]\d)/g, accept: isCard},
  {type: 'IBAN', requires: IBAN_START, pattern: /(?<![\w])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{1,4}){3,8}/g, accept: hasIbanPrefix},
  {type: 'SSN', requires: SSN_START, pattern: /(?<![\w.,/-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w]|[.,/-]\d)/g, accept: (v) => isSsnValid(v.slice(0, 3), v.slice(4, 6), v.slice(7))},
  {type: 'PHONE', requires: PHONE_START, pattern: /(?<![\w.,/+$€£¥₩₹#@-])(?<!\d:)(?:\+|\(\+?)?\d(?:[ .\-/]?\(?\d+\)?)*\d(?![\w]|[.,/-]\w)/g, accept: isPhoneLike},
]

const NO_FINDINGS: Finding[] = []

/** Everything in `text` that still looks like one of `types`, minus allowed values. Overlaps keep the earlier, longer finding. */
export function verifyText(original: string, types: ReadonlySet<PiiType>, isAllowed: (type: PiiType, value: string) => boolean, policy: VerifyPolicy): Finding[] {
  // Called once per training message, nearly always finding nothing: no closure, and no array until there is a finding.
  let findings: Finding[] | undefined
  // Full-width and other compatibility forms are read as ASCII; folding keeps every offset, values come from the original.
  const text = needsFolding(original) ? fold(original) : original
  const features = textFeatures(text)
  if (features === 0) return NO_FINDINGS
  for (const rule of RULES) {
    if ((rule.requires & features) === 0 || !types.has(rule.type)) continue
    if (rule.matches !== undefined) {
      for (const {value, index} of rule.matches(text)) if (isFinding(rule, value, text, index, isAllowed, policy)) (findings ??= []).push(finding(rule.type, original.slice(index, index + value.length), index))
      continue
    }
    rule.pattern.lastIndex = 0
    for (let m = rule.pattern.exec(text); m !== null; m = rule.pattern.exec(text)) {
      if (m[0].length === 0) rule.pattern.lastIndex++
      else if (isFinding(rule, m[0], text, m.index, isAllowed, policy)) (findings ??= []).push(finding(rule.type, original.slice(m.index, m.index + m[0].length), m.index))
    }
  }
  return findings === undefined ? NO_FINDINGS : outermost(findings)
}

function isFinding(rule: Rule, value: string, text: string, index: number, isAllowed: (type: PiiType, value: string) => boolean, policy: VerifyPolicy): boolean {
  return rule.accept(value, text, index, policy) && !isAllowed(rule.type, value)
}

function finding(type: PiiType, value: string, start: number): Finding {
  return {type, start, end: start + value.length, value}
}

/** Overlapping findings: the earlier, then the longer, wins. */
function outermost(findings: Finding[]): Finding[] {
  findings.sort((a, b) => a.start - b.start || b.end - a.end)
  const kept: Finding[] = []
  for (const f of findings) if (kept.length === 0 || f.start >= kept[kept.length - 1].end) kept.push(f)
  return kept
}

/**
 * The host-URL pattern's matches, found without scanning the whole text in
 * Unicode mode: every match holds a dot between two label characters, and can
 * start only where that dot's first label starts (anywhere else its lookbehind
 * fails), so the pattern runs, anchored, only there.
 */
function* hostUrlMatches(text: string): Generator<Match> {
  let floor = 0
  INNER_DOT.lastIndex = 0
  for (let dot = INNER_DOT.exec(text); dot !== null; dot = INNER_DOT.exec(text)) {
    // Its first label: the run of label characters before the dot, never reaching into the last match.
    const start = runStart(text, dot.index, LABEL, floor)
    if (start === dot.index) continue
    HOST_URL.lastIndex = start
    const match = HOST_URL.exec(text)
    if (match === null) continue
    yield {value: match[0], index: start}
    floor = start + match[0].length
    INNER_DOT.lastIndex = floor
  }
}

// A dotted name on a public suffix (the Public Suffix List, via tldts): with a path, port or www. any
// suffix; bare, an ICANN one written in lower case that is no file extension nor a configured public domain.
function isHostUrl(value: string, _text: string, _index: number, policy: VerifyPolicy): boolean {
  const hostEnd = value.search(/[:/]/)
  const rawHost = (hostEnd === -1 ? value : value.slice(0, hostEnd)).replace(/\.+$/, '')
  const host = rawHost.toLowerCase()
  const rawTld = rawHost.slice(rawHost.lastIndexOf('.') + 1)
  const tld = rawTld.toLowerCase()
  if (!/^\p{L}/u.test(tld) || /^\d+\./.test(host)) return false
  const kind = suffixKind(host)
  if (kind === undefined) return false
  if (hostEnd !== -1 || host.startsWith('www.')) return true
  if (!kind || rawTld !== tld || FILE_EXTENSIONS.has(tld)) return false
  const parts = host.split('.')
  for (let i = 0; i < parts.length - 1; i++) if (policy.isPublicDomain(parts.slice(i).join('.'))) return false
  return true
}

function isIpAddress(value: string, text: string, index: number): boolean {
  // Most candidates are times and decimals ("12:30", "4.99"): an address needs three dots or two colons.
  if (count(value, '.') < 3 && count(value, ':') < 2) return false
  const trimmed = value.replace(/[.:]+$/, (s) => (s.endsWith('::') ? '::' : ''))
  const address = trimmed.split('%')[0]
  const kind = isIP(address)
  if (kind === 4) return !/(?:^|\.)0\d/.test(address) && !hasVersionContext(text, index)
  if (kind !== 6) return false
  const groups = address.split(':').filter((g) => g !== '')
  return address.includes('::') ? groups.length > 0 && address !== '::' : groups.some((g) => /[a-f]|\d{3}/i.test(g))
}

function isCard(value: string): boolean {
  const digits = value.replace(/\D/g, '')
  const first = digits[0]
  const prefixOk = digits.length === 13 ? first === '4' : digits.length === 14 ? first === '3' : digits.length === 15 ? first === '3' || first === '1' : first >= '2' && first <= '6'
  return prefixOk && isLuhnValid(digits)
}

function hasIbanPrefix(value: string): boolean {
  const compact = value.replace(/ /g, '')
  for (let len = compact.length; len >= 15; len--) if (isIbanValid(compact.slice(0, len))) return true
  return false
}

// Judged with libphonenumber's metadata: international forms for their country; national forms for the
// configured regions when grouped the way phones are, or unbroken after phone wording or a trunk 0.
function isPhoneLike(value: string, text: string, index: number, policy: VerifyPolicy): boolean {
  const groups = value.match(/\d+/g) ?? []
  const digits = groups.join('')
  if (value.startsWith('+') || value.startsWith('(+')) return digits.length >= 8 && digits.length <= 16 && policy.phones.international(digits) !== false
  if (digits.startsWith('00')) return digits.length >= 11 && digits.length <= 17 && groups.length >= 2 && policy.phones.international(digits.slice(2)) !== false
  if (digits.length < 7 || digits.length > 13) return false
  if (/^\d{1,2}([./-])\d{1,2}\1(?:\d{4}|\d{2}$)/.test(value) || /^\d{4}([./-])\d{2}\1\d{2}/.test(value)) return false
  const cue = hasPhoneContext(text, index)
  if (!cue) {
    // Unbroken: any 8 to 12 digits valid in a configured region are suspect (redact wants a trunk 0 or
    // wording first), unless a word names them an identifier ("UPC 6024…", "Account ID 0905…").
    if (groups.length === 1 ? digits.length < 8 || digits.length > 12 || hasIdentifierContext(text, index) : digits.length < 8) return false
    if (groups.some((g, i) => g.length < 2 && !(i === 0 && /^[01]$/.test(g) && value[1] === ' '))) return false
    if (/^\d{1,3}([ .'])\d{3}(?:\1\d{3})*$/.test(value) || /^(?:19|20)\d\d[-/.]/.test(value) || /^\d{3}-\d{2}-\d{4,5}$/.test(value)) return false
    // Dotted versions ("17.10.71.36"): dotted phones have groups of three or more, or a trunk 0.
    if (value.includes('.') && digits[0] !== '0' && groups.slice(1, -1).some((g) => g.length < 3)) return false
  }
  return policy.phones.national(digits)
}

function count(text: string, char: string): number {
  let found = 0
  for (let at = text.indexOf(char); at !== -1; at = text.indexOf(char, at + 1)) found += 1
  return found
}
