import type {Sql} from '../db/connection.js'
import {readServingConfig} from '../runtime/serving-row.js'
import {previouslyServedModel} from './previous-model.js'

/**
 * Models that must never be deleted, each with the reason: what the chat app
 * serves (promoted, canary and vision), the models a rollback would return to, and
 * models in an evaluation that has answers but no verdict yet (running, or
 * interrupted and resumable).
 */
export async function protectedModels(sql: Sql): Promise<Map<string, string>> {
  const reasons = new Map<string, string>()
  const protect = (name: string | null | undefined, reason: string) => {
    if (name && !reasons.has(name)) reasons.set(name, reason)
  }
  const serving = await readServingConfig(sql)
  protect(serving.model, 'promoted: the chat app serves it')
  protect(serving.canary?.model, 'canary: the chat app serves it to a share of conversations')
  protect(serving.vision?.model, 'vision: the chat app serves it to requests with images')
  for (const row of await sql<{name: string}[]>`select name from loopft_models where status = 'promoted'`) protect(row.name, 'promoted in the registry')
  protect(await previouslyServedModel(sql), 'rollback target: the previously promoted model')
  protect(await previouslyServedModel(sql, 'vision'), 'rollback target of the vision slot')
  const evaluating = await sql<{model: string}[]>`
    select a.model from loopft_eval_answers a
    group by a.model
    having max(a.created_at) > coalesce((select max(e.created_at) from loopft_evaluations e where e.candidate = a.model or e.baseline = a.model), '-infinity')`
  for (const row of evaluating) protect(row.model, 'in an evaluation without a verdict yet')
  for (const row of await sql<{model: string}[]>`select candidate as model from loopft_cycles where status = 'running' and candidate is not null`) {
    protect(row.model, 'the candidate of a running cycle')
  }
  return reasons
}
