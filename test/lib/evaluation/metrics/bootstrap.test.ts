import assert from 'node:assert/strict'
import {meanOver, mulberry32, pairedBootstrap} from '../../../../src/lib/evaluation/metrics/bootstrap.js'

describe('metrics/bootstrap', () => {
  it('is reproducible for a seed and differs between seeds', () => {
    const differences = [0.5, -0.5, 0.25, 0, 0.5, -0.25, 0.5, 0, 0.25, 0.5]
    const first = pairedBootstrap(differences.length, meanOver(differences), {seed: 7})
    assert.deepEqual(pairedBootstrap(differences.length, meanOver(differences), {seed: 7}), first)
    assert.notDeepEqual(pairedBootstrap(differences.length, meanOver(differences), {seed: 8}), first)
    assert.ok(first.low < 0.175 && 0.175 < first.high, `the mean 0.175 lies inside ${JSON.stringify(first)}`)
  })

  it('gives a zero-width interval when every item differs by the same amount', () => {
    const interval = pairedBootstrap(20, meanOver(Array(20).fill(0.25)))
    assert.ok(Math.abs(interval.low - 0.25) < 1e-12 && Math.abs(interval.high - 0.25) < 1e-12)
  })

  it('straddles zero for a noisy difference and lies above it for a consistent one', () => {
    const noisy = Array.from({length: 50}, (_, i) => (i % 2 === 0 ? 0.5 : -0.45))
    const consistent = Array.from({length: 50}, (_, i) => (i % 5 === 0 ? 0 : 0.5))
    const noisyInterval = pairedBootstrap(50, meanOver(noisy))
    assert.ok(noisyInterval.low < 0 && noisyInterval.high > 0)
    assert.ok(pairedBootstrap(50, meanOver(consistent)).low > 0)
  })

  it('draws uniform floats in [0, 1)', () => {
    const random = mulberry32(1)
    const draws = Array.from({length: 1000}, random)
    assert.ok(draws.every((x) => x >= 0 && x < 1))
    const mean = draws.reduce((a, b) => a + b) / draws.length
    assert.ok(Math.abs(mean - 0.5) < 0.05)
  })
})
