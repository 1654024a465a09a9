#!/usr/bin/env -S node --max-semi-space-size=8 --v8-pool-size=1 --single-threaded --initial-old-space-size=32
// chalk and oclif ignore NO_COLOR; map it before either loads.
if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') process.env.FORCE_COLOR = '0'

const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})
