/**
 * Paired bootstrap resampling (Koehn, 2004): draw the item indices with
 * replacement `samples` times, recompute the statistic of the difference on each
 * draw, and take the 2.5th and 97.5th percentiles as the 95% interval. The draws
 * come from a seeded PRNG, so the same inputs always give the same interval.
 */

export interface Interval {
  low: number
  high: number
}

export interface BootstrapOptions {
  samples?: number
  seed?: number
  /** 0.95 by default. */
  confidence?: number
}

export const DEFAULT_BOOTSTRAP_SAMPLES = 1000
export const DEFAULT_BOOTSTRAP_SEED = 20_240_601

/**
 * @param size how many paired items there are
 * @param difference the statistic of one resample (given its item indices), e.g. candidate minus baseline
 * @example pairedBootstrap(3, (indices) => mean(indices.map((i) => diffs[i])))
 */
export function pairedBootstrap(size: number, difference: (indices: number[]) => number, options: BootstrapOptions = {}): Interval {
  if (size === 0) return {low: 0, high: 0}
  const samples = options.samples ?? DEFAULT_BOOTSTRAP_SAMPLES
  const random = mulberry32(options.seed ?? DEFAULT_BOOTSTRAP_SEED)
  const values: number[] = []
  const indices = new Array<number>(size)
  for (let sample = 0; sample < samples; sample++) {
    for (let i = 0; i < size; i++) indices[i] = Math.floor(random() * size)
    values.push(difference(indices))
  }
  values.sort((a, b) => a - b)
  const tail = (1 - (options.confidence ?? 0.95)) / 2
  return {low: percentile(values, tail), high: percentile(values, 1 - tail)}
}

/** The mean of per-item differences over a resample: the statistic for per-item metrics. */
export function meanOver(values: readonly number[]): (indices: number[]) => number {
  return (indices) => indices.reduce((sum, index) => sum + values[index], 0) / indices.length
}

/** A small, fast 32-bit PRNG with a seed; uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** Linear interpolation between the closest ranks (numpy's default). */
function percentile(sorted: number[], fraction: number): number {
  const position = fraction * (sorted.length - 1)
  const below = Math.floor(position)
  const above = Math.min(below + 1, sorted.length - 1)
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below)
}
