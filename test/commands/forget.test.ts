import assert from 'node:assert/strict'
import {tombstoneHash} from '../../src/lib/ingest/tombstones.js'
import {useTestDatabase} from '../support/db.js'
import {runLoopft as loopft} from '../support/run-cli.js'

describe('loopft forget', () => {
  const database = useTestDatabase()

  before(async () => {
    await database.sql`insert into conversation_messages (conversation_id, user_id, role, content) values ('c1', 'user-77', 'user', 'hello'), ('c1', null, 'assistant', 'hi'), ('c2', 'user-78', 'user', 'hey')`
  })

  it('--dry-run --json prints the receipt and deletes nothing', async () => {
    const {status, json} = await loopft(['forget', '--user', 'user-77', '--dry-run', '--json'], {DATABASE_URL: database.url})
    assert.deepEqual([status, json.dryRun, json.messagesDeleted, json.userHash], [0, true, 2, tombstoneHash('user-77')])
    assert.equal((await database.sql`select 1 from conversation_messages`).length, 3)
  })

  it('--yes --json erases the user, records the tombstone and never prints the raw id', async () => {
    const {status, json, stdout} = await loopft(['forget', '--user', 'user-77', '--yes', '--json'], {DATABASE_URL: database.url})
    assert.deepEqual([status, json.dryRun, json.messagesDeleted, json.failures, stdout.includes('user-77')], [0, false, 2, [], false])
    const rows = await database.sql<{user_hash: string}[]>`select user_hash from loopft_tombstones`
    assert.deepEqual(rows.map((row) => row.user_hash), [tombstoneHash('user-77')])
  })

  it('needs --yes off a TTY and --user always (usage errors, exit 2)', async () => {
    const noYes = await loopft(['forget', '--user', 'user-78', '--json'], {DATABASE_URL: database.url})
    const noUser = await loopft(['forget', '--json'], {DATABASE_URL: database.url})
    assert.deepEqual([noYes.status, noYes.json.error.code, noUser.status, noUser.json.error.code], [2, 'USAGE', 2, 'USAGE'])
  })
})
