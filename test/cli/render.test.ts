import assert from 'node:assert/strict'
import {renderTable} from '../../src/cli/render.js'
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
      const lines = renderTable(TTY, ['model', 'state', 'detail'], ROWS, {width}).split('\n')
      const widest = Math.max(...lines.map((line) => columns(line)))
      assert.ok(widest <= width, `${widest} columns on a ${width}-column terminal`)
      assert.ok(lines.some((line) => line.includes('…')), `something was cut at ${width}`)
    }
  })

  it('leave a table that fits as it is', () => {
    const text = renderTable(TTY, ['model', 'state'], [['gpt-4o-mini', 'baseline']], {width: 120})
    assert.ok(text.includes('gpt-4o-mini') && !text.includes('…'))
  })

  it('say none instead of printing only headers, on a terminal', () => {
    assert.equal(renderTable(TTY, ['model', 'state'], [], {width: 120}), 'model: none')
  })

  it('never cut plain (piped) output', () => {
    assert.equal(renderTable(PIPE, ['model', 'detail'], [ROWS[0].slice(0, 2)], {width: 20}), `model\tdetail\n${ROWS[0][0]}\tpromoted`)
  })
})
