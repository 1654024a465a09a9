import assert from 'node:assert/strict'
import {formatPercent, formatPoints, formatRelativeTime, formatSigned, formatUsd} from '../../src/lib/format.js'

describe('format', () => {
  it('writes dollars in cents, with up to four decimals below $1', () => {
    assert.deepEqual([0.42, 0.5, 0.0123, 0.012, 0.00001, 0, 3, 12.345, 1234.5].map((value) => formatUsd(value)), ['$0.42', '$0.50', '$0.0123', '$0.012', '$0.00', '$0.00', '$3.00', '$12.35', '$1234.50'])
    assert.deepEqual([formatUsd(null), formatUsd(null, '')], ['unknown', ''])
  })

  it('always signs a difference, with a true minus', () => {
    assert.deepEqual([formatSigned(0.025), formatSigned(-0.01), formatSigned(0), formatSigned(0.25, 3)], ['+0.0250', '−0.0100', '+0.0000', '+0.250'])
  })

  it('writes a 0–1 difference as signed percentage points', () => {
    assert.deepEqual([formatPoints(0.0833), formatPoints(-0.25), formatPoints(0)], ['+8.3 pts', '−25.0 pts', '+0.0 pts'])
  })

  it('writes a time relative to now in words, through Intl.RelativeTimeFormat', () => {
    const now = new Date('2026-12-02T12:00:00Z')
    assert.deepEqual(
      ['2026-11-29T12:00:00Z', '2026-12-01T12:00:00Z', '2026-12-02T09:00:00Z', '2026-12-02T11:59:58Z', '2026-12-02T14:00:00Z', '2025-11-01T00:00:00Z'].map((time) => formatRelativeTime(time, now)),
      ['3 days ago', 'yesterday', '3 hours ago', '2 seconds ago', 'in 2 hours', 'last year'],
    )
  })

  it('writes a share as a percentage', () => {
    assert.deepEqual([formatPercent(0.125), formatPercent(1), formatPercent(0), formatPercent(0.00125, 2)], ['12.5%', '100.0%', '0.0%', '0.13%'])
  })
})
