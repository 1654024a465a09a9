import {execFile} from 'node:child_process'
import {constants} from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import {LoopftError} from '../errors.js'
import {writeFileAtomic} from '../files.js'
import {JOB_NAMES, planSchedule, type ScheduleOptions, type SchedulePlan} from './schedule-plan.js'
import {resolveTimezone} from './schedule-times.js'
import {renderCrontab, renderSystemdUnits, replaceCrontabBlock, targetWarnings, unitName, type ScheduleTarget, type SystemdUnit} from './schedule.js'

export interface RunOutput {
  code: number
  stdout: string
  stderr: string
}

/** Runs system tools (crontab, systemctl); tests inject one that records instead. */
export interface CommandRunner {
  run(file: string, args: string[], input?: string): Promise<RunOutput>
  has(file: string): Promise<boolean>
}

export interface ScheduleDeps {
  runner: CommandRunner
  /** A file that stands in for the user's crontab (LOOPFT_CRONTAB_FILE); unset = the `crontab` command. */
  crontabFile?: string
  /** Where unit files go (LOOPFT_SYSTEMD_DIR); when set, systemctl is not called. */
  systemdDir?: string
  /** $XDG_CONFIG_HOME or ~/.config: user units go in its systemd/user. */
  userConfigDir: string
}

export type ScheduleRequest =
  | {action: 'print'; target: ScheduleTarget; times: ScheduleOptions; user: boolean}
  | {action: 'install'; kind: 'crontab' | 'systemd'; target: ScheduleTarget; times: ScheduleOptions; user: boolean}
  | {action: 'uninstall'; user: boolean}

export interface ScheduleResult {
  action: ScheduleRequest['action']
  /** The jobs, their times in words and next runs, and the zone; not for uninstall. */
  schedule?: SchedulePlan
  /** Why the schedule may break later (loopft run through npx). */
  warnings: string[]
  crontab?: {location: string; changed: boolean; block?: string}
  systemd?: {
    directory: string
    changed: boolean
    written: string[]
    removed: string[]
    units?: SystemdUnit[]
    /** Uninstall without --user: the loopft user units found, which it leaves alone. */
    userUnits?: {directory: string; found: string[]}
  }
  /** systemctl commands run, or to run by hand when systemctl is unavailable or the unit directory is custom. */
  systemctl: {ran: string[]; toRun: string[]}
}

/** Prints, installs or removes the schedule. Installing twice changes nothing; uninstall removes only what install wrote. */
export async function applySchedule(deps: ScheduleDeps, request: ScheduleRequest): Promise<ScheduleResult> {
  const systemctl = {ran: [] as string[], toRun: [] as string[]}
  if (request.action === 'uninstall') {
    const systemd = await writeUnits(deps, request.user, [], systemctl)
    const userUnits = request.user ? undefined : {directory: userUnitDirectory(deps), found: await loopftUnitsIn(userUnitDirectory(deps))}
    return {action: 'uninstall', warnings: [], crontab: await updateCrontab(deps, undefined), systemd: {...systemd, userUnits}, systemctl}
  }
  const plan = await planSchedule(request.times, new Date())
  const warnings = [...targetWarnings(request.target), ...(request.action === 'print' || request.kind === 'crontab' ? cronZoneWarnings(plan) : [])]
  const units = renderSystemdUnits(request.target, plan, {user: request.user})
  if (request.action === 'print') {
    return {
      action: 'print',
      schedule: plan,
      warnings,
      crontab: {location: crontabLocation(deps), changed: false, block: renderCrontab(request.target, plan)},
      systemd: {directory: unitDirectory(deps, request.user), changed: false, written: [], removed: [], units},
      systemctl,
    }
  }
  await fs.mkdir(request.target.logDir, {recursive: true})
  await fs.mkdir(request.target.lockDir, {recursive: true})
  if (request.kind === 'crontab') return {action: 'install', schedule: plan, warnings, crontab: await updateCrontab(deps, renderCrontab(request.target, plan)), systemctl}
  return {action: 'install', schedule: plan, warnings, systemd: await writeUnits(deps, request.user, units, systemctl), systemctl}
}

/** Debian's and Ubuntu's cron (3.0pl1) ignore CRON_TZ and run every line in the system's zone. */
function cronZoneWarnings(plan: SchedulePlan): string[] {
  const machineZone = resolveTimezone(undefined)
  if (plan.timezone === machineZone) return []
  return [`the crontab runs in ${plan.timezone} only where cron honours CRON_TZ (cronie does; Debian's and Ubuntu's cron run it in the system's zone, ${machineZone}): there, install the systemd timers instead`]
}

async function updateCrontab(deps: ScheduleDeps, block: string | undefined): Promise<NonNullable<ScheduleResult['crontab']>> {
  const current = await readCrontab(deps)
  if (current === undefined) {
    if (block === undefined) return {location: 'crontab (not installed)', changed: false}
    throw noTool('crontab', 'install cron, or use --install systemd')
  }
  const next = replaceCrontabBlock(current, block)
  const changed = next !== current
  if (changed) await writeCrontab(deps, next)
  return {location: crontabLocation(deps), changed, block}
}

