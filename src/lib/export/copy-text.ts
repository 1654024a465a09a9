import type {SourceRow} from './source.js'

// Postgres' text COPY format as COPY … TO STDOUT writes it: a row a line, columns separated by
// tabs, \N for null, and backslash escapes for backslash and the control characters below.
// COPY TO never emits octal or hex escapes; any other escaped character stands for itself.
const ESCAPED = /\\(.)/gs
const ESCAPES: Record<string, string> = {b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v'}
const NEWLINE = 0x0a
const TAB = 0x09
const T = 0x74

/** The rows of export's query (source.ts column order) from whole lines of COPY text, decoded one at a time. */
export function* decodeSourceRows(copyText: Uint8Array): Generator<SourceRow> {
  const text = Buffer.from(copyText.buffer, copyText.byteOffset, copyText.byteLength).toString('utf8')
  let start = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    // Fields by indexOf rather than split(): no array per row. Tabs in values are escaped, so each one separates.
    const tab1 = text.indexOf('\t', start)
    const tab2 = text.indexOf('\t', tab1 + 1)
    const tab3 = text.indexOf('\t', tab2 + 1)
    const tab4 = text.indexOf('\t', tab3 + 1)
    const tab5 = text.indexOf('\t', tab4 + 1)
    yield {
      conversation_id: field(text, start, tab1)!,
      user_id: field(text, tab1 + 1, tab2),
      role: field(text, tab2 + 1, tab3)!,
      content: field(text, tab3 + 1, tab4),
      has_image: text.charCodeAt(tab4 + 1) === T,
      parts_text: field(text, tab5 + 1, end),
    }
    start = end + 1
  }
}

/** The value of the field text[from, to): null for \\N, escapes resolved. */
function field(text: string, from: number, to: number): string | null {
  const value = text.slice(from, to)
  if (value === '\\N') return null
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
