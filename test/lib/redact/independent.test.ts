import assert from 'node:assert/strict'
import {createRedactor, PII_TYPES} from '../../../src/lib/redact/index.js'
import {loadIndependentClean, loadIndependentPositives, loadMultilingual, rate, scoreBreakdown} from './independent-set.js'

// Targets from issue 15, on text nobody here wrote (test/fixtures/redact/independent, see its generate.ts).
const OVERALL = 0.97
const PER_TYPE = 0.95
const GLUED = 0.95
const CLEAN_CHANGED = 0.005
const CONTEXT_DAMAGE = 0.01

describe('redact: independent labelled set', () => {
  const redactor = createRedactor()
  const redact = (text: string) => redactor.redact(text).text
  const positives = loadIndependentPositives()
  const clean = loadIndependentClean()
  const score = scoreBreakdown(redact, positives, clean, (text) => redactor.verify(text))
  const shown = (lines: string[]) => lines.slice(0, 15).join('\n')

  it('holds every type, every region\'s example numbers in five forms, and 15+ languages of every script asked for', () => {
    assert.deepEqual([...new Set(positives.flatMap((l) => l.entities.map((e) => e.type)))].sort(), [...PII_TYPES].sort())
    const phoneForms = ['e164', 'international', 'national', 'national-compact', 'full-width']
    for (const form of phoneForms) assert.ok((score.byVariant.get(`PHONE:${form}`)?.total ?? 0) >= 240, `PHONE:${form}`)
    const languages = new Set(positives.map((l) => l.lang))
    for (const lang of ['ja', 'zh', 'ko', 'th', 'ar', 'hi', 'ru', 'tr', 'pl', 'pt', 'es', 'de', 'fr']) assert.ok(languages.has(lang), lang)
    assert.ok(languages.size >= 15 && clean.length >= 2000, `${languages.size} languages, ${clean.length} clean lines`)
  })

  it(`finds ≥ ${OVERALL * 100}% of all values and ≥ ${PER_TYPE * 100}% of each type`, () => {
    assert.ok(rate(score.recall) >= OVERALL, `recall ${rate(score.recall)}; missed:\n${shown(score.missed)}`)
    for (const type of PII_TYPES) {
      const recall = rate(score.byType.get(type))
      assert.ok(recall >= PER_TYPE, `${type} ${recall}; missed:\n${shown(score.missed.filter((m) => m.startsWith(type)))}`)
    }
  })

  it(`finds ≥ ${GLUED * 100}% of values glued to CJK, kana, hangul or Thai, and of every script group`, () => {
    assert.ok(rate(score.glued) >= GLUED, `glued ${rate(score.glued)}`)
    for (const [group, tally] of score.byGroup) assert.ok(rate(tally) >= PER_TYPE, `${group} ${rate(tally)}`)
  })

  it(`changes ≤ ${CLEAN_CHANGED * 100}% of clean look-alike lines and damages ≤ ${CONTEXT_DAMAGE * 100}% of lines around values`, () => {
    assert.ok(rate(score.clean) <= CLEAN_CHANGED, `${score.clean.hit}/${score.clean.total} clean lines changed:\n${shown(score.changed)}`)
    assert.ok(rate(score.damage) <= CONTEXT_DAMAGE, `${score.damage.hit}/${score.damage.total} lines damaged:\n${shown(score.damaged)}`)
  })

  it('holds on the multilingual text too', () => {
    const lines = loadMultilingual()
    const text = scoreBreakdown(redact, lines.filter((l) => l.entities.length > 0), lines.filter((l) => l.entities.length === 0))
    assert.ok(rate(text.recall) >= OVERALL, `recall ${rate(text.recall)}:\n${shown(text.missed)}`)
    assert.ok(rate(text.clean) <= CLEAN_CHANGED, `${text.clean.hit} clean lines changed:\n${shown(text.changed)}`)
  })

  it('verify flags no redacted clean line and catches at least a third of what redact misses', () => {
    const flagged = clean.map((l) => redact(l.text)).filter((text) => redactor.verify(text).length > 0)
    assert.deepEqual(flagged, [])
    assert.ok(score.verifyCatches.total > 0 && rate(score.verifyCatches) >= 1 / 3, `verify caught ${score.verifyCatches.hit}/${score.verifyCatches.total}`)
  })
})
