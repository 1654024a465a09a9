import fs from 'node:fs/promises'
import path from 'node:path'
import type {Sql} from '../../../src/lib/db/connection.js'

/** A valid training line; `n` makes each one distinct. */
export function exampleLine(n: number): string {
  return JSON.stringify({messages: [
    {role: 'system', content: 'You are a music-industry assistant.'},
    {role: 'user', content: `What BPM is track number ${n}?`},
    {role: 'assistant', content: `Track ${n} runs at ${100 + n} BPM.`},
  ]})
}

export function dataset(count: number, from = 1): Buffer {
  return Buffer.from(Array.from({length: count}, (_, index) => `${exampleLine(from + index)}\n`).join(''))
}

/** A succeeded export run whose daily file holds the given lines. */
export async function addExportRun(sql: Sql, outDir: string, options: {windowEnd: Date; content: Buffer; status?: string}): Promise<number> {
  const name = `daily-${options.windowEnd.toISOString().slice(0, 10)}.jsonl`
  await fs.mkdir(outDir, {recursive: true})
  await fs.writeFile(path.join(outDir, name), options.content)
  const start = new Date(options.windowEnd.getTime() - 86_400_000)
  const [row] = await sql<{id: string}[]>`
    insert into loopft_export_runs (idempotency_key, status, window_start, window_end, out_dir, daily_file, finished_at)
    values (${`export:${start.toISOString()}:${options.windowEnd.toISOString()}`}, ${options.status ?? 'succeeded'}, ${start}, ${options.windowEnd}, ${outDir}, ${name}, ${options.windowEnd})
    returning id`
  return Number(row.id)
}
