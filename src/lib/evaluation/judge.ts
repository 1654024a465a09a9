import type {GoldItem, GoldMessage} from './gold-set.js'

/**
 * Pairwise LLM judging. The judge sees the conversation (whose system prompt
 * tells it the assistant's domain and audience), the reference answer and two
 * answers labelled A and B, and answers in a structured form: a JSON object
 * `{"reasoning", "verdict"}`, enforced by a JSON-schema response format where
 * the provider has one, with a last line `VERDICT: A|B|TIE` as the fallback a
 * plain-text judge can give. Every pair is asked twice, candidate first and
 * then baseline first, and the two verdicts are averaged, so a judge that
 * simply prefers a position gives a tie instead of a win.
 */

export type Verdict = 'A' | 'B' | 'TIE'

/** Asks the judge model; evaluate passes a cached, rate-limited SDK call. */
export type AskJudge = (messages: GoldMessage[]) => Promise<string>

export interface PairJudgement {
  /** Verdict with the candidate as A, then with the candidate as B; null when unreadable. */
  verdicts: [Verdict | null, Verdict | null]
  /** How many of the two verdicts the judge was asked for (0 when the answers are identical). */
  asked: number
  /** The candidate's score for this item: 1 won both orders, 0.5 a tie (or split), 0 lost both. */
  score: number
}

/** Criteria for any assistant; a rubric file (LOOPFT_JUDGE_RUBRIC) replaces them. */
export const DEFAULT_JUDGE_CRITERIA = `You judge two answers that an assistant gave to the same conversation. The conversation starts with the assistant's instructions (its system prompt, when there is one): they say whom it serves and how it should answer, so judge each answer as that assistant's answer.
Judge by these criteria, in this order:
1. Correctness: agrees with the reference answer and with established facts. A confident wrong fact is worse than an honest "it depends".
2. Completeness: answers the question actually asked, every part of it.
3. Usefulness: specific, actionable help for the person asking, as the instructions ask for it.
4. Clarity and concision: no padding, no repetition.
Ignore which answer comes first, and do not prefer an answer for being longer. If both are equally good or equally bad, the verdict is TIE.`

/** How the judge must reply; appended to every rubric so a custom rubric cannot break the reading of verdicts. */
export const JUDGE_REPLY_FORMAT = `Reply with a JSON object only: {"reasoning": "<one or two sentences>", "verdict": "A" | "B" | "TIE"}.
If you cannot reply in JSON, reply with one or two sentences of reasoning, then a last line that is exactly one of:
VERDICT: A
VERDICT: B
VERDICT: TIE`

/** The OpenAI `response_format` that makes the reply a `{reasoning, verdict}` object. */
export const JUDGE_RESPONSE_FORMAT = Object.freeze({
  type: 'json_schema',
  json_schema: {
    name: 'pairwise_verdict',
    strict: true,
    schema: {
      type: 'object',
      properties: {
        reasoning: {type: 'string'},
        verdict: {type: 'string', enum: ['A', 'B', 'TIE']},
      },
      required: ['reasoning', 'verdict'],
      additionalProperties: false,
    },
  },
} as const)

/** The judge's system prompt: the criteria (default or from a rubric file), then the reply format. */
export function judgeSystemPrompt(criteria: string = DEFAULT_JUDGE_CRITERIA): string {
  return `${criteria.trim()}\n\n${JUDGE_REPLY_FORMAT}`
}

/** The judge's messages for one ordering of the pair. */
export function judgeMessages(item: Pick<GoldItem, 'messages' | 'ideal'>, answerA: string, answerB: string, systemPrompt: string = judgeSystemPrompt()): GoldMessage[] {
  const conversation = item.messages.map((message) => `${message.role}: ${message.content}`).join('\n')
  const content = [
    '[Conversation]', conversation,
    '[Reference answer]', item.ideal,
    '[Answer A]', answerA, '[End of answer A]',
    '[Answer B]', answerB, '[End of answer B]',
  ].join('\n')
  return [{role: 'system', content: systemPrompt}, {role: 'user', content}]
}

const VERDICTS: ReadonlySet<string> = new Set(['A', 'B', 'TIE'])

/**
 * The verdict of a reply: a JSON object's `verdict` (the whole reply, or one
 * fenced in ```json), else a last non-empty line that is exactly
 * `VERDICT: A|B|TIE`; anything else is null.
 */
export function parseVerdict(reply: string): Verdict | null {
  const trimmed = reply.trim()
  const json = /^```(?:json)?\s*([\s\S]*?)\s*```$/.exec(trimmed)?.[1] ?? trimmed
  if (json.startsWith('{')) {
    try {
      const verdict: unknown = (JSON.parse(json) as {verdict?: unknown}).verdict
      return typeof verdict === 'string' && VERDICTS.has(verdict) ? (verdict as Verdict) : null
    } catch {
      return null
    }
  }
  const last = trimmed.split('\n').at(-1)?.trim() ?? ''
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
export async function judgePair(ask: AskJudge, item: Pick<GoldItem, 'messages' | 'ideal'>, candidateAnswer: string, baselineAnswer: string, systemPrompt: string = judgeSystemPrompt()): Promise<PairJudgement> {
  if (candidateAnswer === baselineAnswer) return {verdicts: ['TIE', 'TIE'], asked: 0, score: 0.5}
  const [first, second] = await Promise.all([
    ask(judgeMessages(item, candidateAnswer, baselineAnswer, systemPrompt)),
    ask(judgeMessages(item, baselineAnswer, candidateAnswer, systemPrompt)),
  ])
  const verdicts: PairJudgement['verdicts'] = [parseVerdict(first), parseVerdict(second)]
  return {verdicts, asked: 2, score: combineVerdicts(...verdicts)}
}
