import {execFileSync} from 'node:child_process'
import type {Sql} from '../../src/lib/db/connection.js'

/** Mounts a tmpfs of `size` at `dir` (root only); false when this machine does not allow it. */
export function mountTmpfs(dir: string, size: string, options: {readOnly?: boolean} = {}): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755${options.readOnly ? ',ro' : ''}`, 'tmpfs', dir], {stdio: 'pipe'})
    return true
  } catch {
    return false
  }
}

export function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], {stdio: 'pipe'})
  } catch {
    // Not mounted (the test was skipped).
  }
}

/**
 * Enough messages that the export is still reading when the output fails: the
 * sample conversations (imported first) copied `times` times under new ids,
 * each copy's text numbered so export does not de-duplicate it away.
 */
export async function multiplySample(sql: Sql, times: number): Promise<number> {
  const rows = await sql`
    insert into conversation_messages (conversation_id, user_id, role, content, content_parts, created_at, metadata)
    select m.conversation_id || '-copy-' || copy, m.user_id, m.role, m.content || ' (' || copy || ')', m.content_parts, m.created_at, m.metadata
    from conversation_messages m cross join generate_series(1, ${times}) as copy
    where m.conversation_id not like '%-copy-%'`
  return rows.count
}
