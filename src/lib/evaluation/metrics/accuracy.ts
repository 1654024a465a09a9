/**
 * Accuracy by normalised match. Both texts are normalised the SQuAD way —
 * Unicode NFKC, lowercase, punctuation and symbols deleted (so "hip-hop" becomes
 * "hiphop"), the articles "a", "an" and "the" removed, whitespace collapsed to
 * single spaces — and an answer counts as correct when
 * its normalised text equals the normalised ideal or contains it as a whole-word
 * run (so "It's 128 BPM." matches the ideal "128 BPM", but "1280 bpm" does not).
 */

export function normaliseAnswer(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, '')
    .replace(/\b(a|an|the)\b/g, ' ')
    .split(/\s+/)
    .filter((word) => word !== '')
    .join(' ')
}

export function isNormalisedMatch(answer: string, ideal: string): boolean {
  const normalisedIdeal = normaliseAnswer(ideal)
  if (normalisedIdeal === '') return false
  return ` ${normaliseAnswer(answer)} `.includes(` ${normalisedIdeal} `)
}

/** The share of answers that match their ideal, 0–1. */
export function accuracy(answers: string[], ideals: string[]): number {
  if (answers.length === 0) return 0
  return answers.filter((answer, index) => isNormalisedMatch(answer, ideals[index])).length / answers.length
}
