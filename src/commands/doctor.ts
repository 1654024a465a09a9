import {LoopftCommand, sharedFlags} from '../cli/base-command.js'
import {renderStatus, renderTable} from '../cli/render.js'
import {doctorFailure, runDoctor, type DoctorResult} from '../lib/operations/doctor.js'

export default class Doctor extends LoopftCommand {
  static summary = 'Check whether the loop can run: database, API, fine-tuning access and cut-offs, shutdown dates of the models that serve, disk, and the age of the last runs.'
  static description = 'Each check prints ok, warn or fail with a fix. The promoted model, the canary, the rollback target and the default text and vision models fail within 30 days of their shutdown date in the catalog, naming what to move to. Nothing is created anywhere (the fine-tuning probe starts no job). Exits 15 when any check fails.'
  static examples = ['<%= config.bin %> doctor', '<%= config.bin %> doctor --json']
  static flags = {'database-url': sharedFlags['database-url'], wide: sharedFlags.wide}

  async run(): Promise<DoctorResult> {
    const {flags} = await this.parse(Doctor)
    const config = this.loadConfig({databaseUrl: flags['database-url']})
    const result = await runDoctor({config, connect: () => this.openDatabase(config), createProvider: () => this.trainingProvider(config)})
    this.log(renderTable(this.terminal, ['check', 'status', 'detail', 'fix'], result.checks.map((check) => [check.name, renderStatus(check.status, this.terminal), check.detail, check.fix]), {empty: 'no checks ran', wide: flags.wide}))
    const failure = doctorFailure(result)
    if (failure !== undefined) throw failure
    return result
  }
}
