import path from 'node:path'
import type {JobName, SchedulePlan} from './schedule-plan.js'

/** What each unattended job runs; its time comes from the plan (schedule-plan.ts). */
export interface ScheduledJob {
  name: JobName
  purpose: string
  args(target: ScheduleTarget): string[]
  /** Exits 17 (STILL_RUNNING) when a fine-tuning job outlasts its watch: a success for the scheduler, resumed next time. */
  mayLeaveJobRunning?: boolean
}

export const SCHEDULED_JOBS: Readonly<Record<JobName, ScheduledJob>> = Object.freeze({
  export: {name: 'export', purpose: 'export new conversations', args: () => ['export', '--since', 'last']},
  cycle: {name: 'cycle', purpose: 'tune, watch, evaluate, promote', args: () => ['cycle', '--yes'], mayLeaveJobRunning: true},
  prune: {name: 'prune', purpose: 'delete old models, archive old exports', args: () => ['prune', '--yes']},
  // The report command names its file by month (loopft-report-YYYY-MM.html), so a rerun replaces it.
  report: {name: 'report', purpose: 'monthly HTML report', args: (target) => ['report', '--out', target.reportDir]},
})

/** Where and how the scheduled jobs run; every path absolute. */
export interface ScheduleTarget {
  workingDirectory: string
  /** The loopft invocation, e.g. [process.execPath, '/opt/loopft/bin/run.js']. */
  command: readonly string[]
  /** PATH for the jobs (cron starts with a nearly empty one). */
  path: string
  /** Sourced before each run when it exists: DATABASE_URL, OPENAI_API_KEY… stay out of the crontab. */
  envFile: string
  logDir: string
  lockDir: string
  /** Where the monthly report job writes: $LOOPFT_HOME/reports. */
  reportDir: string
}

export interface TargetInput {
  workingDirectory: string
  home: string
  command: readonly string[]
  path: string
  envFile?: string
}

/** Logs and lock files live under $LOOPFT_HOME; the env file defaults to .env in the working directory. */
export function scheduleTarget(input: TargetInput): ScheduleTarget {
  const workingDirectory = path.resolve(input.workingDirectory)
  const home = path.resolve(workingDirectory, input.home)
  return {
    workingDirectory,
    command: input.command,
    path: cleanPath(input.path, path.dirname(input.command[0] ?? '')),
    envFile: path.resolve(workingDirectory, input.envFile ?? '.env'),
    logDir: path.join(home, 'logs'),
    lockDir: path.join(home, 'locks'),
    reportDir: path.join(home, 'reports'),
  }
}

/**
 * The PATH scheduled jobs get: the directory of the node that runs loopft
 * first, then the caller's entries without npx's temporary directories (gone
 * after the npx run) or node_modules/.bin, each once.
 */
export function cleanPath(pathText: string, nodeDirectory: string): string {
  const entries = [nodeDirectory, ...pathText.split(path.delimiter)].filter((entry) => entry !== '' && path.isAbsolute(entry) && !isTemporaryPath(entry) && !/[\\/]node_modules[\\/]\.bin$/.test(entry))
  return [...new Set(entries)].join(path.delimiter)
}

/** Under npm's cache (npx runs from ~/.npm/_npx/<hash>): npm may remove it at any time. */
export function isTemporaryPath(entry: string): boolean {
  return /[\\/]_npx[\\/]|[\\/]\.npm[\\/]/.test(entry)
}

/** Why a schedule written from this install would break later, and how to avoid it. */
export function targetWarnings(target: ScheduleTarget): string[] {
  const temporary = target.command.find(isTemporaryPath)
  if (temporary === undefined) return []
  return [`loopft runs from npx's temporary directory (${temporary}), which npm may remove at any time: install it durably (npm install --global loopft, or npm install loopft in the project) and run loopft schedule again from that install`]
}

export const CRONTAB_BEGIN = '# BEGIN loopft schedule (managed by `loopft schedule`; this block is replaced on install)'
export const CRONTAB_END = '# END loopft schedule'

/**
 * The marked crontab block: CRON_TZ for the zone, then per job its time in
 * words and one line that cds to the working directory, creates the log and
 * lock directories, sets PATH, takes a non-blocking flock (an overlapping run
 * exits at once), sources the env file with every variable exported, and
 * appends stdout and stderr to the job's log.
 */
export function renderCrontab(target: ScheduleTarget, plan: SchedulePlan): string {
  const lines = plan.jobs.flatMap((planned) => {
    const job = SCHEDULED_JOBS[planned.name]
    return [`# ${job.name} (${job.purpose}): ${planned.description}`, `${planned.cron} ${cronCommand(target, job)}`]
  })
  return [CRONTAB_BEGIN, `CRON_TZ=${plan.timezone}`, ...lines, CRONTAB_END, ''].join('\n')
}

