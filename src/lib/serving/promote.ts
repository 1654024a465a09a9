import type OpenAI from 'openai'
import type {Sql} from '../db/connection.js'
import {LoopftError} from '../errors.js'
import {findModel, syncServingStatuses, type RegisteredModel} from './registry.js'
import {checkGate, checkReachable} from './preflight.js'
import {previouslyServedModel, type ServingSlot} from './previous-model.js'
import {readServingConfig, SERVING_CHANNEL, SERVING_KEY, toServingConfig, type ServingConfig} from '../runtime/serving-row.js'
import {DEFAULT_PROVIDER, qualifiedName} from '../runtime/model-target.js'
import type {CatalogOverrides} from '../training/model-catalog.js'
import {assertNotRetired} from '../training/model-retirement.js'
import {asProviderName, splitProvider, type ProviderName} from '../runtime/selection.js'

export interface ServingDeps {
  sql: Sql
  /** Built from the chat app's own key and base URL: preflight proves the model answers with them. Absent when OpenAI is not used. */
  openai?: OpenAI
  /** The chat client of another provider, for models served elsewhere (default: openai for every provider). */
  clientFor?: (provider: ProviderName) => Promise<OpenAI>
  /** The default text model (LOOPFT_DEFAULT_TEXT_MODEL): what serves when nothing is promoted. */
  textModel: string
  /** The default vision model (LOOPFT_VISION_MODEL): what serves requests with images when the vision slot is empty. */
  visionModel?: string
  /** Shutdown dates come from the catalog (LOOPFT_PRICES_FILE overrides). */
  catalog?: CatalogOverrides
  now?: () => Date
}

export type ServingAction = 'promote' | 'canary' | 'rollback' | 'abort-canary'

/** What a change would do; shown to the user before it is written. */
export interface ServingPlan {
  /** The slot the change writes: `text` (promoted and canary) or `vision`. */
  slot: ServingSlot
  action: ServingAction
  /** The model serving everyone before; the base text model when nothing was promoted. */
  from: string
  to: string
  canaryPercent: number | null
}

export interface ServingChange extends ServingPlan {
  /** 'planned': a dry run passed preflight and would make this change. */
  outcome: 'changed' | 'unchanged' | 'declined' | 'planned'
  /** The serving row's version after the call. */
  configVersion: number
  /** What --force overrode (a missing or failed evaluation), or null. */
  forced: string | null
  message: string
}

/** Asked after preflight and before writing; false leaves everything as it was. */
export type ConfirmPlan = (plan: ServingPlan) => Promise<boolean>

export interface PromoteOptions {
  model: string
  /** Default `text`; `vision` serves the model to requests with images (no canary there). */
  slot?: ServingSlot
  reason?: string
  /** Serve the model to this share of conversations only; omitted = the full rollout. */
  canaryPercent?: number
  force?: boolean
  actor: string
  confirm?: ConfirmPlan
  /** Preflight only: report the plan, write nothing. */
  dryRun?: boolean
}

export interface RollbackOptions {
  /** Default `text`. */
  slot?: ServingSlot
  /** Default: the model that served before the current one (or the base text model). */
  to?: string
  reason?: string
  actor: string
  confirm?: ConfirmPlan
  /** Preflight only: report the plan, write nothing. */
  dryRun?: boolean
}

/**
 * Promotes a model (or starts a canary): preflight (evaluation gate, the model
 * answers with the app's key), then the config row, history and statuses in one
 * transaction that NOTIFYs routers. Promoting what already serves changes nothing.
 */
