import os from 'node:os'
import path from 'node:path'
import {Flags} from '@oclif/core'
import {CLI_NODE_OPTIONS} from '../cli/node-options.js'
import {settingFlag} from '../cli/setting-flag.js'
import {LoopftCommand, sharedFlags} from '../cli/base-command.js'
import {readSystemEnvironment} from '../lib/config.js'
import {renderSchedule} from '../cli/schedule-render.js'
import {scheduleTarget} from '../lib/operations/schedule.js'
import {applySchedule, systemRunner, type ScheduleRequest, type ScheduleResult} from '../lib/operations/schedule-install.js'
import {JOB_NAMES, type JobName} from '../lib/operations/schedule-plan.js'
import {WHEN_SYNTAX} from '../lib/operations/schedule-times.js'

export default class Schedule extends LoopftCommand {
  static summary = 'Print, install or remove the schedule: daily export, weekly cycle, monthly prune and report.'
  static description = `Crontab lines (CRON_TZ, flock-guarded, logs under $LOOPFT_HOME/logs, env file sourced) or systemd service + timer units (OnCalendar with the zone, Persistent=true). Each job is shown with its time in words and its next run. Installing again replaces the marked crontab block or rewrites the units; --uninstall removes both.

WHEN is ${WHEN_SYNTAX}. A schedule file (--file, JSON or YAML) takes the keys timezone, at ({job: WHEN}), only and skip; flags win over it.`
  static examples = [
    '<%= config.bin %> schedule --print',
    '<%= config.bin %> schedule --at export=02:30 --at cycle=sat@22:00 --timezone Europe/Berlin',
    '<%= config.bin %> schedule --install crontab --skip report',
    '<%= config.bin %> schedule --install systemd --file schedule.yaml',
    '<%= config.bin %> schedule --install crontab',
    '<%= config.bin %> schedule --install systemd --user',
    '<%= config.bin %> schedule --uninstall --user',
  ]

  static flags = {
    print: Flags.boolean({description: 'print the crontab block and the systemd units (the default)', exclusive: ['install', 'uninstall']}),
    install: Flags.string({description: 'install the schedule', options: ['crontab', 'systemd'], exclusive: ['uninstall']}),
    uninstall: Flags.boolean({description: 'remove the loopft crontab block and systemd units', exclusive: ['at', 'only', 'skip', 'timezone', 'file']}),
    at: Flags.string({description: `run JOB at WHEN (JOB=WHEN, repeatable; jobs: ${JOB_NAMES.join(', ')})`, multiple: true, helpValue: 'JOB=WHEN'}),
    only: Flags.string({description: 'schedule only these jobs', multiple: true, delimiter: ',', options: [...JOB_NAMES], exclusive: ['skip']}),
    skip: Flags.string({description: 'leave these jobs out', multiple: true, delimiter: ',', options: [...JOB_NAMES]}),
    timezone: Flags.string({description: "IANA zone the times are in, e.g. Europe/Berlin (default: the machine's)"}),
    file: Flags.string({description: 'schedule file (JSON or YAML): timezone, at, only, skip'}),
    wide: sharedFlags.wide,
    user: Flags.boolean({description: 'systemd user units (~/.config/systemd/user, systemctl --user) instead of /etc/systemd/system', default: false}),
    'env-file': settingFlag('envFile', 'environment file each run sources (DATABASE_URL, OPENAI_API_KEY…)'),
    'crontab-file': settingFlag('crontabFile', 'edit this file instead of the user crontab', {helpGroup: 'TESTING'}),
    'unit-dir': settingFlag('systemdDir', 'write units here and leave systemctl to you', {helpGroup: 'TESTING'}),
  }

  async run(): Promise<ScheduleResult> {
    const {flags} = await this.parse(Schedule)
    const config = this.loadConfig({envFile: flags['env-file'], crontabFile: flags['crontab-file'], systemdDir: flags['unit-dir']})
    const system = readSystemEnvironment()
    const target = scheduleTarget({
      workingDirectory: process.cwd(),
      home: config.home,
      command: [process.execPath, ...CLI_NODE_OPTIONS, path.join(this.config.root, 'bin', 'run.js')],
      path: system.path ?? '/usr/local/bin:/usr/bin:/bin',
      envFile: config.envFile,
    })
    const times = {at: flags.at, only: flags.only as JobName[] | undefined, skip: flags.skip as JobName[] | undefined, timezone: flags.timezone, file: flags.file}
    const request: ScheduleRequest = flags.uninstall
      ? {action: 'uninstall', user: flags.user}
      : flags.install === undefined
        ? {action: 'print', target, times, user: flags.user}
        : {action: 'install', kind: flags.install as 'crontab' | 'systemd', target, times, user: flags.user}
    const result = await applySchedule({runner: systemRunner(system.path ?? ''), crontabFile: config.crontabFile, systemdDir: config.systemdDir, userConfigDir: system.xdgConfigHome ?? path.join(os.homedir(), '.config')}, request)
    for (const warning of result.warnings) process.stderr.write(`loopft: warning: ${warning}\n`)
    this.log(renderSchedule(this.terminal, result, {user: flags.user, wide: flags.wide}))
    return result
  }
}
