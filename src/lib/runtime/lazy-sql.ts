import type postgres from 'postgres'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySql = postgres.Sql<any>

export interface LazySql {
  get(): Promise<AnySql>
  /** Ends the pool only if this module opened it. */
  end(): Promise<void>
}

/**
 * The caller's postgres.js instance, or one opened on first use. postgres.js
 * is loaded only then, so importing `loopft/router` or `loopft/recorder` costs
 * almost nothing; a URL target pays it during ready() / the first write.
 */
export function lazySql(target: {databaseUrl: string} | {sql: AnySql}, options: {max: number; connect_timeout: number}): LazySql {
  if ('sql' in target) return {get: () => Promise.resolve(target.sql), end: async () => {}}
  let opened: Promise<AnySql> | undefined
  return {
    get: () => (opened ??= import('postgres').then(({default: connect}) => connect(target.databaseUrl, {...options, onnotice: () => {}}))),
    async end() {
      if (opened !== undefined) await (await opened).end({timeout: 1})
    },
  }
}
