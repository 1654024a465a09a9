import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {hasTmux, tmuxTerminal} from '../support/tmux.js'
import {useTestDatabase} from '../support/db.js'
import {runLoopft} from '../support/run-cli.js'

const SOCKET = `loopft-review-pty-${process.pid}`
const SESSION = 'review'

const {tmux, screenWhen} = tmuxTerminal(SOCKET, SESSION)

/** `loopft review` on a real pseudo-terminal (tmux): one example at a time, keys, a reason, resuming where it stopped. */
describe('loopft review on a terminal', () => {
  const t = useTestDatabase()
  let outDir: string
  let command: string

  before(async function () {
    if (!hasTmux()) {
      process.stderr.write('review-terminal: SKIPPED — no tmux (apt-get install -y tmux)\n')
      this.skip()
    }
    outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-review-pty-'))
    const env = {DATABASE_URL: t.url, LOOPFT_OUT_DIR: outDir, LOOPFT_ACTOR: 'ana@review', TERM: 'xterm-256color', PATH: process.env.PATH ?? ''}
    const started = new Date(Date.now() - 3_600_000)
    const rows = Array.from({length: 6}, (_, n) => [
      {conversation_id: `c${n}`, user_id: `u${n}`, role: 'user', content: `Genre ${n} question, write to fan${n}@example.org`, created_at: new Date(started.getTime() + n * 60_000)},
      {conversation_id: `c${n}`, user_id: null, role: 'assistant', content: `Genre ${n} sits at ${100 + n} BPM.`, created_at: new Date(started.getTime() + n * 60_000 + 1000)},
    ]).flat()
    await t.sql`insert into conversation_messages ${t.sql(rows as never, 'conversation_id', 'user_id', 'role', 'content', 'created_at')}`
    assert.equal((await runLoopft(['export', '--since', '24h'], env)).status, 0)
    const assignments = Object.entries(env).map(([name, value]) => `${name}='${value.replaceAll("'", "'\\''")}'`).join(' ')
    // CI would make the terminal non-interactive: a person's shell has no CI variable.
    command = `env -u CI -u NO_COLOR FORCE_COLOR=1 ${assignments} node bin/run.js review --sample 3; echo "EXIT=$?"; sleep 60`
  })
  afterEach(() => {
    try {
      tmux('kill-server')
    } catch {
      // already gone
    }
  })
  after(async () => {
    await fs.rm(outDir ?? '', {recursive: true, force: true})
  })

  it('shows one example at a time with placeholders highlighted, takes approve, reject with a reason and quit, and resumes at the next undecided example', async function () {
    this.timeout(90_000)
    tmux('new-session', '-d', '-s', SESSION, '-x', '120', '-y', '40', command)
    const first = await screenWhen(/example 1 of 3 · conversation c\d · 0 approved, 0 rejected, 3 to decide/)
    assert.match(first, /\[a\] approve {3}\[r\] reject \(with a reason\) {3}\[s\] skip {3}\[q\] quit/)
    assert.match(first, /user: Genre \d question, write to \[EMAIL\]/)
    assert.match(await screenWhen(/EMAIL/, {escapes: true}), /\u001B\[43m\[EMAIL\]/, 'the placeholder is highlighted (yellow background)')

    tmux('send-keys', '-t', SESSION, 'a')
    await screenWhen(/example 2 of 3 · .* 1 approved, 0 rejected \(0\.0% rejected\), 2 to decide/)
    tmux('send-keys', '-t', SESSION, 'r')
    await screenWhen(/Why reject it\?/)
    tmux('send-keys', '-t', SESSION, '-l', 'wrong tempo')
    tmux('send-keys', '-t', SESSION, 'Enter')
    await screenWhen(/example 3 of 3 · .* 1 approved, 1 rejected \(50\.0% rejected\), 1 to decide/)
    tmux('send-keys', '-t', SESSION, 'q')
    const ended = await screenWhen(/EXIT=\d+/)
    assert.match(ended, /EXIT=0/)
    assert.match(ended, /^reviewed +no$/m)
    assert.match(ended, /^removed +2 rejected line\(s\) from 2 file\(s\)$/m, 'the daily file and the master lost the rejected line')
    const decisions = await t.sql<{decision: string; reason: string | null; actor: string}[]>`select decision, reason, actor from loopft_review_decisions order by decided_at`
    assert.deepEqual(decisions.map((row) => [row.decision, row.reason, row.actor]), [['approve', null, 'ana@review'], ['reject', 'wrong tempo', 'ana@review']])

    tmux('kill-server')
    tmux('new-session', '-d', '-s', SESSION, '-x', '120', '-y', '40', command)
    await screenWhen(/example 3 of 3 · .* 1 approved, 1 rejected \(50\.0% rejected\), 1 to decide/)
    tmux('send-keys', '-t', SESSION, 'a')
    const done = await screenWhen(/EXIT=\d+/)
    assert.match(done, /EXIT=0/)
    assert.match(done, /^reviewed +yes$/m)
  })
})
