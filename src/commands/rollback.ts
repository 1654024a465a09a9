import {Flags} from '@oclif/core'
import {LoopftCommand, sharedFlags} from '../cli/base-command.js'
import {describePlan, renderChange} from '../cli/serving-render.js'
import {rollbackModel, type ServingChange} from '../lib/serving/promote.js'
import {loadCatalogOverrides} from '../lib/training/model-catalog.js'
import {qualifiedName} from '../lib/runtime/model-target.js'
import type {ServingSlot} from '../lib/serving/previous-model.js'

export default class Rollback extends LoopftCommand {
  static summary = 'Serve the previous model again (or drop a running canary).'
  static description = `Without --to: while a canary runs, drops it; otherwise serves the model that served before the current one, or the default text model (LOOPFT_DEFAULT_TEXT_MODEL) when none did. Rolling back twice undoes the rollback.
The target must answer with the chat app's key first. Already serving it: nothing changes. Off a terminal, pass --yes.`
  static examples = ['<%= config.bin %> rollback', '<%= config.bin %> rollback --to ft:gpt-4o-mini-2024-07-18:acme::old123 --yes --json', '<%= config.bin %> rollback --slot vision --yes']
  static flags = {
    to: Flags.string({description: 'a model that served before (see: loopft history)', helpValue: 'MODEL'}),
    reason: Flags.string({description: 'why; kept in the history'}),
    slot: Flags.string({description: 'what to change: the text model (promoted and canary) or the model for requests with images', options: ['text', 'vision'], default: 'text'}),
    yes: sharedFlags.yes,
    'dry-run': sharedFlags['dry-run'],
    'database-url': sharedFlags['database-url'],
  }

  async run(): Promise<ServingChange> {
    const {flags} = await this.parse(Rollback)
    const config = this.loadConfig({databaseUrl: flags['database-url']})
    const {sql} = await this.openDatabase(config)
    const change = await rollbackModel({sql, openai: config.openaiApiKey === undefined ? undefined : await this.openai(config), clientFor: await this.chatClients(config), textModel: config.textModel.model, visionModel: qualifiedName(config.visionModel), catalog: loadCatalogOverrides(config.pricesFile)}, {
      to: flags.to,
      slot: flags.slot as ServingSlot,
      reason: flags.reason,
      actor: config.actor,
      dryRun: flags['dry-run'],
      confirm: (plan) => this.confirm(describePlan(plan), flags.yes),
    })
    this.log(renderChange(this.terminal, change))
    return change
  }
}
