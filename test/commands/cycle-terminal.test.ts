import assert from 'node:assert/strict'
import {setTimeout as sleep} from 'node:timers/promises'
import {hasTmux, tmuxTerminal} from '../support/tmux.js'
import {useTestDatabase} from '../support/db.js'
import {useOpenAIStandin} from '../support/openai.js'

const SOCKET = `loopft-pty-${process.pid}`
const SESSION = 'cycle'
const SPINNER_FRAMES = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/

const {tmux, screenWhen} = tmuxTerminal(SOCKET, SESSION)

/** `loopft cycle` on a real pseudo-terminal (tmux): what a person sees around the confirmation. */
describe('loopft cycle on a terminal', () => {
  const database = useTestDatabase()
  const openai = useOpenAIStandin()

  before(function () {
    if (!hasTmux()) {
      process.stderr.write('cycle-terminal: SKIPPED — no tmux (apt-get install -y tmux)\n')
      this.skip()
    }
  })
  afterEach(() => {
    try {
      tmux('kill-server')
    } catch {
      // already gone
    }
  })

  /** `loopft cycle <flags>` in a 120×40 tmux session, as a person's shell would run it. */
  function startCycle(flags: string): void {
    const env = {...openai.env(), DATABASE_URL: database.url, TERM: 'xterm-256color', PATH: process.env.PATH ?? ''}
    const assignments = Object.entries(env).map(([name, value]) => `${name}='${value.replaceAll("'", "'\\''")}'`).join(' ')
    // CI would make the terminal non-interactive: a person's shell has no CI variable.
    tmux('new-session', '-d', '-s', SESSION, '-x', '120', '-y', '40', `env -u CI ${assignments} node bin/run.js cycle ${flags}; echo "EXIT=$?"; sleep 60`)
  }

  it('stops the spinner before asking, shows the preview above the question, and answering no runs nothing', async function () {
    this.timeout(60_000)
    startCycle('')

    const asking = await screenWhen(/Run this cycle\?/)
    await sleep(500)
    const settled = tmux('capture-pane', '-p', '-t', SESSION)
    assert.match(asking, /^outcome\s+nothing-to-do$/m, 'the preview is shown above the question')
    assert.doesNotMatch(settled, SPINNER_FRAMES, 'no spinner runs while the question waits')
    assert.doesNotMatch(settled, /checking what this cycle would do/, 'the spinner line is gone, not left looking busy')
    assert.match(settled.trim().split('\n').at(-1) ?? '', /Run this cycle\? It may start a paid fine-tuning job\. \(y\/N\)/)

    tmux('send-keys', '-t', SESSION, 'n', 'Enter')
    const ended = await screenWhen(/EXIT=\d+/)
    assert.match(ended, /EXIT=0/)
    assert.equal((await database.sql`select count(*)::int as count from loopft_cycles`)[0].count, 0, 'answering no runs nothing')
  })

  it('shows one line per step with the elapsed time, and ends on a line saying what happened, with no spinner left', async function () {
    this.timeout(60_000)
    startCycle('--yes')
    const ended = await screenWhen(/EXIT=\d+/)
    const lines = ended.split('\n').map((line) => line.trimEnd())
    assert.ok(lines.some((line) => /^\[ +\d+s\] tune: started$/.test(line)), ended)
    assert.ok(lines.some((line) => /^\[ +\d+s\] tune: skipped: no export run ended since /.test(line)), ended)
    assert.ok(lines.some((line) => /^✔ \[ +\d+s\] cycle #\d+ nothing-to-do after \d+s: no export run ended since /.test(line)), ended)
    assert.doesNotMatch(ended, SPINNER_FRAMES, 'the spinner ended on its final line')
    assert.match(ended, /EXIT=0/)
  })
})
