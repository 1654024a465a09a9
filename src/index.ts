/**
 * loopft as a library: every stage of the loop usable without the CLI.
 * The chat server's entry points are separate and lean: `loopft/router` and
 * `loopft/recorder` (they load postgres.js and nothing else).
 */
export {loadConfig, type LoopftConfig, type ConfigOverrides} from './lib/config.js'
export {openDatabase, type Database, type DatabaseOptions, type Sql} from './lib/db/connection.js'
export {migrate, type MigrateResult} from './lib/db/migrate.js'
export {EXIT, EXIT_MEANINGS, LoopftError, isLoopftError, type ErrorCode} from './lib/errors.js'

export {createRedactor, redactText, PII_TYPES, type PiiType, type RedactOptions, type RedactResult, type Redactor, type Finding} from './lib/redact/index.js'
export {redactStream, redactFile} from './lib/redact/stream.js'

export {importConversations, type ImportOptions, type ImportResult} from './lib/ingest/import.js'
export {exportConversations, type ExportOptions, type ExportResult} from './lib/export/index.js'
export {runConfiguredExport} from './lib/export/daily.js'
export {reviewQuarantine, readQuarantineRate, type QuarantineReview, type QuarantineRate} from './lib/export/quarantine-ledger.js'
export {openReview, decideExample, finishReview, applyReviewDecisions, type ReviewResult, type ReviewExample} from './lib/review/review.js'
export {assertReviewed, type ReviewRequirement} from './lib/review/gate.js'
export {countExampleTokens} from './lib/training/token-count.js'

export {getModelInfo, trainingCost, inferenceCost, PROVIDER_CUTOFFS} from './lib/training/model-catalog.js'
export {getRetirement, listShutdownDates, loadCatalogOverrides, type Retirement} from './lib/training/model-catalog.js'
export {startFineTune} from './lib/training/tune.js'
export {watchFineTuneJob} from './lib/training/watch.js'
export {createOpenAIProvider} from './lib/training/openai-provider.js'
export {createTogetherProvider} from './lib/training/together-provider.js'
export {createTrainingProvider, createChatClient, createChatClients} from './lib/training/providers.js'
export type {TrainingProvider, ProviderName, Deployment} from './lib/training/provider.js'
export {runDoctor} from './lib/operations/doctor.js'
export {readStatus} from './lib/operations/status.js'

export {readGoldSet, goldPromptKeys} from './lib/evaluation/gold-set.js'
export {normalisePrompt} from './lib/evaluation/gold-prompt.js'
export {evaluateCandidate} from './lib/evaluation/evaluate.js'

export {registerCandidate, findModel, listModels, type RegisteredModel} from './lib/serving/registry.js'
export {promoteModel, rollbackModel, readHistory} from './lib/serving/promote.js'

export {planPrune, executePrune} from './lib/operations/prune.js'
export {forgetUser} from './lib/operations/forget.js'
export {tombstoneHash, loadTombstones} from './lib/ingest/tombstones.js'
export {runCycle} from './lib/operations/cycle.js'
