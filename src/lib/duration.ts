import ms from 'ms'
import {LoopftError} from './errors.js'

const DURATION = /^\d+(\.\d+)?\s*[a-z]+$/i

/** "90d", "12h", "30s", "2w" → milliseconds, or undefined when the text is no positive duration. */
export function tryParseDuration(text: string): number | undefined {
  const trimmed = text.trim()
  const value = DURATION.test(trimmed) ? ms(trimmed as ms.StringValue) : undefined
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined
}

/** The one duration parser (flags, settings, export windows): a usage error for anything but a positive duration. */
export function parseDuration(text: string): number {
  const value = tryParseDuration(text)
  if (value === undefined) throw new LoopftError('USAGE', `not a duration: "${text}"`, {suggestion: 'use a number and a unit, e.g. 90d, 12h, 30s, 2w'})
  return value
}
