import {createRequire} from 'node:module'
import {DIGIT, LATIN, NONE, hostStart, isUnspaced, readHost, sameScript, scriptAt} from './scripts.js'
import {reachesAtSign} from './at-sign.js'
import {span, type Span} from './span.js'

// tldts ships CommonJS to Node: imported from ESM, Node first lexes its 140 kB suffix trie for export names,
// which cost every thread that redacts ~0.2 s and ~4 MB more than require() (docs/performance.md).
const {parse} = createRequire(import.meta.url)('tldts') as typeof import('tldts')

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]{1,19}$/
const TLDTS_OPTIONS = {extractHostname: false, validateHostname: false, detectIp: false, mixedInputs: false} as const
// Public suffixes that are also file extensions people name in chat ("notes.md", "clip.mov", "run.sh"):
// a bare "name.<one of these>" is a file; with a path, a scheme or www. it is still a URL.
export const FILE_EXTENSIONS: ReadonlySet<string> = new Set(['zip', 'mov', 'md', 'py', 'sh', 'rs', 'ai', 'so', 'pm', 'ps', 'ml', 'cc', 'tf', 'gd', 'sb', 'dot', 'map', 'bz', 'run', 'hs'])

/** Keeps named bare domains (a configured list: "named bare, they say where, not who"); with a path they are URLs. */
export type PublicDomainTest = (host: string) => boolean

/** A URL with a scheme whose `:` (of `://`) sits at `colon`. */
export function matchSchemeUrl(text: string, colon: number, floor: number): Span | null {
  if (text.charCodeAt(colon + 1) !== 47 || text.charCodeAt(colon + 2) !== 47) return null
  let start = colon
  while (start > floor && isSchemeChar(text.charCodeAt(start - 1))) start--
  while (start < colon && !isAsciiLetter(text.charCodeAt(start))) start++
  if (!SCHEME.test(text.slice(start, colon))) return null
  const end = trimUrlEnd(text, colon + 3, readUrlBody(text, colon + 3, scriptOfHostAt(text, colon + 3)))
  return end > colon + 3 ? span('URL', start, end) : null
}

/** A scheme-less URL (`www.x.com`, `linktr.ee/name`, `shop.lutsk.ua`, `мелеуз.москва`) containing the `.` at `dot`. */
export function matchHostUrl(text: string, dot: number, floor: number, isPublicDomain: PublicDomainTest): Span | null {
  if (!mayBeHost(text, dot)) return null
  const start = hostStart(text, dot, floor)
  if (start === dot || !hasHostBoundary(text, start)) return null
  const host = readHost(text, start)
  if (host.labels < 2) return null
  let hostEnd = host.end
  const name = text.slice(start, hostEnd)
  const lastDot = name.lastIndexOf('.')
  const rawTld = name.slice(lastDot + 1)
  if (scriptAt(name, lastDot + 1) === DIGIT) return null // "3.14", "v1.2"
  const next = text.charCodeAt(hostEnd)
  if (next === 95 || (next === 45 && scriptAt(text, hostEnd + 1) !== NONE) || (next !== 47 && reachesAtSign(text, hostEnd))) return null // "file.tar_gz", "a.b-c", "user.name+tag@…"
  const port = /^:\d{2,5}(?![\d])/.exec(text.slice(hostEnd, hostEnd + 7))
  if (port !== null) hostEnd += port[0].length
  const hasPath = text.charCodeAt(hostEnd) === 47 || text.charCodeAt(hostEnd) === 63 || text.charCodeAt(hostEnd) === 35
  const qualified = hasPath || port !== null || name.toLowerCase().startsWith('www.')
  const known = publicSuffixEnd(text, start, host.end)
  if (known === null) return null
  if (known.end < host.end) return isBareHost(known.host, known.host.slice(known.host.lastIndexOf('.') + 1), known.icann, isPublicDomain) ? span('URL', start, known.end) : null
  const lower = known.host
  if (!qualified && !isBareHost(lower, rawTld, known.icann, isPublicDomain)) return null
  const end = hasPath ? Math.max(hostEnd, trimUrlEnd(text, hostEnd, readUrlBody(text, hostEnd, host.script))) : hostEnd
  return span('URL', start, end)
}

