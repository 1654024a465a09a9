// npm run bench:redact — for loopft's redactor and two published peers: throughput (MB/s, one core) on
// ≥ 50 MB of generated chat text and on a multilingual text; recall per type, language group and
// format variant, clean lines changed and context damage on the independent labelled set and on the
// multilingual text; recall and clean lines changed on the original labelled set.
import {Redactor as RedactPiiNode} from '@redactpii/node'
import {SyncRedactor} from 'redact-pii'
import {pathToFileURL} from 'node:url'
import {mulberry32} from '../src/lib/evaluation/metrics/bootstrap.js'
import {createRedactor, PII_TYPES, type PiiType} from '../src/lib/redact/index.js'
import {loadIndependentClean, loadIndependentPositives, loadMultilingual, rate, scoreBreakdown, type Breakdown} from '../test/lib/redact/independent-set.js'
import {loadCleanLines, loadPositives, scoreRedactFunction} from '../test/lib/redact/labelled-set.js'

export interface EngineFigures {
  name: string
  /** Median MB/s of CPU time over the timed samples, on the generated chat text and on the multilingual text. */
  mbPerSecond: number
  multilingualMbPerSecond: number
  /** Recall per type on the original labelled set (test/fixtures/redact/positives.jsonl). */
  recall: Partial<Record<PiiType, number>>
  falsePositiveRate: number
  /** The independent labelled set (test/fixtures/redact/independent). */
  independent: Breakdown
  /** The labelled values inside the multilingual text. */
  multilingual: Breakdown
}

/** loopft's throughput over the faster peer's: the median of the rounds' ratios (each timed back to back), and their range. */
export interface Speedup {
  median: number
  min: number
  max: number
}

export interface RedactBenchmark {
  megabytes: number
  messages: number
  multilingualMegabytes: number
  multilingualLines: number
  /** Timed rounds per text; in each round loopft and each peer take one sample each, back to back. */
  rounds: {chat: number; multilingual: number}
  engines: EngineFigures[]
  speedup: Speedup
  multilingualSpeedup: Speedup
}

export interface RedactBenchmarkOptions {
  /** Megabytes of generated chat text (default 50), the same text for every engine. */
  megabytes?: number
  seed?: number
  /** Timed rounds on the chat text (default 3: redact-pii takes ~20 s a pass) and on the multilingual text (default 30). */
  chatRounds?: number
  multilingualRounds?: number
}

type Redact = (text: string) => string

/** Runs the benchmark: throughput as the median of interleaved rounds, then recall and precision. */
export function runRedactBenchmark(options: RedactBenchmarkOptions = {}): RedactBenchmark {
  const {megabytes = 50, seed = 20261125, chatRounds = 3, multilingualRounds = 30} = options
  const messages = generateChat(megabytes * 1_000_000, seed)
  const multilingualLines = loadMultilingual()
  const independentPositives = loadIndependentPositives()
  const independentClean = loadIndependentClean()
  const multilingualTexts = multilingualLines.map((l) => l.text)
  const ours = createRedactor()
  const redactPii = new SyncRedactor()
  const redactPiiNode = new RedactPiiNode()
  const engines: [string, Redact][] = [
    ['loopft', (text) => ours.redact(text).text],
    ['redact-pii', (text) => redactPii.redact(text)],
    ['@redactpii/node', (text) => redactPiiNode.redact(text)],
  ]
  const chat = timeRounds(engines.map(([, redact]) => redact), messages, chatRounds)
  const multilingual = timeRounds(engines.map(([, redact]) => redact), multilingualTexts, multilingualRounds)
  const positives = loadPositives()
  const clean = loadCleanLines()
  const multilingualPositives = multilingualLines.filter((l) => l.entities.length > 0)
  const multilingualClean = multilingualLines.filter((l) => l.entities.length === 0)
  const figures = engines.map(([name, redact], e) => {
    const score = scoreRedactFunction(redact, positives, clean)
    const recall: Partial<Record<PiiType, number>> = {}
    for (const type of PII_TYPES) recall[type] = score.recall[type]?.recall ?? 0
    // verify is loopft's own second pass: the share of its misses it catches is only measured for loopft.
    const verify = name === 'loopft' ? (text: string) => ours.verify(text) : undefined
    return {
      name,
      mbPerSecond: median(chat.mbPerSecond[e]),
      multilingualMbPerSecond: median(multilingual.mbPerSecond[e]),
      recall,
      falsePositiveRate: score.falsePositiveRate,
      independent: scoreBreakdown(redact, independentPositives, independentClean, verify),
      multilingual: scoreBreakdown(redact, multilingualPositives, multilingualClean, verify),
    }
  })
  return {
    megabytes: chat.megabytes,
    messages: messages.length,
    multilingualMegabytes: multilingual.megabytes,
    multilingualLines: multilingualTexts.length,
    rounds: {chat: chatRounds, multilingual: multilingualRounds},
    engines: figures,
    speedup: speedupOverFasterPeer(chat),
    multilingualSpeedup: speedupOverFasterPeer(multilingual),
  }
}

