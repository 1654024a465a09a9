import {invalidRequest} from './errors.js'

export interface MultipartFile {
  field: string
  filename: string
  contentType: string
  data: Buffer
}

export interface MultipartForm {
  fields: Map<string, string>
  files: MultipartFile[]
}

const CRLF = Buffer.from('\r\n')
const HEADER_END = Buffer.from('\r\n\r\n')

/**
 * Parses a complete multipart/form-data body (RFC 7578). Accepts both encodings the openai SDK
 * sends: undici's buffered FormData and its own streamed `openai-<random>` boundary (contract §3.1).
 */
export function parseMultipart(body: Buffer, contentType: string | undefined): MultipartForm {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '')
  if (!contentType?.toLowerCase().startsWith('multipart/form-data') || !boundary) {
    throw invalidRequest('Expected a multipart/form-data body with a boundary.')
  }
  const delimiter = Buffer.from(`\r\n--${boundary[1] ?? boundary[2]}`)
  // Prefixing CRLF lets the first delimiter match like every later one.
  const data = Buffer.concat([CRLF, body])
  const form: MultipartForm = {fields: new Map(), files: []}

  let at = data.indexOf(delimiter)
  if (at < 0) throw invalidRequest('Malformed multipart body: boundary not found.')
  while (true) {
    let cursor = at + delimiter.length
    if (data.subarray(cursor, cursor + 2).toString() === '--') return form
    cursor = skipLinearWhitespace(data, cursor)
    if (!data.subarray(cursor, cursor + 2).equals(CRLF)) throw invalidRequest('Malformed multipart body.')
    const headerEnd = data.indexOf(HEADER_END, cursor)
    const next = data.indexOf(delimiter, headerEnd + 4)
    if (headerEnd < 0 || next < 0) throw invalidRequest('Malformed multipart body: truncated part.')
    addPart(form, data.subarray(cursor + 2, headerEnd).toString('utf8'), data.subarray(headerEnd + 4, next))
    at = next
  }
}

function skipLinearWhitespace(data: Buffer, from: number): number {
  let i = from
  while (data[i] === 0x20 || data[i] === 0x09) i++
  return i
}

function addPart(form: MultipartForm, rawHeaders: string, content: Buffer): void {
  const headers = new Map(
    rawHeaders.split('\r\n').map((line) => {
      const colon = line.indexOf(':')
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as const
    }),
  )
  const disposition = headers.get('content-disposition') ?? ''
  const field = paramOf(disposition, 'name')
  if (field === undefined) throw invalidRequest('Malformed multipart body: a part has no name.')
  const filename = paramOf(disposition, 'filename')
  if (filename === undefined) {
    form.fields.set(field, content.toString('utf8'))
  } else {
    const contentType = headers.get('content-type') ?? 'application/octet-stream'
    form.files.push({field, filename, contentType, data: Buffer.from(content)})
  }
}

function paramOf(disposition: string, name: string): string | undefined {
  // Both undici and the SDK percent-encode `"`, `\`, CR and LF inside quoted values.
  const quoted = new RegExp(`;\\s*${name}="([^"]*)"`, 'i').exec(disposition)
  if (quoted) return quoted[1].replace(/%(22|5C|0D|0A)/gi, (escape) => decodeURIComponent(escape))
  return new RegExp(`;\\s*${name}=([^;\\s]+)`, 'i').exec(disposition)?.[1]
}
