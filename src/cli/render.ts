import chalk from 'chalk'
import Table from 'cli-table3'
import {formatRelativeTime} from '../lib/format.js'
import type {PreflightCheck} from '../lib/operations/preflight.js'
import type {Terminal} from './terminal.js'

export type Cell = string | number | boolean | null | undefined

export interface TableOptions {
  /** The sentence shown instead of a table without rows ("no promotions yet"). */
  empty: string
  /** --wide: every cell whole, however wide the table gets. */
  wide?: boolean
  /** The terminal's width; process.stdout.columns by default. */
  width?: number
}

/**
 * A table on a TTY, as wide as the terminal at most (unless --wide): the
 * widest columns give way first and their cells end in "…". Tab-separated
 * plain lines (header first) otherwise, never cut. Without rows, a sentence
 * saying so instead of headers over nothing.
 */
export function renderTable(terminal: Terminal, head: string[], rows: Cell[][], options: TableOptions): string {
  if (rows.length === 0) return options.empty
  const cells = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : String(cell))))
  if (!terminal.isStdoutTty) return [head, ...cells].map((row) => row.join('\t')).join('\n')
  const width = options.wide === true ? Number.POSITIVE_INFINITY : options.width ?? process.stdout.columns ?? 120
  const colWidths = fitColumns([head, ...cells], width)
  const table = new Table({head: head.map((title) => chalk.bold(title)), style: {head: [], border: []}, colWidths, truncate: '…'})
  table.push(...cells)
  return table.toString()
}

/** A moment for people: "3 hours ago" on a terminal (Intl.RelativeTimeFormat), the exact UTC minute in a pipe or a log. */
export function renderTime(terminal: Terminal, time: Date | string | null | undefined, now?: Date): string {
  if (time === null || time === undefined) return ''
  return terminal.isStdoutTty ? formatRelativeTime(time, now) : new Date(time).toISOString().slice(0, 16).replace('T', ' ')
}

/** Column widths (cell text + 2 of padding) that fit `width` with the borders, narrowing the widest column first. */
export function fitColumns(rows: string[][], width: number): number[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => Math.max(...(row[column] ?? '').split('\n').map((line) => line.length)))) + 2)
  const budget = width - (widths.length + 1)
  const MIN = 6
  while (widths.reduce((total, next) => total + next, 0) > budget) {
    const widest = widths.indexOf(Math.max(...widths))
    if (widths[widest] <= MIN) break
    widths[widest] -= 1
  }
  return widths
}

/** "key  value" lines, aligned; for a result summary. */
export function renderFields(terminal: Terminal, fields: Array<[string, Cell]>): string {
  const width = Math.max(...fields.map(([key]) => key.length))
  return fields
    .map(([key, value]) => `${terminal.isStdoutTty ? chalk.dim(key.padEnd(width)) : key.padEnd(width)}  ${value ?? ''}`)
    .join('\n')
}

export function renderStatus(status: 'ok' | 'warn' | 'fail', terminal: Terminal): string {
  if (!terminal.isStdoutTty) return status
  return status === 'ok' ? chalk.green(status) : status === 'warn' ? chalk.yellow(status) : chalk.red(status)
}

/** The checks made before spending (cycle, tune): ok, FAIL, or warn for an advisory failure. */
export function renderChecks(terminal: Terminal, checks: PreflightCheck[], options: {wide: boolean}): string {
  const result = (check: PreflightCheck) => (check.passed ? 'ok' : check.advisory === true ? 'warn' : 'FAIL')
  return renderTable(terminal, ['check before spending', 'result', 'detail'], checks.map((check) => [check.name, result(check), check.detail]), {empty: 'nothing checked before spending', wide: options.wide})
}
