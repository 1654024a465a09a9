// Writes examples/conversations.jsonl: `npx tsx examples/generate-sample.ts [count]`.
import fs from 'node:fs'
import {fileURLToPath} from 'node:url'
import {createRng, generateConversation} from './sample-data.js'

const count = Number(process.argv[2] ?? 300)
const rng = createRng(20261125)
const start = new Date('2026-11-01T08:00:00Z')
const lines: string[] = []
for (let index = 0; index < count; index += 1) {
  const begins = new Date(start.getTime() + index * 7 * 60_000)
  for (const message of generateConversation(rng, index, begins)) lines.push(JSON.stringify(message))
}
fs.writeFileSync(fileURLToPath(new URL('conversations.jsonl', import.meta.url)), `${lines.join('\n')}\n`)
console.error(`wrote ${lines.length} messages in ${count} conversations`)
