import type {TrainingMessage, TrainingRole} from './examples.js'

/** One training line of a processed batch: the next `byteLength` bytes of the batch's `utf8`. */
export interface ExampleLine {
  byteLength: number
  conversationId: string
  userIds: string[]
}

// What JSON.stringify would escape in a string: quote, backslash, C0 controls, and (as \u escapes) lone surrogates.
// Surrogate pairs are matched too and simply take the JSON.stringify path.
const NEEDS_ESCAPE = /["\\\u0000-\u001F\uD800-\uDFFF]/
const OPEN = Buffer.from('{"messages":[')
const CLOSE = Buffer.from(']}\n')
const ROLE_OPEN: Record<TrainingRole, Buffer> = {
  system: Buffer.from('{"role":"system","content":'),
  user: Buffer.from('{"role":"user","content":'),
  assistant: Buffer.from('{"role":"assistant","content":'),
}
const QUOTE = 0x22
const COMMA = 0x2c
const CLOSE_BRACE = 0x7d
// Bytes per UTF-16 unit at most: an escape such as \u001f is 6 bytes; any other unit is at most 3.
const MAX_BYTES_PER_UNIT = 6

/**
 * Training lines as UTF-8 back to back, each the bytes of
 * `JSON.stringify({messages}) + "\n"`. Lines are written straight into one
 * growing buffer, a message's content as it is when it needs no escaping: no
 * line string is ever made, which was the largest allocation of export's workers.
 */
export class LinePacker {
  private buffer = Buffer.allocUnsafeSlow(1 << 20)
  private used = 0
  private readonly lines: ExampleLine[] = []

  add(messages: readonly TrainingMessage[], conversationId: string, userIds: string[]): void {
    this.reserve(messages)
    const start = this.used
    this.put(OPEN)
    for (let index = 0; index < messages.length; index += 1) {
      const message = messages[index]
      if (index > 0) this.buffer[this.used++] = COMMA
      this.put(ROLE_OPEN[message.role])
      this.putString(message.content, message.plain === true)
      this.buffer[this.used++] = CLOSE_BRACE
    }
    this.put(CLOSE)
    this.lines.push({byteLength: this.used - start, conversationId, userIds})
  }

  finish(): {utf8: Uint8Array<ArrayBuffer>; lines: ExampleLine[]} {
    return {utf8: new Uint8Array(this.buffer.buffer, 0, this.used) as Uint8Array<ArrayBuffer>, lines: this.lines}
  }

  private put(bytes: Buffer): void {
    // TypedArray set, not Buffer copy: for a few bytes the native call of copy() costs more than the copying.
    this.buffer.set(bytes, this.used)
    this.used += bytes.length
  }

  private putString(text: string, plain: boolean): void {
    if (!plain && NEEDS_ESCAPE.test(text)) {
      this.used += this.buffer.write(JSON.stringify(text), this.used)
      return
    }
    this.buffer[this.used++] = QUOTE
    this.used += this.buffer.write(text, this.used)
    this.buffer[this.used++] = QUOTE
  }

  /** Grows the buffer so that the line for `messages` surely fits. */
  private reserve(messages: readonly TrainingMessage[]): void {
    let bound = OPEN.length + CLOSE.length
    for (const message of messages) bound += ROLE_OPEN.assistant.length + 4 + MAX_BYTES_PER_UNIT * message.content.length
    if (this.used + bound <= this.buffer.length) return
    const grown = Buffer.allocUnsafeSlow(Math.max(this.used + bound, 2 * this.buffer.length))
    this.buffer.copy(grown, 0, 0, this.used)
    this.buffer = grown
  }
}