// A sample of at least this much CPU time (whole passes): one pass over the multilingual text is ~25 ms.
const MIN_SAMPLE_SECONDS = 0.05
const WARM_UP_LINES = 16_000

interface Timing {
  megabytes: number
  /** Every sample's MB/s, per engine (loopft, the first, has one per peer per round). */
  mbPerSecond: number[][]
  /** Per peer, each round's loopft MB/s over that peer's, timed back to back. */
  ratios: number[][]
}

/**
 * MB/s of CPU time. A warm-up on the first lines first (so the JIT has settled and the sample size can
 * be set), then rounds in which loopft and each peer in turn take one sample each, back to back, the
 * order alternating between rounds: load on the machine that comes and goes falls on both sides of a
 * ratio alike. Samples are whole passes, not turns of a few lines: switching engines every few
 * milliseconds evicts each one's code and data from the CPU caches, which slows loopft far more than
 * the peers and matches no real use of a redactor (docs/performance.md). CPU time of this
 * single-threaded process, so time spent waiting for a core does not count.
 */
function timeRounds(engines: Redact[], texts: string[], rounds: number): Timing {
  const megabytes = texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0) / 1e6
  const warmUp = texts.slice(0, WARM_UP_LINES)
  const passesPerSample = engines.map((redact) => {
    cpuSeconds(redact, warmUp, 1)
    const passSeconds = (cpuSeconds(redact, warmUp, 1) * texts.length) / warmUp.length
    return Math.max(1, Math.ceil(MIN_SAMPLE_SECONDS / passSeconds))
  })
  const sample = (e: number) => (megabytes * passesPerSample[e]) / cpuSeconds(engines[e], texts, passesPerSample[e])
  const mbPerSecond = engines.map(() => [] as number[])
  const ratios = engines.slice(1).map(() => [] as number[])
  for (let round = 0; round < rounds; round++) {
    for (let peer = 1; peer < engines.length; peer++) {
      const [first, second] = round % 2 === 0 ? [0, peer] : [peer, 0]
      const a = sample(first)
      const b = sample(second)
      mbPerSecond[first].push(a)
      mbPerSecond[second].push(b)
      ratios[peer - 1].push(first === 0 ? a / b : b / a)
    }
  }
  return {megabytes, mbPerSecond, ratios}
}

function cpuSeconds(redact: Redact, texts: string[], passes: number): number {
  let sink = 0
  const start = process.cpuUsage()
  for (let pass = 0; pass < passes; pass++) for (const text of texts) sink += redact(text).length
  const used = process.cpuUsage(start)
  if (sink < 0) throw new Error('unreachable')
  return (used.user + used.system) / 1e6
}

// The rounds' ratios against the peer with the higher median throughput.
function speedupOverFasterPeer(timing: Timing): Speedup {
  const peers = timing.mbPerSecond.slice(1).map(median)
  const ratios = timing.ratios[peers.indexOf(Math.max(...peers))]
  return {median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios)}
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

// ---- deterministic chat text: music-industry assistant conversations, ~4% of messages carry PII ----

