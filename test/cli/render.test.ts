import assert from 'node:assert/strict'
import {renderTable, renderTime} from '../../src/cli/render.js'
import type {Terminal} from '../../src/cli/terminal.js'

/** Columns a line takes: its characters without colour codes (the borders and … are one column each). */
const columns = (line: string) => [...line.replace(/\u001B\[[0-9;]*m/g, '')].length

const TTY: Terminal = {isInteractive: true, isStdoutTty: true, isStderrTty: true}
const PIPE: Terminal = {isInteractive: false, isStdoutTty: false, isStderrTty: false}
// Model names and a detail line as status and history show them (real OpenAI fine-tuned model ids are this long).
const ROWS = [
  ['ft:gpt-4o-mini-2024-07-18:acme-corp:loopft-20261129:AbC12dEf', 'promoted', 'evaluation #12 against gpt-4o-mini: pass (difference +0.083), promoted by ops@example.com'],
  ['gpt-4o-mini', 'baseline', 'served when nothing is promoted'],
]

describe('tables', () => {
  it('fit the terminal: no line is wider than it, and cut cells end in …', () => {
    for (const width of [120, 80, 60]) {
      const lines = renderTable(TTY, ['model', 'state', 'detail'], ROWS, {width, empty: 'no models'}).split('\n')
      const widest = Math.max(...lines.map((line) => columns(line)))
      assert.ok(widest <= width, `${widest} columns on a ${width}-column terminal`)
      assert.ok(lines.some((line) => line.includes('…')), `something was cut at ${width}`)
    }
  })

  it('leave a table that fits as it is', () => {
    const text = renderTable(TTY, ['model', 'state'], [['gpt-4o-mini', 'baseline']], {width: 120, empty: 'no models'})
    assert.ok(text.includes('gpt-4o-mini') && !text.includes('…'))
  })

  it('show every cell whole with --wide, however narrow the terminal', () => {
    const text = renderTable(TTY, ['model', 'state', 'detail'], ROWS, {width: 60, wide: true, empty: 'no models'})
    assert.ok(!text.includes('…') && ROWS.flat().every((cell) => text.includes(cell)))
  })

  it('say none in a sentence instead of printing only headers, on a terminal and in a pipe', () => {
    assert.deepEqual([TTY, PIPE].map((terminal) => renderTable(terminal, ['model', 'state'], [], {width: 120, empty: 'no promotions yet'})), ['no promotions yet', 'no promotions yet'])
  })

  it('never cut plain (piped) output', () => {
    assert.equal(renderTable(PIPE, ['model', 'detail'], [ROWS[0].slice(0, 2)], {width: 20, empty: 'no models'}), `model\tdetail\n${ROWS[0][0]}\tpromoted`)
  })
})

describe('times', () => {
  const NOW = new Date('2026-12-02T18:00:00Z')
  it('read as relative words on a terminal (Intl.RelativeTimeFormat) and as the exact UTC minute in a pipe', () => {
    assert.deepEqual([
      renderTime(TTY, new Date('2026-12-02T15:00:00Z'), NOW), renderTime(TTY, '2026-11-29T18:00:00Z', NOW), renderTime(TTY, NOW, NOW), renderTime(PIPE, '2026-12-02T15:00:00.123Z', NOW), renderTime(TTY, null, NOW),
    ], ['3 hours ago', '3 days ago', 'now', '2026-12-02 15:00', ''])
  })
})
