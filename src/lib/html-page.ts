import fs from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'

/** Helpers of loopft's self-contained HTML pages (evaluation and monthly reports). */

/** Chart.js's self-contained UMD bundle, read from the installed package, to inline in a page. */
export function chartJsBundle(): string {
  const entry = createRequire(import.meta.url).resolve('chart.js')
  return fs.readFileSync(path.join(path.dirname(entry), 'chart.umd.min.js'), 'utf8')
}

/** A table; head cells are escaped here, body cells must be escaped HTML already. */
export function htmlTable(head: string[], rows: string[][]): string {
  const headRow = `<tr>${head.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('')}</tr>`
  return `<table>\n${headRow}\n${rows.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('\n')}\n</table>`
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`)
}

/** JSON safe inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c')
}
