/**
 * `loopft/router`: which model serves each chat request, hot-swapped on
 * `loopft promote` / `loopft rollback`. Loads postgres.js and its own small
 * modules only (no CLI, oclif, chalk or zod).
 */
export {createRouter, type Router, type RouterOptions, type RouterTarget, type RouterEvents, type RouterChatParams, type RoutedCompletion, type RouterSql} from './lib/runtime/router.js'
export {canaryBucket, isVisionRequest, type ModelSelection, type RoutableRequest, type SelectionRule} from './lib/runtime/selection.js'
export type {ServingConfig, CanaryConfig} from './lib/runtime/serving-row.js'
