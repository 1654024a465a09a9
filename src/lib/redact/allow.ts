import {normaliseValue} from './placeholder.js'
import type {PiiType} from './types.js'

/** Decides whether a finding is on the allow-list: an exact value, or a domain that covers emails and URLs. */
export type AllowTest = (type: PiiType, value: string) => boolean

export function createAllowTest(allow: readonly string[] = []): AllowTest {
  if (allow.length === 0) return () => false
  const exact = new Set<string>()
  const domains: string[] = []
  for (const entry of allow) {
    const trimmed = entry.trim()
    if (trimmed === '') continue
    exact.add(trimmed.toLowerCase())
    if (/^[^\s@/:]+\.[^\s@/:]+$/.test(trimmed)) domains.push(trimmed.toLowerCase().replace(/^www\./, ''))
  }
  return (type, value) => {
    const lower = value.toLowerCase()
    if (exact.has(lower) || exact.has(normaliseValue(type, value))) return true
    const host = hostOf(type, lower)
    return host !== undefined && domains.some((d) => host === d || host.endsWith(`.${d}`))
  }
}

function hostOf(type: PiiType, value: string): string | undefined {
  if (type === 'EMAIL') return value.slice(value.lastIndexOf('@') + 1)
  if (type === 'URL') {
    return value.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/^[^/?#@]*@/, '').split(/[/?#:]/)[0].replace(/^www\./, '')
  }
  if (type === 'HANDLE' && value.indexOf('@', 1) !== -1) return value.slice(value.indexOf('@', 1) + 1)
  return undefined
}
