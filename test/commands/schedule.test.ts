import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {CLI_NODE_OPTIONS} from '../../src/cli/node-options.js'
import {runLoopft as loopft} from '../support/run-cli.js'

describe('loopft schedule', () => {
  let directory: string
  let env: Record<string, string>
  before(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-schedule-cmd-'))
    env = {HOME: directory, LOOPFT_CRONTAB_FILE: path.join(directory, 'crontab'), LOOPFT_SYSTEMD_DIR: path.join(directory, 'units'), LOOPFT_HOME: path.join(directory, 'home')}
  })
  after(async () => {
    await fs.rm(directory, {recursive: true, force: true})
  })

  it('--print --json returns the crontab block and six units', async () => {
    const {status, json} = await loopft(['schedule', '--print', '--json'], env)
    assert.equal(status, 0)
    assert.match(json.crontab.block, /^0 2 \* \* \* cd .+ export --since last >> .+export\.log 2>&1$/m)
    assert.equal(json.systemd.units.length, 6)
  })

  it('starts node with the options bin/run.js carries in its shebang', async () => {
    const {json} = await loopft(['schedule', '--print', '--json'], env)
    const shebang = (await fs.readFile('bin/run.js', 'utf8')).split('\n', 1)[0]
    assert.equal(shebang, `#!/usr/bin/env -S node ${CLI_NODE_OPTIONS.join(' ')}`)
    for (const line of json.crontab.block.split('\n').filter((line: string) => line.includes('export --since'))) {
      assert.ok(line.includes(` ${CLI_NODE_OPTIONS.join(' ')} `), line)
    }
  })

  it('--install crontab is idempotent and --uninstall reverses it', async () => {
    const first = await loopft(['schedule', '--install', 'crontab', '--json'], env)
    const second = await loopft(['schedule', '--install', 'crontab', '--json'], env)
    assert.deepEqual([first.status, first.json.crontab.changed, second.json.crontab.changed], [0, true, false])
    const removed = await loopft(['schedule', '--uninstall', '--json'], env)
    assert.deepEqual([removed.status, removed.json.crontab.changed, await fs.readFile(env.LOOPFT_CRONTAB_FILE, 'utf8')], [0, true, ''])
  })

  it('--install systemd into a custom directory lists the systemctl commands to run', async () => {
    const {status, json} = await loopft(['schedule', '--install', 'systemd', '--json'], env)
    assert.deepEqual([status, json.systemd.written.length, json.systemctl.ran, json.systemctl.toRun[0]], [0, 6, [], 'systemctl daemon-reload'])
  })

  it('--uninstall with nothing installed says nothing was removed (and where user units go), not "up to date"', async () => {
    const empty = {...env, LOOPFT_CRONTAB_FILE: path.join(directory, 'empty-crontab'), LOOPFT_SYSTEMD_DIR: path.join(directory, 'no-units')}
    const {status, stdout} = await loopft(['schedule', '--uninstall'], empty)
    assert.equal(status, 0)
    assert.doesNotMatch(stdout, /up to date/)
    assert.match(stdout, /^crontab .+: no loopft schedule here, nothing removed$/m)
    assert.match(stdout, /^systemd .+no-units: no loopft schedule here, nothing removed \(user units are removed with --uninstall --user\)$/m)
  })

  it('rejects an unknown install target with a usage error', async () => {
    const {status, json} = await loopft(['schedule', '--install', 'launchd', '--json'], env)
    assert.deepEqual([status, json.error.code], [2, 'USAGE'])
  })
})
