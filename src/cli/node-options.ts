/**
 * V8 options of the CLI process: bin/run.js's shebang carries them, and
 * schedule puts them on the cron and systemd command lines, which start node
 * directly.
 * - 8 MB semi-spaces keep a long export's main thread small (it mostly moves
 *   bytes between Postgres, the worker thread and the files) without the
 *   scavenges smaller ones cost.
 * - No V8 background work (--single-threaded; one idle platform thread):
 *   export already keeps every core busy with its own threads, and V8's
 *   helpers (optimising compiles, concurrent marking) only compete with them.
 * - A 32 MB initial old generation: the main thread's few long-lived objects
 *   (results in flight, the sink's batch) otherwise trigger frequent full GCs.
 * The measurements behind each: docs/performance.md.
 */
export const CLI_NODE_OPTIONS = ['--max-semi-space-size=8', '--v8-pool-size=1', '--single-threaded', '--initial-old-space-size=32']
