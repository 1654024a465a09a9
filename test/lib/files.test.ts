import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {pipeline} from 'node:stream/promises'
import {Readable} from 'node:stream'
import {isTemporaryName, temporaryPathFor, writeFileAtomic, writeStreamAtomic} from '../../src/lib/files.js'

describe('files: atomic writes', () => {
  let directory: string
  beforeEach(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-files-'))
  })
  afterEach(async () => {
    await fs.rm(directory, {recursive: true, force: true})
  })

  it('names every temporary by the one scheme crash recovery removes', () => {
    const temporary = path.basename(temporaryPathFor(path.join(directory, 'fine_tune_2026-11-24.jsonl')))
    assert.deepEqual([isTemporaryName(temporary), isTemporaryName('fine_tune_2026-11-24.jsonl'), isTemporaryName('report.html.123.tmp')], [true, false, false])
  })

  it('replaces a file whole, leaving no temporary behind', async () => {
    const file = path.join(directory, 'report.html')
    await fs.writeFile(file, 'old')
    await writeFileAtomic(file, 'nouveau rapport — 新しい')
    await writeStreamAtomic(path.join(directory, 'lines.jsonl'), (stream) => pipeline(Readable.from(['{"a":1}\n', '{"b":2}\n']), stream))
    assert.deepEqual([await fs.readFile(file, 'utf8'), await fs.readFile(path.join(directory, 'lines.jsonl'), 'utf8')], ['nouveau rapport — 新しい', '{"a":1}\n{"b":2}\n'])
    assert.deepEqual((await fs.readdir(directory)).sort(), ['lines.jsonl', 'report.html'])
  })

  it('keeps the original and removes the temporary when the writer fails midway', async () => {
    const file = path.join(directory, 'master.jsonl')
    await fs.writeFile(file, 'committed\n')
    const failing = writeStreamAtomic(file, async (stream) => {
      stream.write('half a line')
      throw new Error('producer failed')
    })
    await assert.rejects(failing, /producer failed/)
    assert.deepEqual([await fs.readFile(file, 'utf8'), await fs.readdir(directory)], ['committed\n', ['master.jsonl']])
  })

  it('reports a file system error (a missing directory) and leaves nothing', async () => {
    await assert.rejects(writeFileAtomic(path.join(directory, 'absent', 'x.json'), '{}'), {code: 'ENOENT'})
    assert.deepEqual(await fs.readdir(directory), [])
  })
})
