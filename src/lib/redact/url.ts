import {isLabelChar} from './chars.js'
import {span, type Span} from './span.js'
import {PUBLIC_PLATFORMS, WEB_TLDS, isTld} from './tlds.js'

const BODY = '[\\p{L}\\p{M}\\p{N}!#$%&()*+,\\-./:;=?@_~\\[\\]]'
const SCHEME_BODY = new RegExp(`${BODY}+`, 'uy')
const HOST = new RegExp(
  '((?:[\\p{L}\\p{M}\\p{N}](?:[\\p{L}\\p{M}\\p{N}-]{0,61}[\\p{L}\\p{M}\\p{N}])?\\.)+)' + // labels
    '(\\p{L}{2,63}|xn--[a-z0-9-]{1,59})(?![\\p{L}\\p{M}\\p{N}_@-])' + // top-level domain
    `(:\\d{2,5})?` + // port
    `([/?#]${BODY}*)?`, // path, query, fragment
  'uy',
)
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]{1,19}$/

/** A URL with a scheme whose `:` (of `://`) sits at `colon`. */
export function matchSchemeUrl(text: string, colon: number, floor: number): Span | null {
  if (text.charCodeAt(colon + 1) !== 47 || text.charCodeAt(colon + 2) !== 47) return null
  let start = colon
  while (start > floor && isSchemeChar(text.charCodeAt(start - 1))) start--
  while (start < colon && !isAsciiLetter(text.charCodeAt(start))) start++
  if (!SCHEME.test(text.slice(start, colon))) return null
  SCHEME_BODY.lastIndex = colon + 3
  const m = SCHEME_BODY.exec(text)
  if (m === null) return null
  const end = trimUrlEnd(text, colon + 3, colon + 3 + m[0].length)
  return end > colon + 3 ? span('URL', start, end) : null
}

/** A scheme-less URL (`www.x.com`, `linktr.ee/name`, `example.com`) containing the `.` at `dot`. */
export function matchHostUrl(text: string, dot: number, floor: number): Span | null {
  if (!isLabelChar(text, dot + 1)) return null
  let start = dot
  while (start > floor && (isLabelChar(text, start - 1) || text.charCodeAt(start - 1) === 45)) start--
  while (start < dot && text.charCodeAt(start) === 45) start++
  if (start === dot || !hasHostBoundary(text, start)) return null
  if (!mayBeTld(text, dot + 1)) return null
  HOST.lastIndex = start
  const m = HOST.exec(text)
  if (m === null) return null
  const tld = m[2].toLowerCase()
  const host = (m[1] + m[2]).toLowerCase()
  const hasPath = m[4] !== undefined
  const qualified = hasPath || m[3] !== undefined || host.startsWith('www.')
  if (qualified ? !isTld(tld) : !isBareWebHost(host, tld, m[2])) return null
  const hostEnd = start + m[1].length + m[2].length + (m[3]?.length ?? 0)
  const end = hasPath ? Math.max(hostEnd, trimUrlEnd(text, hostEnd, start + m[0].length)) : hostEnd
  return span('URL', start, end)
}

// Cheap reject before the host pattern: "Node.js", "index.ts", "v2.wav" end in a label that is no TLD.
function mayBeTld(text: string, from: number): boolean {
  let end = from
  while (end < text.length && isLabelChar(text, end)) end++
  const c = text.charCodeAt(end)
  if (c === 46 || c === 45 || c === 58 || c === 47 || c === 63 || c === 35) return true // more labels, port, path
  return isTld(text.slice(from, end).toLowerCase())
}

/** A bare `name.tld` is a URL only with a common, lower-case web TLD and not a well-known platform name. */
function isBareWebHost(host: string, tld: string, rawTld: string): boolean {
  if (rawTld !== tld || !WEB_TLDS.has(tld)) return false
  for (let i = host.indexOf('.'); i !== -1; i = host.indexOf('.', i + 1)) {
    if (PUBLIC_PLATFORMS.has(host.slice(i + 1)) && host.indexOf('.', i + 1) !== -1) return false
  }
  return !PUBLIC_PLATFORMS.has(host) && !/^\d+\./.test(host)
}

// Not after characters that make the word part of something else: a path, an address, a hashtag, a $var.
function hasHostBoundary(text: string, start: number): boolean {
  if (start === 0) return true
  const c = text.charCodeAt(start - 1)
  return !(c === 64 || c === 46 || c === 47 || c === 92 || c === 95 || c === 35 || c === 36 || c === 126 || c === 45)
}

/** Drops trailing sentence punctuation and closing brackets that do not belong to the path. */
export function trimUrlEnd(text: string, bodyStart: number, end: number): number {
  while (end > bodyStart) {
    const c = text.charCodeAt(end - 1)
    if (c === 46 || c === 44 || c === 59 || c === 58 || c === 33 || c === 63 || c === 42) end--
    else if (c === 41 && !isBalanced(text, bodyStart, end, 40, 41)) end--
    else if (c === 93 && !isBalanced(text, bodyStart, end, 91, 93)) end--
    else break
  }
  return end
}

function isBalanced(text: string, start: number, end: number, open: number, close: number): boolean {
  let depth = 0
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c === open) depth++
    else if (c === close) depth--
  }
  return depth >= 0
}

function isSchemeChar(c: number): boolean {
  return isAsciiLetter(c) || (c >= 48 && c <= 57) || c === 43 || c === 46 || c === 45
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
}
