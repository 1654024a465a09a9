import type {PiiType} from './types.js'

/** A match before allow-list and placeholder handling. */
export interface Span {
  type: PiiType
  start: number
  end: number
}

export function span(type: PiiType, start: number, end: number): Span {
  return {type, start, end}
}
