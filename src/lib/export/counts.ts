/** Adds to a named count (skipped rows per reason, redactions per type). */
export function bump(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by
}
