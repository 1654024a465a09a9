import type {SourceConversation, SourceRow} from './source.js'

// Postgres' binary COPY format: a header (signature, flags, extension), then a tuple per row (field count,
// then per field a length, -1 for null, and the value's binary form), then a trailer (field count -1).
// Values are raw bytes: nothing is escaped, so nothing has to be unescaped.
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1')
const FIXED_HEADER_BYTES = 19
const TRAILER = -1
// export's conversation query (source.ts): conversation_id, then arrays of user_id, role, content, has_image, parts_text.
const FIELDS = 6

/** The length of the header at the start of `bytes[0, end)`, or undefined while it is incomplete. */
export function copyHeaderLength(bytes: Buffer, end: number): number | undefined {
  if (end < FIXED_HEADER_BYTES) return undefined
  if (!bytes.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('the COPY stream is not in binary format')
  const length = FIXED_HEADER_BYTES + bytes.readUInt32BE(15)
  return length <= end ? length : undefined
}

/** Where the tuple that starts at `start` ends: undefined while it is incomplete in `bytes[0, end)`, 'trailer' at the trailer. */
export function copyTupleEnd(bytes: Buffer, start: number, end: number): number | 'trailer' | undefined {
  if (start + 2 > end) return undefined
  const fields = bytes.readInt16BE(start)
  if (fields === TRAILER) return 'trailer'
  let offset = start + 2
  for (let field = 0; field < fields; field += 1) {
    if (offset + 4 > end) return undefined
    const length = bytes.readInt32BE(offset)
    offset += 4 + Math.max(length, 0)
  }
  return offset <= end ? offset : undefined
}

/** The conversations of whole tuples of export's conversation query, decoded one at a time. */
export function* decodeConversations(copyData: Uint8Array): Generator<SourceConversation> {
  const reader = new TupleReader(Buffer.from(copyData.buffer, copyData.byteOffset, copyData.byteLength))
  while (!reader.done()) {
    const fields = reader.int16()
    if (fields !== FIELDS) throw new Error(`a COPY tuple of export's query has ${fields} fields, not ${FIELDS}`)
    const conversationId = reader.text()!
    const rows = new Array<SourceRow>(reader.arrayHeader())
    const userIds = new Set<string>()
    for (let index = 0; index < rows.length; index += 1) {
      const userId = reader.text()
      if (userId !== null) userIds.add(userId)
      rows[index] = {conversation_id: conversationId, user_id: userId, role: '', content: null, has_image: false, parts_text: null}
    }
    reader.sameLength(rows)
    for (const row of rows) row.role = reader.text()!
    reader.sameLength(rows)
    for (const row of rows) row.content = reader.text()
    reader.sameLength(rows)
    for (const row of rows) row.has_image = reader.bool()
    reader.sameLength(rows)
    for (const row of rows) row.parts_text = reader.text()
    yield {conversationId, userIds, rows}
  }
}

/** Reads values in sequence; each value is its length (-1 for null) and its bytes. */
class TupleReader {
  private offset = 0

  constructor(private readonly bytes: Buffer) {}

  done(): boolean {
    return this.offset >= this.bytes.length
  }

  int16(): number {
    this.offset += 2
    return this.bytes.readInt16BE(this.offset - 2)
  }

  int32(): number {
    this.offset += 4
    return this.bytes.readInt32BE(this.offset - 4)
  }

  text(): string | null {
    const length = this.int32()
    if (length === -1) return null
    this.offset += length
    return this.bytes.toString('utf8', this.offset - length, this.offset)
  }

  bool(): boolean {
    const length = this.int32()
    this.offset += Math.max(length, 0)
    return length === 1 && this.bytes[this.offset - 1] === 1
  }

  /** The number of elements of the one-dimensional array that follows (array_send: field length, dimensions, null flag, element type, size, lower bound). */
  arrayHeader(): number {
    this.offset += 4
    const dimensions = this.int32()
    this.offset += 8
    if (dimensions === 0) return 0
    const size = this.int32()
    this.offset += 4
    return size
  }

  /** Reads the header of the next array, which must have an element per row. */
  sameLength(rows: unknown[]): void {
    const size = this.arrayHeader()
    if (size !== rows.length) throw new Error(`a COPY tuple of export's query has arrays of ${rows.length} and ${size} elements`)
  }
}
