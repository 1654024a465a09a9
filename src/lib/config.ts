import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import bytes from 'bytes'
import {z} from 'zod'
import {parseDuration} from './duration.js'
import {LoopftError} from './errors.js'
import {maskSecret} from './secrets.js'
import {parseModelTarget} from './runtime/model-target.js'
import {SETTINGS, type Setting, type SettingName} from './settings.js'

const optionalText = z.string().trim().min(1).optional()

/** The schemas settings.ts picks from; each takes the raw text (or a flag's value) and yields the typed value. */
const kit = {
  text: z.string().trim().min(1),
  optionalText,
  path: z.string().min(1).transform((value) => path.resolve(value)),
  optionalPath: z.string().trim().min(1).transform((value) => path.resolve(value)).optional(),
  optionalUrl: z.url().optional(),
  /** postgres.js takes a postgres:// or postgresql:// URL; anything else would fail later as an internal error. */
  optionalPostgresUrl: optionalText.refine((value) => value === undefined || isPostgresUrl(value), 'not a postgres:// or postgresql:// URL'),
  fraction: z.coerce.number().min(0).max(1),
  optionalUsd: z.coerce.number().nonnegative().optional(),
  count: z.union([z.number(), z.string().trim().regex(/^\d+$/, 'expected a whole number')]).transform(Number).pipe(z.number().int().positive()),
  list: z.string().transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item !== '')),
  flag: z.union([z.boolean(), z.string()]).transform((value) => typeof value === 'boolean' ? value : ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase())),
  size: z.union([z.number().int().positive(), z.string()]).transform((value, ctx) => {
    const parsed = typeof value === 'number' ? value : bytes.parse(value)
    if (parsed === null || !Number.isFinite(parsed) || parsed <= 0) {
      ctx.addIssue({code: 'custom', message: `not a size: "${value}" (try 50MB)`})
      return z.NEVER
    }
    return parsed
  }),
  duration: z.union([z.number().positive(), z.string()]).transform((value, ctx) => {
    if (typeof value === 'number') return value
    try {
      return parseDuration(value)
    } catch (error) {
      ctx.addIssue({code: 'custom', message: (error as Error).message})
      return z.NEVER
    }
  }),
  oneOf: <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values),
  /** `nebius:meta-llama/…` or a bare name (OpenAI's), read once into {provider, model}. */
  modelTarget: z.string().trim().min(1).transform((text) => parseModelTarget(text)).refine((target) => target.model !== '', {message: 'a provider prefix needs a model after the colon'}),
}

export type SchemaKit = typeof kit

/** What a computed default may look at. */
export interface DefaultContext {
  /** The settings read so far, in declaration order. */
  read: Readonly<Record<string, unknown>>
  cores: number
  userAtHost: () => string
  join: (...parts: string[]) => string
  /** A file shipped with the package (examples/gold.jsonl), wherever the current directory is. */
  packageFile: (relative: string) => string
}

type Declared = typeof SETTINGS
type ConfigName = {[K in SettingName]: Declared[K] extends {routerOnly: true} ? never : K}[SettingName]
type ValueOf<K extends SettingName> = z.output<ReturnType<Declared[K]['schema']> & z.ZodType>

export type LoopftConfig = Readonly<{[K in ConfigName]: ValueOf<K>}>

/** Flag values a command passes in, by setting name; each wins over its environment variable. */
export type ConfigOverrides = Partial<Record<ConfigName, string | number | boolean | undefined>>

const CROSS_CHECKS: Array<{check: (config: LoopftConfig) => boolean; setting: ConfigName; message: string}> = [
  {check: (config) => config.redactPlaceholder !== 'pseudonym' || config.pseudonymKey !== undefined, setting: 'pseudonymKey', message: 'LOOPFT_REDACT_PLACEHOLDER=pseudonym needs LOOPFT_PSEUDONYM_KEY'},
]

/**
 * Reads configuration once, at the edge: flag → environment → default, for
 * every setting declared in settings.ts, validated into a frozen object.
 * Printing it (JSON or inspect) masks secrets. A blank variable counts as unset.
 */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): LoopftConfig {
  const read: Record<string, unknown> = {}
  const context: DefaultContext = {read, cores: os.availableParallelism(), userAtHost: () => `${userName(env)}@${os.hostname()}`, join: path.join, packageFile}
  for (const [name, setting] of Object.entries(SETTINGS) as Array<[ConfigName, Setting]>) {
    if (setting.routerOnly === true) continue
    const fallback = typeof setting.default === 'function' ? setting.default(context) : setting.default
    const raw = overrides[name] ?? blankToUndefined(env[setting.env]) ?? fallback
    const parsed = (setting.schema(kit) as z.ZodType).safeParse(raw)
    if (!parsed.success) throw invalid(name, setting, parsed.error.issues[0].message, overrides[name] !== undefined)
    read[name] = parsed.data
  }
  const config = read as LoopftConfig
  for (const {check, setting, message} of CROSS_CHECKS) {
    if (!check(config)) throw invalid(setting, SETTINGS[setting], message)
  }
  return freezeWithMaskedPrinting(config)
}

/** The few variables of the operating system loopft looks at (never validated, never secret). */
export interface SystemEnvironment {
  path?: string
  xdgConfigHome?: string
  ci?: string
  term?: string
  noColor?: string
}

export function readSystemEnvironment(env: NodeJS.ProcessEnv = process.env): SystemEnvironment {
  return {path: env.PATH, xdgConfigHome: env.XDG_CONFIG_HOME, ci: env.CI, term: env.TERM, noColor: env.NO_COLOR}
}

/** A value a command passed (a flag) is a usage error, like every other bad flag; a bad variable is configuration. */
function invalid(name: string, setting: Setting, message: string, fromFlag = false): LoopftError {
  if (fromFlag) return new LoopftError('USAGE', `invalid value for ${name}: ${message}`, {suggestion: 'see the command\'s --help'})
  return new LoopftError('CONFIG_INVALID', `invalid configuration: ${name} (${setting.env}): ${message}`, {
    suggestion: 'see the configuration table in the README',
  })
}

function freezeWithMaskedPrinting<T extends object>(config: T): Readonly<T> {
  const secrets = new Set(Object.entries(SETTINGS).filter(([, setting]) => (setting as Setting).secret === true).map(([name]) => name))
  const masked = () => Object.fromEntries(Object.entries(config).map(([key, value]) => [key, secrets.has(key) && typeof value === 'string' ? maskSecret(value) : value]))
  Object.defineProperty(config, 'toJSON', {value: masked, enumerable: false})
  Object.defineProperty(config, Symbol.for('nodejs.util.inspect.custom'), {value: masked, enumerable: false})
  return Object.freeze(config)
}

/** This module is src/lib/config.ts or dist/lib/config.js: the package root is two levels up. */
function packageFile(relative: string): string {
  return fileURLToPath(new URL(`../../${relative}`, import.meta.url))
}

function isPostgresUrl(value: string): boolean {
  try {
    return ['postgres:', 'postgresql:'].includes(new URL(value).protocol)
  } catch {
    return false
  }
}

/** os.userInfo() throws when the uid has no passwd entry (some containers). */
function userName(env: NodeJS.ProcessEnv): string {
  try {
    return os.userInfo().username
  } catch {
    return env.USER ?? env.USERNAME ?? 'unknown'
  }
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value
}