export async function promoteModel(deps: ServingDeps, options: PromoteOptions): Promise<ServingChange> {
  if (options.slot === 'vision') return promoteVisionModel(deps, options)
  const percent = checkCanaryPercent(options.canaryPercent)
  const current = await readServingConfig(deps.sql)
  const served = await servedModel(deps.sql, options.model)
  const {provider: _provider, ...unserved} = current
  const next: Omit<ServingConfig, 'version'> = percent === null
    ? {...unserved, ...served, canary: null}
    : {...current, canary: {...served, percent}}
  const plan: ServingPlan = {slot: 'text', action: percent === null ? 'promote' : 'canary', from: current.model ?? deps.textModel, to: options.model, canaryPercent: percent}
  const isServingEveryone = current.model === options.model && current.canary === null
  if (isServingEveryone || isSame(current, next)) {
    return {...plan, outcome: 'unchanged', configVersion: current.version, forced: null, message: `${options.model} is already ${isServingEveryone ? 'promoted' : `the ${percent}% canary`}; nothing changed`}
  }
  const registered = await findModel(deps.sql, options.model)
  checkNotRetired(deps, options.model, registered)
  const forced = checkGate(registered, options.model, options)
  await checkReachableAt(deps, served)
  return commit(deps, plan, next, current.version, {...options, forced, fromModel: current.model})
}

/**
 * Rolls back: while a canary runs, drops it; otherwise returns to the model that
 * served before the current one (rolling back twice undoes the rollback), or to
 * the base text model when nothing did. `to` names any model served before.
 */
export async function rollbackModel(deps: ServingDeps, options: RollbackOptions): Promise<ServingChange> {
  if (options.slot === 'vision') return rollbackVisionModel(deps, options)
  const current = await readServingConfig(deps.sql)
  const from = current.model ?? deps.textModel
  if (options.to === undefined && current.canary !== null) {
    const plan: ServingPlan = {slot: 'text', action: 'abort-canary', from: current.canary.model, to: from, canaryPercent: null}
    return commit(deps, plan, {...current, canary: null}, current.version, {...options, forced: null, fromModel: current.canary.model})
  }
  const target = options.to ?? (await previouslyServedModel(deps.sql))
  const plan: ServingPlan = {slot: 'text', action: 'rollback', from, to: target ?? deps.textModel, canaryPercent: null}
  if (target === current.model && current.canary === null) {
    return {...plan, outcome: 'unchanged', configVersion: current.version, forced: null, message: `${plan.to} already serves; nothing changed`}
  }
  if (options.to !== undefined) await checkServedBefore(deps, options.to)
  if (target !== null) checkNotRetired(deps, target, await findModel(deps.sql, target))
  const served = target === null ? {model: null} : await servedModel(deps.sql, target)
  if (served.model !== null) await checkReachableAt(deps, served as {model: string; provider?: string})
  const {provider: _provider, ...unserved} = current
  return commit(deps, plan, {...unserved, ...served, canary: null}, current.version, {...options, forced: null, fromModel: current.model})
}

/**
 * Serves a model to requests with images. The same preflight as a text
 * promotion (shutdown date, evaluation gate or --force with a reason, a chat at
 * its provider); a model the registry does not hold names its provider
 * (`nebius:Qwen/Qwen2.5-VL-72B-Instruct`).
 */
async function promoteVisionModel(deps: ServingDeps, options: PromoteOptions): Promise<ServingChange> {
  if (options.canaryPercent !== undefined) throw new LoopftError('USAGE', 'a canary runs in the text slot only', {suggestion: 'promote to the vision slot without --canary'})
  const current = await readServingConfig(deps.sql)
  const served = await servedModel(deps.sql, options.model)
  const from = await servedVisionName(deps)
  const plan: ServingPlan = {slot: 'vision', action: 'promote', from: from ?? visionDefault(deps), to: options.model, canaryPercent: null}
  if (current.vision?.model === served.model && current.vision.provider === served.provider) {
    return {...plan, outcome: 'unchanged', configVersion: current.version, forced: null, message: `${options.model} already serves requests with images; nothing changed`}
  }
  const registered = await findModel(deps.sql, options.model)
  checkNotRetired(deps, options.model, registered)
  const forced = checkGate(registered, options.model, options)
  await checkReachableAt(deps, served)
  return commit(deps, plan, {...current, vision: served}, current.version, {...options, forced, fromModel: from})
}

