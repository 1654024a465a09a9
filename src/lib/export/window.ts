import type {Sql} from '../db/connection.js'
import {parseDuration, tryParseDuration} from '../duration.js'
import {LoopftError} from '../errors.js'
import {lastSucceededWindowEnd} from './ledger.js'

export interface ExportWindow {
  start: Date
  end: Date
  /** How the start was chosen: a duration, a time, or 'last' (the previous successful run's end). */
  startFrom: 'duration' | 'time' | 'last' | 'last-default'
}

const DEFAULT_WHEN_NO_LAST_RUN = '24h'

/**
 * --since accepts a duration before --until ("24h", "7d"), a time (ISO 8601) or
 * "last": exactly where the last successful run stopped (24h when there was none).
 */
export async function resolveWindow(sql: Sql, since: string, until: string | undefined, now: Date): Promise<ExportWindow> {
  const end = until === undefined ? now : parseTime(until, 'the window end')
  if (since === 'last') {
    const last = await lastSucceededWindowEnd(sql)
    if (last !== undefined) return checked({start: last, end, startFrom: 'last'})
    return checked({start: new Date(end.getTime() - parseDuration(DEFAULT_WHEN_NO_LAST_RUN)), end, startFrom: 'last-default'})
  }
  const duration = tryParseDuration(since)
  if (duration !== undefined) {
    return checked({start: new Date(end.getTime() - duration), end, startFrom: 'duration'})
  }
  return checked({start: parseTime(since, 'the window start'), end, startFrom: 'time'})
}

// Times Postgres and ISO 8601 both hold; a window reaching outside is a typo (9999999d), not a wish.
const EARLIEST = Date.parse('0001-01-01T00:00:00Z')
const LATEST = Date.parse('9999-12-31T23:59:59Z')

function checked(window: ExportWindow): ExportWindow {
  for (const [what, date] of [['the window start', window.start], ['the window end', window.end]] as const) {
    if (!(date.getTime() >= EARLIEST && date.getTime() <= LATEST)) {
      throw new LoopftError('USAGE', `${what} reaches outside the years 1 to 9999`, {suggestion: 'use a shorter duration (24h, 7d) or a time such as 2026-11-24T00:00:00Z'})
    }
  }
  if (window.start.getTime() >= window.end.getTime()) {
    throw new LoopftError('USAGE', `empty export window: ${window.start.toISOString()} is not before ${window.end.toISOString()}`)
  }
  return window
}

// new Date() also reads "5" or "May 5": only an ISO 8601 date (and time) is taken as a time.
const ISO_TIME = /^[+-]?\d{4,6}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/i

function parseTime(text: string, what: string): Date {
  const date = new Date(text.trim())
  if (!ISO_TIME.test(text.trim()) || Number.isNaN(date.getTime())) {
    throw new LoopftError('USAGE', `${what} ${JSON.stringify(text)} is neither a duration (24h, 7d) nor a time (2026-11-24T00:00:00Z)`)
  }
  return date
}
