import type {SourceRow} from './source.js'

// Postgres' text COPY format as COPY … TO STDOUT writes it: a row a line, columns separated by
// tabs, \N for null, and backslash escapes for backslash and the control characters below.
// COPY TO never emits octal or hex escapes; any other escaped character stands for itself.
const ESCAPED = /\\(.)/gs
const ESCAPES: Record<string, string> = {b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v'}
const NEWLINE = 0x0a
const TAB = 0x09

/** The rows of export's query (source.ts column order) from whole lines of COPY text. */
export function decodeSourceRows(copyText: Uint8Array): SourceRow[] {
  const text = Buffer.from(copyText.buffer, copyText.byteOffset, copyText.byteLength).toString('utf8')
  const rows: SourceRow[] = []
  let start = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    const [conversationId, userId, role, content, hasImage, partsText] = text.slice(start, end).split('\t')
    rows.push({
      conversation_id: unescapeField(conversationId)!,
      user_id: unescapeField(userId),
      role: unescapeField(role)!,
      content: unescapeField(content),
      has_image: hasImage === 't',
      parts_text: unescapeField(partsText),
    })
    start = end + 1
  }
  return rows
}

function unescapeField(field: string): string | null {
  if (field === '\\N') return null
  return field.includes('\\') ? field.replace(ESCAPED, (_, char: string) => ESCAPES[char] ?? char) : field
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
