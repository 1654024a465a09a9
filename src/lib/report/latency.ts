/** Bucket b of loopft_served_daily holds latencies in [BASE^b, BASE^(b+1)) ms (migration 0070, loopft_latency_bucket). */
const BASE = 1.1

export interface LatencyPercentiles {
  p50: number
  p95: number
  p99: number
}

/** A latency histogram: bucket → requests. */
export type Histogram = Map<number, number>

export function addToHistogram(histogram: Histogram, bucket: number, requests: number): void {
  histogram.set(bucket, (histogram.get(bucket) ?? 0) + requests)
}

/**
 * p50/p95/p99 in ms, each the geometric middle of the bucket that holds the
 * nearest-rank percentile: within 5% of the exact value. Null for no requests.
 */
export function percentilesOf(histogram: Histogram): LatencyPercentiles | null {
  const buckets = [...histogram.entries()].sort(([left], [right]) => left - right)
  const total = buckets.reduce((sum, [, requests]) => sum + requests, 0)
  if (total === 0) return null
  const at = (quantile: number) => {
    const rank = Math.max(1, Math.ceil(quantile * total))
    let seen = 0
    for (const [bucket, requests] of buckets) {
      seen += requests
      if (seen >= rank) return Math.round(BASE ** (bucket + 0.5))
    }
    return Math.round(BASE ** (buckets[buckets.length - 1][0] + 0.5))
  }
  return {p50: at(0.5), p95: at(0.95), p99: at(0.99)}
}
