import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {gunzipSync, gzipSync} from 'node:zlib'
import {archiveFile, findArchivable, locateExportFile} from '../../../src/lib/operations/export-archive.js'
import {useTestDatabase} from '../../support/db.js'

const NOW = new Date('2026-11-25T12:00:00Z')
const DAY = 86_400_000

describe('archive', () => {
  const database = useTestDatabase()
  let outDir: string
  let archiveDir: string

  beforeEach(async () => {
    outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-archive-'))
    archiveDir = path.join(outDir, 'archive')
  })
  afterEach(async () => {
    await fs.rm(outDir, {recursive: true, force: true})
  })

  async function write(name: string, text: string, modifiedDaysAgo = 0): Promise<string> {
    const file = path.join(outDir, name)
    await fs.writeFile(file, text)
    const when = new Date(NOW.getTime() - modifiedDaysAgo * DAY)
    await fs.utimes(file, when, when)
    return file
  }

  it('picks old daily files (parts and re-run names too), never master parts or recent files', async () => {
    await write('fine_tune_2026-03-01.jsonl', '{"a":1}\n')
    await write('fine_tune_2026-03-01-0002.jsonl', '{"a":2}\n')
    await write('fine_tune_2026-11-20.jsonl', '{"b":1}\n', 400)
    await write('master.jsonl', '{"m":1}\n', 300)
    await write('master-0002.jsonl', '{"m":2}\n', 10)
    await write('master-0003.jsonl', '{"m":3}\n', 300)
    await write('fine_tune_2026-03-02_013000.jsonl', '{"c":1}\n')
    await write('notes.txt', 'x', 400)
    const names = (await findArchivable({outDir, archiveDir}, {olderThanMs: 180 * DAY, now: NOW})).map((candidate) => path.basename(candidate.path))
    assert.deepEqual(names, ['fine_tune_2026-03-01-0002.jsonl', 'fine_tune_2026-03-01.jsonl', 'fine_tune_2026-03-02_013000.jsonl'])
  })

  it('archives a file whose gzip decompresses to identical bytes, records it and removes the original', async () => {
    const text = Array.from({length: 500}, (_, index) => JSON.stringify({messages: [{role: 'user', content: `hello ${index} ✓`}]})).join('\n') + '\n'
    const original = await write('fine_tune_2026-01-02.jsonl', text)
    const [candidate] = await findArchivable({outDir, archiveDir}, {olderThanMs: 180 * DAY, now: NOW})
    const archived = await archiveFile(database.sql, candidate)
    const restored = gunzipSync(await fs.readFile(archived.archivePath)).toString('utf8')
    const [row] = await database.sql<{sha256: string}[]>`select sha256 from loopft_archives where original_path = ${original}`
    const sha256 = createHash('sha256').update(text).digest('hex')
    assert.deepEqual([restored === text, archived.sha256, row.sha256, await fs.access(original).then(() => 'kept', () => 'removed')], [true, sha256, sha256, 'removed'])
    assert.deepEqual(await locateExportFile(database.sql, original), {path: archived.archivePath, gzip: true})
    assert.ok(archived.archiveBytes < archived.bytes)
  })

  it('keeps the original when a different archive of the same name exists', async () => {
    const original = await write('fine_tune_2026-01-03.jsonl', '{"new":true}\n')
    await fs.mkdir(archiveDir, {recursive: true})
    await fs.writeFile(path.join(archiveDir, 'fine_tune_2026-01-03.jsonl.gz'), gzipSync('{"old":true}\n'))
    const [candidate] = await findArchivable({outDir, archiveDir}, {olderThanMs: 180 * DAY, now: NOW})
    await assert.rejects(archiveFile(database.sql, candidate), {code: 'INPUT_INVALID'})
    assert.equal(await fs.readFile(original, 'utf8'), '{"new":true}\n')
  })

  it('finishes an interrupted run: a verified archive already in place is reused', async () => {
    const original = await write('fine_tune_2026-01-04.jsonl', '{"x":1}\n')
    await fs.mkdir(archiveDir, {recursive: true})
    await fs.writeFile(path.join(archiveDir, 'fine_tune_2026-01-04.jsonl.gz'), gzipSync('{"x":1}\n'))
    const [candidate] = await findArchivable({outDir, archiveDir}, {olderThanMs: 180 * DAY, now: NOW})
    const archived = await archiveFile(database.sql, candidate)
    assert.deepEqual([archived.sha256.length, await fs.access(original).then(() => 'kept', () => 'removed')], [64, 'removed'])
  })
})
