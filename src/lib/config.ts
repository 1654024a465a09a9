import path from 'node:path'
import bytes from 'bytes'
import {z} from 'zod'
import {LoopftError} from './errors.js'
import {maskSecret} from './secrets.js'

/** Flag values a command passes in; each wins over its environment variable. */
export interface ConfigOverrides {
  databaseUrl?: string
  home?: string
  outDir?: string
  openaiApiKey?: string
  openaiBaseUrl?: string
  baseModel?: string
  monthlyBudgetUsd?: number
  maxBytes?: string | number
  systemPrompt?: string
}

const optionalText = z.string().trim().min(1).optional()
const sizeText = z.union([z.number().int().positive(), z.string()]).transform((value, ctx) => {
  const parsed = typeof value === 'number' ? value : bytes.parse(value)
  if (parsed === null || !Number.isFinite(parsed) || parsed <= 0) {
    ctx.addIssue({code: 'custom', message: `not a size: "${value}" (try 50MB)`})
    return z.NEVER
  }
  return parsed
})

const ConfigSchema = z.object({
  databaseUrl: optionalText,
  home: z.string().min(1),
  outDir: z.string().min(1),
  archiveDir: z.string().min(1),
  openaiApiKey: optionalText,
  openaiBaseUrl: z.url().optional(),
  openaiOrganization: optionalText,
  baseModel: z.string().min(1),
  textModel: z.string().min(1),
  visionModel: z.string().min(1),
  monthlyBudgetUsd: z.coerce.number().nonnegative().optional(),
  maxBytes: sizeText,
  systemPrompt: optionalText,
  pseudonymKey: optionalText,
  redactAllow: z.array(z.string().min(1)),
  redactPlaceholder: z.enum(['typed', 'pseudonym']),
  goldFile: z.string().min(1),
  pricesFile: optionalText,
  autoPromote: z.boolean(),
}).refine((config) => config.redactPlaceholder !== 'pseudonym' || config.pseudonymKey !== undefined, {
  path: ['pseudonymKey'],
  message: 'LOOPFT_REDACT_PLACEHOLDER=pseudonym needs LOOPFT_PSEUDONYM_KEY',
})

export type LoopftConfig = Readonly<z.infer<typeof ConfigSchema>>

const SECRET_KEYS = new Set(['openaiApiKey', 'pseudonymKey', 'databaseUrl'])

/**
 * Reads configuration once, at the edge: flag → environment → default, validated
 * into a frozen object. Printing it (JSON or inspect) masks secrets.
 */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): LoopftConfig {
  const home = path.resolve(overrides.home ?? env.LOOPFT_HOME ?? '.loopft')
  const outDir = path.resolve(overrides.outDir ?? env.LOOPFT_OUT_DIR ?? 'exports')
  const raw = {
    databaseUrl: overrides.databaseUrl ?? env.DATABASE_URL,
    home,
    outDir,
    archiveDir: path.resolve(env.LOOPFT_ARCHIVE_DIR ?? path.join(outDir, 'archive')),
    openaiApiKey: overrides.openaiApiKey ?? env.OPENAI_API_KEY,
    openaiBaseUrl: overrides.openaiBaseUrl ?? blankToUndefined(env.OPENAI_BASE_URL),
    openaiOrganization: env.OPENAI_ORG_ID,
    baseModel: overrides.baseModel ?? env.LOOPFT_BASE_MODEL ?? 'gpt-4o-mini-2024-07-18',
    textModel: env.LOOPFT_DEFAULT_TEXT_MODEL ?? 'gpt-4o-mini',
    visionModel: env.LOOPFT_VISION_MODEL ?? 'gpt-4o',
    monthlyBudgetUsd: overrides.monthlyBudgetUsd ?? blankToUndefined(env.LOOPFT_MONTHLY_BUDGET),
    maxBytes: overrides.maxBytes ?? env.LOOPFT_MAX_BYTES ?? '50MB',
    systemPrompt: overrides.systemPrompt ?? env.LOOPFT_SYSTEM_PROMPT,
    pseudonymKey: env.LOOPFT_PSEUDONYM_KEY,
    redactAllow: (env.LOOPFT_REDACT_ALLOW ?? '').split(',').map((value) => value.trim()).filter((value) => value !== ''),
    redactPlaceholder: env.LOOPFT_REDACT_PLACEHOLDER ?? 'typed',
    goldFile: path.resolve(env.LOOPFT_GOLD_FILE ?? 'examples/gold.jsonl'),
    pricesFile: env.LOOPFT_PRICES_FILE,
    autoPromote: isTruthy(env.LOOPFT_AUTO_PROMOTE),
  }
  const parsed = ConfigSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new LoopftError('CONFIG_INVALID', `invalid configuration: ${issue.path.join('.')}: ${issue.message}`, {
      suggestion: 'see the configuration table in the README',
    })
  }
  return freezeWithMaskedPrinting(parsed.data)
}

function freezeWithMaskedPrinting<T extends Record<string, unknown>>(config: T): Readonly<T> {
  const masked = () => Object.fromEntries(Object.entries(config).map(([key, value]) => [key, SECRET_KEYS.has(key) && typeof value === 'string' ? maskSecret(value) : value]))
  Object.defineProperty(config, 'toJSON', {value: masked, enumerable: false})
  Object.defineProperty(config, Symbol.for('nodejs.util.inspect.custom'), {value: masked, enumerable: false})
  return Object.freeze(config)
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase())
}
