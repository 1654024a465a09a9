// ASCII character classes as a lookup table: the scanner's hot loop reads one byte per char.
export const DIGIT = 1
export const ALPHA = 2
export const TRIGGER = 4 // characters that can anchor a finding: digits @ : .
export const HEX = 8

const table = new Uint8Array(128)
for (let c = 48; c <= 57; c++) table[c] = DIGIT | TRIGGER | HEX
for (let c = 65; c <= 90; c++) table[c] = ALPHA
for (let c = 97; c <= 122; c++) table[c] = ALPHA
for (const c of 'abcdefABCDEF') table[c.charCodeAt(0)] |= HEX
for (const c of '@:.') table[c.charCodeAt(0)] |= TRIGGER
export const CHAR_CLASS = table

const UNICODE_WORD = /[\p{L}\p{M}\p{N}]/u

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

export function isDigitAt(text: string, i: number): boolean {
  return isDigit(text.charCodeAt(i))
}

export function isAsciiAlpha(c: number): boolean {
  return c < 128 && (table[c] & ALPHA) !== 0
}

/**
 * A letter, digit or underscore of the Latin script, the alphabet of every value the scanner finds
 * (digits, ASCII local parts and host names). Any other script's letters (CJK, kana, hangul, Thai,
 * Arabic, Devanagari, Cyrillic, Greek…) end a value: text in those languages often runs on with no space.
 */
export function isWordChar(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false
  const c = text.charCodeAt(i)
  if (c < 128) return (table[c] & (ALPHA | DIGIT)) !== 0 || c === 95
  return isLatinLetter(c)
}

// Latin-1 letters (not × ÷), Latin Extended-A/B, IPA, combining marks, Latin Extended Additional (Vietnamese).
function isLatinLetter(c: number): boolean {
  return (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) || (c >= 0x250 && c <= 0x36f) || (c >= 0x1e00 && c <= 0x1eff)
}

/** Letter/digit that may appear in a domain label (ASCII, hyphen excluded, or any Unicode letter for IDN). */
export function isLabelChar(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false
  const c = text.charCodeAt(i)
  if (c < 128) return (table[c] & (ALPHA | DIGIT)) !== 0
  if (c >= 0xd800 && c <= 0xdfff) return false
  return UNICODE_WORD.test(text[i])
}
