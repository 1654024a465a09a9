import type {LoopftConfig} from '../config.js'
import type {Sql} from '../db/connection.js'
import {DEFAULT_PROVIDER, formatModelTarget, parseModelTarget, type ModelTarget} from '../runtime/model-target.js'
import {readServingConfig} from '../runtime/serving-row.js'
import {previouslyServedModel} from '../serving/previous-model.js'
import {findModel} from '../serving/registry.js'
import type {CatalogOverrides} from '../training/model-catalog.js'
import {findShutdown, SERVING_FAIL_DAYS, type ServableModel} from '../training/model-retirement.js'

/** Beyond the failing window, doctor warns this far ahead. */
const WARN_DAYS = 90

type Add = (name: string, status: 'ok' | 'warn' | 'fail', detail: string, fix?: string | null) => void

interface Slot {
  name: string
  model: ServableModel
  /** How to move this slot to the successor. */
  move: (successor: ModelTarget) => string
}

/**
 * One check per model that serves or may serve: the promoted model, the canary,
 * the vision slot, the rollback target, the default text and vision models. Fails within
 * SERVING_FAIL_DAYS of a shutdown date and says what to move to.
 */
export async function checkRetirements(sql: Sql | undefined, config: Pick<LoopftConfig, 'textModel' | 'visionModel'>, overrides: CatalogOverrides | undefined, now: Date, add: Add): Promise<void> {
  const slots = sql === undefined ? [] : await servingSlots(sql)
  slots.push(
    {name: 'default text model', model: config.textModel, move: (to) => `set LOOPFT_DEFAULT_TEXT_MODEL=${formatModelTarget(to)} (and the router's textModel option)`},
    {name: 'default vision model', model: config.visionModel, move: (to) => `set LOOPFT_VISION_MODEL=${formatModelTarget(to)} (and the router's visionModel option)`},
  )
  for (const slot of slots) {
    const shutdown = findShutdown(slot.model, now, overrides)
    const what = `${shutdown.target}${shutdown.isFineTune ? ' (a fine-tune)' : ''}`
    if (shutdown.shutdownDate === null || shutdown.daysLeft === null) {
      add(slot.name, 'ok', `${what}: no shutdown announced`)
      continue
    }
    const detail = shutdown.daysLeft <= 0 ? `${what} was shut down on ${shutdown.shutdownDate}` : `${what} shuts down on ${shutdown.shutdownDate}: ${shutdown.daysLeft} day(s) left`
    const fix = shutdown.successor === null
      ? 'move to a model with no announced shutdown (docs/providers.md, "Retirements")'
      : `move to ${shutdown.successor}: ${slot.move(parseModelTarget(shutdown.successor))}`
    if (shutdown.daysLeft <= SERVING_FAIL_DAYS) add(slot.name, 'fail', detail, fix)
    else if (shutdown.daysLeft <= WARN_DAYS) add(slot.name, 'warn', detail, fix)
    else add(slot.name, 'ok', detail)
  }
}

async function servingSlots(sql: Sql): Promise<Slot[]> {
  const serving = await readServingConfig(sql)
  const retrain = (to: ModelTarget) => `tune, evaluate and promote a fine-tune of ${to.model} at ${to.provider} (loopft cycle with that provider)`
  const named: Array<[string, {model: string; provider?: string} | null, (to: ModelTarget) => string]> = [
    ['served model', serving.model === null ? null : {model: serving.model, provider: serving.provider}, retrain],
    ['canary', serving.canary, (to) => `loopft rollback drops the canary; then ${retrain(to)}`],
    ['served vision model', serving.vision ?? null, (to) => `loopft promote ${formatModelTarget(to)} --slot vision --force --reason "shutdown"`],
    ['rollback target', parseServed(await previouslyServedModel(sql)), (to) => `${retrain(to)}, so that a rollback lands on a model that answers`],
  ]
  const slots: Slot[] = []
  for (const [name, served, move] of named) {
    if (served === null) continue
    // The registry knows a trained model's provider; any other model carries it in the serving row or its name.
    const registered = await findModel(sql, served.model)
    slots.push({name, model: {provider: registered?.provider ?? served.provider ?? DEFAULT_PROVIDER, model: served.model, baseModel: registered?.baseModel}, move})
  }
  return slots
}

function parseServed(name: string | null): ModelTarget | null {
  return name === null ? null : parseModelTarget(name)
}
