/** A set of characters: a quick test for ASCII codes, a one-code-point pattern (^…$, u flag) for the rest. */
export interface CharacterClass {
  ascii: (code: number) => boolean
  other: RegExp
}

export function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)
}

/**
 * Where the run of `members` characters that ends at `end` starts, walking back
 * a code point at a time (a surrogate pair is one) and never before `floor`.
 * Costs only the run's length, however long the text.
 */
export function runStart(text: string, end: number, members: CharacterClass, floor = 0): number {
  let start = end
  while (start > floor) {
    const code = text.charCodeAt(start - 1)
    if (code < 128) {
      if (!members.ascii(code)) break
      start -= 1
      continue
    }
    const high = text.charCodeAt(start - 2)
    const width = code >= 0xdc00 && code <= 0xdfff && start - 2 >= floor && high >= 0xd800 && high <= 0xdbff ? 2 : 1
    if (!members.other.test(text.slice(start - width, start))) break
    start -= width
  }
  return start
}
