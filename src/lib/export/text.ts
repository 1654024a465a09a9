// C0 controls except tab, newline and carriage return; DEL and C1 controls.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g
// The same without the gaps for tab, newline and carriage return: V8 scans for two plain ranges
// faster, and most texts hold neither.
const ANY_CONTROL = /[\u0000-\u001F\u007F-\u009F]/

// What sanitizeText() may change or JSON.stringify() would escape: quote, backslash, controls, and any
// surrogate. Text without these is written as it is, and redaction keeps it so (placeholders are plain ASCII).
const NOT_PLAIN = /["\\\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]/

/** True when `text` needs no sanitising and no JSON escaping: one scan answers both. */
export function isPlainText(text: string): boolean {
  return !NOT_PLAIN.test(text)
}

/**
 * Makes text safe for a training file: lone surrogates become U+FFFD (JSON
 * encoders would otherwise write invalid UTF-8) and control characters go.
 * Returns the same string when nothing changed, so callers can count fixes.
 */
export function sanitizeText(text: string): string {
  const wellFormed = text.isWellFormed() ? text : text.toWellFormed()
  if (!ANY_CONTROL.test(wellFormed)) return wellFormed
  CONTROL_CHARACTERS.lastIndex = 0
  return CONTROL_CHARACTERS.test(wellFormed) ? wellFormed.replace(CONTROL_CHARACTERS, '') : wellFormed
}
