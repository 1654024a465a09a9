import assert from 'node:assert/strict'
import {createGoldPromptMatcher, NON_ASCII_SCRIPT_LETTER, normalisePrompt} from '../../../src/lib/evaluation/gold-prompt.js'

describe('gold-prompt/normalisePrompt', () => {
  it('normalises prompts: case, punctuation, width and spacing', () => {
    assert.equal(normalisePrompt('  What BPM is House?? '), 'what bpm is house')
    assert.equal(normalisePrompt('What  bpm—is house'), 'what bpm is house')
    assert.equal(normalisePrompt('ＩＳＲＣ: what is it?'), 'isrc what is it')
  })
})

describe('gold-prompt/createGoldPromptMatcher', () => {
  it('matches exactly what normalisePrompt matches, ASCII or not', () => {
    const tricky = ['İstanbul gigs?', 'tour ΟΔΟΣ.Α', 'tour dates 𝐀𝐁 🎸', 'ﬁnal mix']
    const keys = new Set(['what bpm is house', 'ｗｈａｔ key is techno'.normalize('NFKC').toLowerCase(), 'café royalties', 'écoute ce mix', ...tricky.map(normalisePrompt)])
    const isGold = createGoldPromptMatcher(keys)
    const probes = ['What BPM is House??', '  what   bpm is house', 'Whatever bpm', 'ＷＨＡＴ key is techno', 'Café royalties!', 'cafe royalties', '', '!!!', 'bpm what is house', 'WHAT BPM IS HOUSE...', 'what bpm is house 2', 'what bpm is houses', 'what bpm is house\n\n', ...tricky, 'ISTANBUL gigs', 'tour ΟΔΟΣ Α', 'tour dates ab', 'final mix!', 'ﬁnal mix 🎸🎸', '¿What bpm is house?', 'what\u0301 bpm is house', 'what bpm is house\u0301', '... what bpm is house', 'Tour dates 𝐀𝐁 🎸', 'e\u0301coute ce mix', 'Écoute ce mix', 'what bpm is ｈouse', 'what bpm is ＨＯＵＳＥ!', 'what bpm is house\u3000', 'what bpm is ho\u0301use', 'what bpm isﬁ house']
    for (const probe of probes) assert.equal(isGold(probe), keys.has(normalisePrompt(probe)), probe)
  })
})

describe('gold-prompt/NON_ASCII_SCRIPT_LETTER', () => {
  it('holds only characters whose NFKC, lowercased, keeps a letter or digit outside ASCII (every code point)', () => {
    let members = 0
    for (let code = 0; code < 0x110000; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue
      const char = String.fromCodePoint(code)
      if (!NON_ASCII_SCRIPT_LETTER.test(char)) continue
      members += 1
      const kept = char.normalize('NFKC').toLowerCase().replace(/[\x00-\x7f]/g, '')
      assert.match(kept, /[\p{L}\p{N}]/u, `U+${code.toString(16)}`)
    }
    // Han, kana, hangul, Cyrillic, Greek, Arabic, Hebrew, Thai, Devanagari and Bengali letters.
    assert.ok(members > 100_000, `${members} members`)
  })

  it('lets the matcher reject such text unnormalised, and only when every key is ASCII', () => {
    const asciiOnly = createGoldPromptMatcher(new Set(['what bpm is house']))
    assert.equal(asciiOnly('What BPM is house? 音楽'), false)
    assert.equal(asciiOnly('what bpm is ｈｏｕｓｅ'), true)
    const withRussian = createGoldPromptMatcher(new Set([normalisePrompt('Что такое house')]))
    assert.equal(withRussian('ЧТО такое HOUSE?'), true)
  })
})
