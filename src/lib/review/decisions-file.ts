import fs from 'node:fs/promises'
import {LoopftError} from '../errors.js'
import type {DecisionInput} from './decisions.js'

const MAX_REPORTED_PROBLEMS = 5

/**
 * Reads decisions made in another tool: a JSON array, or JSONL, of
 * `{"sha256": "…", "decision": "approve" | "reject", "reason": "…"}` (the
 * reason required for a rejection). Every entry must name an example of the
 * sample; any problem rejects the whole file (INPUT_INVALID), naming the entries at fault.
 */
export async function readDecisionsFile(file: string, sample: readonly string[]): Promise<DecisionInput[]> {
  const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new LoopftError('INPUT_INVALID', `cannot read ${file}: ${error.code}`, {cause: error})
  })
  const entries = parseEntries(text, file)
  const inSample = new Set(sample)
  const problems: string[] = []
  const decisions = entries.flatMap(({label, value}) => {
    const problem = checkEntry(value, inSample)
    if (problem !== undefined) problems.push(`${label}: ${problem}`)
    return problem === undefined ? [value as DecisionInput] : []
  })
  if (problems.length > 0) {
    throw new LoopftError('INPUT_INVALID', `${file}: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, {
      suggestion: 'each entry: {"sha256": an example of the sample (loopft review --json), "decision": "approve" or "reject", "reason": why (for a rejection)}; nothing was applied',
      details: {problems: problems.slice(0, MAX_REPORTED_PROBLEMS)},
    })
  }
  return decisions.map(({sha256, decision, reason}) => ({sha256, decision, reason: reason?.trim()}))
}

function parseEntries(text: string, file: string): Array<{label: string; value: unknown}> {
  const trimmed = text.trim()
  if (trimmed.startsWith('[')) {
    try {
      return (JSON.parse(trimmed) as unknown[]).map((value, index) => ({label: `entry ${index + 1}`, value}))
    } catch (error) {
      throw new LoopftError('INPUT_INVALID', `${file}: not valid JSON (${(error as Error).message})`, {cause: error})
    }
  }
  return text.split('\n').flatMap((line, index) => {
    if (line.trim() === '') return []
    try {
      return [{label: `line ${index + 1}`, value: JSON.parse(line) as unknown}]
    } catch {
      return [{label: `line ${index + 1}`, value: undefined}]
    }
  })
}

function checkEntry(value: unknown, sample: ReadonlySet<string>): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object'
  const {sha256, decision, reason} = value as Record<string, unknown>
  if (typeof sha256 !== 'string' || !sample.has(sha256)) return 'sha256 is not an example of the sample'
  if (decision !== 'approve' && decision !== 'reject') return 'decision must be "approve" or "reject"'
  if (reason !== undefined && typeof reason !== 'string') return 'reason must be text'
  if (decision === 'reject' && (typeof reason !== 'string' || reason.trim() === '')) return 'a rejection needs a reason'
  return undefined
}
