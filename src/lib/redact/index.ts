import {createAllowTest} from './allow.js'
import {fold, needsFolding} from './fold.js'
import {pseudonymPlaceholder, typedPlaceholder, type Placeholder} from './placeholder.js'
import {createPhoneRegions} from './phone-regions.js'
import {scan, type ScanPolicy} from './scanner.js'
import type {Span} from './span.js'
import {PII_TYPES, type Finding, type PiiType, type RedactOptions, type RedactResult, type RedactionCounts, type Redactor} from './types.js'
import {verifyText} from './verify.js'

export {PII_TYPES}
export type {Finding, PiiType, RedactOptions, RedactResult, RedactionCounts, Redactor}
export {isIbanValid, isLuhnValid, isSsnValid} from './checksums.js'

/**
 * Builds a redactor: one scanning pass per text, typed or pseudonym placeholders, an allow-list.
 *
 * @example
 * const redactor = createRedactor({allow: ['label.com']})
 * redactor.redact('mail anna@gmail.com or press@label.com, +44 20 7946 0958')
 * // → {text: 'mail [EMAIL] or press@label.com, [PHONE]', counts: {EMAIL: 1, PHONE: 1}, total: 2}
 */
export function createRedactor(options: RedactOptions = {}): Redactor {
  const types = new Set<PiiType>(options.types ?? PII_TYPES)
  for (const type of types) if (!PII_TYPES.includes(type)) throw new Error(`unknown PII type "${type}" (known: ${PII_TYPES.join(', ')})`)
  const allEnabled = types.size === PII_TYPES.length
  const isAllowed = createAllowTest(options.allow)
  const publicDomains = new Set((options.publicDomains ?? []).map((d) => d.trim().toLowerCase()).filter((d) => d !== ''))
  const policy = {phones: createPhoneRegions(options.phoneRegions), isPublicDomain: (host: string) => publicDomains.has(host)}
  const placeholder: Placeholder =
    options.placeholder === 'pseudonym' ? pseudonymPlaceholder(options.pseudonymKey ?? '') : typedPlaceholder

  function find(text: string): Finding[] {
    if (typeof text !== 'string') return []
    const spans = scanFolded(text, policy) // returns at once when no digit, '@', ':' or '.' occurs: every type needs one
    if (spans.length === 0) return []
    const findings: Finding[] = []
    for (const s of spans) {
      if (!allEnabled && !types.has(s.type)) continue
      const value = text.slice(s.start, s.end)
      if (!isAllowed(s.type, value)) findings.push({type: s.type, start: s.start, end: s.end, value})
    }
    return findings
  }

  return {
    find,
    redact(text: string, scope = ''): RedactResult {
      const findings = find(text)
      if (findings.length === 0) return {text, counts: {}, total: 0}
      const counts: RedactionCounts = {}
      let out = ''
      let last = 0
      for (const f of findings) {
        out += text.slice(last, f.start) + placeholder(f.type, f.value, scope)
        last = f.end
        counts[f.type] = (counts[f.type] ?? 0) + 1
      }
      return {text: out + text.slice(last), counts, total: findings.length}
    },
    verify(text: string): Finding[] {
      return typeof text === 'string' ? verifyText(text, types, isAllowed, policy) : []
    },
  }
}

// Full-width and other compatibility forms are matched as ASCII; folding keeps every offset. The scan
// stops at such a character, except inside a finding (it resumes after one), so findings are checked too.
function scanFolded(text: string, policy: ScanPolicy): Span[] {
  const spans = scan(text, policy)
  if (spans !== null && !spans.some((s) => needsFolding(text.slice(s.start, s.end)))) return spans
  return scan(fold(text), policy) ?? [] // never null: a folded text holds no character to fold
}

let defaultRedactor: Redactor | undefined

/** Redacts with the default options (all types, typed placeholders) unless `options` are given. */
export function redactText(text: string, options?: RedactOptions): RedactResult {
  if (options === undefined) return (defaultRedactor ??= createRedactor()).redact(text)
  return createRedactor(options).redact(text)
}
