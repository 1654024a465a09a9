import assert from 'node:assert/strict'
import fc from 'fast-check'
import {createGoldPromptMatcher, normalisePrompt} from '../../../src/lib/evaluation/gold-prompt.js'

// Gold prompts must never reach training: the matcher's ASCII fast paths (its last-word
// rejection and plain [^a-z0-9]+ collapse) must agree with normalisePrompt on every text.

const asciiWord = fc.stringMatching(/^[A-Za-z0-9]{1,8}$/)
// Characters NFKC or lowercasing change, or that sit at the edge of the fast paths.
const tricky = fc.constantFrom(
  'ﬁ', 'ﬀ', 'Ⅻ', '²', 'ｈ', 'Ｈ', '１', '𝐀', '𝟘', 'İ', 'ß', 'ẞ', 'Σ', 'ς', 'Ω', 'K', 'Å', '\u0301', '\u0308', '\u200d', '\u3000',
  '音', 'Ж', 'ж', '가', 'ㄱ', 'ﻻ', 'ͺ', 'ﱞ', 'א', 'ก', 'क',
  '\u00a0', '\u2028', '\ufe0f', '🎸', '👩🏽‍🎤', 'ı', 'ǅ', 'ǈ', '㎒', '℃', '…', '・', 'ー', '々', 'ｶ', 'ﾞ', '\ud800', '\udc00',
)
const unicodeRun = fc.string({unit: 'binary', maxLength: 6})
const graphemes = fc.string({unit: 'grapheme', maxLength: 6})
const separator = fc.constantFrom(' ', '  ', '?', '!', ', ', '...', '\n', '\t', '-', '_', "'", '¿', '¡', '\u3000', '\u00a0', '')
const piece = fc.oneof({weight: 4, arbitrary: asciiWord}, {weight: 2, arbitrary: tricky}, {weight: 1, arbitrary: unicodeRun}, {weight: 1, arbitrary: graphemes})
const prompt = fc.array(fc.tuple(piece, separator).map(([word, sep]) => word + sep), {minLength: 1, maxLength: 7}).map((parts) => parts.join(''))

/** Texts a user might send that normalise like `text` (or nearly: the property covers both). */
const variantOf = (text: string) => fc.constantFrom(
  text,
  text.toUpperCase(),
  text.toLowerCase(),
  text.normalize('NFD'),
  text.normalize('NFKD'),
  text.replace(/[A-Za-z0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
  `  ${text}?!`,
  `¿${text}`,
  `${text}\u0301`,
  `${text}s`,
  text.slice(1),
  text.slice(0, -1),
)

/** Gold prompts, and probes built mostly from variants of them so that both answers occur often. */
const case_ = fc.tuple(fc.array(prompt, {minLength: 1, maxLength: 4}), fc.array(prompt, {maxLength: 3})).chain(([golds, others]) =>
  fc.tuple(fc.constant(golds), fc.array(fc.oneof(...[...golds, ...others].map(variantOf), prompt), {minLength: 1, maxLength: 20})))

describe('gold-prompt/createGoldPromptMatcher (property)', () => {
  it('matches exactly what normalisePrompt matches, on generated Unicode', () => {
    let matched = 0
    let probed = 0
    fc.assert(
      fc.property(case_, ([golds, probes]) => {
        const keys = new Set(golds.map(normalisePrompt).filter((key) => key !== ''))
        const isGold = createGoldPromptMatcher(keys)
        for (const probe of probes) {
          const expected = keys.has(normalisePrompt(probe))
          assert.equal(isGold(probe), expected, JSON.stringify({probe, keys: [...keys]}))
          matched += expected ? 1 : 0
          probed += 1
        }
      }),
      {numRuns: 1000},
    )
    // Both outcomes must be exercised, or the property proves little.
    assert.ok(matched > probed / 10 && matched < probed * 0.9, `${matched} of ${probed} probes were gold prompts`)
  })
})
