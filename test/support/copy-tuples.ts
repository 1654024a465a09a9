/** Binary COPY tuples of export's conversation query, encoded as Postgres writes them (array_send, textsend, boolsend). */
export interface TupleMessage {
  user_id: string | null
  role: string
  content: string | null
  has_image?: boolean
  parts_text?: string | null
}

const TEXT_OID = 25
const BOOL_OID = 16

export function encodeConversationTuples(conversations: Array<{id: string; messages: TupleMessage[]}>): Uint8Array<ArrayBuffer> {
  const parts: Buffer[] = []
  for (const {id, messages} of conversations) {
    parts.push(int16(6), value(text(id)))
    parts.push(array(TEXT_OID, messages.map((message) => text(message.user_id))))
    parts.push(array(TEXT_OID, messages.map((message) => text(message.role))))
    parts.push(array(TEXT_OID, messages.map((message) => text(message.content))))
    parts.push(array(BOOL_OID, messages.map((message) => Buffer.from([message.has_image ? 1 : 0]))))
    parts.push(array(TEXT_OID, messages.map((message) => text(message.parts_text ?? null))))
  }
  return new Uint8Array(Buffer.concat(parts))
}

/** The header COPY … (FORMAT binary) starts with, with an extension area of `extension` bytes. */
export function copyHeader(extension = 0): Buffer {
  return Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), int32(0), int32(extension), Buffer.alloc(extension)])
}

export const COPY_TRAILER = Buffer.from([0xff, 0xff])

function text(value: string | null): Buffer | null {
  return value === null ? null : Buffer.from(value)
}

function value(bytes: Buffer | null): Buffer {
  return bytes === null ? int32(-1) : Buffer.concat([int32(bytes.length), bytes])
}

function array(elementType: number, elements: Array<Buffer | null>): Buffer {
  const hasNull = elements.some((element) => element === null) ? 1 : 0
  return value(Buffer.concat([int32(1), int32(hasNull), int32(elementType), int32(elements.length), int32(1), ...elements.map(value)]))
}

function int16(number: number): Buffer {
  const bytes = Buffer.alloc(2)
  bytes.writeInt16BE(number)
  return bytes
}

function int32(number: number): Buffer {
  const bytes = Buffer.alloc(4)
  bytes.writeInt32BE(number)
  return bytes
}
