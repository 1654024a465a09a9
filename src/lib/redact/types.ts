/** The kinds of personal data the redactor finds, in the order they are documented. */
export type PiiType = 'EMAIL' | 'PHONE' | 'URL' | 'HANDLE' | 'IP' | 'CARD' | 'IBAN' | 'SSN'

export const PII_TYPES: readonly PiiType[] = Object.freeze(['EMAIL', 'PHONE', 'URL', 'HANDLE', 'IP', 'CARD', 'IBAN', 'SSN'])

export interface RedactOptions {
  /** Types to redact; default all of PII_TYPES. */
  types?: readonly PiiType[]
  /** `typed` → `[EMAIL]`; `pseudonym` → `[EMAIL_3fa9c1]`, stable per scope (needs pseudonymKey). */
  placeholder?: 'typed' | 'pseudonym'
  /** HMAC key for pseudonyms; without it pseudonym mode throws. */
  pseudonymKey?: string
  /** Values left in place: exact values (any type, case-insensitive) or domains (example.com also allows sub.example.com). */
  allow?: readonly string[]
  /** Regions whose national phone formats count (ISO 3166 codes, or `all`); default a broad list (DEFAULT_PHONE_REGIONS). */
  phoneRegions?: readonly string[]
  /** Domains that, named bare ("spotify.com"), say where and not who: left in place; with a path they are URLs. */
  publicDomains?: readonly string[]
}

export type RedactionCounts = Partial<Record<PiiType, number>>

export interface RedactResult {
  text: string
  counts: RedactionCounts
  total: number
}

/** One detected value: `text.slice(start, end) === value`. */
export interface Finding {
  type: PiiType
  start: number
  end: number
  value: string
}

export interface Redactor {
  /** Replaces every finding; `scope` (e.g. a conversation id) keys the pseudonyms. */
  redact(text: string, scope?: string): RedactResult
  /** Findings that redact() would replace, in text order, non-overlapping. */
  find(text: string): Finding[]
  /** An independent second detector: what still looks like PII (placeholders are not PII). */
  verify(text: string): Finding[]
}
