import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {useTestDatabase} from '../support/db.js'
import {runLoopftBounded, startLoopft} from './helpers.js'

const SAMPLE = path.resolve('examples/conversations.jsonl')

describe('faults: import', function () {
  this.timeout(300_000)
  const t = useTestDatabase()
  let work: string
  const env = () => ({DATABASE_URL: t.url, LOOPFT_HOME: path.join(work, 'home')})
  const count = async () => Number((await t.sql<{n: string}[]>`select count(*) as n from conversation_messages`)[0].n)

  beforeEach(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-fault-import-'))
  })
  afterEach(async () => {
    await t.sql`truncate conversation_messages`
    await fs.rm(work, {recursive: true, force: true})
  })

  it('a line with U+0000 is rejected with its line number, and a re-run adds nothing', async () => {
    const lines = (await fs.readFile(SAMPLE, 'utf8')).split('\n').filter((line) => line !== '')
    const poisoned = JSON.parse(lines[1500])
    poisoned.content = `${poisoned.content}\u0000`
    lines[1500] = JSON.stringify(poisoned)
    const file = path.join(work, 'with-nul.jsonl')
    await fs.writeFile(file, `${lines.join('\n')}\n`)

    const first = await runLoopftBounded(['import', file, '--json'], env())
    // Exit 16 PARTIAL carries the import's result in the error.
    const imported = first.json.error.result
    assert.deepEqual([first.status, imported.rejected.map((reject: {line: number}) => reject.line), imported.messagesImported], [16, [1501], lines.length - 1])
    assert.equal(await count(), lines.length - 1)
    const again = await runLoopftBounded(['import', file, '--json'], env())
    assert.deepEqual([again.status, again.json.error.result.messagesImported, again.json.error.result.alreadyPresent], [16, 0, lines.length - 1])
    assert.equal(await count(), lines.length - 1)
  })

  it('a killed import keeps no rows', async () => {
    const file = path.join(work, 'big.jsonl')
    const sample = await fs.readFile(SAMPLE, 'utf8')
    // The sample twenty times under other conversation ids: long enough to be killed mid-way.
    await fs.writeFile(file, Array.from({length: 20}, (_, copy) => sample.replaceAll('"conversation_id":"conv-', `"conversation_id":"copy${copy}-`)).join(''))
    const {child, done} = startLoopft(['import', file, '--batch-size', '200', '--json'], env())
    for (let waited = 0; waited < 60_000; waited += 50) {
      // The import's transaction holds this lock from its first insert to its commit.
      const [row] = await t.sql`
        select 1 from pg_locks l join pg_class c on c.oid = l.relation join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = ${t.schema} and c.relname = 'conversation_messages' and l.mode = 'RowExclusiveLock' and l.pid <> pg_backend_pid()`
      if (row !== undefined) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await new Promise((resolve) => setTimeout(resolve, 300))
    child.kill('SIGKILL')
    assert.equal((await done).signal, 'SIGKILL', 'killed while importing')
    assert.equal(await count(), 0)
  })
})