export function generateChat(targetBytes: number, seed: number): string[] {
  const rnd = mulberry32(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]
  const n = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1))
  const fill: Record<string, () => string> = {
    time: () => `${n(0, 23)}:${pick(['00', '15', '30', '45'])}`,
    date: () => pick([`${n(2023, 2026)}-${String(n(1, 12)).padStart(2, '0')}-${String(n(1, 28)).padStart(2, '0')}`, `${n(1, 28)}.${n(1, 12)}.`, `${n(1, 12)}/${n(1, 28)}`]),
    price: () => pick([`$${n(5, 5000)}`, `€${n(1, 99)},${n(100, 999)}`, `£${n(5, 500)}.${n(10, 99)}`]),
    bpm: () => String(n(70, 175)),
    lufs: () => `-${n(6, 16)}`,
    count: () => pick([String(n(2, 99)), `${n(1, 999)},${n(100, 999)}`, `${n(1, 9)}.${n(1, 9)}M`]),
    version: () => `${n(1, 12)}.${n(0, 9)}.${n(0, 20)}`,
    artist: () => pick(['Nightdrive', 'Lena V', 'The Hollow Pines', 'DJ Kay', 'Marisol', 'Kenji T', 'Ana Luz', 'Blue Static']),
    track: () => pick(['Night Drive', 'Neon Rain', 'Golden Hour', 'Lowlands', 'Static Hearts', 'Paper Moon']),
    pii: () => pick(PII_POOL)(n),
  }
  const messages: string[] = []
  let bytes = 0
  while (bytes < targetBytes) {
    const parts: string[] = []
    const sentences = n(1, 4)
    for (let s = 0; s < sentences; s++) parts.push(pick(SENTENCES).replace(/\{(\w+)\}/g, (_, k: string) => fill[k]()))
    if (rnd() < 0.04) parts.push(pick(PII_SENTENCES).replace('{pii}', fill.pii()))
    const message = parts.join(' ')
    messages.push(message)
    bytes += message.length + 1
  }
  return messages
}

const SENTENCES = [
  'Can you send the final master by {date}?', 'The single is at {bpm} BPM, mastered to {lufs} LUFS.', 'Session moved to {time} tomorrow.',
  'Budget for the video is {price}, the label covers the rest.', '{artist} wants to hear the new mix of {track} first.',
  'We hit {count} streams on {track} this week!', 'Update the plugin to {version} before the session.',
  'Release date for {track} is {date}, pre-save goes live at {time}.', 'Radio edit needs to be under 3:30, currently 3:{bpm}.',
  'Chords are Am F C G, then Dm7 G7 in the bridge.', 'The vocals need more air around 10 kHz, maybe +2 dB.',
  'Merch sold {count} units in Berlin, shirts are {price} each.', 'It charted at #{bpm} in Germany and #{bpm} in the UK.',
  'Let me check with {artist} and get back to you.', 'Thanks! That sounds great 🙌', 'Doors at {time}, set from {time}.',
  'How many playlists picked up {track} so far?', 'The remix package has 3 versions: club, radio and instrumental.',
  'Export stems as 24-bit WAV, files named like {track}_v2.wav.', 'Split is 50/50 on {track}, publishing 60/40.',
  'The tour has {bpm} dates over {bpm} days.', 'Can we push the release by a week? The vinyl is late.',
  'Spotify editorial said no, but we got Fresh Finds.', 'Please draft a press release for {track} by {artist}.',
  'What is a good pitch for {track}? It is dreamy synth-pop at {bpm} BPM.', 'Tickets are {price}, capacity {count}.',
  'Write three caption ideas for the {track} teaser.', 'Summarise the feedback from the A&R call at {time}.',
  'Which DSPs need the UPC before {date}?', 'Node.js script crashed again, see index.ts line {bpm}.',
  'Our ISRC for {track} is GB-ABC-{bpm}-00{bpm}.', 'Order #{count}{bpm}{bpm} shipped on {date}.',
  'こんにちは、新曲は金曜日に出ます。', 'Новый сингл выйдет {date}.', '¿Podemos mover la sesión a las {time}?',
]
const PII_SENTENCES = ['You can reach me at {pii}.', 'Contact: {pii}', 'send it to {pii} please', 'my details: {pii}', 'here: {pii} (thanks!)']
const PII_POOL: ((n: (lo: number, hi: number) => number) => string)[] = [
  (n) => `${pick2(['jane', 'mgmt', 'booking', 'lena.v', 'kay+demo'], n)}@${pick2(['gmail.com', 'label.co.uk', 'studio.io', 'web.de'], n)}`,
  (n) => `+44 7700 ${n(900000, 900999)}`, (n) => `(415) 555-${String(n(100, 199)).padStart(4, '0')}`, (n) => `06 ${n(10, 99)} ${n(10, 99)} ${n(10, 99)} ${n(10, 99)}`,
  (n) => `https://open.spotify.com/artist/${n(100000, 999999)}abc`, (n) => `linktr.ee/artist${n(1, 999)}`,
  (n) => `@${pick2(['janedoe', 'dj_kay', 'lena.music', 'hollowpines'], n)}`, (n) => `192.168.${n(0, 255)}.${n(1, 254)}`,
  () => '4111 1111 1111 1111', () => 'DE89 3704 0044 0532 0130 00', (n) => `${n(100, 599)}-${n(10, 99)}-${n(1000, 9999)}`,
]

