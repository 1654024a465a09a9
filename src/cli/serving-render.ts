import {renderFields, renderTable, renderTime} from './render.js'
import type {Terminal} from './terminal.js'
import type {HistoryEntry, ServingChange, ServingPlan} from '../lib/serving/promote.js'

/** The confirmation question for a planned change. */
export function describePlan(plan: ServingPlan): string {
  if (plan.slot === 'vision') return `${plan.action === 'promote' ? 'Serve' : 'Roll back to'} ${plan.to} for every request with images (now: ${plan.from})?`
  switch (plan.action) {
    case 'promote': return `Serve ${plan.to} to every conversation (now: ${plan.from})?`
    case 'canary': return `Serve ${plan.to} to ${plan.canaryPercent}% of conversations (the rest stay on ${plan.from})?`
    case 'rollback': return `Roll back to ${plan.to} (now: ${plan.from})?`
    case 'abort-canary': return `Drop the canary ${plan.from} (${plan.to} serves everyone)?`
  }
}

export function renderChange(terminal: Terminal, change: ServingChange): string {
  const isServing = change.outcome === 'changed' || change.outcome === 'unchanged'
  return renderFields(terminal, [
    ['result', change.message],
    ...(isServing ? [['serving', change.action === 'canary' ? `${change.from} + ${change.to} (${change.canaryPercent}%)` : change.to] as [string, string]] : []),
    ['config version', change.configVersion],
    ...(change.forced === null ? [] : [['forced over', change.forced] as [string, string]]),
  ])
}

export function renderHistory(terminal: Terminal, entries: HistoryEntry[], options: {wide: boolean}): string {
  return renderTable(terminal, ['when', 'action', 'from', 'to', 'canary', 'by', 'reason', 'version', 'slot'], entries.map((entry) => [
    renderTime(terminal, entry.at),
    entry.action,
    entry.from ?? (entry.slot === 'vision' ? '(default vision model)' : '(base text model)'),
    entry.to,
    entry.canaryPercent === null ? '' : `${entry.canaryPercent}%`,
    entry.actor,
    entry.reason,
    entry.configVersion,
    entry.slot,
  ]), {empty: 'no promotions yet', wide: options.wide})
}
