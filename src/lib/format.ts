/**
 * How loopft writes numbers for people (terminal, HTML report, messages), in
 * one place. JSON output keeps the raw numbers.
 */

/** US dollars: cents, with up to four decimals below $1 so small costs do not read as $0.00 ($0.42, $0.0123, $12.35). */
export function formatUsd(value: number | null, missing = 'unknown'): string {
  if (value === null) return missing
  const text = Math.abs(value) < 1 ? value.toFixed(4).replace(/(\.\d\d\d*?)0+$/, '$1') : value.toFixed(2)
  return `$${text}`
}

/** A difference with its sign always shown, and a true minus sign: +0.0250, −0.0100. */
export function formatSigned(value: number, decimals = 4): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(decimals)}`
}

/** A 0–1 share as a percentage: 0.125 → 12.5%. */
export function formatPercent(share: number, decimals = 1): string {
  return `${(share * 100).toFixed(decimals)}%`
}

/** A 0–1 difference as signed percentage points of the 0–100 scale evaluation figures are shown on: 0.083 → +8.3 pts. */
export function formatPoints(difference: number): string {
  return `${formatSigned(difference * 100, 1)} pts`
}

const RELATIVE_UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [['year', 31_536_000_000], ['month', 2_592_000_000], ['week', 604_800_000], ['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000], ['second', 1000]]

/** A time relative to now, in words (Intl.RelativeTimeFormat): "3 days ago", "in 2 hours", "now". */
export function formatRelativeTime(time: Date | string, now: Date = new Date()): string {
  const elapsed = new Date(time).getTime() - now.getTime()
  const [unit, size] = RELATIVE_UNITS.find(([, length]) => Math.abs(elapsed) >= length) ?? ['second', 1000]
  return new Intl.RelativeTimeFormat('en', {numeric: 'auto'}).format(Math.round(elapsed / size), unit)
}

/** How long something has taken, to the second: "4s", "2m 05s", "1h 02m". */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000))
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`
}
