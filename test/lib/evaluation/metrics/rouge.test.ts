import assert from 'node:assert/strict'
import {lcsLength, rougeL} from '../../../../src/lib/evaluation/metrics/rouge.js'

const near = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `expected ${expected}, got ${actual}`)

describe('metrics/rouge', () => {
  it('reproduces Lin (2004) §3.1: S2 scores 0.75 and S3 0.5 against "police killed the gunman"', () => {
    near(rougeL('police kill the gunman', 'police killed the gunman').fmeasure, 0.75)
    near(rougeL('the gunman kill police', 'police killed the gunman').fmeasure, 0.5)
  })

  it('matches rouge-score\'s tests: a non-consecutive LCS gives P 1, R 2/3, F 4/5', () => {
    const score = rougeL('testing two', 'testing one two')
    near(score.precision, 1)
    near(score.recall, 2 / 3)
    near(score.fmeasure, 4 / 5)
  })

  it('finds the LCS length of rouge-score\'s table test (3) and 0 without common tokens', () => {
    assert.equal(lcsLength(['1', '2', '3', '4', '5'], ['2', '5', '3', '4']), 3)
    assert.equal(lcsLength(['1', '2'], ['8', '9']), 0)
  })

  it('is case-insensitive, ignores punctuation and scores empty text 0', () => {
    near(rougeL('Master to -14 LUFS!', 'master to 14 lufs').fmeasure, 1)
    assert.deepEqual(rougeL('', 'testing one two'), {precision: 0, recall: 0, fmeasure: 0})
    assert.deepEqual(rougeL('/', 'w1'), {precision: 0, recall: 0, fmeasure: 0})
  })
})
