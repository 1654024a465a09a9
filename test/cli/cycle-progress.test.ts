import assert from 'node:assert/strict'
import {startCycleProgress} from '../../src/cli/cycle-progress.js'
import type {Terminal} from '../../src/cli/terminal.js'

const PIPE: Terminal = {isInteractive: false, isStdoutTty: false, isStderrTty: false}

/** What the view writes on stderr while `work` runs. */
function stderrOf(work: () => void): string[] {
  const written: string[] = []
  const write = Object.getOwnPropertyDescriptor(process.stderr, 'write')
  process.stderr.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stderr.write
  try {
    work()
  } finally {
    if (write === undefined) delete (process.stderr as {write?: unknown}).write
    else Object.defineProperty(process.stderr, 'write', write)
  }
  return written.join('').trim().split('\n')
}

describe('cycle progress off a terminal', () => {
  it('prints each line with the time since the run began, and a wait once per change or quarter of its count', () => {
    let clock = 0
    const lines = stderrOf(() => {
      const view = startCycleProgress(PIPE, {quiet: false, now: () => clock})
      view.show({type: 'line', step: 'tune', text: 'started'})
      clock = 65_000
      for (const status of ['queued', 'running', 'running', 'running']) view.show({type: 'waiting', step: 'watch', waitingFor: `job ftjob-1 to finish training (${status})`})
      clock = 3_725_000
      for (let done = 0; done <= 8; done += 1) view.show({type: 'waiting', step: 'evaluate', waitingFor: 'answers and verdicts', done, total: 8})
      view.finish('cycle #1 promoted after 1h 02m: promoted ft:x', true)
    })
    assert.deepEqual(lines, [
      '[     0s] tune: started',
      '[ 1m 05s] watch: waiting for job ftjob-1 to finish training (queued)',
      '[ 1m 05s] watch: waiting for job ftjob-1 to finish training (running)',
      '[ 1h 02m] evaluate: waiting for answers and verdicts (0/8)',
      '[ 1h 02m] evaluate: waiting for answers and verdicts (2/8)',
      '[ 1h 02m] evaluate: waiting for answers and verdicts (4/8)',
      '[ 1h 02m] evaluate: waiting for answers and verdicts (6/8)',
      '[ 1h 02m] evaluate: waiting for answers and verdicts (8/8)',
      '[ 1h 02m] cycle #1 promoted after 1h 02m: promoted ft:x',
    ])
  })

  it('prints nothing under --json', () => {
    const lines = stderrOf(() => {
      const view = startCycleProgress(PIPE, {quiet: true})
      view.show({type: 'line', step: 'tune', text: 'started'})
      view.finish('cycle #1 nothing-to-do', true)
    })
    assert.deepEqual(lines, [''])
  })
})
