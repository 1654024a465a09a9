#!/usr/bin/env -S node --max-semi-space-size=8 --v8-pool-size=1 --single-threaded --initial-old-space-size=32
// chalk and oclif ignore NO_COLOR; map it before either loads.
if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') process.env.FORCE_COLOR = '0'

const {main} = await import('../dist/cli/main.js')
await main(process.argv.slice(2), import.meta.url)
