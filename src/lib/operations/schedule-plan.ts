import fs from 'node:fs/promises'
import {parse as parseYaml} from 'yaml'
import {z} from 'zod'
import {LoopftError, type ErrorCode} from '../errors.js'
import {describeCron, nextRunOf, parseWhen, resolveTimezone, type JobTime} from './schedule-times.js'

export const JOB_NAMES = ['export', 'cycle', 'prune', 'report'] as const
export type JobName = (typeof JOB_NAMES)[number]

/** Daily export, the weekly cycle (tune, watch, evaluate, promote), then prune and the month's report on the 1st. */
export const DEFAULT_WHEN: Readonly<Record<JobName, string>> = Object.freeze({export: '02:00', cycle: 'sun@03:00', prune: '1@04:00', report: '1@05:00'})

/** What the operator chose, from flags; a schedule file gives the same keys, and flags win. */
export interface ScheduleOptions {
  /** "job=WHEN" entries. */
  at?: readonly string[]
  only?: readonly JobName[]
  skip?: readonly JobName[]
  timezone?: string
  /** A JSON or YAML file with the keys timezone, at ({job: WHEN}), only and skip. */
  file?: string
}

export interface PlannedJob extends JobTime {
  name: JobName
  /** The time in words, e.g. "At 02:30 AM, every day". */
  description: string
  /** ISO time of the next run after the plan was made. */
  nextRun: string
}

export interface SchedulePlan {
  timezone: string
  timezoneSource: 'flag' | 'file' | 'machine'
  jobs: PlannedJob[]
}

const jobName = z.enum(JOB_NAMES)
const scheduleFile = z.strictObject({
  timezone: z.string().optional(),
  at: z.partialRecord(jobName, z.string()).optional(),
  only: z.array(jobName).optional(),
  skip: z.array(jobName).optional(),
})

/** The jobs to schedule, their times and the zone: defaults, then the file, then the flags. */
export async function planSchedule(options: ScheduleOptions, now: Date): Promise<SchedulePlan> {
  const file = options.file === undefined ? {} : await readScheduleFile(options.file)
  const where = `schedule file ${options.file}`
  const timezone = options.timezone === undefined ? (file.timezone === undefined ? resolveTimezone(undefined) : resolveTimezone(file.timezone, 'CONFIG_INVALID')) : resolveTimezone(options.timezone)
  const times = new Map<JobName, JobTime>(JOB_NAMES.map((name) => [name, parseWhen(DEFAULT_WHEN[name], 'UNEXPECTED', 'default')]))
  for (const [name, when] of Object.entries(file.at ?? {})) times.set(name as JobName, parseWhen(when, 'CONFIG_INVALID', `${where}, at.${name}`))
  for (const entry of options.at ?? []) {
    const {name, when} = splitAt(entry)
    times.set(name, parseWhen(when, 'USAGE', `--at ${name}`))
  }
  const hasSelection = options.only !== undefined || options.skip !== undefined
  const selected = selectJobs(hasSelection ? options : file, hasSelection ? 'USAGE' : 'CONFIG_INVALID')
  return {
    timezone,
    timezoneSource: options.timezone !== undefined ? 'flag' : file.timezone !== undefined ? 'file' : 'machine',
    jobs: selected.map((name) => {
      const time = times.get(name) as JobTime
      return {name, ...time, description: describeCron(time.cron), nextRun: nextRunOf(time.cron, timezone, now).toISOString()}
    }),
  }
}

async function readScheduleFile(file: string): Promise<z.infer<typeof scheduleFile>> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (error) {
    throw new LoopftError('CONFIG_INVALID', `cannot read the schedule file ${file} (${(error as NodeJS.ErrnoException).code})`, {suggestion: 'check the --file path'})
  }
  let content: unknown
  try {
    content = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text)
  } catch (error) {
    throw new LoopftError('CONFIG_INVALID', `schedule file ${file} is not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`)
  }
  const parsed = scheduleFile.safeParse(content ?? {})
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`).join('; ')
    throw new LoopftError('CONFIG_INVALID', `schedule file ${file}: ${issues}`, {suggestion: `keys: timezone, at (${JOB_NAMES.join(', ')}: WHEN), only, skip`})
  }
  return parsed.data
}

function splitAt(entry: string): {name: JobName; when: string} {
  const [name, ...rest] = entry.split('=')
  if (!(JOB_NAMES as readonly string[]).includes(name) || rest.length === 0) {
    throw new LoopftError('USAGE', `--at ${JSON.stringify(entry)}: expected JOB=WHEN with JOB one of ${JOB_NAMES.join(', ')}`, {suggestion: 'for example --at export=02:30 --at cycle=sun@03:00 (the weekly cycle is what runs tune)'})
  }
  return {name: name as JobName, when: rest.join('=')}
}

function selectJobs(choice: {only?: readonly JobName[]; skip?: readonly JobName[]}, code: ErrorCode): JobName[] {
  if (choice.only !== undefined && choice.skip !== undefined) throw new LoopftError(code, 'give either only or skip, not both')
  const selected = JOB_NAMES.filter((name) => (choice.only === undefined || choice.only.includes(name)) && !(choice.skip ?? []).includes(name))
  if (selected.length === 0) throw new LoopftError(code, 'no job left to schedule', {suggestion: 'to remove the schedule, use --uninstall'})
  return selected
}
