import type {Sql, TransactionSql} from 'postgres'
import {sanitizeText} from './text.js'
import type {ConversationMessage, TrainingRole} from './examples.js'

export interface SourceRow {
  conversation_id: string
  user_id: string | null
  role: string
  content: string | null
  has_image: boolean
  parts_text: string | null
}

export interface SourceConversation {
  conversationId: string
  userIds: Set<string>
  rows: SourceRow[]
}

const FETCH_SIZE = 5000
const TRAINING_ROLES = new Set<string>(['system', 'user', 'assistant'])
const KNOWN_ROLES = new Set<string>([...TRAINING_ROLES, 'tool'])

/**
 * Streams the window's messages through a server-side cursor, ordered by
 * conversation and time, and yields one conversation at a time: memory holds
 * one fetch and one conversation, whatever the number of rows.
 * Image parts are flagged in SQL so their (possibly large) payloads never travel.
 */
export async function* streamConversations(tx: TransactionSql | Sql, window: {start: Date; end: Date}): AsyncGenerator<SourceConversation> {
  // The planner would otherwise optimise a cursor for its first 10% of rows; export reads them all.
  await tx`set local cursor_tuple_fraction = 1`
  await tx`
    declare loopft_export_cursor no scroll cursor for
    select conversation_id, user_id, role, content,
      coalesce(jsonb_path_exists(content_parts, '$[*] ? (@.type == "image_url" || @.type == "input_image" || @.type == "image")'), false) as has_image,
      case when content is null and jsonb_typeof(content_parts) = 'array'
        then (select string_agg(part->>'text', E'\n') from jsonb_array_elements(content_parts) part where part->>'type' in ('text', 'input_text'))
      end as parts_text
    from conversation_messages
    where created_at >= ${window.start} and created_at < ${window.end}
    order by conversation_id, created_at, id`
  let current: SourceConversation | undefined
  const fetchNext = () => tx<SourceRow[]>`fetch ${tx.unsafe(String(FETCH_SIZE))} from loopft_export_cursor`.execute()
  // The next fetch runs on the server while this one is being processed.
  let pending = fetchNext()
  for (;;) {
    const rows = await pending
    if (rows.length === FETCH_SIZE) pending = fetchNext()
    for (const row of rows) {
      if (current !== undefined && current.conversationId !== row.conversation_id) {
        yield current
        current = undefined
      }
      current ??= {conversationId: row.conversation_id, userIds: new Set(), rows: []}
      current.rows.push(row)
      if (row.user_id !== null) current.userIds.add(row.user_id)
    }
    if (rows.length < FETCH_SIZE) break
  }
  await tx`close loopft_export_cursor`
  if (current !== undefined) yield current
}

export type MessageVerdict = {ok: true; message: ConversationMessage; sanitized: boolean} | {ok: false; reason: string}

/** Decides whether a stored message can enter training, and cleans its text. */
export function admitMessage(row: SourceRow): MessageVerdict {
  if (!KNOWN_ROLES.has(row.role)) return {ok: false, reason: 'unknown_role'}
  if (row.role === 'tool') return {ok: false, reason: 'tool_message'}
  if (row.has_image) return {ok: false, reason: 'image_message'}
  const raw = row.content ?? row.parts_text
  if (raw === null || raw.trim() === '') return {ok: false, reason: 'empty_content'}
  const clean = sanitizeText(raw)
  if (clean.trim() === '') return {ok: false, reason: 'empty_content'}
  return {ok: true, message: {role: row.role as TrainingRole, content: clean}, sanitized: clean !== raw}
}
