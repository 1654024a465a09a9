import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'

// Figures go stale in comments: measurement histories live in docs/performance.md, with the
// commands that reproduce them, and comments say only why.
const MEASUREMENT = /(per (1M|million) (messages|rows)|alternating runs?|CPU-s(econds)?\b|[−+-]\d+(\.\d+)? ?(s|ms|MB)\b|\d+(\.\d+)? against \d+(\.\d+)? ?(ms|s)\b)/

describe('performance notes', () => {
  it('keeps measurement figures out of source comments and in docs/performance.md', async () => {
    const offenders: string[] = []
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await fs.readdir(dir, {withFileTypes: true})) {
        const file = path.join(dir, entry.name)
        if (entry.isDirectory()) await walk(file)
        else if (file.endsWith('.ts')) {
          const lines = (await fs.readFile(file, 'utf8')).split('\n')
          lines.forEach((line, index) => {
            if (/^\s*(\/\/|\*|\/\*)/.test(line) && MEASUREMENT.test(line)) offenders.push(`${file}:${index + 1}: ${line.trim()}`)
          })
        }
      }
    }
    await walk('src')
    assert.deepEqual(offenders, [])
    const doc = await fs.readFile('docs/performance.md', 'utf8')
    for (const command of ['npm run bench:export', 'npm run bench:redact', 'npm run bench:router', 'BENCH_ROUNDS=4']) assert.ok(doc.includes(command), command)
  })
})
