import type {SourceRow} from './source.js'

// Postgres' text COPY format as COPY … TO STDOUT writes it: a row a line, columns separated by
// tabs, \N for null, and backslash escapes for backslash and the control characters below.
// COPY TO never emits octal or hex escapes; any other escaped character stands for itself.
const ESCAPED = /\\(.)/gs
const ESCAPES: Record<string, string> = {b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v'}
const NEWLINE = 0x0a
const TAB = 0x09
const T = 0x74
const N = 0x4e
const BACKSLASH = 0x5c

/** The rows of export's query (source.ts column order) from whole lines of COPY text, decoded one at a time. */
export function* decodeSourceRows(copyText: Uint8Array): Generator<SourceRow> {
  // Fields are found in the bytes and decoded one by one: decoding the whole batch at once made one
  // two-byte string of it as soon as any row held a non-ASCII character, and every field sliced from it
  // was two-byte too, slower to decode, scan, serialise and encode (1.7 s against 0.3 s per million rows).
  const bytes = Buffer.from(copyText.buffer, copyText.byteOffset, copyText.byteLength)
  let start = 0
  while (start < bytes.length) {
    let end = bytes.indexOf(NEWLINE, start)
    if (end === -1) end = bytes.length
    // Tabs in values are escaped, so each one separates.
    const tab1 = bytes.indexOf(TAB, start)
    const tab2 = bytes.indexOf(TAB, tab1 + 1)
    const tab3 = bytes.indexOf(TAB, tab2 + 1)
    const tab4 = bytes.indexOf(TAB, tab3 + 1)
    const tab5 = bytes.indexOf(TAB, tab4 + 1)
    yield {
      conversation_id: field(bytes, start, tab1)!,
      user_id: field(bytes, tab1 + 1, tab2),
      role: field(bytes, tab2 + 1, tab3)!,
      content: field(bytes, tab3 + 1, tab4),
      has_image: bytes[tab4 + 1] === T,
      parts_text: field(bytes, tab5 + 1, end),
    }
    start = end + 1
  }
}

/** The value of the field bytes[from, to): null for \N, escapes resolved. */
function field(bytes: Buffer, from: number, to: number): string | null {
  if (to - from === 2 && bytes[from] === BACKSLASH && bytes[from + 1] === N) return null
  const value = bytes.toString('utf8', from, to)
  return value.includes('\\') ? value.replace(ESCAPED, (_, char: string) => ESCAPES[char] ?? char) : value
}

/**
 * Where the last conversation that starts among the complete lines of `text`
 * begins: everything before it is whole conversations (rows are ordered by
 * conversation), everything from it on must wait for more rows. 0 when the
 * complete lines all belong to one conversation.
 */
export function lastConversationStart(text: Buffer): number {
  const lastNewline = text.lastIndexOf(NEWLINE)
  if (lastNewline === -1) return 0
  let start = lineStart(text, lastNewline)
  const conversation = text.subarray(start, text.indexOf(TAB, start))
  while (start > 0) {
    const previous = lineStart(text, start - 1)
    if (!text.subarray(previous, text.indexOf(TAB, previous)).equals(conversation)) return start
    start = previous
  }
  return 0
}

/** The start of the line that ends with the newline at `newline`. */
function lineStart(text: Buffer, newline: number): number {
  return newline === 0 ? 0 : text.lastIndexOf(NEWLINE, newline - 1) + 1
}
