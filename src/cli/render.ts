import chalk from 'chalk'
import Table from 'cli-table3'
import type {Terminal} from './terminal.js'

export type Cell = string | number | boolean | null | undefined

/** A table on a TTY; tab-separated plain lines (header first) otherwise. */
export function renderTable(terminal: Terminal, head: string[], rows: Cell[][]): string {
  const cells = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : String(cell))))
  if (!terminal.isStdoutTty) return [head, ...cells].map((row) => row.join('\t')).join('\n')
  const table = new Table({head: head.map((title) => chalk.bold(title)), style: {head: [], border: []}})
  table.push(...cells)
  return table.toString()
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
