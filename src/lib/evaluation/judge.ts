import type {GoldItem, GoldMessage} from './gold-set.js'

/**
 * Pairwise LLM judging. The judge sees the conversation, the reference answer
 * and two answers labelled A and B, and must end its reply with a strict verdict
 * line. Every pair is asked twice, candidate first and then baseline first, and
 * the two verdicts are averaged, so a judge that simply prefers a position gives
 * a tie instead of a win.
 */

export type Verdict = 'A' | 'B' | 'TIE'

/** Asks the judge model; evaluate passes a cached, rate-limited SDK call. */
export type AskJudge = (messages: GoldMessage[]) => Promise<string>

export interface PairJudgement {
  /** Verdict with the candidate as A, then with the candidate as B; null when unparseable. */
  verdicts: [Verdict | null, Verdict | null]
  /** The candidate's score for this item: 1 won both orders, 0.5 a tie (or split), 0 lost both. */
  score: number
}

export const JUDGE_RUBRIC = `You judge two answers given by a music-industry assistant (for independent artists, managers and small labels) to the same conversation.
Judge by these criteria, in this order:
1. Correctness: agrees with the reference answer and with established industry facts (numbers, dates, codes, rates, deadlines). A confident wrong fact is worse than an honest "it depends".
2. Completeness: answers the question actually asked, every part of it.
3. Usefulness: specific, actionable guidance for the person asking.
4. Clarity and concision: no padding, no repetition.
Ignore which answer comes first, and do not prefer an answer for being longer. If both are equally good or equally bad, the verdict is TIE.
Reply with one or two sentences of reasoning, then a last line that is exactly one of:
VERDICT: A
VERDICT: B
VERDICT: TIE`

/** The judge's messages for one ordering of the pair. */
export function judgeMessages(item: Pick<GoldItem, 'messages' | 'ideal'>, answerA: string, answerB: string): GoldMessage[] {
  const conversation = item.messages.map((message) => `${message.role}: ${message.content}`).join('\n')
  const content = [
    '[Conversation]', conversation,
    '[Reference answer]', item.ideal,
    '[Answer A]', answerA, '[End of answer A]',
    '[Answer B]', answerB, '[End of answer B]',
  ].join('\n')
  return [{role: 'system', content: JUDGE_RUBRIC}, {role: 'user', content}]
}

/** The verdict on the reply's last non-empty line, exactly `VERDICT: A|B|TIE`; anything else is null. */
export function parseVerdict(reply: string): Verdict | null {
  const last = reply.trim().split('\n').at(-1)?.trim() ?? ''
  const match = /^VERDICT: (A|B|TIE)$/.exec(last)
  return match === null ? null : (match[1] as Verdict)
}

/** Averages the two orders: the candidate is A in the first verdict and B in the second. */
export function combineVerdicts(candidateFirst: Verdict | null, baselineFirst: Verdict | null): number {
  const candidateAsA = candidateFirst === 'A' ? 1 : candidateFirst === 'B' ? 0 : 0.5
  const candidateAsB = baselineFirst === 'B' ? 1 : baselineFirst === 'A' ? 0 : 0.5
  return (candidateAsA + candidateAsB) / 2
}

/** Identical answers are a tie without asking (it would cost two calls to learn nothing). */
export async function judgePair(ask: AskJudge, item: Pick<GoldItem, 'messages' | 'ideal'>, candidateAnswer: string, baselineAnswer: string): Promise<PairJudgement> {
  if (candidateAnswer === baselineAnswer) return {verdicts: ['TIE', 'TIE'], score: 0.5}
  const [first, second] = await Promise.all([
    ask(judgeMessages(item, candidateAnswer, baselineAnswer)),
    ask(judgeMessages(item, baselineAnswer, candidateAnswer)),
  ])
  const verdicts: PairJudgement['verdicts'] = [parseVerdict(first), parseVerdict(second)]
  return {verdicts, score: combineVerdicts(...verdicts)}
}
