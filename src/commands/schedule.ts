import os from 'node:os'
import path from 'node:path'
import {Flags} from '@oclif/core'
import {CLI_NODE_OPTIONS} from '../cli/node-options.js'
import {settingFlag} from '../cli/setting-flag.js'
import {LoopftCommand} from '../cli/base-command.js'
import {readSystemEnvironment} from '../lib/config.js'
import {scheduleTarget} from '../lib/operations/schedule.js'
import {applySchedule, systemRunner, type ScheduleRequest, type ScheduleResult} from '../lib/operations/schedule-install.js'

export default class Schedule extends LoopftCommand {
  static summary = 'Print, install or remove the schedule: daily export, weekly cycle, monthly prune.'
  static description = 'Crontab lines (flock-guarded, logs under $LOOPFT_HOME/logs, env file sourced) or systemd service + timer units (Persistent=true). Installing again replaces the marked crontab block or rewrites the units; --uninstall removes both.'
  static examples = [
    '<%= config.bin %> schedule --print',
    '<%= config.bin %> schedule --install crontab',
    '<%= config.bin %> schedule --install systemd --user',
    '<%= config.bin %> schedule --uninstall --user',
  ]

  static flags = {
    print: Flags.boolean({description: 'print the crontab block and the systemd units (the default)', exclusive: ['install', 'uninstall']}),
    install: Flags.string({description: 'install the schedule', options: ['crontab', 'systemd'], exclusive: ['uninstall']}),
    uninstall: Flags.boolean({description: 'remove the loopft crontab block and systemd units'}),
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
    const request: ScheduleRequest = flags.uninstall
      ? {action: 'uninstall', user: flags.user}
      : flags.install === undefined
        ? {action: 'print', target, user: flags.user}
        : {action: 'install', kind: flags.install as 'crontab' | 'systemd', target, user: flags.user}
    const result = await applySchedule({runner: systemRunner(system.path ?? ''), crontabFile: config.crontabFile, systemdDir: config.systemdDir, userConfigDir: system.xdgConfigHome ?? path.join(os.homedir(), '.config')}, request)
    this.log(render(result, flags.user))
    return result
  }
}

function render(result: ScheduleResult, user: boolean): string {
  if (result.action === 'print') {
    const units = (result.systemd?.units ?? []).map((unit) => `# ${path.join(result.systemd?.directory ?? '', unit.name)}\n${unit.text}`)
    return [`# crontab (crontab -e, or: loopft schedule --install crontab)\n${result.crontab?.block ?? ''}`, ...units].join('\n')
  }
  const lines: string[] = []
  // Nothing to remove is not "up to date": say what was looked at, and where else units may be.
  const unchanged = result.action === 'install' ? 'already up to date' : 'no loopft schedule here, nothing removed'
  if (result.crontab) lines.push(`crontab ${result.crontab.location}: ${result.crontab.changed ? (result.action === 'install' ? 'installed' : 'removed') : unchanged}`)
  if (result.systemd) {
    const {directory, written, removed, changed} = result.systemd
    const elsewhere = result.action === 'uninstall' && !changed && !user ? ' (user units are removed with --uninstall --user)' : ''
    lines.push(`systemd ${directory}: ${changed ? [...written.map((name) => `wrote ${name}`), ...removed.map((name) => `removed ${name}`)].join(', ') : unchanged}${elsewhere}`)
  }
  lines.push(...result.systemctl.ran.map((line) => `ran: ${line}`), ...result.systemctl.toRun.map((line) => `run by hand: ${line}`))
  return lines.join('\n')
}
