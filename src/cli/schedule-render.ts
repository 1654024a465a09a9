import path from 'node:path'
import {formatRelativeTime} from '../lib/format.js'
import type {ScheduleResult} from '../lib/operations/schedule-install.js'
import type {SchedulePlan} from '../lib/operations/schedule-plan.js'
import {formatInZone} from '../lib/operations/schedule-times.js'
import {renderTable} from './render.js'
import type {Terminal} from './terminal.js'

/** The jobs with their time in words and next run, under the zone (and where it came from). */
export function renderPlan(terminal: Terminal, plan: SchedulePlan, options: {wide: boolean}): string {
  const source = {flag: '--timezone', file: 'the schedule file', machine: "the machine's; set another with --timezone"}[plan.timezoneSource]
  // The wall clock in the schedule's zone; how far off only on a terminal, so piped output stays the same all day.
  const nextRun = (time: string) => `${formatInZone(new Date(time), plan.timezone)}${terminal.isStdoutTty ? ` (${formatRelativeTime(time)})` : ''}`
  const rows = plan.jobs.map((job) => [job.name, job.description, job.when, nextRun(job.nextRun)])
  return [`timezone: ${plan.timezone} (${source})`, renderTable(terminal, ['job', 'when', 'as given', 'next run'], rows, {empty: 'no job scheduled', wide: options.wide})].join('\n')
}

export function renderSchedule(terminal: Terminal, result: ScheduleResult, options: {user: boolean; wide: boolean}): string {
  const plan = result.schedule === undefined ? [] : [renderPlan(terminal, result.schedule, options), '']
  if (result.action === 'print') {
    const units = (result.systemd?.units ?? []).map((unit) => `# ${path.join(result.systemd?.directory ?? '', unit.name)}\n${unit.text}`)
    return [...plan, `# crontab (crontab -e, or: loopft schedule --install crontab)\n${result.crontab?.block ?? ''}`, ...units].join('\n')
  }
  return [...plan, ...renderChanges(result, options.user)].join('\n')
}

function renderChanges(result: ScheduleResult, user: boolean): string[] {
  const lines: string[] = []
  // Nothing to remove is not "up to date": say what was looked at, and where else units are.
  const unchanged = result.action === 'install' ? 'already up to date' : 'no loopft schedule here, nothing removed'
  if (result.crontab) lines.push(`crontab ${result.crontab.location}: ${result.crontab.changed ? (result.action === 'install' ? 'installed' : 'removed') : unchanged}`)
  if (result.systemd) {
    const {directory, written, removed, changed, userUnits} = result.systemd
    lines.push(`systemd ${directory}: ${changed ? [...written.map((name) => `wrote ${name}`), ...removed.map((name) => `removed ${name}`)].join(', ') : unchanged}`)
    if (userUnits !== undefined && !user) {
      lines.push(userUnits.found.length === 0 ? `systemd ${userUnits.directory}: no loopft user units either` : `systemd ${userUnits.directory}: found ${userUnits.found.join(', ')}, left in place: remove them with loopft schedule --uninstall --user`)
    }
  }
  lines.push(...result.systemctl.ran.map((line) => `ran: ${line}`), ...result.systemctl.toRun.map((line) => `run by hand: ${line}`))
  return lines
}
