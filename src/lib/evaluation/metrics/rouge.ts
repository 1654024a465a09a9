/**
 * ROUGE-L (Lin, 2004): the longest common subsequence of the candidate and the
 * reference tokens gives recall LCS/|reference| and precision LCS/|candidate|,
 * combined as the F-measure 2PR/(P+R) (β = 1). Tokens are lowercased runs of
 * letters and digits (as Google's rouge-score, without stemming). The corpus
 * figure is the mean per-item F-measure.
 */

export interface RougeL {
  precision: number
  recall: number
  fmeasure: number
}

export function rougeTokens(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((token) => token !== '')
}

/** @example rougeL('police kill the gunman', 'police killed the gunman').fmeasure // 0.75 */
export function rougeL(candidate: string, reference: string): RougeL {
  const candidateTokens = rougeTokens(candidate)
  const referenceTokens = rougeTokens(reference)
  const lcs = lcsLength(candidateTokens, referenceTokens)
  if (lcs === 0) return {precision: 0, recall: 0, fmeasure: 0}
  const precision = lcs / candidateTokens.length
  const recall = lcs / referenceTokens.length
  return {precision, recall, fmeasure: (2 * precision * recall) / (precision + recall)}
}

/** Dynamic programming over one row at a time: O(|a|·|b|) time, O(|b|) memory. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0)
  for (const token of a) {
    const current = new Array<number>(b.length + 1).fill(0)
    for (let j = 1; j <= b.length; j++) {
      current[j] = token === b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1])
    }
    previous = current
  }
  return previous[b.length]
}
