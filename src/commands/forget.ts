import {Flags} from '@oclif/core'
import {LoopftCommand, sharedFlags} from '../cli/base-command.js'
import {renderFields, renderTable} from '../cli/render.js'
import type {Terminal} from '../cli/terminal.js'
import {forgetFailure, forgetUser, type ForgetReceipt} from '../lib/operations/forget.js'

export default class Forget extends LoopftCommand {
  static summary = "Erase a user everywhere: messages, examples in every export file, uploaded training files; record a tombstone."
  static description = 'Prints a receipt (no raw user id: the tombstone keeps only its sha256) and the fine-tuned models trained on the user, to retire or retrain. If an uploaded file cannot be deleted it exits 16 (PARTIAL); run it again to finish.'
  static examples = ['<%= config.bin %> forget --user 8f2c1e --dry-run', '<%= config.bin %> forget --user 8f2c1e --yes --json']
  static flags = {
    user: Flags.string({description: 'the user id as the chat app records it in conversation_messages.user_id', required: true}),
    ...sharedFlags,
  }

  async run(): Promise<ForgetReceipt> {
    const {flags} = await this.parse(Forget)
    const config = this.loadConfig({databaseUrl: flags['database-url'], provider: flags.provider})
    const db = await this.openDatabase(config)
    const dryRun = flags['dry-run'] || !(await this.confirm('Erase this user from the database, every export file and the provider? This cannot be undone.', flags.yes))
    const api = !dryRun && config.openaiApiKey !== undefined ? await this.trainingProvider(config) : undefined
    const receipt = await forgetUser({db, api}, flags.user, {dryRun})
    this.log(render(receipt, this.terminal, flags.wide))
    const partial = forgetFailure(receipt)
    if (partial !== undefined) throw partial
    return receipt
  }
}

function render(receipt: ForgetReceipt, terminal: Terminal, wide: boolean): string {
  const verb = receipt.dryRun ? 'would delete' : 'deleted'
  const fields = renderFields(terminal, [
    ['user (sha256)', receipt.userHash],
    ['tombstone', receipt.dryRun ? 'not written (dry run)' : `recorded ${receipt.forgottenAt ?? ''}${receipt.alreadyForgotten ? ' (by an earlier run)' : ''}`],
    [`messages ${verb}`, receipt.messagesDeleted],
    [`examples ${verb}`, receipt.examplesDeleted],
    [`quarantined ${verb}`, receipt.quarantinedDeleted],
    [`uploads ${verb}`, receipt.apiFilesDeleted.join(' ') || 'none'],
  ])
  const files = receipt.files.map((scan) => [scan.location, scan.linesRemoved, scan.archived ? 'gzip archive' : ''])
  const models = receipt.models.map((model) => [model.name, model.status, model.jobId])
  const failures = receipt.failures.map((failure) => `FAILED ${failure.item}: ${failure.code}: ${failure.message}`)
  return [
    fields,
    renderTable(terminal, ['file', 'lines removed', ''], files, {empty: 'no export file held their examples', wide}),
    models.length > 0 ? `models trained on this user (retire or retrain them):\n${renderTable(terminal, ['model', 'status', 'job'], models, {empty: '', wide})}` : 'no fine-tuned model was trained on this user',
    ...failures,
  ].join('\n')
}
