// API keys (sk-…, sk-proj-…) and passwords inside connection strings.
const SECRET_PATTERNS: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{4,}/g,
  /(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/g,
]

/** Scrubs anything that looks like a secret from text bound for logs, errors or JSON. */
export function redactSecrets(text: string): string {
  return text.replace(SECRET_PATTERNS[0], 'sk-***').replace(SECRET_PATTERNS[1], '$1***@')
}

export function maskSecret(secret: string | undefined): string | undefined {
  if (secret === undefined) return undefined
  return secret.length <= 8 ? '***' : `${secret.slice(0, 3)}***${secret.slice(-2)}`
}
