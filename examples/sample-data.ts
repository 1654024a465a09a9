/**
 * Deterministic generator of realistic chat traffic for a music-industry
 * assistant, with personal data in it: the quick start's sample
 * (examples/conversations.jsonl) and the export benchmark both use it.
 */
import {mulberry32} from '../src/lib/evaluation/metrics/bootstrap.js'

export interface SampleMessage {
  conversation_id: string
  user_id: string
  role: 'system' | 'user' | 'assistant' | 'tool'
  content: string | null
  content_parts?: unknown[]
  created_at: string
}

/** Seedable and fast: the same generator the evaluation bootstrap uses. */
export const createRng = mulberry32

const pick = <T>(rng: () => number, items: readonly T[]): T => items[Math.floor(rng() * items.length)]

const ARTISTS = ['Nova Reyes', 'The Paper Kites Club', 'DJ Mirela', 'Kofi Mensah', 'Lena Bergström', 'Saint Atlas', 'Marisol Vega', 'Echo Harbour', 'Yuki Tanaka', 'Big Tomasz']
const FIRST = ['anna', 'marco', 'li.wei', 'sophie', 'jamal', 'tom', 'priya', 'lucas', 'emma', 'kenji', 'fatima', 'oliver']
const DOMAINS = ['gmail.com', 'outlook.com', 'wavelabel.io', 'indie-mgmt.co.uk', 'proton.me', 'bookings.fm', 'web.de']
const PHONES = ['+1 (415) 555-0142', '+44 20 7946 0958', '+49 30 901820', '06 12 34 56 78', '+91 98765 43210', '(212) 555-0199', '+61 2 9374 4000', '+31 20 123 4567', '+34 612 34 56 78']
const LINKS = ['linktr.ee/novareyes', 'https://open.spotify.com/artist/4Z8W4fKeB5YxbusRsdQVPb', 'www.saintatlasmusic.com/tour', 'soundcloud.com/djmirela/sets/summer-25', 'https://bandcamp.com/echoharbour?from=chat']
const HANDLES = ['@novareyes', '@djmirela_official', '@kofi.mensah', '@echoharbour', '@lena@mastodon.social', '@marisolvega_music']
const IBANS = ['DE89 3704 0044 0532 0130 00', 'GB82WEST12345698765432', 'NL91ABNA0417164300']
const CARDS = ['4111 1111 1111 1111', '5500-0000-0000-0004']
const TOPICS = [
  {
    ask: (a: string) => `We're planning the release of ${a}'s next single for March. Should we pitch to editorial playlists 4 weeks ahead or 6?`,
    answer: () => 'Pitch at least 7 days before release through your distributor, but aim for 4 weeks: editors plan Friday playlists early. Line up pre-saves, a lyric video and two TikTok teasers in the last 10 days.',
  },
  {
    ask: (a: string) => `What BPM and key would suit a summer remix of ${a}'s ballad? The original is 78 BPM in A minor.`,
    answer: () => 'Double-time it to 124–126 BPM for a house edit, or keep 100 BPM for a reggaeton feel. A minor works well; consider C major for a brighter hook. Master to around -9 LUFS integrated for clubs, -14 for streaming.',
  },
  {
    ask: (a: string) => `How are mechanical royalties split if ${a} co-wrote the track with two producers, 50/25/25?`,
    answer: () => 'Mechanicals follow the publishing split: 50% to the lead writer, 25% to each producer, paid via their publishers or a collection society. Register the work with ISWC and each recording with its ISRC so nothing goes unclaimed.',
  },
  {
    ask: (a: string) => `${a} jumped from #47 to #12 on the indie chart this week. How do we keep the momentum?`,
    answer: () => 'Move fast: announce a live session, release an acoustic version within 2 weeks, and push the chart news to blogs. Keep ad spend steady at about $50/day on the best-performing territory.',
  },
  {
    ask: (a: string) => `Can you draft a short tour routing for ${a}: 8 dates in Germany and the Netherlands in May, 300-cap rooms?`,
    answer: () => 'Start in Amsterdam (May 2), Utrecht (May 3), then Cologne (May 5), Hamburg (May 7), Berlin (May 8–9), Leipzig (May 11), Munich (May 13). Keep drives under 5 hours and budget €1,200 per show for backline and crew.',
  },
  {
    ask: (a: string) => `Version 2.3.1 of our label app shows the wrong streams count for ${a}. Is 1.2M per month realistic for 40k followers?`,
    answer: () => 'Yes, 1.2M monthly streams with 40k followers is plausible if one track sits on big playlists: a 30:1 ratio is common. Check the sync at 09:30 UTC and compare with your distributor dashboard.',
  },
]

function email(rng: () => number): string {
  return `${pick(rng, FIRST)}${rng() < 0.3 ? `+${pick(rng, ['demos', 'booking', 'press'])}` : ''}@${pick(rng, DOMAINS)}`
}

const CONTACTS = [
  (rng: () => number) => `You can reach our manager at ${email(rng)} or call ${pick(rng, PHONES)}.`,
  (rng: () => number) => `Here's the link: ${pick(rng, LINKS)} — and follow ${pick(rng, HANDLES)} for updates.`,
  (rng: () => number) => `Send the invoice to ${email(rng)}, IBAN ${pick(rng, IBANS)}.`,
  (rng: () => number) => `The booker is ${pick(rng, HANDLES)} on Instagram, phone ${pick(rng, PHONES)}.`,
  (rng: () => number) => `I paid the mastering deposit with my card ${pick(rng, CARDS)}, is that safe?`,
]

/** One conversation: alternating turns, some with personal data, a few odd rows like real traffic. */
export function generateConversation(rng: () => number, index: number, start: Date): SampleMessage[] {
  const conversationId = `conv-${String(index).padStart(6, '0')}`
  const userId = `user-${String(Math.floor(rng() * Math.max(10, index / 3))).padStart(5, '0')}`
  const artist = pick(rng, ARTISTS)
  const turns = 1 + Math.floor(rng() * 5)
  const messages: SampleMessage[] = []
  let at = start.getTime()
  const push = (role: SampleMessage['role'], content: string | null, parts?: unknown[]) => {
    at += 5_000 + Math.floor(rng() * 60_000)
    messages.push({conversation_id: conversationId, user_id: userId, role, content, ...(parts === undefined ? {} : {content_parts: parts}), created_at: new Date(at).toISOString()})
  }
  for (let turn = 0; turn < turns; turn += 1) {
    const topic = pick(rng, TOPICS)
    const contact = rng() < 0.45 ? ` ${pick(rng, CONTACTS)(rng)}` : ''
    if (rng() < 0.03) push('user', null, [{type: 'image_url', image_url: {url: 'https://cdn.example.com/cover-art.png'}}])
    push('user', `${topic.ask(artist)}${contact}`)
    if (rng() < 0.08) push('user', 'Also, what about the artwork deadline?')
    if (rng() < 0.02) push('tool', '{"chart_position": 12}')
    push('assistant', topic.answer())
  }
  if (rng() < 0.1) push('user', 'Thanks! I will get back to you.')
  return messages
}
