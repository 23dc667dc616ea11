/**
 * Secrets must never reach a log line, a status text, a debug message or an error. Two nets:
 * the values themselves (registered when they become known), and the shapes secrets come in
 * (JWTs, bearer tokens, key=value pairs with a secret-sounding key).
 */
const known = new Set<string>();
const MIN_SECRET_LENGTH = 4;
export const REDACTED = '«redacted»';

/** Registers a value that must never be shown (a password, a token, a 2FA code). */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) known.add(value);
}

export function forgetSecret(value: string | undefined | null): void {
  if (typeof value === 'string') known.delete(value);
}

const PATTERNS: RegExp[] = [
  // JWTs: three base64url parts, the first starting with {" (eyJ).
  /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
  // Bearer / Basic authorization values.
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi,
];

const SECRET_KEY =
  /((?:password|passwd|pwd|login_token|id_token|access_token|refresh_token|token|secret|code_verifier|regToken|gigyaAssertion|providerAssertion|phvToken|apikey|api_key|x-gigya-id_token|authorization)["']?\s*[:=]\s*["']?)([^"'&\s,}]+)/gi;

export function redact(text: string): string {
  let out = text;
  // Longest first so that a secret containing another is removed whole.
  for (const secret of [...known].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    // As it travels in a URL or a form body, too.
    for (const encoded of [encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)]) {
      if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join(REDACTED);
    }
  }
  for (const p of PATTERNS) out = out.replace(p, (m) => (m.match(/^(Bearer|Basic)/i) ? `${m.split(/\s+/)[0]} ${REDACTED}` : REDACTED));
  out = out.replace(SECRET_KEY, (_m, key: string) => `${key}${REDACTED}`);
  return out;
}

/** Deep copy of a JSON-like value with secret-named fields and secret values replaced. */
export function redactValue<T>(value: T): T {
  return walk(value) as T;
}

const SECRET_FIELD = /^(password|passwd|login_?token|id_?token|access_?token|refresh_?token|token|secret|regtoken|code_?verifier|authorization|apikey|x-gigya-id_token|cookievalue)$/i;

function walk(v: unknown): unknown {
  if (typeof v === 'string') return redact(v);
  if (Array.isArray(v)) return v.map(walk);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) out[k] = SECRET_FIELD.test(k) && val !== undefined && val !== null ? REDACTED : walk(val);
    return out;
  }
  return v;
}
