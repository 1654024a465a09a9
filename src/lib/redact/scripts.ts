// Which writing system a character of a host name, local part or path belongs to. A value is written
// in one script (plus ASCII digits and punctuation): where the script changes, the value ends, so
// "メールはmona@gmail.comまで" yields "mona@gmail.com" and "мелеуз.москва" stays one host.
export const NONE = 0
export const DIGIT = 1
export const LATIN = 2
const CJK = 3 // Han and kana together: Japanese host names mix them
const HANGUL = 4

/** The script class of the character at `i`: NONE for anything that is no letter or digit. */
export function scriptAt(text: string, i: number): number {
  if (i < 0 || i >= text.length) return NONE
  const c = text.charCodeAt(i)
  if (c < 128) return c >= 48 && c <= 57 ? DIGIT : (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? LATIN : NONE
  if ((c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) || (c >= 0x1e00 && c <= 0x1eff)) return LATIN
  if (c >= 0x300 && c <= 0x36f) return LATIN // combining marks after a Latin letter
  if ((c >= 0x3040 && c <= 0x30ff && c !== 0x30fb) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff)) return CJK
  if ((c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f)) return HANGUL
  if (c >= 0xd800 && c <= 0xdfff) return NONE
  // Elsewhere a Unicode block (256 code points) stands for its script: Cyrillic, Greek, Arabic, Hebrew,
  // Devanagari, Bengali, Thai, Hangul syllables… Letters and marks only.
  return LETTER_OR_MARK.test(text[i]) ? 16 + (c >> 8) : NONE
}

const LETTER_OR_MARK = /^[\p{L}\p{M}]$/u

/** Scripts written without spaces between words (CJK, kana, hangul with its particles, Thai, Lao, Myanmar, Khmer). */
export function isUnspaced(script: number): boolean {
  return script === CJK || script === HANGUL || script === 16 + 0x0e || script === 16 + 0x10 || script === 16 + 0x17
}

/** Same script, where digits go with any script. */
export function sameScript(a: number, b: number): boolean {
  return a === b || a === DIGIT || b === DIGIT
}

/**
 * The end of the host name (labels joined by dots) that starts at `start`: each label is one script
 * (plus digits and inner hyphens, "xn--" included), and the host ends where a label's script changes.
 * `script` is the first label's script, for callers that read on into a path.
 */
export function readHost(text: string, start: number): {end: number; script: number; labels: number} {
  let i = start
  let first = NONE
  let labels = 0
  for (;;) {
    const labelStart = i
    let script = DIGIT
    while (i < text.length) {
      const s = scriptAt(text, i)
      if (s !== NONE && sameScript(s, script)) {
        if (script === DIGIT) script = s
        i++
        continue
      }
      if (text.charCodeAt(i) !== 45 || i === labelStart) break
      let after = i
      while (text.charCodeAt(after) === 45) after++
      const next = scriptAt(text, after)
      if (next === NONE || !sameScript(next, script)) break
      i = after
    }
    if (i === labelStart) return {end: labelStart > start ? labelStart - 1 : start, script: first, labels}
    if (first === NONE) first = script
    labels++
    if (text.charCodeAt(i) !== 46 || scriptAt(text, i + 1) === NONE) return {end: i, script: first, labels}
    i++
  }
}

/** Where a host whose first dot is at `dot` starts: walks back over that label's script (digits and hyphens too). */
export function hostStart(text: string, dot: number, floor: number): number {
  let script = DIGIT
  let i = dot
  while (i > floor) {
    const s = scriptAt(text, i - 1)
    if (s !== NONE && sameScript(s, script)) {
      if (script === DIGIT) script = s
      i--
    } else if (text.charCodeAt(i - 1) === 45 && i < dot && i - 1 > floor && scriptAt(text, i - 2) !== NONE && sameScript(scriptAt(text, i - 2), script)) i--
    else break
  }
  while (text.charCodeAt(i) === 45) i++
  return i
}
