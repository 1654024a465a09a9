import {LoopftError} from '../errors.js'

/** A calendar month in UTC, [start, end). */
export interface ReportMonth {
  /** YYYY-MM */
  month: string
  start: Date
  end: Date
}

/** `2026-11` → that month; undefined → the last full month before `now`. */
export function resolveMonth(text: string | undefined, now: Date): ReportMonth {
  if (text === undefined) return monthStarting(now.getUTCFullYear(), now.getUTCMonth() - 1)
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text.trim())
  if (match === null) throw new LoopftError('USAGE', `not a month: "${text}" (expected YYYY-MM, e.g. 2026-11)`, {suggestion: 'pass --month YYYY-MM'})
  return monthStarting(Number(match[1]), Number(match[2]) - 1)
}

/** The days of the month as YYYY-MM-DD, in order. */
export function daysOf(month: ReportMonth): string[] {
  const days: string[] = []
  for (let day = new Date(month.start); day < month.end; day.setUTCDate(day.getUTCDate() + 1)) days.push(day.toISOString().slice(0, 10))
  return days
}

function monthStarting(year: number, monthIndex: number): ReportMonth {
  const start = new Date(Date.UTC(year, monthIndex, 1))
  const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1))
  return {month: start.toISOString().slice(0, 7), start, end}
}
