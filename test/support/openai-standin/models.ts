import {BASE_MODELS, findBaseModel} from './catalog.js'
import {ApiError, modelNotFound} from './errors.js'
import {route, type Route} from './router.js'
import type {Store} from './state.js'

const baseModelObject = (id: string, created: number) => ({id, object: 'model', created, owned_by: 'system'})

/** The model object for any model the account can call, or a 404 model_not_found. */
export function findModel(store: Store, id: string) {
  const base = findBaseModel(id)
  if (base) return baseModelObject(base.id, base.created)
  const fineTuned = store.models.get(id)
  if (!fineTuned) throw modelNotFound(id)
  return fineTuned
}

export function modelRoutes(store: Store): Route[] {
  return [
    route('GET', '/models', () => ({
      body: {
        object: 'list',
        data: [...BASE_MODELS.map((model) => baseModelObject(model.id, model.created)), ...store.models.values()],
      },
    })),
    route('GET', '/models/:model', ({params}) => ({body: findModel(store, params.model)})),
    route('DELETE', '/models/:model', ({params}) => {
      if (findBaseModel(params.model)) {
        throw new ApiError(403, 'You have insufficient permissions for this operation.', 'invalid_request_error')
      }
      if (!store.models.delete(params.model)) throw modelNotFound(params.model)
      return {body: {id: params.model, object: 'model', deleted: true}}
    }),
  ]
}
