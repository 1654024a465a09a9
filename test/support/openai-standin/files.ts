import {invalidRequest, noSuchFile} from './errors.js'
import {parseMultipart} from './multipart.js'
import {paginate} from './pagination.js'
import {route, type RequestContext, type Route} from './router.js'
import type {Store, StoredFile} from './state.js'

const PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals']
const MIN_EXPIRY_SECONDS = 3600
const MAX_EXPIRY_SECONDS = 2_592_000

/** The file object as the API shows it (without the stored bytes). */
export function fileObject({content: _content, ...file}: StoredFile): Omit<StoredFile, 'content'> {
  return file
}

export function addFile(store: Store, filename: string, purpose: string, content: Buffer): StoredFile {
  const file: StoredFile = {
    id: store.newId('file-'),
    object: 'file',
    bytes: content.length,
    created_at: store.now(),
    filename,
    purpose,
    status: 'processed',
    status_details: null,
    content,
  }
  store.files.set(file.id, file)
  return file
}

export function fileRoutes(store: Store): Route[] {
  const find = (id: string): StoredFile => {
    const file = store.files.get(id)
    if (!file) throw noSuchFile(id)
    return file
  }

  return [
    route('POST', '/files', (context) => ({body: fileObject(upload(store, context))})),
    route('GET', '/files', ({query}) => {
      const purpose = query.get('purpose')
      const order = query.get('order') ?? 'desc'
      if (order !== 'asc' && order !== 'desc') throw invalidRequest(`Invalid order: ${order}`, 'order')
      const files = [...store.files.values()].filter((file) => purpose === null || file.purpose === purpose)
      if (order === 'desc') files.reverse()
      return {body: paginate(files.map(fileObject), query, 10_000, true)}
    }),
    route('GET', '/files/:id', ({params}) => ({body: fileObject(find(params.id))})),
    route('GET', '/files/:id/content', ({params}) => ({
      body: find(params.id).content,
      contentType: 'application/octet-stream',
    })),
    route('DELETE', '/files/:id', ({params}) => {
      store.files.delete(find(params.id).id)
      return {body: {id: params.id, object: 'file', deleted: true}}
    }),
  ]
}

function upload(store: Store, context: RequestContext): StoredFile {
  const form = parseMultipart(context.body, context.headers['content-type'])
  const purpose = form.fields.get('purpose')
  if (purpose === undefined) throw invalidRequest("Missing required parameter: 'purpose'.", 'purpose')
  if (!PURPOSES.includes(purpose)) {
    throw invalidRequest(`'${purpose}' is not one of ${PURPOSES.map((p) => `'${p}'`).join(', ')} - 'purpose'`, 'purpose')
  }
  const part = form.files.find((candidate) => candidate.field === 'file')
  if (!part) throw invalidRequest("Missing required parameter: 'file'.", 'file')
  const file = addFile(store, part.filename, purpose, part.data)
  const expiry = expiresAfter(form.fields)
  if (expiry !== undefined) file.expires_at = file.created_at + expiry
  return file
}

function expiresAfter(fields: Map<string, string>): number | undefined {
  const anchor = fields.get('expires_after[anchor]')
  const seconds = fields.get('expires_after[seconds]')
  if (anchor === undefined && seconds === undefined) return undefined
  if (anchor !== 'created_at') {
    throw invalidRequest("expires_after.anchor must be 'created_at'.", 'expires_after.anchor')
  }
  const value = Number(seconds)
  if (!Number.isInteger(value) || value < MIN_EXPIRY_SECONDS || value > MAX_EXPIRY_SECONDS) {
    throw invalidRequest(
      `expires_after.seconds must be an integer between ${MIN_EXPIRY_SECONDS} and ${MAX_EXPIRY_SECONDS}.`,
      'expires_after.seconds',
    )
  }
  return value
}
