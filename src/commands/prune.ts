import {Flags} from '@oclif/core'
import {LoopftCommand, sharedFlags} from '../cli/base-command.js'
import {renderTable, type Cell} from '../cli/render.js'
import type {Terminal} from '../cli/terminal.js'
import {stopDeployment as stopAt, type DeploymentRecord} from '../lib/serving/deploy.js'
import type {ProviderName} from '../lib/training/provider.js'
import {dryRunReport, executePrune, planPrune, pruneFailure, type PruneReport} from '../lib/operations/prune.js'

export default class Prune extends LoopftCommand {
  static summary = 'Delete old fine-tuned models (never the promoted, canary, rollback or evaluated one), stop idle deployments billed by time, and archive old export files.'
  static description = 'Models older than --models-older-than are deleted on the provider with their uploaded training files and marked deleted in the registry. Export files older than --archive-older-than are gzipped into the archive directory, verified, then removed; the current master part stays. Quarantined examples (loopft quarantine) older than --archive-older-than are deleted. A partial failure exits 16 with a report; run prune again to finish.'
  static examples = ['<%= config.bin %> prune --dry-run', '<%= config.bin %> prune --models-older-than 60d --yes --json']
  static flags = {
    'models-older-than': Flags.string({description: 'delete fine-tuned models created longer ago than this', default: '90d'}),
    'archive-older-than': Flags.string({description: 'archive export files, and delete quarantined examples, older than this', default: '180d'}),
    ...sharedFlags,
  }

  async run(): Promise<PruneReport> {
    const {flags} = await this.parse(Prune)
    const limits = {modelsOlderThanMs: this.duration('models-older-than', flags['models-older-than']), archiveOlderThanMs: this.duration('archive-older-than', flags['archive-older-than'])}
    const config = this.loadConfig({databaseUrl: flags['database-url'], provider: flags.provider})
    const db = await this.openDatabase(config)
    const deps = {db, outDir: config.outDir, archiveDir: config.archiveDir}
    const plan = await planPrune(deps, limits)
    const work = plan.models.length + plan.files.length + plan.archive.length + plan.quarantine.examples + plan.deployments.length
    if (flags['dry-run'] || work === 0 || !(await this.confirm(`Delete ${plan.models.length} model(s), ${plan.files.length} leftover file(s) and ${plan.quarantine.examples} quarantined example(s), stop ${plan.deployments.length} deployment(s), archive ${plan.archive.length} export file(s)?`, flags.yes))) {
      this.log(render(dryRunReport(plan), this.terminal, flags.wide))
      return dryRunReport(plan)
    }
    const api = plan.models.length + plan.files.length > 0 ? await this.trainingProvider(config) : undefined
    const stopDeployment = async (deployment: DeploymentRecord) => {
      const {createTrainingProvider} = await import('../lib/training/providers.js')
      await stopAt({sql: db.sql, provider: await createTrainingProvider(config, deployment.provider as ProviderName)}, deployment)
    }
    const report = await executePrune({...deps, api, stopDeployment}, plan)
    this.log(render(report, this.terminal, flags.wide))
    const partial = pruneFailure(report)
    if (partial !== undefined) throw partial
    return report
  }
}

function render(report: PruneReport, terminal: Terminal, wide: boolean): string {
  const {plan} = report
  const planned = (verb: string) => (report.dryRun ? `would ${verb}` : verb)
  const rows: Cell[][] = report.dryRun
    ? [
      ...plan.models.map((model) => [planned('delete model'), model.name, `${model.status}, created ${model.createdAt}; files: ${model.files.join(' ') || 'none'}`]),
      ...plan.files.map((file) => [planned('delete file'), file, 'left over from an earlier prune']),
      ...plan.archive.map((file) => [planned('archive'), file.path, `→ ${file.archivePath}`]),
      ...(plan.quarantine.examples > 0 ? [[planned('delete quarantined'), `${plan.quarantine.examples} example(s)`, `recorded before ${plan.quarantine.recordedBefore}`]] : []),
      ...plan.deployments.map((deployment) => [planned('stop deployment'), deployment.model, `${deployment.provider} ${deployment.detail}, $${deployment.costPerDayUsd?.toFixed(2)}/day`]),
    ]
    : [
      ...report.deletedModels.map((name) => ['deleted model', name, '']),
      ...report.deletedFiles.map((file) => ['deleted file', file, '']),
      ...(report.quarantinedDeleted > 0 ? [['deleted quarantined', `${report.quarantinedDeleted} example(s)`, `recorded before ${plan.quarantine.recordedBefore}`]] : []),
      ...report.stoppedDeployments.map((model) => ['stopped deployment', model, '']),
      ...report.archived.map((file) => ['archived', file.path, `→ ${file.archivePath} (${file.archiveBytes} of ${file.bytes} bytes, sha256 verified)`]),
      ...report.skipped.map((skip) => ['skipped', skip.name, skip.reason]),
      ...report.failures.map((failure) => [`FAILED ${failure.kind}`, failure.item, `${failure.code}: ${failure.message}`]),
    ]
  rows.push(...plan.keptModels.map((kept) => ['kept', kept.name, kept.reason]))
  return renderTable(terminal, ['action', 'item', 'detail'], rows, {empty: 'nothing to prune', wide})
}