function pick2<T>(xs: readonly T[], n: (lo: number, hi: number) => number): T {
  return xs[n(0, xs.length - 1)]
}


function printTable(result: RedactBenchmark): void {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7)
  const names = result.engines.map((e) => e.name)
  const row = (label: string, cells: string[]) => console.log([label.padEnd(22), ...cells.map((c) => c.padStart(16))].join(' '))
  const times = (s: Speedup) => `${s.median.toFixed(2)}x (rounds ${s.min.toFixed(2)}-${s.max.toFixed(2)}x)`
  console.log(`redact benchmark, one core (median MB/s of CPU time over interleaved rounds): chat text ${result.megabytes.toFixed(1)} MB (${result.messages.toLocaleString('en')} messages, ${result.rounds.chat} rounds); multilingual text ${result.multilingualMegabytes.toFixed(1)} MB (${result.multilingualLines.toLocaleString('en')} lines, ${result.rounds.multilingual} rounds)`)
  row('', names)
  row('MB/s chat text', result.engines.map((e) => e.mbPerSecond.toFixed(1)))
  row('MB/s multilingual', result.engines.map((e) => e.multilingualMbPerSecond.toFixed(1)))
  console.log(`loopft / faster peer: ${times(result.speedup)} on the chat text, ${times(result.multilingualSpeedup)} on the multilingual text`)
  console.log('\noriginal labelled set (recall per type, clean lines changed)')
  for (const type of PII_TYPES) row(type, result.engines.map((e) => pct(e.recall[type] ?? 0)))
  row('clean changed', result.engines.map((e) => pct(e.falsePositiveRate)))
  for (const [title, pick] of [['independent labelled set', (e: EngineFigures) => e.independent], ['multilingual text', (e: EngineFigures) => e.multilingual]] as const) {
    const sets = result.engines.map(pick)
    console.log(`\n${title} (${sets[0].recall.total} values, ${sets[0].clean.total} clean lines)`)
    row('recall overall', sets.map((b) => pct(rate(b.recall))))
    for (const type of PII_TYPES) row(`  ${type}`, sets.map((b) => pct(rate(b.byType.get(type)))))
    row('  glued (no space)', sets.map((b) => pct(rate(b.glued))))
    for (const group of [...sets[0].byGroup.keys()].sort()) row(`  group ${group}`, sets.map((b) => pct(rate(b.byGroup.get(group)))))
    row('clean lines changed', sets.map((b) => pct(rate(b.clean))))
    for (const group of [...sets[0].cleanByGroup.keys()].sort()) row(`  clean ${group}`, sets.map((b) => pct(rate(b.cleanByGroup.get(group)))))
    row('context damage', sets.map((b) => pct(rate(b.damage))))
    row('verify catches misses', [`${sets[0].verifyCatches.hit}/${sets[0].verifyCatches.total}`, '-', '-'])
  }
  const ours = result.engines[0].independent
  console.log('\nloopft on the independent set, per language and per format variant (recall)')
  console.log([...ours.byLang].sort().map(([lang, t]) => `${lang} ${pct(rate(t)).trim()}`).join(' · '))
  console.log([...ours.byVariant].sort().map(([variant, t]) => `${variant} ${pct(rate(t)).trim()}`).join(' · '))
  console.log([...ours.cleanByKind].sort().map(([kind, t]) => `${kind} ${pct(rate(t)).trim()}`).join(' · '))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const number = (name: string) => (process.env[name] === undefined ? undefined : Number(process.env[name]))
  printTable(runRedactBenchmark({megabytes: number('BENCH_MB'), chatRounds: number('BENCH_CHAT_ROUNDS'), multilingualRounds: number('BENCH_MULTILINGUAL_ROUNDS')}))
}
