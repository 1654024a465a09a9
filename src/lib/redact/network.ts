import {hasVersionContext} from './context.js'
import {isWordChar} from './chars.js'
import {span, type Span} from './span.js'

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)'
const IPV4 = new RegExp(`${OCTET}(?:\\.${OCTET}){3}(?![\\d])`, 'y')
const CIDR4 = /\/(?:3[0-2]|[12]?\d)(?!\d)/y
const IPV6_CANDIDATE = /(?:[0-9A-Fa-f:]{1,32}:(?:\d{1,3}\.){3}\d{1,3}(?![\d.])|[0-9A-Fa-f:]{2,39})(?:%[A-Za-z0-9_.]{1,15})?(?:\/\d{1,3}(?!\d))?/y
const IPV4_TAIL = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`)

/**
 * A dotted-quad IPv4 address (optionally /CIDR) starting at `start`.
 * Version numbers look the same, so a quad is NOT an IP when a version word ("v", "version",
 * "build", "firmware", an app name…) comes right before it, when it is followed by `-beta`-style
 * suffixes or a fifth `.n`, or when any octet has a leading zero.
 */
export function matchIpv4(text: string, start: number): Span | null {
  IPV4.lastIndex = start
  const m = IPV4.exec(text)
  if (m === null) return null
  let end = start + m[0].length
  const next = text.charCodeAt(end)
  if ((next === 46 || next === 45) && isWordChar(text, end + 1)) return null // 1.2.3.4.5, 1.2.3.4-beta
  if (isWordChar(text, end)) return null
  if (hasVersionContext(text, start)) return null
  CIDR4.lastIndex = end
  const cidr = CIDR4.exec(text)
  if (cidr !== null) end += cidr[0].length
  return span('IP', start, end)
}

/** An IPv6 address (full, compressed, zone, v4-mapped, /prefix) starting at `start`. */
export function matchIpv6(text: string, start: number): Span | null {
  if (isWordChar(text, start - 1) || text.charCodeAt(start - 1) === 58) return null
  IPV6_CANDIDATE.lastIndex = start
  const m = IPV6_CANDIDATE.exec(text)
  if (m === null) return null
  let candidate = m[0]
  // Sentence punctuation after the address: "fe80::1." / "::1:" never end an address.
  while (candidate.endsWith(':') && !candidate.endsWith('::')) candidate = candidate.slice(0, -1)
  const end = start + candidate.length
  if (isWordChar(text, end)) return null
  return isIpv6(candidate) ? span('IP', start, end) : null
}

function isIpv6(candidate: string): boolean {
  let address = candidate
  const slash = address.indexOf('/')
  if (slash !== -1) {
    if (Number(address.slice(slash + 1)) > 128) return false
    address = address.slice(0, slash)
  }
  const percent = address.indexOf('%')
  if (percent !== -1) address = address.slice(0, percent)
  let groupsNeeded = 8
  const lastColon = address.lastIndexOf(':')
  if (address.indexOf('.', lastColon) !== -1) {
    if (!IPV4_TAIL.test(address.slice(lastColon + 1))) return false
    address = address.slice(0, lastColon + 1) + '0'
    groupsNeeded = 7
  }
  const halves = address.split('::')
  if (halves.length > 2) return false
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')))
  if (groups.some((g) => g.length === 0 || g.length > 4)) return false
  if (halves.length === 1) return groups.length === groupsNeeded && groups.some((g) => !/^\d{1,2}$/.test(g))
  if (groups.length >= groupsNeeded) return false
  // "::" alone or with a single short group ("a::b") is too thin; "::1" and "fe80::1" are real.
  return groups.length > 0 && (groups.length >= 2 || halves[0] === '' || /^(?:fe80|ff0\d|fd[0-9a-f]{2}|fc[0-9a-f]{2}|2001|2400|2a0\d)$/i.test(groups[0]))
}
