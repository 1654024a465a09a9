import type {ChatBehaviour, ChatMessage} from './openai-standin/index.js'
import {isNormalisedMatch} from '../../src/lib/evaluation/metrics/accuracy.js'

/** The parts of a judge prompt (see src/lib/evaluation/judge.ts judgeMessages), read back by stand-in judges. */
export function readJudgePrompt(messages: ChatMessage[]): {reference: string; answerA: string; answerB: string} {
  const text = String(messages.at(-1)?.content ?? '')
  const between = (start: string, end: string) => text.slice(text.indexOf(start) + start.length, text.indexOf(end)).trim()
  return {reference: between('[Reference answer]', '[Answer A]'), answerA: between('[Answer A]', '[End of answer A]'), answerB: between('[Answer B]', '[End of answer B]')}
}

/** A fair judge: prefers the answer that contains the reference answer; TIE when both or neither do. */
export const fairJudge: ChatBehaviour = (messages) => {
  const {reference, answerA, answerB} = readJudgePrompt(messages)
  const [a, b] = [isNormalisedMatch(answerA, reference), isNormalisedMatch(answerB, reference)]
  return `A is ${a ? 'right' : 'wrong'}, B is ${b ? 'right' : 'wrong'}.\nVERDICT: ${a === b ? 'TIE' : a ? 'A' : 'B'}`
}

/** A judge that always prefers the same position, whatever the answers say. */
export const positionBiasedJudge = (position: 'A' | 'B'): ChatBehaviour => () => `The ${position === 'A' ? 'first' : 'second'} one.\nVERDICT: ${position}`
