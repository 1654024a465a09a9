import type {Database} from '../db/connection.js'
import {toLoopftError} from '../error-translation.js'
import {isLoopftError} from '../errors.js'
import type {TrainingProvider} from '../training/provider.js'

/** What prune and forget delete at the provider. */
export type ApiCleaner = Pick<TrainingProvider, 'deleteModel' | 'deleteFile'>

/** Deletes one uploaded file on the provider (gone already counts) and records it. */
export async function deleteApiFile(db: Database, api: Pick<ApiCleaner, 'deleteFile'>, fileId: string, reason: 'prune' | 'forget'): Promise<void> {
  await ignoreMissing(() => api.deleteFile(fileId))
  await db.sql`insert into loopft_deleted_files (file_id, reason) values (${fileId}, ${reason}) on conflict (file_id) do nothing`
}

/** Runs a provider deletion; NOT_FOUND means someone deleted it already, which is the goal. */
export async function ignoreMissing(work: () => Promise<void>): Promise<void> {
  try {
    await work()
  } catch (error) {
    if (!isLoopftError(toLoopftError(error), 'NOT_FOUND')) throw error
  }
}