/**
 * The host from `start` to `end` if it ends in a known public suffix (ICANN or private), judged by the
 * Public Suffix List (tldts). A last label in a script other than Latin may run on into text written
 * without spaces ("苗栗市.中国必要な"): it is cut back to the longest known suffix.
 */
export function publicSuffixEnd(text: string, start: number, end: number): {end: number; host: string; icann: boolean} | null {
  const lastDot = text.lastIndexOf('.', end - 1)
  const cuttable = scriptAt(text, lastDot + 1) > LATIN
  // Suffixes in other scripts are short ("москва", "السعودية"): a longer run is text, cut from 16 down.
  for (let e = cuttable ? Math.min(end, lastDot + 17) : end; e > lastDot + 1; e--) {
    const host = text.slice(start, e).toLowerCase()
    const icann = suffixKind(host)
    if (icann !== undefined) return {end: e, host, icann}
    if (!cuttable) break
  }
  return null
}

// Cheap reject before any walking: "3.14", "Node.js", "index.ts", "e.g." end in a label that is no top-level domain.
function mayBeHost(text: string, dot: number): boolean {
  const first = scriptAt(text, dot + 1)
  if (first === NONE || first === DIGIT) return false
  let end = dot + 1
  while (end < text.length && sameScript(scriptAt(text, end), first) && scriptAt(text, end) !== NONE) end++
  const c = text.charCodeAt(end)
  if (c === 46 || c === 45 || c === 58 || c === 47 || c === 63 || c === 35) return true // more labels, port, path
  return first > LATIN || isTopLevelDomain(text.slice(dot + 1, end).toLowerCase())
}

const topLevelDomains = new Map<string, boolean>()

function isTopLevelDomain(label: string): boolean {
  let known = topLevelDomains.get(label)
  if (known === undefined) {
    if (topLevelDomains.size >= 8192) topLevelDomains.clear()
    topLevelDomains.set(label, (known = suffixKind(`example.${label}`) !== undefined))
  }
  return known
}

// Chat names the same few hosts and file names over and over ("index.ts", "gmail.com"): their verdicts are kept.
const suffixKinds = new Map<string, boolean | undefined>()

/** true: an ICANN suffix; false: a private one (github.io); undefined: no registrable domain on a known suffix. */
export function suffixKind(host: string): boolean | undefined {
  if (suffixKinds.has(host)) return suffixKinds.get(host)
  const parsed = parse(host, TLDTS_OPTIONS)
  const kind = parsed.domain === null || !(parsed.isIcann === true || parsed.isPrivate === true) ? undefined : parsed.isIcann === true
  if (suffixKinds.size >= 8192) suffixKinds.clear()
  suffixKinds.set(host, kind)
  return kind
}

/** A bare `name.suffix`: an ICANN suffix written in lower case, no file extension, no digits-only name, not a configured public domain. */
function isBareHost(host: string, rawTld: string, icann: boolean, isPublicDomain: PublicDomainTest): boolean {
  if (!icann || rawTld !== rawTld.toLowerCase() || FILE_EXTENSIONS.has(rawTld)) return false
  if (/^\d+\./.test(host)) return false
  for (let i = -1; i !== host.lastIndexOf('.'); i = host.indexOf('.', i + 1)) if (isPublicDomain(host.slice(i + 1))) return false
  return true
}

// The path, query and fragment: URL punctuation and letters ("example.ru/путь"), except letters of the
// scripts written without spaces (CJK, kana, hangul particles, Thai, Lao, Khmer, Myanmar) unless the host
// is in that script: Japanese or Thai text running on after a link is not swallowed into it.
function readUrlBody(text: string, from: number, script: number): number {
  let i = from
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c < 128) {
      if (!URL_ASCII[c]) break
    } else {
      const s = scriptAt(text, i)
      if (s === NONE || (isUnspaced(s) && s !== script)) break
    }
    i++
  }
  return i
}

function scriptOfHostAt(text: string, at: number): number {
  for (let i = at; i < text.length && i < at + 64; i++) {
    const s = scriptAt(text, i)
    if (s !== DIGIT && s !== NONE) return s
    if (s === NONE && text.charCodeAt(i) !== 46 && text.charCodeAt(i) !== 45) break
  }
  return LATIN
}

const URL_ASCII: boolean[] = Array.from({length: 128}, (_, c) => /[A-Za-z0-9!#$%&()*+,\-./:;=?@_~[\]]/.test(String.fromCharCode(c)))

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
