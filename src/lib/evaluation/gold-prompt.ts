import {isAsciiAlphanumeric, runStart, type CharacterClass} from '../redact/char-runs.js'

// How a user message is matched against the gold set's prompts, apart from the gold set file itself:
// export's worker threads need only this, and the file's validation (zod) would cost each of them
// ~0.5 s to load and ~13 MB of memory (docs/performance.md).

/**
 * The form prompts are compared in: Unicode NFKC, lowercase, every run of
 * characters other than letters and digits turned into one space, trimmed.
 * @example normalisePrompt('  What BPM is House?? ') // 'what bpm is house'
 */
export function normalisePrompt(text: string): string {
  return collapseNonWords(text.normalize('NFKC').toLowerCase())
}

/** Every run of characters other than letters and digits to one space, trimmed. */
function collapseNonWords(text: string): string {
  return text.replace(/[^\p{L}\p{N}]+/gu, ' ').trim()
}

const ASCII_ONLY = /^[\x00-\x7f]*$/
// Letters of scripts that NFKC and lowercasing keep outside ASCII (checked for every code point by
// test/lib/evaluation/gold-prompt.test.ts): a text holding one cannot normalise to a key written in ASCII.
// Modifier letters and the Arabic presentation forms of lone marks are left out: NFKC turns those into marks.
// (The v flag's set operations, through RegExp: TypeScript accepts the literal only when targeting ES2024.)
export const NON_ASCII_SCRIPT_LETTER = new RegExp(String.raw`[[\p{L}--\p{Lm}--[\uFC5E-\uFC63\uFE70-\uFE7F]]&&[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Thai}\p{Script=Devanagari}\p{Script=Bengali}]]`, 'v')
const ASCII_NON_WORDS = /[^a-z0-9]+/g
const FIRST_WORD = /[\p{L}\p{N}]+/u
const WORD: CharacterClass = {ascii: isAsciiAlphanumeric, other: /^[\p{L}\p{N}]$/u}
const NOT_WORD: CharacterClass = {ascii: (code) => !isAsciiAlphanumeric(code), other: /^[^\p{L}\p{N}]$/u}

/**
 * A fast exact test for "is this user message a gold prompt": the first and
 * last words of the NFKC, lowercased text must be those of one gold key
 * before the costly collapse of everything else runs. ASCII text is not
 * copied first: NFKC leaves it alone, and lowercasing a word does not depend
 * on its neighbours. Export calls it on every user message.
 */
export function createGoldPromptMatcher(keys: ReadonlySet<string>): (text: string) => boolean {
  const ends = new Set([...keys].map((key) => endsOf(key.split(' ', 1)[0], key.slice(key.lastIndexOf(' ') + 1))))
  const lastWords = new Set([...keys].map((key) => key.slice(key.lastIndexOf(' ') + 1)))
  // Length and last character of each last word: most messages' last words differ in one of the two,
  // and are rejected before their word is copied and lowercased.
  const lastWordShapes = new Set([...lastWords].map((word) => wordShape(word.length, word.charCodeAt(word.length - 1))))
  const asciiKeys = [...keys].every((key) => ASCII_ONLY.test(key))
  return (text) => {
    const end = asciiWordEnd(text)
    const start = end === -1 ? -1 : asciiWordStart(text, end)
    if (start !== -1) {
      if (!lastWordShapes.has(wordShape(end - start, lowerAscii(text.charCodeAt(end - 1))))) return false
      if (!lastWords.has(text.slice(start, end).toLowerCase())) return false
    }
    const ascii = ASCII_ONLY.test(text)
    // Chinese, Japanese, Russian… text is rejected without normalising it whole (the costly step).
    if (!ascii && asciiKeys && NON_ASCII_SCRIPT_LETTER.test(text)) return false
    const normalised = ascii ? text : text.normalize('NFKC').toLowerCase()
    const first = FIRST_WORD.exec(normalised)
    if (first === null || !ends.has(endsOf(first[0].toLowerCase(), lastWord(normalised).toLowerCase()))) return false
    // In ASCII text the letters and digits are [A-Za-z0-9]: a plain pattern collapses it several times faster.
    return keys.has(ascii ? normalised.toLowerCase().replace(ASCII_NON_WORDS, ' ').trim() : collapseNonWords(normalised.toLowerCase()))
  }
}

/**
 * The last word of `text` is read straight from its end when that is what
 * normalisePrompt() would keep: the word, what follows it and the character
 * before it all ASCII, which NFKC leaves alone and nothing before can change.
 * Most user messages end so, and few end with a gold prompt's last word,
 * so most are rejected after looking at a few characters.
 * asciiWordEnd: where that word ends (0 when the text has no word), or -1 when the end holds other characters.
 */
function asciiWordEnd(text: string): number {
  let end = text.length
  for (; end > 0; end--) {
    const code = text.charCodeAt(end - 1)
    if (code >= 128) return -1
    if (isAsciiAlphanumeric(code)) break
  }
  return end
}

/** Where the ASCII word ending at `end` starts, or -1 when a character other than ASCII comes right before it. */
function asciiWordStart(text: string, end: number): number {
  let start = end
  for (; start > 0; start--) {
    const code = text.charCodeAt(start - 1)
    if (code >= 128) return -1
    if (!isAsciiAlphanumeric(code)) break
  }
  return start
}

// NaN for the empty word becomes 0, the same on both sides.
function wordShape(length: number, lastCode: number): number {
  return length * 65536 + (lastCode || 0)
}

function lowerAscii(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code
}

/** First and last word as one set key; a one-word text's word is both. */
function endsOf(firstWord: string, lastWord: string): string {
  return `${firstWord}\u0000${lastWord}`
}

/** The last run of letters and digits, found from the end so long texts cost nothing. */
function lastWord(text: string): string {
  const end = runStart(text, text.length, NOT_WORD)
  return text.slice(runStart(text, end, WORD), end)
}