/** Returns the vision slot to the model that served it before (or, with none, to the default vision model). */
async function rollbackVisionModel(deps: ServingDeps, options: RollbackOptions): Promise<ServingChange> {
  const current = await readServingConfig(deps.sql)
  const target = options.to ?? (await previouslyServedModel(deps.sql, 'vision'))
  const from = await servedVisionName(deps)
  const plan: ServingPlan = {slot: 'vision', action: 'rollback', from: from ?? visionDefault(deps), to: target ?? visionDefault(deps), canaryPercent: null}
  if (target === from) {
    return {...plan, outcome: 'unchanged', configVersion: current.version, forced: null, message: `${plan.to} already serves requests with images; nothing changed`}
  }
  if (options.to !== undefined) await checkServedBefore(deps, options.to)
  const {vision: _vision, ...withoutVision} = current
  if (target === null) return commit(deps, plan, withoutVision, current.version, {...options, forced: null, fromModel: from})
  checkNotRetired(deps, target, await findModel(deps.sql, target))
  const served = await servedModel(deps.sql, target)
  await checkReachableAt(deps, served)
  return commit(deps, plan, {...withoutVision, vision: served}, current.version, {...options, forced: null, fromModel: from})
}

/**
 * The vision slot's model as the history keeps it: a model the registry holds
 * by its name, any other with its provider (`nebius:Qwen/…`), so that a
 * rollback to it is served where it was.
 */
async function servedVisionName(deps: ServingDeps): Promise<string | null> {
  const {vision} = await readServingConfig(deps.sql)
  if (vision === undefined) return null
  return (await findModel(deps.sql, vision.model)) === undefined ? qualifiedName(vision) : vision.model
}

const visionDefault = (deps: ServingDeps) => deps.visionModel ?? '(default vision model)'

/** Where a model is served: the registry's provider for a model loopft trained, else the one its name carries, else OpenAI (absent in the row). */
async function servedModel(sql: Sql, name: string): Promise<{model: string; provider?: string}> {
  const registered = await findModel(sql, name)
  const {provider, model} = registered === undefined ? splitProvider(name) : {provider: asProviderName(registered.provider), model: name}
  return provider === null || provider === 'openai' ? {model} : {model, provider}
}

/** Preflight at the model's own provider; only OpenAI's routes are known to list fine-tunes by id, so elsewhere the chat alone proves it. */
async function checkReachableAt(deps: ServingDeps, served: {model: string; provider?: string}): Promise<void> {
  const provider = (served.provider ?? 'openai') as ProviderName
  const client = provider === 'openai' || deps.clientFor === undefined ? deps.openai : await deps.clientFor(provider)
  if (client === undefined) throw new LoopftError('CONFIG_INVALID', `no chat client for ${provider}, where ${served.model} is served`, {suggestion: 'set OPENAI_API_KEY (the chat app\'s own)'})
  await checkReachable(client, served.model, {retrieve: provider === 'openai' || provider === 'azure'})
}

async function commit(
  deps: ServingDeps,
  plan: ServingPlan,
  next: Omit<ServingConfig, 'version'>,
  expectedVersion: number,
  options: {reason?: string; actor: string; forced: string | null; confirm?: ConfirmPlan; dryRun?: boolean; fromModel: string | null},
): Promise<ServingChange> {
  if (options.dryRun === true) {
    return {...plan, outcome: 'planned', configVersion: expectedVersion, forced: options.forced, message: `dry run, nothing changed: would ${plan.action} ${plan.from} -> ${plan.to}${plan.canaryPercent === null ? '' : ` (${plan.canaryPercent}%)`}`}
  }
  if (options.confirm !== undefined && !(await options.confirm(plan))) {
    return {...plan, outcome: 'declined', configVersion: expectedVersion, forced: null, message: 'declined; nothing changed'}
  }
  const configVersion = await deps.sql.begin(async (tx) => {
    await tx`
      insert into loopft_config (key, value, version) values (${SERVING_KEY}, ${tx.json({model: null, canary: null})}, 0)
      on conflict (key) do nothing`
    const [row] = await tx<{value: unknown; version: string}[]>`select value, version from loopft_config where key = ${SERVING_KEY} for update`
    if (toServingConfig(row.value, Number(row.version)).version !== expectedVersion) {
      throw new LoopftError('CONFLICT', 'the serving config changed during this command; nothing was done', {suggestion: 'check loopft history, then run it again'})
    }
    const version = expectedVersion + 1
    const {version: _version, ...value} = next as ServingConfig
    await tx`update loopft_config set value = ${tx.json(value as never)}, version = ${version}, updated_at = now(), updated_by = ${options.actor} where key = ${SERVING_KEY}`
    await tx`
      insert into loopft_promotions (slot, action, from_model, to_model, canary_percent, reason, actor, config_version)
      values (${plan.slot}, ${plan.action}, ${options.fromModel}, ${plan.to}, ${plan.canaryPercent}, ${options.reason ?? null}, ${options.actor}, ${version})`
    await syncServingStatuses(tx as unknown as Sql, [next.model, next.canary?.model, next.vision?.model].filter((name): name is string => name != null))
    await tx`select pg_notify(${SERVING_CHANNEL}, ${String(version)})`
    return version
  })
  return {...plan, outcome: 'changed', configVersion, forced: options.forced, message: describe(plan)}
}

