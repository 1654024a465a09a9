import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {PartWriter} from '../../../src/lib/export/part-writer.js'

describe('export/part-writer', () => {
  let outDir: string
  beforeEach(async () => {
    outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-parts-'))
  })
  afterEach(async () => {
    await fs.rm(outDir, {recursive: true, force: true})
  })

  const open = (maxBytes: number) => PartWriter.open({partPath: (part) => path.join(outDir, `daily-${part}.jsonl`), maxBytes, appendToExisting: false, hashParts: true})

  it('writes every line, in order, across background syncs, and hashes what it wrote', async function () {
    this.timeout(20_000)
    // 80 MB: more than two background syncs' worth.
    const block = Buffer.alloc(1 << 20, 'x')
    block[block.length - 1] = 0x0a
    const writer = await open(1 << 30)
    const expected = createHash('sha256')
    for (let index = 0; index < 80; index += 1) {
      const line = Buffer.from(block)
      line.write(String(index).padStart(8, '0'))
      expected.update(line)
      await writer.write(line)
    }
    const written = await writer.close()
    assert.equal(written.bytes, 80 << 20)
    assert.equal(written.lines, 80)
    assert.deepEqual(written.sha256, [expected.digest('hex')])
    const content = await fs.readFile(written.files[0].temp)
    assert.equal(createHash('sha256').update(content).digest('hex'), written.sha256[0])
  })

  it('starts a new part before one would pass maxBytes, and refuses a line larger than maxBytes', async () => {
    const writer = await open(10)
    assert.equal(await writer.write(Buffer.from('aaaa\n')), path.join(outDir, 'daily-1.jsonl'))
    assert.equal(await writer.write(Buffer.from('bbbb\n')), path.join(outDir, 'daily-1.jsonl'))
    assert.equal(await writer.write(Buffer.from('cccc\n')), path.join(outDir, 'daily-2.jsonl'))
    assert.equal(await writer.write(Buffer.from('0123456789\n')), undefined)
    const written = await writer.close()
    assert.deepEqual(await Promise.all(written.files.map((file) => fs.readFile(file.temp, 'utf8'))), ['aaaa\nbbbb\n', 'cccc\n'])
  })
})
