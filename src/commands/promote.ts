import {Args, Flags} from '@oclif/core'
import {LoopftCommand, sharedFlags} from '../cli/base-command.js'
import {describePlan, renderChange} from '../cli/serving-render.js'
import {promoteModel, type ServingChange} from '../lib/serving/promote.js'
import {loadCatalogOverrides} from '../lib/training/model-catalog.js'
import {qualifiedName} from '../lib/runtime/model-target.js'
import type {ServingSlot} from '../lib/serving/previous-model.js'

export default class Promote extends LoopftCommand {
  static summary = 'Serve MODEL to the chat app, or to a canary share of its conversations.'
  static description = `Preflight first: a model past its shutdown date in the catalog is refused (exit 20, whatever --force says); the model must answer with the chat app's own key and base URL (OPENAI_API_KEY, OPENAI_BASE_URL), and its evaluation must have passed; a failed or missing evaluation needs --force with --reason.
Then, in one transaction, the serving config, the history and the model statuses change and every router swaps at once (NOTIFY loopft_serving).
Promoting the model that already serves changes nothing and says so. Off a terminal, pass --yes.`
  static examples = [
    '<%= config.bin %> promote ft:gpt-4o-mini-2024-07-18:acme::abc123 --reason "beats base on gold set"',
    '<%= config.bin %> promote ft:gpt-4o-mini-2024-07-18:acme::abc123 --canary 10 --yes --json',
    '<%= config.bin %> promote nebius:Qwen/Qwen2.5-VL-72B-Instruct --slot vision --force --reason "gpt-4o shuts down" --yes',
  ]
  static args = {model: Args.string({required: true, description: 'the model to serve'})}
  static flags = {
    reason: Flags.string({description: 'why; kept in the history (required with --force)'}),
    canary: Flags.custom<number>({parse: async (input) => Number(input)})({description: 'serve it to this percentage of conversations only (sticky per conversation)', helpValue: 'PERCENT'}),
    force: Flags.boolean({description: 'promote without a passed evaluation (needs --reason)', default: false}),
    slot: Flags.string({description: 'what to change: the text model (promoted and canary) or the model for requests with images', options: ['text', 'vision'], default: 'text'}),
    yes: sharedFlags.yes,
    'dry-run': sharedFlags['dry-run'],
    'database-url': sharedFlags['database-url'],
  }

  async run(): Promise<ServingChange> {
    const {args, flags} = await this.parse(Promote)
    const config = this.loadConfig({databaseUrl: flags['database-url']})
    const {sql} = await this.openDatabase(config)
    const change = await promoteModel({sql, openai: config.openaiApiKey === undefined ? undefined : await this.openai(config), clientFor: await this.chatClients(config), textModel: config.textModel.model, visionModel: qualifiedName(config.visionModel), catalog: loadCatalogOverrides(config.pricesFile)}, {
      model: args.model,
      slot: flags.slot as ServingSlot,
      reason: flags.reason,
      canaryPercent: flags.canary,
      force: flags.force,
      actor: config.actor,
      dryRun: flags['dry-run'],
      confirm: (plan) => this.confirm(describePlan(plan), flags.yes),
    })
    this.log(renderChange(this.terminal, change))
    return change
  }
}
