import type {Sql} from '../../src/lib/db/connection.js'
import type {Router, RouterEvents} from '../../src/lib/runtime/router.js'
import {recordEvaluation, registerCandidate, type EvaluationSummary} from '../../src/lib/serving/registry.js'
import type {Standin} from './openai-standin/index.js'

/** A fine-tuned model name in the stand-in's org, e.g. ft:gpt-4o-mini-2024-07-18:standin-org:loopft:abc. */
export const ftModel = (id: string): string => `ft:gpt-4o-mini-2024-07-18:standin-org:loopft:${id}`

/** Makes the stand-in serve a fine-tuned model, as if a job had produced it. */
export function addStandinModel(standin: Standin, name: string): void {
  standin.store.models.set(name, {id: name, object: 'model', created: Math.floor(Date.now() / 1000), owned_by: standin.store.org.id})
}

/**
 * Registers a candidate, optionally with an evaluation verdict (as evaluate would store it). Its provider is the
 * stand-in's (as watch-job registers it), which has no shutdown dates: the tests do not expire with OpenAI's.
 */
export async function registerModel(sql: Sql, name: string, verdict?: EvaluationSummary['verdict'], provider = 'openai-compatible'): Promise<void> {
  await registerCandidate(sql, {name, baseModel: 'gpt-4o-mini-2024-07-18', provider})
  if (verdict === undefined) return
  await recordEvaluation(sql, name, {verdict, evaluationId: 1, baseline: 'gpt-4o-mini', primaryMetric: 'win_rate', difference: 0.1, at: new Date().toISOString()})
}

/** A model ready to promote: registered, passed, and answering at the stand-in. */
export async function passedModel(sql: Sql, standin: Standin, id: string, provider?: string): Promise<string> {
  const name = ftModel(id)
  await registerModel(sql, name, 'pass', provider)
  addStandinModel(standin, name)
  return name
}

export async function clearServing(sql: Sql): Promise<void> {
  await sql`truncate loopft_config, loopft_promotions, loopft_models`
}

/** Resolves with the router's next `event` whose payload matches (a hot swap, an error…). */
export const nextRouterEvent = <E extends keyof RouterEvents>(router: Router, event: E, matches: (payload: RouterEvents[E]) => boolean = () => true) =>
  new Promise<RouterEvents[E]>((resolve) => {
    const off = router.on(event, (payload) => {
      if (!matches(payload)) return
      off()
      resolve(payload)
    })
  })
