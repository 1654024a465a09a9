import assert from 'node:assert/strict'
import {execFileSync, spawnSync} from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {CLI_NODE_OPTIONS} from '../../../src/cli/node-options.js'
import {applySchedule, type CommandRunner} from '../../../src/lib/operations/schedule-install.js'
import {planSchedule, type SchedulePlan} from '../../../src/lib/operations/schedule-plan.js'
import {cleanPath, CRONTAB_BEGIN, CRONTAB_END, renderCrontab, renderSystemdUnits, SCHEDULED_JOBS, scheduleTarget, targetWarnings, type ScheduleTarget} from '../../../src/lib/operations/schedule.js'

const FIELD_RANGES: Array<[number, number]> = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]]

/** Parses one crontab field (*, n, a-b, lists, /step) and checks its range. */
function isValidField(field: string, [low, high]: [number, number]): boolean {
  return field.split(',').every((part) => {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part)
    if (match === null) return false
    const numbers = [match[2], match[3], match[4]].filter((value) => value !== undefined).map(Number)
    return numbers.slice(0, 2).every((value) => value >= low && value <= high) && (match[4] === undefined || Number(match[4]) > 0)
  })
}

function recordingRunner(available: string[]): CommandRunner & {calls: string[]} {
  const calls: string[] = []
  return {
    calls,
    run: async (file, args) => {
      calls.push([file, ...args].join(' '))
      return {code: 0, stdout: '', stderr: ''}
    },
    has: async (file) => available.includes(file),
  }
}

