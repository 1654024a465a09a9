/**
 * `loopft/router`: which model serves each chat request, hot-swapped on
 * `loopft promote` / `loopft rollback`. Loads postgres.js and its own small
 * modules only (no CLI, oclif, chalk or zod).
 */
export {createRouter, type Router, type RouterOptions, type RouterTarget, type RouterEvents, type RouterChatParams, type RoutedCompletion, type RouterSql, type ChatClient, type ChatClients} from './lib/runtime/router.js'
export {canaryBucket, isVisionRequest, splitProvider, type ModelSelection, type RoutableRequest, type SelectionRule, type ProviderName} from './lib/runtime/selection.js'
export type {ServingConfig, CanaryConfig, ServedModel} from './lib/runtime/serving-row.js'
