/**
 * V8 options of the CLI process: bin/run.js's shebang carries them, and
 * schedule puts them on the cron and systemd command lines, which start node
 * directly.
 * - A 4 MB young generation keeps a long export's main thread small (it only
 *   moves bytes between Postgres, the worker threads and the files); V8 would
 *   otherwise grow it to 32 MB plus the buffers it keeps alive.
 * - One V8 platform thread: export already keeps every core busy with its own
 *   threads, and V8's default four helper threads only competed with them
 *   (on 2 vCPUs they cost ~0.5 CPU-seconds more per million messages).
 */
export const CLI_NODE_OPTIONS = ['--max-semi-space-size=4', '--v8-pool-size=1']
