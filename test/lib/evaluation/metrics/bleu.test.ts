import assert from 'node:assert/strict'
import {bleuFromStatistics, bleuStatistics, corpusBleu, tokenize13a} from '../../../../src/lib/evaluation/metrics/bleu.js'

// Reference values from sacreBLEU's own test suite (test/test_bleu.py, test_sentence_bleu.py)
// and hand computations; sacreBLEU prints BLEU on a 0–100 scale.
const near = (actual: number, expected: number, epsilon = 1e-6) =>
  assert.ok(Math.abs(actual - expected) < epsilon, `expected ${expected}, got ${actual}`)

describe('metrics/bleu', () => {
  describe('tokenize13a', () => {
    it('splits punctuation but keeps apostrophes, decimals and thousands separators', () => {
      assert.deepEqual(tokenize13a("It wasn't surprising."), ['It', "wasn't", 'surprising', '.'])
      assert.deepEqual(tokenize13a('Master to -14 LUFS, 3.5 dB or 1,000 plays'), ['Master', 'to', '-14', 'LUFS', ',', '3.5', 'dB', 'or', '1,000', 'plays'])
    })

    it('unescapes HTML entities, splits symbols and dashes after digits', () => {
      assert.deepEqual(tokenize13a('R&amp;B (live) 2024-05-01'), ['R', '&', 'B', '(', 'live', ')', '2024', '-', '05', '-', '01'])
    })
  })

  it('matches the sacreBLEU README example with two reference streams: 48.530827', () => {
    const hypotheses = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.']
    const references = [
      ['The dog bit the man.', 'The dog had bit the man.'],
      ['It was not unexpected.', 'No one was surprised.'],
      ['The man bit him first.', 'The man had bitten the dog.'],
    ]
    const bleu = corpusBleu(hypotheses, references)
    near(bleu.score, 48.530827)
    assert.deepEqual([bleu.statistics.hypothesisLength, bleu.statistics.referenceLength], [17, 18])
  })

  it('scores empty hypotheses 0 (they are not dropped)', () => {
    assert.equal(corpusBleu(['', '', ''], [['The dog bit the man.'], ['It was not unexpected.'], ['The man bit him first.']]).score, 0)
  })

  it('counts clipped n-grams as sacreBLEU does: [4,2,1,0] of [6,5,4,3]', () => {
    const stats = bleuStatistics('am I am a character sequence', ['I am a symbol string sequence a a'])
    assert.deepEqual([stats.matches, stats.totals], [[4, 2, 1, 0], [6, 5, 4, 3]])
    // By hand: exp smoothing turns 0/3 into 1/(2·3); BP = exp(1 − 8/6).
    const expected = Math.exp(1 - 8 / 6) * ((4 / 6) * (2 / 5) * (1 / 4) * (1 / 6)) ** 0.25 * 100
    near(corpusBleu(['am I am a character sequence'], [['I am a symbol string sequence a a']]).score, expected)
  })

  it('computes BLEU from statistics as sacreBLEU compute_bleu: 83.75922397', () => {
    near(bleuFromStatistics({matches: [9, 7, 5, 3], totals: [10, 8, 6, 4], hypothesisLength: 11, referenceLength: 11}).score, 83.75922397)
  })

  it('agrees with a hand computation that smooths the zero 4-gram count (≈ 39.13, MT-Telescope)', () => {
    // unigrams 6/8, bigrams 3/6, trigrams 1/4, 4-grams 0/2 → 1/(2·2); equal lengths so BP = 1.
    const bleu = corpusBleu(['Hi world.', 'This is a Test.'], [['Hello world.'], ['This is a test.']])
    near(bleu.score, 100 * (0.75 * 0.5 * 0.25 * 0.25) ** 0.25)
    near(bleu.score, 39.13, 0.005)
  })

  it('is 0 when nothing matches at all (sacreBLEU #141)', () => {
    assert.equal(corpusBleu(['this is a cat'], [['okay thanks']]).score, 0)
  })

  it('is 100 for identical text', () => {
    near(corpusBleu(['Release on a Friday at midnight local time.'], [['Release on a Friday at midnight local time.']]).score, 100)
  })
})
