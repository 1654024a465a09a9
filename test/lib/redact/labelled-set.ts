// The labelled test set in test/fixtures/redact, and scoring of any redact function against it.
// Shared by the tests and bench/redact.ts (which scores the peer libraries the same way).
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import type {Finding, PiiType} from '../../../src/lib/redact/index.js'

export interface LabelledLine {
  text: string
  entities: {type: PiiType; value: string}[]
}

const FIXTURES = fileURLToPath(new URL('../../fixtures/redact/', import.meta.url))

export function loadPositives(): LabelledLine[] {
  return readFileSync(`${FIXTURES}positives.jsonl`, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as LabelledLine)
}

/** The sample app's configured public domains (LOOPFT_REDACT_PUBLIC_DOMAINS), which the original set's clean lines name bare. */
export function loadPublicDomains(): string[] {
  return readFileSync(`${FIXTURES}public-domains.txt`, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'))
}

export function loadCleanLines(): string[] {
  return readFileSync(`${FIXTURES}clean.txt`, 'utf8').split('\n').filter((l) => l !== '')
}

export interface TypeScore {
  total: number
  found: number
  recall: number
}

export interface Score {
  recall: Partial<Record<PiiType, TypeScore>>
  cleanLines: number
  cleanChanged: number
  falsePositiveRate: number
  changedExamples: string[]
  missedExamples: string[]
}

/** Text-level scoring usable for any redactor: an entity counts as redacted when its value no longer appears in the output. */
export function scoreRedactFunction(redact: (text: string) => string, positives = loadPositives(), clean = loadCleanLines()): Score {
  const recall: Partial<Record<PiiType, TypeScore>> = {}
  const missedExamples: string[] = []
  for (const line of positives) {
    const out = redact(line.text)
    for (const e of line.entities) {
      const s = (recall[e.type] ??= {total: 0, found: 0, recall: 0})
      s.total++
      if (!out.includes(e.value)) s.found++
      else missedExamples.push(`${e.type} ${JSON.stringify(e.value)} in ${JSON.stringify(line.text)} → ${JSON.stringify(out)}`)
    }
  }
  for (const s of Object.values(recall)) s.recall = s.found / s.total
  const changedExamples = clean.filter((line) => redact(line) !== line)
  return {recall, cleanLines: clean.length, cleanChanged: changedExamples.length, falsePositiveRate: changedExamples.length / clean.length, changedExamples, missedExamples}
}

/** Stricter scoring for our engine: a finding of the right type must cover the labelled value. */
export function scoreFindings(find: (text: string) => Finding[], positives = loadPositives()): {recall: Partial<Record<PiiType, TypeScore>>; missed: string[]} {
  const recall: Partial<Record<PiiType, TypeScore>> = {}
  const missed: string[] = []
  for (const line of positives) {
    const findings = find(line.text)
    let from = 0
    for (const e of line.entities) {
      const s = (recall[e.type] ??= {total: 0, found: 0, recall: 0})
      s.total++
      const start = line.text.indexOf(e.value, from)
      from = start + e.value.length
      const end = start + e.value.length
      if (findings.some((f) => f.type === e.type && f.start <= start && f.end >= end && f.end - f.start <= e.value.length + 12)) s.found++
      else missed.push(`${e.type} ${JSON.stringify(e.value)} in ${JSON.stringify(line.text)}: ${JSON.stringify(findings.map((f) => [f.type, f.value]))}`)
    }
  }
  for (const s of Object.values(recall)) s.recall = s.found / s.total
  return {recall, missed}
}
