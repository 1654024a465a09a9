import type {PiiType, Redactor} from '../redact/index.js'
import type {TrainingMessage} from './examples.js'

/** Where the verify pass found something: `message` indexes the example's messages; offsets are UTF-16 units of its content. */
export interface QuarantineFind {
  message: number
  type: PiiType
  start: number
  end: number
}

/** An example left out of the files because verify found something in it, ready to record: no found value survives in it. */
export interface QuarantinedExample {
  conversationId: string
  /** Which example of the conversation (a long one is split into several), counted from 0. */
  exampleIndex: number
  userIds: string[]
  finds: QuarantineFind[]
  /** The messages as export would have written them, each find masked to its shape (maskShape). */
  messages: TrainingMessage[]
}

/** What the verify pass finds in an example's user and assistant messages; undefined, without allocating, when nothing. */
export function findSuspects(messages: readonly TrainingMessage[], redactor: Redactor): QuarantineFind[] | undefined {
  let finds: QuarantineFind[] | undefined
  for (let index = 0; index < messages.length; index += 1) {
    if (messages[index].role === 'system') continue
    for (const found of redactor.verify(messages[index].content)) (finds ??= []).push({message: index, type: found.type, start: found.start, end: found.end})
  }
  return finds
}

export function quarantineExample(conversationId: string, exampleIndex: number, userIds: string[], messages: readonly TrainingMessage[], finds: QuarantineFind[]): QuarantinedExample {
  const masked = messages.map((message, index) => {
    const inMessage = finds.filter((find) => find.message === index)
    // A new object either way: only role and content are recorded, never the packer's plain flag.
    return {role: message.role, content: inMessage.length === 0 ? message.content : markFinds(message.content, inMessage, (_type, value) => maskShape(value))}
  })
  return {conversationId, exampleIndex, userIds, finds, messages: masked}
}

/**
 * A value's shape without the value: ASCII digits → 9, other digits → ９, ASCII letters → A or a,
 * other letters → x; separators, signs and spaces stay, since they are what a pattern is made of
 * ("+99 99 99999999", "a'aaaaa@aaaaaaa.aaa"). Each character keeps its UTF-16 length, so the
 * finds' offsets hold in the masked text.
 */
export function maskShape(value: string): string {
  return value.replace(/[\p{L}\p{N}]/gu, (char) => shapeOf(char).repeat(char.length))
}

function shapeOf(char: string): string {
  if (char >= '0' && char <= '9') return '9'
  if (char >= 'A' && char <= 'Z') return 'A'
  if (char >= 'a' && char <= 'z') return 'a'
  return /\p{N}/u.test(char) ? '９' : 'x'
}

/** `content` with each find's text replaced by what `mark` makes of it (its shape when recorded; a visible marker on review). */
export function markFinds(content: string, finds: readonly QuarantineFind[], mark: (type: PiiType, masked: string) => string): string {
  let marked = ''
  let at = 0
  for (const find of [...finds].sort((a, b) => a.start - b.start)) {
    marked += content.slice(at, find.start) + mark(find.type, content.slice(find.start, find.end))
    at = find.end
  }
  return marked + content.slice(at)
}
