// The independent labelled set (test/fixtures/redact/independent, built by its generate.ts from
// libphonenumber's example numbers, faker's locales, RFC examples and UDHR text) and its scoring,
// broken down by type, language, script group and format variant. Shared by the tests and bench/redact.ts.
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import type {Finding, PiiType} from '../../../src/lib/redact/index.js'

export interface IndependentLine {
  text: string
  entities: {type: PiiType; value: string}[]
  lang: string
  group: string
  variant: string
  glued?: boolean
}

const FOLDER = fileURLToPath(new URL('../../fixtures/redact/independent/', import.meta.url))

function loadJsonl(name: string): IndependentLine[] {
  return readFileSync(`${FOLDER}${name}`, 'utf8').split('\n').filter((l) => l !== '').map((l) => {
    const line = JSON.parse(l) as Omit<IndependentLine, 'entities'> & {entities?: IndependentLine['entities']}
    return {...line, entities: line.entities ?? []}
  })
}

export const loadIndependentPositives = (): IndependentLine[] => loadJsonl('positives.jsonl')
export const loadIndependentClean = (): IndependentLine[] => loadJsonl('clean.jsonl')
/** The bench's second text: 20,000 multilingual lines, ~4% carrying a labelled value. */
export const loadMultilingual = (): IndependentLine[] => loadJsonl('multilingual.jsonl')

export interface Tally {
  total: number
  hit: number
}

export interface Breakdown {
  recall: Tally
  byType: Map<string, Tally>
  byGroup: Map<string, Tally>
  byLang: Map<string, Tally>
  byVariant: Map<string, Tally>
  /** Entities whose value touches letters of a language written without spaces. */
  glued: Tally
  /** Clean lines changed, overall and per group (hit = changed). */
  clean: Tally
  cleanByGroup: Map<string, Tally>
  cleanByKind: Map<string, Tally>
  /** Positive lines where text outside the labelled values changed (hit = damaged). */
  damage: Tally
  /** Of the values redact missed, how many `verify` (when given) flags in the redacted text. */
  verifyCatches: Tally
  missed: string[]
  changed: string[]
  damaged: string[]
}

function add(map: Map<string, Tally>, key: string, hit: boolean): void {
  const tally = map.get(key) ?? {total: 0, hit: 0}
  tally.total++
  if (hit) tally.hit++
  map.set(key, tally)
}

function count(tally: Tally, hit: boolean): void {
  tally.total++
  if (hit) tally.hit++
}

/**
 * Scores any redact function on text alone: a value counts as redacted when it no longer appears
 * in the output; a line is damaged when a stretch of text between its values is not in the output, in order.
 */
export function scoreBreakdown(
  redact: (text: string) => string,
  positives: readonly IndependentLine[],
  clean: readonly IndependentLine[],
  verify?: (text: string) => Pick<Finding, 'start' | 'end'>[],
): Breakdown {
  const b: Breakdown = {
    recall: {total: 0, hit: 0}, byType: new Map(), byGroup: new Map(), byLang: new Map(), byVariant: new Map(), glued: {total: 0, hit: 0},
    clean: {total: 0, hit: 0}, cleanByGroup: new Map(), cleanByKind: new Map(), damage: {total: 0, hit: 0}, verifyCatches: {total: 0, hit: 0},
    missed: [], changed: [], damaged: [],
  }
  for (const line of positives) {
    const out = redact(line.text)
    let verified: Pick<Finding, 'start' | 'end'>[] | undefined
    for (const e of line.entities) {
      const hit = !out.includes(e.value)
      count(b.recall, hit)
      add(b.byType, e.type, hit)
      add(b.byGroup, line.group, hit)
      add(b.byLang, line.lang, hit)
      add(b.byVariant, line.variant, hit)
      if (line.glued === true) count(b.glued, hit)
      if (hit) continue
      b.missed.push(`${line.variant} ${JSON.stringify(e.value)} in ${JSON.stringify(line.text)} → ${JSON.stringify(out)}`)
      if (verify !== undefined) {
        verified ??= verify(out)
        const at = out.indexOf(e.value)
        count(b.verifyCatches, verified.some((f) => f.start < at + e.value.length && f.end > at))
      }
    }
    const damaged = !keepsContext(line, out)
    count(b.damage, damaged)
    if (damaged) b.damaged.push(`${JSON.stringify(line.text)} → ${JSON.stringify(out)}`)
  }
  for (const line of clean) {
    const out = redact(line.text)
    const changed = out !== line.text
    count(b.clean, changed)
    add(b.cleanByGroup, line.group, changed)
    add(b.cleanByKind, line.variant, changed)
    if (changed) b.changed.push(`${line.variant} ${JSON.stringify(line.text)} → ${JSON.stringify(out)}`)
  }
  return b
}

// The stretches between labelled values, each found in the output after the previous one.
function keepsContext(line: IndependentLine, out: string): boolean {
  let rest = line.text
  const stretches: string[] = []
  for (const e of line.entities) {
    const at = rest.indexOf(e.value)
    if (at === -1) continue
    stretches.push(rest.slice(0, at))
    rest = rest.slice(at + e.value.length)
  }
  stretches.push(rest)
  let from = 0
  for (const stretch of stretches) {
    if (stretch === '') continue
    const at = out.indexOf(stretch, from)
    if (at === -1) return false
    from = at + stretch.length
  }
  return true
}

export function rate(tally: Tally | undefined): number {
  return tally === undefined || tally.total === 0 ? 0 : tally.hit / tally.total
}
