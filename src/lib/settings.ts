import type {DefaultContext, SchemaKit} from './config.js'

/**
 * Every setting loopft reads, declared once: its environment variable, the flag
 * that overrides it (if any), the default as the README shows it, what it
 * means, and its schema. `loadConfig` (config.ts) reads all of them; the README's
 * configuration table is checked against this list (test/lib/config.test.ts).
 * Adding a setting is one entry here and its row in the README.
 *
 * This module loads nothing (the loader passes in the schema kit and what
 * defaults need), so the router reads its two settings from it without zod.
 */
export interface Setting {
  env: string
  /** The flag that overrides the variable, as the README shows it: `--out`, `--judge` (evaluate). */
  flag?: string
  /** The default as the README shows it. */
  shownDefault: string
  meaning: string
  /** Builds the schema from the loader's kit; the value before it is the flag, else the variable, else `default`. */
  schema: (kit: SchemaKit) => unknown
  /** The raw default (before the schema); a function when it depends on the machine or on the settings read so far. */
  default?: string | ((context: DefaultContext) => string | undefined)
  secret?: boolean
  /** Read by the router library, not by the CLI: not part of LoopftConfig. */
  routerOnly?: boolean
}

export const SETTINGS = {
  databaseUrl: {env: 'DATABASE_URL', flag: '--database-url', shownDefault: '— (embedded PGlite)', meaning: 'Postgres to use; unset = the embedded database under `LOOPFT_HOME`', schema: (k) => k.optionalPostgresUrl, secret: true},
  home: {env: 'LOOPFT_HOME', shownDefault: '`./.loopft`', meaning: 'embedded database, locks, logs', schema: (k) => k.path, default: '.loopft'},
  outDir: {env: 'LOOPFT_OUT_DIR', flag: '--out', shownDefault: '`./exports`', meaning: 'export files', schema: (k) => k.path, default: 'exports'},
  archiveDir: {env: 'LOOPFT_ARCHIVE_DIR', shownDefault: '`$LOOPFT_OUT_DIR/archive`', meaning: 'gzip archives written by prune', schema: (k) => k.path, default: ({read, join}) => join(String(read.outDir), 'archive')},
  maxBytes: {env: 'LOOPFT_MAX_BYTES', flag: '--max-bytes', shownDefault: '`50MB`', meaning: 'no export file grows past this; the master continues in numbered parts', schema: (k) => k.size, default: '50MB'},
  systemPrompt: {env: 'LOOPFT_SYSTEM_PROMPT', flag: '--system-prompt', shownDefault: '—', meaning: 'system message put first in every example', schema: (k) => k.optionalText},
  exportWorkers: {env: 'LOOPFT_EXPORT_WORKERS', shownDefault: 'cores − 1 (≥ 1)', meaning: 'worker threads that decode, redact, verify and serialise during export (~35 MB each)', schema: (k) => k.count, default: ({cores}) => String(Math.max(1, cores - 1))},
  pseudonymKey: {env: 'LOOPFT_PSEUDONYM_KEY', shownDefault: '—', meaning: 'HMAC key for pseudonym placeholders (`[EMAIL_3fa9c1]`)', schema: (k) => k.optionalText, secret: true},
  redactPlaceholder: {env: 'LOOPFT_REDACT_PLACEHOLDER', flag: '`--placeholder` (redact)', shownDefault: '`typed`', meaning: '`typed` (`[EMAIL]`) or `pseudonym` (stable per conversation; needs the key) for export', schema: (k) => k.oneOf(['typed', 'pseudonym']), default: 'typed'},
  redactAllow: {env: 'LOOPFT_REDACT_ALLOW', flag: '`--allow` (redact)', shownDefault: '—', meaning: 'comma-separated values or domains export leaves in place (your support address)', schema: (k) => k.list, default: ''},
  phoneRegions: {env: 'LOOPFT_PHONE_REGIONS', shownDefault: '64 regions', meaning: 'comma-separated ISO 3166 codes (or `all`) whose national phone formats redaction validates; international numbers are judged for every region', schema: (k) => k.list.refine((regions) => regions.every((region) => /^(?:[A-Za-z]{2}|all)$/.test(region)), 'ISO 3166 alpha-2 codes or "all", comma-separated'), default: ''},
  redactPublicDomains: {env: 'LOOPFT_REDACT_PUBLIC_DOMAINS', shownDefault: '—', meaning: "comma-separated domains left in place when named bare (your app's platforms, e.g. `spotify.com`); with a path they are still URLs", schema: (k) => k.list, default: ''},
  verify: {env: 'LOOPFT_VERIFY', flag: '`--strict` (export)', shownDefault: '`quarantine`', meaning: '`quarantine`: an example in which verify still finds PII is left out and kept for review; `strict`: any find fails the export (exit 13), nothing published', schema: (k) => k.oneOf(['quarantine', 'strict']), default: 'quarantine'},
  openaiApiKey: {env: 'OPENAI_API_KEY', shownDefault: '—', meaning: "key for the provider (the chat app's own key for promote's preflight)", schema: (k) => k.optionalText, secret: true},
  openaiBaseUrl: {env: 'OPENAI_BASE_URL', shownDefault: 'OpenAI', meaning: 'any OpenAI-shaped API: Azure OpenAI v1, the stand-in', schema: (k) => k.optionalUrl},
  openaiOrganization: {env: 'OPENAI_ORG_ID', shownDefault: '—', meaning: 'organisation header', schema: (k) => k.optionalText},
  // Where to train and serve; each provider has its key and base URL (docs/providers.md).
  provider: {env: 'LOOPFT_PROVIDER', flag: '--provider', shownDefault: '`openai`', meaning: 'where tune trains and deploys: `openai`, `azure`, `nebius` or `together`', schema: (k) => k.oneOf(['openai', 'azure', 'nebius', 'together']), default: 'openai'},
  azureApiKey: {env: 'AZURE_API_KEY', shownDefault: '—', meaning: 'Azure OpenAI key (sent as `api-key`)', schema: (k) => k.optionalText, secret: true},
  azureBaseUrl: {env: 'AZURE_BASE_URL', shownDefault: '—', meaning: 'Azure OpenAI v1 routes: `https://<resource>.openai.azure.com/openai/v1`', schema: (k) => k.optionalUrl},
  nebiusApiKey: {env: 'NEBIUS_API_KEY', shownDefault: '—', meaning: 'Nebius Token Factory key', schema: (k) => k.optionalText, secret: true},
  nebiusBaseUrl: {env: 'NEBIUS_BASE_URL', shownDefault: '`https://api.tokenfactory.nebius.com/v1/`', meaning: 'Nebius Token Factory API (or the stand-in)', schema: (k) => k.optionalUrl},
  togetherApiKey: {env: 'TOGETHER_API_KEY', shownDefault: '—', meaning: 'Together AI key', schema: (k) => k.optionalText, secret: true},
  togetherBaseUrl: {env: 'TOGETHER_BASE_URL', shownDefault: '`https://api.together.xyz/v1`', meaning: 'Together AI API (or the stand-in)', schema: (k) => k.optionalUrl},
  baseModel: {env: 'LOOPFT_BASE_MODEL', flag: '--base', shownDefault: '`gpt-4o-mini-2024-07-18`', meaning: 'base model for tuning (and its per-example token limit for export)', schema: (k) => k.text, default: 'gpt-4o-mini-2024-07-18'},
  textModel: {env: 'LOOPFT_DEFAULT_TEXT_MODEL', shownDefault: '`gpt-4o-mini`', meaning: 'what serves when nothing is promoted; evaluation baseline then; a provider prefix names where (`nebius:meta-llama/Meta-Llama-3.1-8B-Instruct`)', schema: (k) => k.modelTarget, default: 'gpt-4o-mini'},
  visionModel: {env: 'LOOPFT_VISION_MODEL', shownDefault: '`gpt-4o`', meaning: 'model for requests with images (provider prefix as above)', schema: (k) => k.modelTarget, default: 'gpt-4o'},
  monthlyBudgetUsd: {env: 'LOOPFT_MONTHLY_BUDGET', shownDefault: '—', meaning: 'USD per calendar month for training; tune refuses past it', schema: (k) => k.optionalUsd},
  pricesFile: {env: 'LOOPFT_PRICES_FILE', shownDefault: '—', meaning: 'JSON overriding the model catalog (prices, limits, cut-offs, retirement dates)', schema: (k) => k.optionalText},
  goldFile: {env: 'LOOPFT_GOLD_FILE', flag: '--gold', shownDefault: "the package's `examples/gold.jsonl`", meaning: 'evaluation gold set; its prompts never enter training', schema: (k) => k.path, default: ({packageFile}) => packageFile('examples/gold.jsonl')},
  judgeModel: {env: 'LOOPFT_JUDGE_MODEL', flag: '--judge', shownDefault: '`gpt-4.1`', meaning: 'LLM judge for evaluate and cycle', schema: (k) => k.text, default: 'gpt-4.1'},
  judgeRubricFile: {env: 'LOOPFT_JUDGE_RUBRIC', shownDefault: 'built-in, domain-neutral', meaning: "text file with the judge's criteria (the reply format is appended)", schema: (k) => k.optionalPath},
  judgeResponseFormat: {env: 'LOOPFT_JUDGE_RESPONSE_FORMAT', shownDefault: '`json_schema`', meaning: '`json_schema` (provider-enforced verdict object) or `text` (the prompt alone)', schema: (k) => k.oneOf(['json_schema', 'text']), default: 'json_schema'},
  gatePrimaryMetric: {env: 'LOOPFT_GATE_PRIMARY_METRIC', flag: '--primary-metric', shownDefault: '`judge`', meaning: 'metric the gate improves on: judge, accuracy, bleu or rougeL', schema: (k) => k.oneOf(['judge', 'accuracy', 'bleu', 'rougeL']), default: 'judge'},
  gateMinImprovement: {env: 'LOOPFT_GATE_MIN_IMPROVEMENT', flag: '--min-improvement', shownDefault: '`0.02`', meaning: 'smallest improvement of the primary metric that passes (0–1)', schema: (k) => k.fraction, default: '0.02'},
  gateTolerance: {env: 'LOOPFT_GATE_TOLERANCE', flag: '--tolerance', shownDefault: '`0.02`', meaning: 'largest fall allowed on the other metrics (0–1)', schema: (k) => k.fraction, default: '0.02'},
  stuckAfterMs: {env: 'LOOPFT_STUCK_AFTER', flag: '`--stuck-after` (watch-job)', shownDefault: '`2h`', meaning: 'watch-job and cycle warn when a job sits in one status this long', schema: (k) => k.duration, default: '2h'},
  autoPromote: {env: 'LOOPFT_AUTO_PROMOTE', flag: '`--auto-promote` (cycle)', shownDefault: 'off', meaning: '`cycle` promotes a candidate that passes the gate without a person', schema: (k) => k.flag, default: 'off'},
  requireReview: {env: 'LOOPFT_REQUIRE_REVIEW', shownDefault: 'off', meaning: '`tune` and `cycle` start no job on a dataset whose sample `loopft review` has not reviewed whole', schema: (k) => k.flag, default: 'off'},
  reviewMaxRejection: {env: 'LOOPFT_REVIEW_MAX_REJECTION', shownDefault: '`0.05`', meaning: 'with review required, the largest share of reviewed examples rejected that still trains (0–1)', schema: (k) => k.fraction, default: '0.05'},
  actor: {env: 'LOOPFT_ACTOR', shownDefault: '`user@host`', meaning: 'who promote/rollback record in the history, and review with each decision', schema: (k) => k.text, default: ({userAtHost}) => userAtHost()},
  envFile: {env: 'LOOPFT_ENV_FILE', flag: '`--env-file` (schedule)', shownDefault: '`.env`', meaning: 'environment file each scheduled run sources', schema: (k) => k.text, default: '.env'},
  crontabFile: {env: 'LOOPFT_CRONTAB_FILE', flag: '`--crontab-file` (schedule)', shownDefault: '—', meaning: 'testing: schedule edits this file instead of the user crontab', schema: (k) => k.optionalText},
  systemdDir: {env: 'LOOPFT_SYSTEMD_DIR', flag: '`--unit-dir` (schedule)', shownDefault: '—', meaning: 'testing: schedule writes units here and leaves systemctl to you', schema: (k) => k.optionalText},
  debug: {env: 'LOOPFT_DEBUG', shownDefault: 'off', meaning: 'print the stack of an unexpected error (exit 1)', schema: (k) => k.flag, default: 'off'},
  textModelOverride: {env: 'LOOPFT_TEXT_MODEL', shownDefault: '—', meaning: '**router only**: pins every text request to one model (emergencies)', schema: (k) => k.optionalText, routerOnly: true},
} as const satisfies Record<string, Setting>

export type SettingName = keyof typeof SETTINGS

/** The router's settings, read from the environment without the loader (the router loads no zod). */
export function readRouterSettings(env: Record<string, string | undefined> = process.env): {textModelOverride?: string; textModel?: string; visionModel?: string} {
  const value = (name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined)
  return {textModelOverride: value(SETTINGS.textModelOverride.env), textModel: value(SETTINGS.textModel.env), visionModel: value(SETTINGS.visionModel.env)}
}

/** The README's configuration table, rendered from the declaration. */
export function configurationTable(): string {
  const rows = Object.values(SETTINGS as Record<string, Setting>).map((setting) => {
    const flag = setting.flag === undefined ? '' : setting.flag.startsWith('`') ? setting.flag : `\`${setting.flag}\``
    return `| \`${setting.env}\` |${flag === '' ? '' : ` ${flag}`} | ${setting.shownDefault} | ${setting.meaning} |`
  })
  return ['| variable | flag | default | meaning |', '|---|---|---|---|', ...rows].join('\n')
}
