import chalk from 'chalk'
import Table from 'cli-table3'
import type {Terminal} from './terminal.js'

export type Cell = string | number | boolean | null | undefined

/**
 * A table on a TTY, as wide as the terminal at most: the widest columns give
 * way first and their cells end in "…". "none" instead of a table without rows.
 * Tab-separated plain lines (header first) otherwise, never cut.
 */
export function renderTable(terminal: Terminal, head: string[], rows: Cell[][], options: {width?: number} = {}): string {
  const cells = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : String(cell))))
  if (!terminal.isStdoutTty) return [head, ...cells].map((row) => row.join('\t')).join('\n')
  if (cells.length === 0) return `${head[0]}: none`
  const colWidths = fitColumns([head, ...cells], options.width ?? process.stdout.columns ?? 120)
  const table = new Table({head: head.map((title) => chalk.bold(title)), style: {head: [], border: []}, colWidths, truncate: '…'})
  table.push(...cells)
  return table.toString()
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
