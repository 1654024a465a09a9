import path from 'node:path'

/** The three unattended jobs loopft runs, with their times in cron and systemd calendar syntax. */
export interface ScheduledJob {
  name: 'export' | 'cycle' | 'prune'
  description: string
  args: readonly string[]
  cron: string
  /** Exits 17 (STILL_RUNNING) when a fine-tuning job outlasts its watch: a success for the scheduler, resumed next time. */
  mayLeaveJobRunning?: boolean
  onCalendar: string
}

export const SCHEDULED_JOBS: readonly ScheduledJob[] = Object.freeze([
  {name: 'export', description: 'loopft daily export (02:00)', args: ['export', '--since', 'last'], cron: '0 2 * * *', onCalendar: '*-*-* 02:00:00'},
  {name: 'cycle', description: 'loopft weekly cycle: tune, watch, evaluate, promote (Sunday 03:00)', args: ['cycle', '--yes'], cron: '0 3 * * 0', onCalendar: 'Sun *-*-* 03:00:00', mayLeaveJobRunning: true},
  {name: 'prune', description: 'loopft monthly prune (1st, 04:00)', args: ['prune', '--yes'], cron: '0 4 1 * *', onCalendar: '*-*-01 04:00:00'},
])

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
  return {
    workingDirectory,
    command: input.command,
    path: cleanPath(input.path, path.dirname(input.command[0] ?? '')),
    envFile: path.resolve(workingDirectory, input.envFile ?? '.env'),
    logDir: path.join(path.resolve(workingDirectory, input.home), 'logs'),
    lockDir: path.join(path.resolve(workingDirectory, input.home), 'locks'),
  }
}

/**
 * The PATH scheduled jobs get: the directory of the node that runs loopft
 * first, then the caller's entries without npx's temporary directories (gone
 * after the npx run) or node_modules/.bin, each once.
 */
export function cleanPath(pathText: string, nodeDirectory: string): string {
  const isTemporary = (entry: string) => /[\\/]_npx[\\/]|[\\/]node_modules[\\/]\.bin$|[\\/]\.npm[\\/]/.test(entry)
  const entries = [nodeDirectory, ...pathText.split(path.delimiter)].filter((entry) => entry !== '' && path.isAbsolute(entry) && !isTemporary(entry))
  return [...new Set(entries)].join(path.delimiter)
}

export const CRONTAB_BEGIN = '# BEGIN loopft schedule (managed by `loopft schedule`; this block is replaced on install)'
export const CRONTAB_END = '# END loopft schedule'

/**
 * The marked crontab block. Each line: cd to the working directory, create the
 * log and lock directories, set PATH, take a non-blocking flock (an overlapping
 * run exits at once), source the env file with every variable exported, and
 * append stdout and stderr to the job's log.
 */
export function renderCrontab(target: ScheduleTarget): string {
  const lines = SCHEDULED_JOBS.flatMap((job) => [`# ${job.description}`, `${job.cron} ${cronCommand(target, job)}`])
  return [CRONTAB_BEGIN, ...lines, CRONTAB_END, ''].join('\n')
}

function cronCommand(target: ScheduleTarget, job: ScheduledJob): string {
  // "$0" is the env file and "$@" the command: no nested quoting of user paths.
  const sourceThenRun = 'set -a; [ ! -f "$0" ] || . "$0"; set +a; exec "$@"'
  const words = [
    'cd', shellQuote(target.workingDirectory), '&&',
    'mkdir', '-p', shellQuote(target.logDir), shellQuote(target.lockDir), '&&',
    `PATH=${shellQuote(target.path)}`,
    'flock', '-n', shellQuote(path.join(target.lockDir, `${job.name}.lock`)),
    'sh', '-c', shellQuote(sourceThenRun), shellQuote(target.envFile),
    ...target.command.map(shellQuote), ...job.args.map(shellQuote),
    '>>', shellQuote(path.join(target.logDir, `${job.name}.log`)), '2>&1',
  ]
  // cron turns an unescaped % into a newline.
  return words.join(' ').replaceAll('%', '\\%')
}

function shellQuote(word: string): string {
  return /^[\w@+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`
}

/** Replaces the marked block in a crontab (or appends it; removes it when block is undefined), keeping every other line. */
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
export function renderSystemdUnits(target: ScheduleTarget, options: {user: boolean}): SystemdUnit[] {
  return SCHEDULED_JOBS.flatMap((job) => {
    const log = systemdValue(path.join(target.logDir, `${job.name}.log`))
    const service = [
      '[Unit]',
      `Description=${job.description}`,
      ...(options.user ? [] : ['Wants=network-online.target', 'After=network-online.target']),
      '',
      '[Service]',
      'Type=oneshot',
      `WorkingDirectory=${systemdValue(target.workingDirectory)}`,
      `EnvironmentFile=-${systemdValue(target.envFile)}`,
      `Environment=${systemdQuote(`PATH=${target.path}`)}`,
      `ExecStartPre=/bin/mkdir -p ${systemdQuote(target.logDir)}`,
      `ExecStart=${[...target.command, ...job.args].map(systemdQuote).join(' ')}`,
      ...(job.mayLeaveJobRunning === true ? ['SuccessExitStatus=17'] : []),
      `StandardOutput=append:${log}`,
      `StandardError=append:${log}`,
      '',
    ]
    const timer = [
      '[Unit]',
      `Description=Timer for ${job.description}`,
      '',
      '[Timer]',
      `OnCalendar=${job.onCalendar}`,
      'Persistent=true',
      `Unit=${unitName(job, 'service')}`,
      '',
      '[Install]',
      'WantedBy=timers.target',
      '',
    ]
    return [{name: unitName(job, 'service'), text: service.join('\n')}, {name: unitName(job, 'timer'), text: timer.join('\n')}]
  })
}

export function unitName(job: ScheduledJob, kind: 'service' | 'timer'): string {
  return `loopft-${job.name}.${kind}`
}

function systemdValue(value: string): string {
  return value.replaceAll('%', '%%')
}

function systemdQuote(word: string): string {
  const escaped = systemdValue(word).replaceAll('$', '$$$$')
  return /^[\w@+=:,./%-]+$/.test(escaped) ? escaped : `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
}
