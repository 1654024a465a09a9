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
  return (text) => {
    const asciiLast = asciiLastWord(text)
    if (asciiLast !== undefined && !lastWords.has(asciiLast.toLowerCase())) return false
    const ascii = ASCII_ONLY.test(text)
    const normalised = ascii ? text : text.normalize('NFKC').toLowerCase()
    const first = FIRST_WORD.exec(normalised)
    if (first === null || !ends.has(endsOf(first[0].toLowerCase(), lastWord(normalised).toLowerCase()))) return false
    // In ASCII text the letters and digits are [A-Za-z0-9]: a plain pattern collapses it several times faster.
    return keys.has(ascii ? normalised.toLowerCase().replace(ASCII_NON_WORDS, ' ').trim() : collapseNonWords(normalised.toLowerCase()))
  }
}

/**
 * The last word of `text` read straight from its end, when that is what
 * normalisePrompt() would keep: the word, what follows it and the character
 * before it all ASCII, which NFKC leaves alone and nothing before can change.
 * Most user messages end so, and few end with a gold prompt's last word,
 * so most are rejected here after looking at a few characters.
 * Undefined when the end holds other characters; '' when the text has no word.
 */
function asciiLastWord(text: string): string | undefined {
  let end = text.length
  for (; end > 0; end--) {
    const code = text.charCodeAt(end - 1)
    if (code >= 128) return undefined
    if (isAsciiAlphanumeric(code)) break
  }
  let start = end
  for (; start > 0; start--) {
    const code = text.charCodeAt(start - 1)
    if (code >= 128) return undefined
    if (!isAsciiAlphanumeric(code)) break
  }
  return text.slice(start, end)
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
