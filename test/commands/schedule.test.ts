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

  it('--print --json returns the plan, the crontab block and eight units', async () => {
    const {status, json} = await loopft(['schedule', '--print', '--json'], env)
    assert.equal(status, 0)
    assert.match(json.crontab.block, /^0 2 \* \* \* cd .+ export --since last >> .+export\.log 2>&1$/m)
    assert.equal(json.systemd.units.length, 8)
    assert.deepEqual(json.schedule.jobs.map((job: {name: string}) => job.name), ['export', 'cycle', 'prune', 'report'])
    assert.deepEqual([json.schedule.timezoneSource, json.warnings], ['machine', []])
  })

  it('--at, --timezone and --skip reach the crontab and the units, and the output shows each job in words with its next run', async () => {
    const args = ['schedule', '--at', 'export=02:30', '--at', 'cycle=sat@22:00', '--timezone', 'Europe/Berlin', '--skip', 'prune,report']
    const {json} = await loopft([...args, '--json'], env)
    assert.deepEqual(json.schedule.jobs.map((job: {name: string; description: string}) => [job.name, job.description]), [['export', 'At 02:30 AM, every day'], ['cycle', 'At 10:00 PM, only on Saturday']])
    assert.match(json.crontab.block, /^CRON_TZ=Europe\/Berlin\n# export .+\n30 2 \* \* \* /m)
    assert.deepEqual(json.systemd.units.map((unit: {name: string}) => unit.name), ['loopft-export.service', 'loopft-export.timer', 'loopft-cycle.service', 'loopft-cycle.timer'])
    assert.match(json.systemd.units[3].text, /^OnCalendar=Sat \*-\*-\* 22:00:00 Europe\/Berlin$/m)
    const {status, stdout} = await loopft(args, env)
    assert.equal(status, 0)
    assert.match(stdout, /^timezone: Europe\/Berlin \(--timezone\)$/m)
    assert.match(stdout, /^export\tAt 02:30 AM, every day\t02:30\t\d{4}-\d\d-\d\d 02:30$/m)
  })

  it('reads a schedule file, and says where the zone came from when it is the machine\'s', async () => {
    const file = path.join(directory, 'schedule.yaml')
    await fs.writeFile(file, 'at:\n  report: "2@06:00"\nonly: [report]\n')
    const {status, stdout} = await loopft(['schedule', '--file', file], env)
    assert.equal(status, 0)
    assert.match(stdout, /^timezone: \S+ \(the machine's; set another with --timezone\)$/m)
    assert.match(stdout, /^report\tAt 06:00 AM, on day 2 of the month\t/m)
    assert.doesNotMatch(stdout, /loopft-export/)
  })

  it('a bad time or zone is a usage error (exit 2), a bad schedule file a configuration error (exit 3)', async () => {
    const badTime = await loopft(['schedule', '--at', 'export=25:00', '--json'], env)
    const badZone = await loopft(['schedule', '--timezone', 'Europe/Atlantis', '--json'], env)
    const file = path.join(directory, 'bad-schedule.json')
    await fs.writeFile(file, '{"at": {"export": "sometime"}}')
    const badFile = await loopft(['schedule', '--file', file, '--json'], env)
    assert.deepEqual([badTime.status, badTime.json.error.code, badZone.status, badZone.json.error.code, badFile.status, badFile.json.error.code], [2, 'USAGE', 2, 'USAGE', 3, 'CONFIG_INVALID'])
    assert.match(badTime.json.error.message, /--at export: "25:00" is not a time/)
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
    assert.deepEqual([status, json.systemd.written.length, json.systemctl.ran, json.systemctl.toRun[0]], [0, 8, [], 'systemctl daemon-reload'])
  })

  it('--uninstall with nothing installed says nothing was removed, here or in the user units, not "up to date"', async () => {
    const empty = {...env, LOOPFT_CRONTAB_FILE: path.join(directory, 'empty-crontab'), LOOPFT_SYSTEMD_DIR: path.join(directory, 'no-units')}
    const {status, stdout} = await loopft(['schedule', '--uninstall'], empty)
    assert.equal(status, 0)
    assert.doesNotMatch(stdout, /up to date/)
    assert.match(stdout, /^crontab .+: no loopft schedule here, nothing removed$/m)
    assert.match(stdout, /^systemd .+no-units: no loopft schedule here, nothing removed$/m)
    assert.match(stdout, /^systemd .+systemd\/user: no loopft user units either$/m)
  })

  it('--uninstall without --user names the user units it found and how to remove them', async () => {
    const empty = {...env, LOOPFT_CRONTAB_FILE: path.join(directory, 'empty-crontab'), LOOPFT_SYSTEMD_DIR: path.join(directory, 'no-units')}
    const userUnits = path.join(directory, '.config', 'systemd', 'user')
    await fs.mkdir(userUnits, {recursive: true})
    await fs.writeFile(path.join(userUnits, 'loopft-cycle.timer'), '[Timer]\n')
    const {status, stdout} = await loopft(['schedule', '--uninstall'], empty)
    const {json} = await loopft(['schedule', '--uninstall', '--json'], empty)
    await fs.rm(userUnits, {recursive: true})
    assert.equal(status, 0)
    assert.match(stdout, /^systemd .+systemd\/user: found loopft-cycle.timer, left in place: remove them with loopft schedule --uninstall --user$/m)
    assert.deepEqual(json.systemd.userUnits, {directory: userUnits, found: ['loopft-cycle.timer']})
  })

  it('rejects an unknown install target with a usage error', async () => {
    const {status, json} = await loopft(['schedule', '--install', 'launchd', '--json'], env)
    assert.deepEqual([status, json.error.code], [2, 'USAGE'])
  })
})