function cronCommand(target: ScheduleTarget, job: ScheduledJob): string {
  // "$0" is the env file and "$@" the command: no nested quoting of user paths.
  const sourceThenRun = 'set -a; [ ! -f "$0" ] || . "$0"; set +a; exec "$@"'
  const words = [
    'cd', shellQuote(target.workingDirectory), '&&',
    'mkdir', '-p', ...jobDirectories(target, job).map(shellQuote), '&&',
    `PATH=${shellQuote(target.path)}`,
    'flock', '-n', shellQuote(path.join(target.lockDir, `${job.name}.lock`)),
    'sh', '-c', shellQuote(sourceThenRun), shellQuote(target.envFile),
    ...target.command.map(shellQuote), ...job.args(target).map(shellQuote),
    '>>', shellQuote(path.join(target.logDir, `${job.name}.log`)), '2>&1',
  ]
  // cron turns an unescaped % into a newline.
  return words.join(' ').replaceAll('%', '\\%')
}

/** The directories a run needs before it starts. */
function jobDirectories(target: ScheduleTarget, job: ScheduledJob): string[] {
  return [target.logDir, target.lockDir, ...(job.name === 'report' ? [target.reportDir] : [])]
}

function shellQuote(word: string): string {
  return /^[\w@+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`
}

/**
 * Removes the marked block from a crontab and appends the new one (none when
 * block is undefined), keeping every other line. The block always goes last:
 * its CRON_TZ would otherwise apply to the lines after it.
 */
export function replaceCrontabBlock(crontab: string, block: string | undefined): string {
  const lines = crontab.split('\n')
  const begin = lines.indexOf(CRONTAB_BEGIN)
  const end = lines.indexOf(CRONTAB_END, begin)
  const kept = begin === -1 || end === -1 ? lines : [...lines.slice(0, begin), ...lines.slice(end + 1)]
  const before = kept.join('\n').replace(/\n+$/, '')
  if (block === undefined) return before === '' ? '' : `${before}\n`
  return before === '' ? block : `${before}\n${block}`
}

export interface SystemdUnit {
  name: string
  text: string
}

/** A oneshot service per job (systemd never starts a second copy while one runs) and a persistent timer. */
export function renderSystemdUnits(target: ScheduleTarget, plan: SchedulePlan, options: {user: boolean}): SystemdUnit[] {
  return plan.jobs.flatMap((planned) => {
    const job = SCHEDULED_JOBS[planned.name]
    const description = systemdValue(`loopft ${job.name} (${job.purpose}): ${planned.description} (${plan.timezone})`)
    const log = systemdValue(path.join(target.logDir, `${job.name}.log`))
    const service = [
      '[Unit]',
      `Description=${description}`,
      ...(options.user ? [] : ['Wants=network-online.target', 'After=network-online.target']),
      '',
      '[Service]',
      'Type=oneshot',
      `WorkingDirectory=${systemdValue(target.workingDirectory)}`,
      `EnvironmentFile=-${systemdValue(target.envFile)}`,
      `Environment=${systemdQuote(`PATH=${target.path}`)}`,
      `ExecStartPre=/bin/mkdir -p ${jobDirectories(target, job).filter((directory) => directory !== target.lockDir).map(systemdQuote).join(' ')}`,
      `ExecStart=${[...target.command, ...job.args(target)].map(systemdQuote).join(' ')}`,
      ...(job.mayLeaveJobRunning === true ? ['SuccessExitStatus=17'] : []),
      `StandardOutput=append:${log}`,
      `StandardError=append:${log}`,
      '',
    ]
    const timer = [
      '[Unit]',
      `Description=Timer for ${description}`,
      '',
      '[Timer]',
      `OnCalendar=${planned.onCalendar} ${plan.timezone}`,
      'Persistent=true',
      `Unit=${unitName(job.name, 'service')}`,
      '',
      '[Install]',
      'WantedBy=timers.target',
      '',
    ]
    return [{name: unitName(job.name, 'service'), text: service.join('\n')}, {name: unitName(job.name, 'timer'), text: timer.join('\n')}]
  })
}

export function unitName(job: JobName, kind: 'service' | 'timer'): string {
  return `loopft-${job}.${kind}`
}

function systemdValue(value: string): string {
  return value.replaceAll('%', '%%')
}

function systemdQuote(word: string): string {
  const escaped = systemdValue(word).replaceAll('$', '$$$$')
  return /^[\w@+=:,./%-]+$/.test(escaped) ? escaped : `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
}
