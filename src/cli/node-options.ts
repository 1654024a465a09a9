/**
 * V8 options of the CLI process: bin/run.js's shebang carries them, and
 * schedule puts them on the cron and systemd command lines, which start node
 * directly. A 4 MB young generation keeps a long export's main thread small
 * (it only moves bytes between Postgres, the worker threads and the files);
 * V8 would otherwise grow it to 32 MB plus the buffers it keeps alive.
 */
export const CLI_NODE_OPTIONS = ['--max-semi-space-size=4']
