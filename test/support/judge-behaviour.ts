import type {ChatBehaviour, ChatMessage, ResponseFormat} from './openai-standin/index.js'
import {isNormalisedMatch} from '../../src/lib/evaluation/metrics/accuracy.js'

/** The parts of a judge prompt (see src/lib/evaluation/judge.ts judgeMessages), read back by stand-in judges. */
export function readJudgePrompt(messages: ChatMessage[]): {reference: string; answerA: string; answerB: string} {
  const text = String(messages.at(-1)?.content ?? '')
  const between = (start: string, end: string) => text.slice(text.indexOf(start) + start.length, text.indexOf(end)).trim()
  return {reference: between('[Reference answer]', '[Answer A]'), answerA: between('[Answer A]', '[End of answer A]'), answerB: between('[Answer B]', '[End of answer B]')}
}

/** A judge's reply in the form it was asked for: the schema's JSON object, or reasoning and a verdict line. */
function reply(responseFormat: ResponseFormat, reasoning: string, verdict: 'A' | 'B' | 'TIE'): string {
  return responseFormat.type === 'json_schema' ? JSON.stringify({reasoning, verdict}) : `${reasoning}\nVERDICT: ${verdict}`
}

/** A fair judge: prefers the answer that contains the reference answer; TIE when both or neither do. */
export const fairJudge: ChatBehaviour = (messages, {responseFormat}) => {
  const {reference, answerA, answerB} = readJudgePrompt(messages)
  const [a, b] = [isNormalisedMatch(answerA, reference), isNormalisedMatch(answerB, reference)]
  return reply(responseFormat, `A is ${a ? 'right' : 'wrong'}, B is ${b ? 'right' : 'wrong'}.`, a === b ? 'TIE' : a ? 'A' : 'B')
}

/** A judge that always prefers the same position, whatever the answers say. */
export const positionBiasedJudge = (position: 'A' | 'B'): ChatBehaviour => (_messages, {responseFormat}) =>
  reply(responseFormat, `The ${position === 'A' ? 'first' : 'second'} one.`, position)

/**
 * A judge that ignores the reply format (as a model without structured outputs
 * may): prose that names a winner in words but gives no readable verdict.
 */
export const garbageJudge: ChatBehaviour = (messages) => {
  const {answerA} = readJudgePrompt(messages)
  return `Answer A ("${answerA.slice(0, 20)}…") seems somewhat better overall, although both have merit.\n**Final verdict:** probably A`
}

/** The fair judge, except on items whose reference answer `isGarbled` picks, where it answers garbage. */
export const partlyGarbledJudge = (isGarbled: (reference: string) => boolean): ChatBehaviour => (messages, request) =>
  isGarbled(readJudgePrompt(messages).reference) ? garbageJudge(messages, request) : fairJudge(messages, request)
