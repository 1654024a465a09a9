/**
 * V8 options of the CLI process: bin/run.js's shebang carries them, and
 * schedule puts them on the cron and systemd command lines, which start node
 * directly.
 * - 8 MB semi-spaces keep a long export's main thread small (it mostly moves
 *   bytes between Postgres, the worker thread and the files); V8 would
 *   otherwise grow them to 16 MB plus the buffers they keep alive (~+30 MB
 *   peak RSS). 4 MB cost ~0.25 CPU-seconds per million messages more in
 *   scavenges and ~0.14 s of wall time, for 2 MB less RSS.
 * - No V8 background work (--single-threaded; one idle platform thread):
 *   export already keeps every core busy with its own threads, and V8's
 *   helpers (optimising compiles, concurrent marking) only competed with them.
 *   Four helpers cost ~0.5 CPU-seconds per million messages more than one,
 *   and one ~0.5 more than none (2 vCPUs, alternating runs).
 * - A 32 MB initial old generation: the main thread's few long-lived objects
 *   (results in flight, the sink's batch) otherwise trigger a full GC every
 *   ~7 MB they are promoted (13 per million messages), +~13 MB peak RSS.
 */
export const CLI_NODE_OPTIONS = ['--max-semi-space-size=8', '--v8-pool-size=1', '--single-threaded', '--initial-old-space-size=32']
