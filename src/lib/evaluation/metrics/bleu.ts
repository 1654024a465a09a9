/**
 * Corpus BLEU, computed the way sacreBLEU 2.x does with its defaults, so scores
 * can be compared with published ones: the `13a` tokeniser (mteval-v13a), n-grams
 * up to 4, clipped counts against the reference(s), the brevity penalty
 * exp(1 − r/c) when the system output is shorter than the closest reference, and
 * the default `exp` smoothing (a zero match count at order n is replaced by
 * 1/(2^k · total_n) for the k-th such order — mteval's smoothing). Case-sensitive,
 * effective order off, scores on sacreBLEU's 0–100 scale.
 */

export const MAX_ORDER = 4

/** Per-hypothesis (or summed) counts; corpus BLEU is computed from their sum. */
export interface BleuStatistics {
  /** Clipped n-gram matches for n = 1..4. */
  matches: number[]
  /** Hypothesis n-grams for n = 1..4. */
  totals: number[]
  hypothesisLength: number
  referenceLength: number
}

export interface BleuScore {
  /** 0–100, as sacreBLEU prints it. */
  score: number
  /** Percent precisions for n = 1..4, after smoothing. */
  precisions: number[]
  brevityPenalty: number
  statistics: BleuStatistics
}

const HTML_ENTITIES: Array<[string, string]> = [['&quot;', '"'], ['&amp;', '&'], ['&lt;', '<'], ['&gt;', '>']]
const TOKENISER_RULES: Array<[RegExp, string]> = [
  // Symbols (ASCII punctuation except ' , - .) become tokens.
  [/([{-~[-` -&(-+:-@/])/g, ' $1 '],
  // Period and comma unless preceded by a digit, then unless followed by one.
  [/([^0-9])([.,])/g, '$1 $2 '],
  [/([.,])([^0-9])/g, ' $1 $2'],
  // A dash after a digit.
  [/([0-9])(-)/g, '$1 $2 '],
]

/** The mteval-v13a tokeniser, as sacreBLEU's `13a`. */
export function tokenize13a(text: string): string[] {
  let line = text.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ')
  if (line.includes('&')) for (const [entity, character] of HTML_ENTITIES) line = line.replaceAll(entity, character)
  line = ` ${line} `
  for (const [pattern, replacement] of TOKENISER_RULES) line = line.replace(pattern, replacement)
  return line.split(/\s+/).filter((token) => token !== '')
}

/** The n-gram statistics of one hypothesis against its references (the closest-length reference sets r). */
export function bleuStatistics(hypothesis: string, references: string[]): BleuStatistics {
  const hypothesisTokens = tokenize13a(hypothesis)
  const referenceTokens = references.map(tokenize13a)
  const maxReferenceCounts = new Map<string, number>()
  for (const tokens of referenceTokens) {
    for (const [gram, count] of ngramCounts(tokens)) maxReferenceCounts.set(gram, Math.max(count, maxReferenceCounts.get(gram) ?? 0))
  }
  const matches = Array<number>(MAX_ORDER).fill(0)
  const totals = Array<number>(MAX_ORDER).fill(0)
  for (const [gram, count] of ngramCounts(hypothesisTokens)) {
    const order = gram.split(' ').length - 1
    totals[order] += count
    matches[order] += Math.min(count, maxReferenceCounts.get(gram) ?? 0)
  }
  return {matches, totals, hypothesisLength: hypothesisTokens.length, referenceLength: closestLength(hypothesisTokens.length, referenceTokens)}
}

export function sumBleuStatistics(all: BleuStatistics[]): BleuStatistics {
  const sum: BleuStatistics = {matches: Array<number>(MAX_ORDER).fill(0), totals: Array<number>(MAX_ORDER).fill(0), hypothesisLength: 0, referenceLength: 0}
  for (const stats of all) {
    for (let n = 0; n < MAX_ORDER; n++) {
      sum.matches[n] += stats.matches[n]
      sum.totals[n] += stats.totals[n]
    }
    sum.hypothesisLength += stats.hypothesisLength
    sum.referenceLength += stats.referenceLength
  }
  return sum
}

/** BLEU from (summed) statistics with `exp` smoothing, as sacreBLEU's compute_bleu. */
export function bleuFromStatistics(statistics: BleuStatistics): BleuScore {
  const {matches, totals, hypothesisLength, referenceLength} = statistics
  const precisions = Array<number>(MAX_ORDER).fill(0)
  let smoothing = 1
  for (let n = 0; n < MAX_ORDER; n++) {
    if (totals[n] === 0) break
    if (matches[n] === 0) {
      smoothing *= 2
      precisions[n] = 100 / (smoothing * totals[n])
    } else {
      precisions[n] = (100 * matches[n]) / totals[n]
    }
  }
  const brevityPenalty = hypothesisLength >= referenceLength ? 1 : hypothesisLength > 0 ? Math.exp(1 - referenceLength / hypothesisLength) : 0
  // sacreBLEU stops early when nothing matches at all (its issue #141); a zero precision also gives 0.
  const isDegenerate = matches.every((count) => count === 0) || precisions.some((precision) => precision === 0)
  const score = isDegenerate ? 0 : brevityPenalty * Math.exp(precisions.reduce((sum, precision) => sum + Math.log(precision), 0) / MAX_ORDER)
  return {score, precisions, brevityPenalty, statistics}
}

/**
 * Corpus BLEU of hypotheses[i] against references[i] (one or more references each).
 * @example corpusBleu(['Hi world.', 'This is a Test.'], [['Hello world.'], ['This is a test.']]).score // ≈ 39.13
 */
export function corpusBleu(hypotheses: string[], references: string[][]): BleuScore {
  if (hypotheses.length !== references.length) throw new RangeError('corpusBleu: one list of references per hypothesis')
  return bleuFromStatistics(sumBleuStatistics(hypotheses.map((hypothesis, index) => bleuStatistics(hypothesis, references[index]))))
}

function ngramCounts(tokens: string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (let order = 1; order <= MAX_ORDER; order++) {
    for (let start = 0; start + order <= tokens.length; start++) {
      const gram = tokens.slice(start, start + order).join(' ')
      counts.set(gram, (counts.get(gram) ?? 0) + 1)
    }
  }
  return counts
}

/** sacreBLEU's tie rule: the closest reference length, the shorter one on a tie. */
function closestLength(hypothesisLength: number, references: string[][]): number {
  let best = Number.POSITIVE_INFINITY
  let bestDifference = Number.POSITIVE_INFINITY
  for (const {length} of references) {
    const difference = Math.abs(length - hypothesisLength)
    if (difference < bestDifference || (difference === bestDifference && length < best)) {
      best = length
      bestDifference = difference
    }
  }
  return Number.isFinite(best) ? best : 0
}
