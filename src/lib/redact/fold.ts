// Compatibility forms folded to ASCII before scanning, one UTF-16 unit for one, so every offset found
// in the folded text is the same offset in the original: full-width ASCII (＋８１ ９０－…, ＠), the
// ideographic space, Unicode dashes and minus, the katakana prolonged sound mark used as a dash
// between digits (０９０ー１２３４), and Arabic-Indic, Persian and Devanagari digits.
// Folding is needed only where a value can be written in those forms: full-width digits, letters, '@'
// or '+', or non-ASCII digits. Full-width punctuation alone (，。！) and 'ー' inside words are common in
// CJK text and never start a value.
// Every one of them is outside ASCII.
export const FOLDABLE_CHARS = '\\uff10-\\uff19\\uff20-\\uff3a\\uff41-\\uff5a\\uff0b\\u0660-\\u0669\\u06f0-\\u06f9\\u0966-\\u096f'
const FOLDABLE = new RegExp(`[${FOLDABLE_CHARS}]`)

export function needsFolding(text: string): boolean {
  return FOLDABLE.test(text)
}

export function fold(text: string): string {
  let out = ''
  let last = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const folded = foldChar(c, text, i)
    if (folded === c) continue
    out += text.slice(last, i) + String.fromCharCode(folded)
    last = i + 1
  }
  return last === 0 ? text : out + text.slice(last)
}

function foldChar(c: number, text: string, i: number): number {
  if (c >= 0xff01 && c <= 0xff5e) return c - 0xfee0
  if (c === 0x3000) return 32
  if ((c >= 0x2010 && c <= 0x2015) || c === 0x2212) return 45
  if (c === 0x30fc) return isDigitLike(text.charCodeAt(i - 1)) && isDigitLike(text.charCodeAt(i + 1)) ? 45 : c
  if (c >= 0x0660 && c <= 0x0669) return c - 0x0660 + 48
  if (c >= 0x06f0 && c <= 0x06f9) return c - 0x06f0 + 48
  if (c >= 0x0966 && c <= 0x096f) return c - 0x0966 + 48
  return c
}

function isDigitLike(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19)
}
