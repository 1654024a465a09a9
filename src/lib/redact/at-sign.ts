import {isWordChar} from './chars.js'
import {isNotAHandle} from './context.js'
import {DIGIT, LATIN, NONE, readHost, sameScript, scriptAt} from './scripts.js'
import {publicSuffixEnd} from './url.js'
import {span, type Span} from './span.js'

const HANDLE = /([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,62}[A-Za-z0-9_])?)(?:@((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}))?(?![A-Za-z0-9_@\u00c0-\u024f-])/iy
// RFC 5322 atext besides letters and digits; '.' joins atoms.
const ATEXT_SPECIALS = new Set("!#$%&'*+-/=?^_`{|}~.".split('').map((c) => c.charCodeAt(0)))

/** An email address whose `@` sits at `at`, or a handle starting there; null when neither. */
export function matchAtSign(text: string, at: number, floor: number): Span | null {
  const start = localPartStart(text, at, floor)
  const email = start < at ? matchEmail(text, start, at) : null
  return email ?? matchHandle(text, at)
}

/**
 * The local part: Latin letters, digits and every RFC 5322 atext character ("o'brien", "a&r",
 * "josé.garcía", "customer/department=shipping"), or letters of one other script (internationalised addresses). It starts with a letter,
 * digit or '_': quotes and asterisks that chat puts around an address stay outside.
 */
function localPartStart(text: string, at: number, floor: number): number {
  let start = at
  const script = scriptAt(text, at - 1)
  if (script === LATIN || script === DIGIT || ATEXT_SPECIALS.has(text.charCodeAt(at - 1))) {
    while (start > floor && (scriptAt(text, start - 1) === LATIN || scriptAt(text, start - 1) === DIGIT || ATEXT_SPECIALS.has(text.charCodeAt(start - 1)))) start--
  } else if (script !== NONE) {
    while (start > floor && (text.charCodeAt(start - 1) === 46 || (scriptAt(text, start - 1) !== NONE && sameScript(scriptAt(text, start - 1), script)))) start--
  }
  while (start < at && !isLocalPartFirst(text, start)) start++
  return start
}

function matchEmail(text: string, start: number, at: number): Span | null {
  const host = readHost(text, at + 1)
  if (host.labels < 2) return null
  const name = text.slice(at + 1, host.end)
  const tld = name.slice(name.lastIndexOf('.') + 1)
  if (!/^(?:\p{L}[\p{L}\p{M}]{1,62}|xn--[a-z0-9-]{1,59})$/iu.test(tld)) return null
  // An ASCII address needs no listed suffix ("jdoe@one.test" is one). A local part in another script needs
  // one ("インスタは@krm.etallh" is a handle after Japanese text), and a non-Latin last label that runs on
  // into text ("info@苗栗市.中国必要な") ends at the longest known suffix.
  const asciiLocal = scriptAt(text, at - 1) <= LATIN || ATEXT_SPECIALS.has(text.charCodeAt(at - 1))
  if (asciiLocal && scriptAt(name, name.lastIndexOf('.') + 1) <= LATIN) return span('EMAIL', start, host.end)
  const known = publicSuffixEnd(text, at + 1, host.end)
  if (known === null) return asciiLocal ? span('EMAIL', start, host.end) : null
  return span('EMAIL', start, known.end)
}

function matchHandle(text: string, at: number): Span | null {
  if (at > 0 && (isWordChar(text, at - 1) || text.charCodeAt(at - 1) === 64)) return null
  HANDLE.lastIndex = at + 1
  const m = HANDLE.exec(text)
  if (m === null || isNotAHandle(m[1])) return null
  return span('HANDLE', at, at + 1 + m[0].length)
}

function isLocalPartFirst(text: string, i: number): boolean {
  const c = text.charCodeAt(i)
  if (c < 128) return isAsciiAlnum(c) || c === 95
  return scriptAt(text, i) > DIGIT
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
}

/** Whether the text from `from` runs on through local-part characters to an '@' ("user.name+tag@…"). */
export function reachesAtSign(text: string, from: number): boolean {
  let i = from
  while (i < text.length && i < from + 64 && (ATEXT_SPECIALS.has(text.charCodeAt(i)) || scriptAt(text, i) === LATIN || scriptAt(text, i) === DIGIT)) i++
  return text.charCodeAt(i) === 64
}
