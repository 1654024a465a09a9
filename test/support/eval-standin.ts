import type {ChatBehaviour, Standin} from './openai-standin/index.js'
import type {GoldItem} from '../../src/lib/evaluation/gold-set.js'

export const VAGUE_ANSWER = 'It depends on many factors; ask your distributor.'

/**
 * A model that answers a gold item with its ideal when `isRight(line)` holds and
 * vaguely otherwise: a deterministic candidate of known quality, item by item.
 */
export function goldAnswers(items: readonly GoldItem[], isRight: (line: number) => boolean): ChatBehaviour {
  const byQuestion = new Map(items.map((item) => [item.messages.at(-1)?.content, item]))
  return (messages) => {
    const item = byQuestion.get(String(messages.at(-1)?.content))
    return item !== undefined && isRight(item.line) ? `In short: ${item.ideal}` : VAGUE_ANSWER
  }
}

/** Makes a fine-tuned model exist on the stand-in (as if a job had produced it) and returns its name. */
export function addFineTunedModel(standin: Standin, suffix: string): string {
  const id = `ft:gpt-4o-mini-2024-07-18:${standin.store.org.slug}:${suffix}:${suffix.padEnd(8, 'x').slice(0, 8)}`
  standin.store.models.set(id, {id, object: 'model', created: 1_767_225_600, owned_by: standin.store.org.id})
  return id
}