/** The model that served everyone before the latest full change (null = the base text model). */
async function checkServedBefore(deps: ServingDeps, model: string): Promise<void> {
  if (model === deps.textModel) return
  const [row] = await deps.sql`select 1 from loopft_promotions where to_model = ${model} or from_model = ${model} limit 1`
  if (row === undefined) {
    throw new LoopftError('NOT_FOUND', `${model} never served, so there is nothing to roll back to`, {suggestion: `see: loopft history; to serve a new model use: loopft promote ${model}`})
  }
}

/** A model past its shutdown date would only answer 404: refused whatever --force says. Its provider and base come from the registry. */
function checkNotRetired(deps: ServingDeps, model: string, registered: RegisteredModel | undefined): void {
  assertNotRetired({provider: registered?.provider ?? DEFAULT_PROVIDER, model, baseModel: registered?.baseModel}, deps.now?.() ?? new Date(), deps.catalog)
}

function checkCanaryPercent(percent: number | undefined): number | null {
  if (percent === undefined) return null
  if (!Number.isFinite(percent) || percent <= 0 || percent >= 100) {
    throw new LoopftError('USAGE', `a canary share must be a percentage above 0 and below 100 (got ${percent})`, {suggestion: 'promote without a canary to serve the model fully'})
  }
  return percent
}

function isSame(current: ServingConfig, next: Omit<ServingConfig, 'version'>): boolean {
  return current.model === next.model && current.provider === next.provider && current.canary?.model === next.canary?.model && current.canary?.percent === next.canary?.percent
    && current.canary?.provider === next.canary?.provider
}

function describe(plan: ServingPlan): string {
  if (plan.slot === 'vision') return `${plan.action === 'promote' ? 'promoted' : 'rolled back to'} ${plan.to} for requests with images (was ${plan.from})`
  switch (plan.action) {
    case 'promote': return `promoted ${plan.to} (was ${plan.from})`
    case 'canary': return `${plan.to} now serves ${plan.canaryPercent}% of conversations; ${plan.from} serves the rest`
    case 'rollback': return `rolled back to ${plan.to} (was ${plan.from})`
    case 'abort-canary': return `dropped the canary ${plan.from}; ${plan.to} serves every conversation`
  }
}

export interface HistoryEntry {
  id: number
  slot: ServingSlot
  action: ServingAction
  /** Null when the base text model served before. */
  from: string | null
  to: string
  canaryPercent: number | null
  reason: string | null
  actor: string
  configVersion: number
  at: Date
}

/** The promotion history, newest first. */
export async function readHistory(sql: Sql, options: {limit?: number} = {}): Promise<HistoryEntry[]> {
  const rows = await sql<{id: string; slot: ServingSlot; action: ServingAction; from_model: string | null; to_model: string; canary_percent: string | null; reason: string | null; actor: string; config_version: string; created_at: Date}[]>`
    select * from loopft_promotions order by config_version desc, id desc limit ${options.limit ?? 100}`
  return rows.map((row) => ({
    id: Number(row.id),
    slot: row.slot,
    action: row.action,
    from: row.from_model,
    to: row.to_model,
    canaryPercent: row.canary_percent === null ? null : Number(row.canary_percent),
    reason: row.reason,
    actor: row.actor,
    configVersion: Number(row.config_version),
    at: row.created_at,
  }))
}