describe('schedule', () => {
  let directory: string
  let target: ScheduleTarget
  let probe: string
  let plan: SchedulePlan
  const times = {timezone: 'UTC'}
  before(async () => {
    plan = await planSchedule(times, new Date())
  })

  beforeEach(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-schedule-'))
    probe = path.join(directory, "fake loopft's bin.mjs")
    // A stand-in for bin/run.js that shows what it was run with.
    await fs.writeFile(probe, 'console.log([process.cwd(), process.env.LOOPFT_PROBE, ...process.argv.slice(2)].join("|"))\n')
    await fs.writeFile(path.join(directory, '.env'), 'LOOPFT_PROBE=from-env-file\n')
    target = scheduleTarget({workingDirectory: directory, home: '.loopft', command: [process.execPath, probe], path: '/usr/local/bin:/usr/bin:/bin'})
  })
  afterEach(async () => {
    await fs.rm(directory, {recursive: true, force: true})
  })

  it('a failing crontab or systemctl is SYSTEM_ERROR (exit 19), not UNEXPECTED (a bug)', async () => {
    const failing: CommandRunner = {run: async () => ({code: 1, stdout: '', stderr: 'permission denied'}), has: async () => true}
    const deps = {runner: failing, userConfigDir: directory}
    await assert.rejects(applySchedule(deps, {action: 'install', kind: 'crontab', target, times, user: false}), {code: 'SYSTEM_ERROR', exitCode: 19, message: /crontab -l failed: permission denied/})
    await assert.rejects(applySchedule(deps, {action: 'install', kind: 'systemd', target, times, user: true}), {code: 'SYSTEM_ERROR', message: /systemctl --user daemon-reload failed/})
  })

  describe('crontab', () => {
    it('renders CRON_TZ, then one line per job whose five time fields parse and match the documented times, each described in words', () => {
      const lines = renderCrontab(target, plan).split('\n').filter((line) => line !== '' && !line.startsWith('#'))
      assert.equal(lines[0], 'CRON_TZ=UTC')
      const fields = lines.slice(1).map((line) => line.split(' ').slice(0, 5))
      assert.deepEqual(fields.map((time) => time.every((field, index) => isValidField(field, FIELD_RANGES[index]))), [true, true, true, true])
      assert.deepEqual(fields.map((time) => time.join(' ')), ['0 2 * * *', '0 3 * * 0', '0 4 1 * *', '0 5 1 * *'])
      assert.match(renderCrontab(target, plan), /^# export \(export new conversations\): At 02:00 AM, every day\n0 2 \* \* \* /m)
    })

    it('runs the monthly report into $LOOPFT_HOME/reports, creating it first', () => {
      const [reportLine] = renderCrontab(target, plan).split('\n').filter((line) => line.startsWith('0 5 1 * * '))
      assert.ok(reportLine.includes(`mkdir -p ${target.logDir} ${target.lockDir} ${path.join(directory, '.loopft', 'reports')} &&`), reportLine)
      assert.ok(reportLine.includes(` report --out ${path.join(directory, '.loopft', 'reports')} >> `), reportLine)
    })

    it('installs with the block last, so its CRON_TZ cannot apply to the operator\'s lines', async () => {
      const crontabFile = path.join(directory, 'crontab')
      const deps = {runner: recordingRunner([]), crontabFile, userConfigDir: directory}
      await fs.writeFile(crontabFile, `${CRONTAB_BEGIN}\nold\n${CRONTAB_END}\n15 1 * * * /usr/bin/backup\n`)
      await applySchedule(deps, {action: 'install', kind: 'crontab', target, times, user: false})
      assert.equal(await fs.readFile(crontabFile, 'utf8'), `15 1 * * * /usr/bin/backup\n${renderCrontab(target, plan)}`)
    })

    it('runs the job from the working directory with the env file sourced, appending to its log', () => {
      const [exportLine] = renderCrontab(target, plan).split('\n').filter((line) => line.startsWith('0 2 '))
      const command = exportLine.split(' ').slice(5).join(' ')
      const result = spawnSync('/bin/sh', ['-c', command], {cwd: os.tmpdir(), env: {}})
      assert.equal(result.status, 0)
      spawnSync('/bin/sh', ['-c', command], {cwd: os.tmpdir(), env: {}})
      const log = execFileSync('cat', [path.join(directory, '.loopft', 'logs', 'export.log')], {encoding: 'utf8'})
      const expected = `${directory}|from-env-file|export|--since|last`
      assert.deepEqual(log.trim().split('\n'), [expected, expected])
    })

    it('does not start a second run while the lock is held', () => {
      const [cycleLine] = renderCrontab(target, plan).split('\n').filter((line) => line.startsWith('0 3 '))
      const command = cycleLine.split(' ').slice(5).join(' ')
      spawnSync('mkdir', ['-p', target.lockDir])
      const held = spawnSync('flock', [path.join(target.lockDir, 'cycle.lock'), '/bin/sh', '-c', command], {env: {}})
      assert.equal(held.status, 1)
      const log = path.join(target.logDir, 'cycle.log')
      assert.equal(spawnSync('test', ['-s', log]).status, 1, 'nothing was logged: the job never ran')
    })

    it('installs idempotently into the marked block, keeps other lines, and uninstalls to the original', async () => {
      const crontabFile = path.join(directory, 'crontab')
      const original = 'MAILTO=ops@example.com\n15 1 * * * /usr/bin/backup\n'
      await fs.writeFile(crontabFile, original)
      const deps = {runner: recordingRunner([]), crontabFile, userConfigDir: directory}
      const first = await applySchedule(deps, {action: 'install', kind: 'crontab', target, times, user: false})
      const second = await applySchedule(deps, {action: 'install', kind: 'crontab', target, times, user: false})
      const installed = await fs.readFile(crontabFile, 'utf8')
      assert.deepEqual([first.crontab?.changed, second.crontab?.changed], [true, false])
      assert.equal(installed, `${original}${renderCrontab(target, plan)}`)
      assert.equal(installed.split('\n').filter((line) => line === CRONTAB_BEGIN || line === CRONTAB_END).length, 2)
      const moved = scheduleTarget({workingDirectory: path.join(directory, 'elsewhere'), home: '.loopft', command: target.command, path: target.path})
      await applySchedule(deps, {action: 'install', kind: 'crontab', target: moved, times, user: false})
      assert.equal(await fs.readFile(crontabFile, 'utf8'), `${original}${renderCrontab(moved, plan)}`, 'replaced')
      const removed = await applySchedule(deps, {action: 'uninstall', user: false})
      assert.deepEqual([removed.crontab?.changed, await fs.readFile(crontabFile, 'utf8')], [true, original])
    })
  })

  describe('systemd', () => {
    it('renders units that systemd-analyze verify accepts (or that have the required keys)', async () => {
      const units = renderSystemdUnits(target, plan, {user: false})
      await Promise.all(units.map((unit) => fs.writeFile(path.join(directory, unit.name), unit.text)))
      const analyze = spawnSync('systemd-analyze', ['verify', ...units.map((unit) => path.join(directory, unit.name))], {encoding: 'utf8'})
      if (analyze.error === undefined) {
        assert.deepEqual([analyze.status, analyze.stderr.trim()], [0, ''])
      }
      for (const planned of plan.jobs) {
        const job = SCHEDULED_JOBS[planned.name]
        const service = units.find((unit) => unit.name === `loopft-${job.name}.service`)?.text ?? ''
        const timer = units.find((unit) => unit.name === `loopft-${job.name}.timer`)?.text ?? ''
        assert.match(service, /^\[Service\]\nType=oneshot\nWorkingDirectory=\/.+\nEnvironmentFile=-\/.+\.env$/m)
        assert.match(service, new RegExp(`^ExecStart=${process.execPath} ".+" ${job.args(target).join(' ')}$`, 'm'))
        assert.match(timer, new RegExp(`^\\[Timer\\]\nOnCalendar=${planned.onCalendar.replaceAll('*', '\\*')} UTC\nPersistent=true\nUnit=loopft-${job.name}.service$`, 'm'))
        assert.match(timer, /^\[Install\]\nWantedBy=timers.target$/m)
      }
    })

    it('writes user units once, reloads and enables through systemctl, and uninstalls them', async () => {
      const runner = recordingRunner(['systemctl'])
      const deps = {runner, userConfigDir: directory}
      const first = await applySchedule(deps, {action: 'install', kind: 'systemd', target, times, user: true})
      const again = await applySchedule(deps, {action: 'install', kind: 'systemd', target, times, user: true})
      const unitDir = path.join(directory, 'systemd', 'user')
      assert.deepEqual([first.systemd?.written.length, again.systemd?.changed, (await fs.readdir(unitDir)).length], [8, false, 8])
      assert.deepEqual(runner.calls, ['systemctl --user daemon-reload', 'systemctl --user enable --now loopft-export.timer loopft-cycle.timer loopft-prune.timer loopft-report.timer'])
      const removed = await applySchedule(deps, {action: 'uninstall', user: true})
      assert.deepEqual(runner.calls.slice(2), ['systemctl --user disable --now loopft-cycle.timer loopft-export.timer loopft-prune.timer loopft-report.timer', 'systemctl --user daemon-reload'])
      assert.deepEqual([removed.systemd?.removed.length, await fs.readdir(unitDir)], [8, []])
    })

    it('installing with a job skipped disables and removes that job\'s units and enables only the others', async () => {
      const runner = recordingRunner(['systemctl'])
      const deps = {runner, userConfigDir: directory}
      await applySchedule(deps, {action: 'install', kind: 'systemd', target, times, user: true})
      const skipped = await applySchedule(deps, {action: 'install', kind: 'systemd', target, times: {...times, skip: ['report'], at: ['export=02:30']}, user: true})
      assert.deepEqual([skipped.systemd?.written, skipped.systemd?.removed], [['loopft-export.service', 'loopft-export.timer'], ['loopft-report.service', 'loopft-report.timer']])
      assert.deepEqual(runner.calls.slice(2), [
        'systemctl --user disable --now loopft-report.timer',
        'systemctl --user daemon-reload',
        'systemctl --user enable --now loopft-export.timer loopft-cycle.timer loopft-prune.timer',
      ])
      assert.match(await fs.readFile(path.join(directory, 'systemd', 'user', 'loopft-export.timer'), 'utf8'), /^OnCalendar=\*-\*-\* 02:30:00 UTC$/m)
    })

    it('uninstalling system units reports the loopft user units it found and left', async () => {
      const deps = {runner: recordingRunner([]), systemdDir: path.join(directory, 'system'), userConfigDir: directory}
      await applySchedule({...deps, systemdDir: undefined}, {action: 'install', kind: 'systemd', target, times: {...times, only: ['export']}, user: true})
      const result = await applySchedule(deps, {action: 'uninstall', user: false})
      assert.deepEqual([result.systemd?.changed, result.systemd?.userUnits], [false, {directory: path.join(directory, 'systemd', 'user'), found: ['loopft-export.service', 'loopft-export.timer']}])
    })

    it('leaves systemctl to the operator when writing to a custom directory', async () => {
      const runner = recordingRunner(['systemctl'])
      const result = await applySchedule({runner, systemdDir: directory, userConfigDir: directory}, {action: 'install', kind: 'systemd', target, times, user: false})
      assert.deepEqual([runner.calls, result.systemctl.toRun[0]], [[], 'systemctl daemon-reload'])
    })
  })

  it('gives the jobs a clean PATH: node first, no npx temporary directories, no duplicates', () => {
    const npxPath = ['/root/.npm/_npx/2b6f1c9a/node_modules/.bin', '/work/app/node_modules/.bin', '/usr/local/bin', '/usr/bin', '/usr/local/bin', 'relative/bin', '/bin'].join(':')
    assert.equal(cleanPath(npxPath, '/opt/node/bin'), '/opt/node/bin:/usr/local/bin:/usr/bin:/bin')
    const fromNpx = scheduleTarget({workingDirectory: directory, home: '.loopft', command: ['/opt/node/bin/node', probe], path: npxPath})
    assert.doesNotMatch(renderCrontab(fromNpx, plan) + renderSystemdUnits(fromNpx, plan, {user: true}).map((unit) => unit.text).join(''), /_npx|node_modules/)
  })

  it('warns when loopft itself runs from npx\'s temporary directory, and not otherwise', () => {
    const fromNpx = scheduleTarget({workingDirectory: directory, home: '.loopft', command: ['/opt/node/bin/node', '/root/.npm/_npx/2b6f1c9a/node_modules/loopft/bin/run.js'], path: '/usr/bin'})
    assert.deepEqual([targetWarnings(fromNpx).length, targetWarnings(target)], [1, []])
    assert.match(targetWarnings(fromNpx)[0], /_npx.+npm install --global loopft/)
  })

  it('warns that the crontab\'s CRON_TZ may be ignored when its zone is not the machine\'s, and only then', async () => {
    const machineZone = Intl.DateTimeFormat().resolvedOptions().timeZone
    const otherZone = machineZone === 'Asia/Kolkata' ? 'UTC' : 'Asia/Kolkata'
    const deps = {runner: recordingRunner([]), crontabFile: path.join(directory, 'crontab'), systemdDir: path.join(directory, 'units'), userConfigDir: directory}
    const [other, machine, systemd] = await Promise.all([
      applySchedule(deps, {action: 'print', target, times: {timezone: otherZone}, user: false}),
      applySchedule(deps, {action: 'print', target, times: {timezone: machineZone}, user: false}),
      applySchedule(deps, {action: 'install', kind: 'systemd', target, times: {timezone: otherZone}, user: false}),
    ])
    assert.equal(other.warnings.length, 1)
    assert.match(other.warnings[0], new RegExp(`^the crontab runs in ${otherZone} only where cron honours CRON_TZ .+system's zone, ${machineZone}\\)`))
    assert.deepEqual([machine.warnings, systemd.warnings], [[], []])
  })

  it('lets systemd count exit 17 (a job still training, resumed next time) as success for the cycle only', () => {
    const services = renderSystemdUnits(target, plan, {user: true}).filter((unit) => unit.name.endsWith('.service'))
    assert.deepEqual(services.filter((unit) => /^SuccessExitStatus=17$/m.test(unit.text)).map((unit) => unit.name), ['loopft-cycle.service'])
  })

  it('keeps examples/ in step with the renderer', async () => {
    const example = scheduleTarget({workingDirectory: '/opt/loopft', home: '.loopft', command: ['/usr/bin/node', ...CLI_NODE_OPTIONS, '/opt/loopft/bin/run.js'], path: '/usr/local/bin:/usr/bin:/bin'})
    assert.equal(await fs.readFile('examples/cron/loopft.crontab', 'utf8'), renderCrontab(example, plan))
    for (const unit of renderSystemdUnits(example, plan, {user: false})) {
      assert.equal(await fs.readFile(path.join('examples/systemd', unit.name), 'utf8'), unit.text, unit.name)
    }
  })
})
