import {isWordChar} from './chars.js'
import {span, type Span} from './span.js'

// Local part: letters, digits and . _ % + - (RFC 5322 allows more, but chat wraps addresses in * ' ` etc.).
const LOCAL_CHAR = /[\p{L}\p{M}\p{N}]/u
const DOMAIN = /(?:[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}-]{0,61}[\p{L}\p{M}\p{N}])?\.)+(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})(?![\p{L}\p{M}\p{N}_-])/uy
const HANDLE = /([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,62}[A-Za-z0-9_])?)(?:@((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}))?(?![\p{L}\p{M}\p{N}_@-])/iuy
// "@9pm", "@10:30", "@3" mean "at"; "@everyone" and friends are chat mentions of nobody in particular.
const NOT_A_HANDLE = /^(?:\d+|\d{1,2}(?:am|pm|h|hrs?|ish)|\d+(?:st|nd|rd|th)|everyone|here|channel|all|room)$/i

/** An email address whose `@` sits at `at`, or a handle starting there; null when neither. */
export function matchAtSign(text: string, at: number, floor: number): Span | null {
  let start = at
  while (start > floor && isLocalChar(text, start - 1)) start--
  while (start < at && text.charCodeAt(start) === 46) start++ // a local part never starts with '.'
  if (start < at) return matchEmail(text, start, at)
  return matchHandle(text, at)
}

function matchEmail(text: string, start: number, at: number): Span | null {
  DOMAIN.lastIndex = at + 1
  const m = DOMAIN.exec(text)
  if (m === null) return null
  return span('EMAIL', start, at + 1 + m[0].length)
}

function matchHandle(text: string, at: number): Span | null {
  if (at > 0 && (isWordChar(text, at - 1) || text.charCodeAt(at - 1) === 64)) return null
  HANDLE.lastIndex = at + 1
  const m = HANDLE.exec(text)
  if (m === null || NOT_A_HANDLE.test(m[1])) return null
  return span('HANDLE', at, at + 1 + m[0].length)
}

function isLocalChar(text: string, i: number): boolean {
  const c = text.charCodeAt(i)
  if (c < 128) return isWordChar(text, i) || c === 46 || c === 37 || c === 43 || c === 45
  return c < 0xd800 || c > 0xdfff ? LOCAL_CHAR.test(text[i]) : false
}
