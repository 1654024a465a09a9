import assert from 'node:assert/strict'
import {accuracy, isNormalisedMatch, normaliseAnswer} from '../../../../src/lib/evaluation/metrics/accuracy.js'

describe('metrics/accuracy', () => {
  it('normalises case, punctuation, articles and whitespace', () => {
    assert.equal(normaliseAnswer('  The ISRC is   a 12-character code! '), 'isrc is 12character code')
    assert.equal(normaliseAnswer('ＢＰＭ'), 'bpm')
  })

  it('matches equal text or the ideal as a whole-word run inside the answer', () => {
    assert.ok(isNormalisedMatch('It is 128 BPM.', '128 bpm'))
    assert.ok(isNormalisedMatch('The key is F# minor.', 'F# minor'))
    assert.ok(!isNormalisedMatch('1280 bpm', '128 bpm'))
    assert.ok(!isNormalisedMatch('anything', '!!!'))
  })

  it('is the share of matches', () => {
    assert.equal(accuracy(['Friday', 'Monday', 'the Friday'], ['friday', 'friday', 'Friday']), 2 / 3)
    assert.equal(accuracy([], []), 0)
  })
})
