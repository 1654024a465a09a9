import {CronExpressionParser, type CronExpression} from 'cron-parser'
import cronstrue from 'cronstrue'
import {LoopftError, type ErrorCode} from '../errors.js'

/** When a job runs, in cron syntax and in systemd's OnCalendar syntax (both without the zone). */
export interface JobTime {
  /** As the operator wrote it: "02:30", "sun@03:00", "1,15@04:00" or a five-field cron expression. */
  when: string
  cron: string
  onCalendar: string
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
const SYSTEMD_WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

export const WHEN_SYNTAX = '"HH:MM" (daily), "sun@HH:MM" or "mon,thu@HH:MM" (weekly), "1@HH:MM" or "1,15@HH:MM" (monthly, days of the month), or a five-field cron expression'

/**
 * Reads a WHEN: the short forms become a cron expression; every form is then
 * checked by cron-parser, whose expanded fields give the OnCalendar text.
 * `code` is USAGE for a flag, CONFIG_INVALID for a schedule file.
 */
export function parseWhen(when: string, code: ErrorCode, where: string): JobTime {
  const cron = shortFormToCron(when.trim()) ?? when.trim().replaceAll(/\s+/g, ' ')
  const fail = (why: string) => new LoopftError(code, `${where}: ${JSON.stringify(when)} ${why}`, {suggestion: `write WHEN as ${WHEN_SYNTAX}`})
  if (cron.split(' ').length !== 5) throw fail('is not a time')
  // cron-parser's strict mode rejects a day of month together with a weekday: cron runs on either, systemd only on both.
  let expression: CronExpression
  try {
    expression = CronExpressionParser.parse(`0 ${cron}`, {strict: true})
  } catch (error) {
    throw fail(`is not a valid cron expression (${(error as Error).message})`)
  }
  // L, W, # and ? are extensions that neither cron nor systemd read the same way.
  if (/[#?]/.test(cron) || Object.values(expression.fields.serialize()).some((field) => field.values.some((value) => typeof value !== 'number'))) {
    throw fail('uses a cron extension (L, W, # or ?) that cron and systemd do not share')
  }
  return {when, cron, onCalendar: onCalendarOf(expression)}
}

/** "HH:MM" → daily, "DAYS@HH:MM" → weekly (weekday names) or monthly (day numbers); undefined when not a short form. */
function shortFormToCron(text: string): string | undefined {
  const match = /^(?:([a-z0-9,]+)@)?([01]?\d|2[0-3]):([0-5]\d)$/i.exec(text)
  if (match === null) return undefined
  const [, days, hour, minute] = match
  const time = `${Number(minute)} ${Number(hour)}`
  if (days === undefined) return `${time} * * *`
  const list = days.toLowerCase().split(',')
  if (list.every((day) => WEEKDAYS.includes(day as (typeof WEEKDAYS)[number]))) return `${time} * * ${list.map((day) => WEEKDAYS.indexOf(day as (typeof WEEKDAYS)[number])).join(',')}`
  if (list.every((day) => /^\d{1,2}$/.test(day))) return `${time} ${list.map(Number).join(',')} * *`
  return undefined
}

function onCalendarOf(expression: CronExpression): string {
  const {minute, hour, dayOfMonth, month, dayOfWeek} = expression.fields
  const list = (field: {isWildcard: boolean; values: readonly (number | string)[]}) => (field.isWildcard ? '*' : field.values.map((value) => String(value).padStart(2, '0')).join(','))
  const weekdays = dayOfWeek.isWildcard ? '' : `${[...new Set(dayOfWeek.values.map((day) => SYSTEMD_WEEKDAYS[Number(day) % 7]))].join(',')} `
  return `${weekdays}*-${list(month)}-${list(dayOfMonth)} ${list(hour)}:${list(minute)}:00`
}

/** The cron expression in words, e.g. "At 02:30 AM, every day". */
export function describeCron(cron: string): string {
  return cronstrue.toString(cron, {verbose: true})
}

/** The next time the job runs after `now`, in the schedule's zone. */
export function nextRunOf(cron: string, timezone: string, now: Date): Date {
  return CronExpressionParser.parse(`0 ${cron}`, {tz: timezone, currentDate: now}).next().toDate()
}

/**
 * The IANA zone the schedule runs in: the given one, in the case Intl spells
 * it (systemd looks the name up as a file), or the machine's. Offsets and
 * abbreviations are refused: systemd reads zone names only.
 */
export function resolveTimezone(name: string | undefined, code: ErrorCode = 'USAGE'): string {
  let zone: string
  try {
    const canonical = new Intl.DateTimeFormat('en-US', {timeZone: name}).resolvedOptions().timeZone
    // Intl may answer with an older alias (Asia/Kolkata → Asia/Calcutta); keep the operator's name then.
    zone = name === undefined || canonical.toLowerCase() === name.toLowerCase() ? canonical : name
  } catch {
    zone = ''
  }
  if (!/^[A-Za-z][\w+-]*(?:\/[\w+-]+)*$/.test(zone)) {
    throw new LoopftError(code, `unknown time zone ${JSON.stringify(name)}`, {suggestion: 'give an IANA zone name such as Europe/Berlin or UTC (timedatectl list-timezones lists them)'})
  }
  return zone
}

/** "2026-12-03 02:30" as a wall clock in the zone. */
export function formatInZone(time: Date, timezone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'})
      .formatToParts(time)
      .map((part) => [part.type, part.value]),
  )
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`
}