/** The current crontab; undefined when there is no crontab command. */
async function readCrontab(deps: ScheduleDeps): Promise<string | undefined> {
  if (deps.crontabFile !== undefined) return fs.readFile(deps.crontabFile, 'utf8').catch((error) => (error.code === 'ENOENT' ? '' : Promise.reject(error)))
  if (!(await deps.runner.has('crontab'))) return undefined
  const listed = await deps.runner.run('crontab', ['-l'])
  if (listed.code === 0) return listed.stdout
  // crontab -l has no distinct exit code for "no crontab yet"; anything else must not be overwritten.
  if (/no crontab/i.test(listed.stderr)) return ''
  throw new LoopftError('SYSTEM_ERROR', `crontab -l failed: ${listed.stderr.trim()}`)
}

async function writeCrontab(deps: ScheduleDeps, text: string): Promise<void> {
  if (deps.crontabFile !== undefined) return writeAtomically(deps.crontabFile, text)
  const written = await deps.runner.run('crontab', ['-'], text)
  if (written.code !== 0) throw new LoopftError('SYSTEM_ERROR', `crontab - failed: ${written.stderr.trim()}`)
}

async function writeUnits(deps: ScheduleDeps, user: boolean, units: SystemdUnit[], systemctl: ScheduleResult['systemctl']): Promise<NonNullable<ScheduleResult['systemd']>> {
  const directory = unitDirectory(deps, user)
  const removed = (await loopftUnitsIn(directory)).filter((name) => !units.some((unit) => unit.name === name))
  const run = await systemctlIn(deps, user, systemctl)
  // Disable before the files go, reload after they are written or removed.
  const removedTimers = removed.filter((name) => name.endsWith('.timer'))
  if (removedTimers.length > 0) await run(['disable', '--now', ...removedTimers], {mayFail: true})
  await Promise.all(removed.map((name) => fs.rm(path.join(directory, name), {force: true})))
  const written: string[] = []
  for (const unit of units) {
    const file = path.join(directory, unit.name)
    if ((await fs.readFile(file, 'utf8').catch(() => undefined)) === unit.text) continue
    await fs.mkdir(directory, {recursive: true})
    await writeAtomically(file, unit.text)
    written.push(unit.name)
  }
  const changed = written.length > 0 || removed.length > 0
  if (changed) await run(['daemon-reload'])
  if (written.length > 0) await run(['enable', '--now', ...units.map((unit) => unit.name).filter((name) => name.endsWith('.timer'))])
  return {directory, changed, written, removed}
}

type Systemctl = (args: string[], options?: {mayFail?: boolean}) => Promise<void>

/** Runs systemctl, or lists the command to run by hand when systemctl is absent or the unit directory is custom. */
async function systemctlIn(deps: ScheduleDeps, user: boolean, systemctl: ScheduleResult['systemctl']): Promise<Systemctl> {
  const canRun = deps.systemdDir === undefined && (await deps.runner.has('systemctl'))
  return async (args, options = {}) => {
    const full = user ? ['--user', ...args] : args
    const line = ['systemctl', ...full].join(' ')
    if (!canRun) {
      systemctl.toRun.push(line)
      return
    }
    const output = await deps.runner.run('systemctl', full)
    if (output.code !== 0 && options.mayFail !== true) throw new LoopftError('SYSTEM_ERROR', `${line} failed: ${output.stderr.trim()}`)
    systemctl.ran.push(line)
  }
}

function unitDirectory(deps: ScheduleDeps, user: boolean): string {
  if (deps.systemdDir !== undefined) return path.resolve(deps.systemdDir)
  return user ? userUnitDirectory(deps) : '/etc/systemd/system'
}

function userUnitDirectory(deps: ScheduleDeps): string {
  return path.join(deps.userConfigDir, 'systemd', 'user')
}

/** The unit files of every loopft job in a directory, including jobs no longer scheduled. */
async function loopftUnitsIn(directory: string): Promise<string[]> {
  const ours = JOB_NAMES.flatMap((job) => [unitName(job, 'service'), unitName(job, 'timer')])
  return (await fs.readdir(directory).catch(() => [] as string[])).filter((name) => ours.includes(name)).sort()
}

function crontabLocation(deps: ScheduleDeps): string {
  return deps.crontabFile === undefined ? 'crontab -l' : path.resolve(deps.crontabFile)
}

async function writeAtomically(file: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(file, text)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EACCES') throw error
    throw new LoopftError('CONFIG_INVALID', `no permission to write ${file}`, {suggestion: 'run it as root (sudo), or install systemd user units instead'})
  }
}

function noTool(tool: string, suggestion: string): LoopftError {
  return new LoopftError('CONFIG_INVALID', `${tool} is not installed here`, {suggestion})
}

/** The real runner: execFile without a shell, PATH searched for `has`. */
export function systemRunner(searchPath: string): CommandRunner {
  return {
    run: (file, args, input) =>
      new Promise((resolve) => {
        const child = execFile(file, args, {encoding: 'utf8'}, (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
          resolve({code, stdout, stderr})
        })
        child.stdin?.end(input ?? '')
      }),
    has: async (file) => {
      for (const directory of searchPath.split(path.delimiter).filter(Boolean)) {
        if (await fs.access(path.join(directory, file), constants.X_OK).then(() => true, () => false)) return true
      }
      return false
    },
  }
}
