import ms from 'ms'
import {LoopftError} from './errors.js'

/** "90d", "12h", "2w" → milliseconds; a usage error for anything else or a non-positive age. */
export function parseAge(text: string, flag: string): number {
  const value = /^\d+(\.\d+)?\s*[a-z]+$/i.test(text.trim()) ? ms(text.trim() as ms.StringValue) : undefined
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new LoopftError('USAGE', `${flag}: not an age: "${text}"`, {suggestion: 'use a number and a unit, e.g. 90d, 12h, 2w'})
  }
  return value
}
