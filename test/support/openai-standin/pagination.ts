import {invalidRequest} from './errors.js'

export interface CursorPage<T> {
  object: 'list'
  data: T[]
  has_more: boolean
  first_id?: string | null
  last_id?: string | null
}

/**
 * One page of `items` (already in list order) after the item whose id is `after`, as the
 * real cursor pagination does (contract §4.7). An unknown `after` gives an empty page.
 */
export function paginate<T extends {id: string}>(
  items: readonly T[],
  query: URLSearchParams,
  defaultLimit: number,
  withBounds = false,
): CursorPage<T> {
  const limit = parseLimit(query.get('limit'), defaultLimit)
  const after = query.get('after')
  const start = after === null ? 0 : indexAfter(items, after)
  const data = items.slice(start, start + limit)
  const page: CursorPage<T> = {object: 'list', data, has_more: start + limit < items.length}
  if (withBounds) {
    page.first_id = data[0]?.id ?? null
    page.last_id = data.at(-1)?.id ?? null
  }
  return page
}

function indexAfter(items: readonly {id: string}[], after: string): number {
  const index = items.findIndex((item) => item.id === after)
  return index < 0 ? items.length : index + 1
}

function parseLimit(raw: string | null, defaultLimit: number): number {
  if (raw === null) return defaultLimit
  const limit = Number(raw)
  if (!Number.isInteger(limit) || limit < 1) {
    throw invalidRequest(`Invalid limit: ${raw}. Must be a positive integer.`, 'limit')
  }
  return limit
}
