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

/**
 * The rows of export's query (source.ts column order) from whole lines of COPY text, decoded one at a
 * time and handed to `onRow` (a call per row, not a generator's step: this runs for every message).
 */
export function decodeSourceRows(copyText: Uint8Array, onRow: (row: SourceRow) => void): void {
  // Fields are found in the bytes and decoded one by one: decoding the whole batch at once made one
  // two-byte string of it as soon as any row held a non-ASCII character, and every field sliced from it
  // was two-byte too, several times slower to decode, scan, serialise and encode.
  const bytes = Buffer.from(copyText.buffer, copyText.byteOffset, copyText.byteLength)
  // A conversation's rows repeat its id and user, and roles are few: those are compared as bytes and the
  // string made once, so most rows decode only their content (fewer strings to make and collect).
  const conversationId = new RepeatedField(bytes)
  const userId = new RepeatedField(bytes)
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
    onRow({
      conversation_id: conversationId.value(start, tab1)!,
      user_id: userId.value(tab1 + 1, tab2),
      role: knownRole(bytes, tab2 + 1, tab3) ?? field(bytes, tab2 + 1, tab3)!,
      content: field(bytes, tab3 + 1, tab4),
      has_image: bytes[tab4 + 1] === T,
      parts_text: field(bytes, tab5 + 1, end),
    })
    start = end + 1
  }
}

/** The value of the field bytes[from, to): null for \N, escapes resolved. */
function field(bytes: Buffer, from: number, to: number): string | null {
  if (to - from === 2 && bytes[from] === BACKSLASH && bytes[from + 1] === N) return null
  const value = bytes.toString('utf8', from, to)
  return value.includes('\\') ? value.replace(ESCAPED, (_, char: string) => ESCAPES[char] ?? char) : value
}

/** A column whose value usually repeats the previous row's: decoded only when its bytes differ. */
class RepeatedField {
  private from = 0
  private to = -1
  private decoded: string | null = null

  constructor(private readonly bytes: Buffer) {}

  value(from: number, to: number): string | null {
    if (!sameBytes(this.bytes, this.from, this.to, this.bytes, from, to)) this.decoded = field(this.bytes, from, to)
    this.from = from
    this.to = to
    return this.decoded
  }
}

const ROLES = ['user', 'assistant', 'system', 'tool'].map((role) => ({role, bytes: Buffer.from(role)}))

/** The stored role as one of the usual strings, without decoding; undefined for any other role. */
function knownRole(bytes: Buffer, from: number, to: number): string | undefined {
  for (const {role, bytes: known} of ROLES) if (sameBytes(known, 0, known.length, bytes, from, to)) return role
  return undefined
}

// A loop, not Buffer.compare: for ids and roles a few bytes long, the native call costs more than the comparing.
function sameBytes(a: Uint8Array, aFrom: number, aTo: number, b: Uint8Array, bFrom: number, bTo: number): boolean {
  if (aTo - aFrom !== bTo - bFrom) return false
  for (let i = 0; i < aTo - aFrom; i++) if (a[aFrom + i] !== b[bFrom + i]) return false
  return true
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
