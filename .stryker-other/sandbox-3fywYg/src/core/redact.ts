/**
 * Secrets must never reach a log line, a status text, a debug message or an error. Two nets:
 * the values themselves (registered when they become known), and the shapes secrets come in
 * (JWTs, bearer tokens, key=value pairs with a secret-sounding key).
 */
// @ts-nocheck

const known = new Set<string>();
const MIN_SECRET_LENGTH = 4;
export const REDACTED = '«redacted»';
/** One matcher for every live secret and its URL and form encodings, rebuilt when the set changes, not per line. */
let matcher: RegExp | undefined;

/** Registers a value that must never be shown (a password, a token, a 2FA code). */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || known.has(value)) return;
  known.add(value);
  matcher = undefined;
}

/** A secret that is no longer live (a replaced token, an answered challenge): the shape nets still catch it. */
export function forgetSecret(value: string | undefined | null): void {
  if (typeof value === 'string' && known.delete(value)) matcher = undefined;
}

/** How many secrets are live (for the bench and tests). */
export function liveSecretCount(): number {
  return known.size;
}

function knownMatcher(): RegExp | undefined {
  if (matcher || known.size === 0) return matcher;
  const forms = new Set<string>();
  for (const secret of known) {
    forms.add(secret);
    // As it travels in a URL or a form body, too.
    forms.add(encodeURIComponent(secret));
    forms.add(new URLSearchParams({ s: secret }).toString().slice(2));
  }
  // Longest first so that a secret containing another is removed whole.
  const alternatives = [...forms].sort((a, b) => b.length - a.length).map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  matcher = new RegExp(alternatives.join('|'), 'g');
  return matcher;
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
  const m = knownMatcher();
  let out = m ? text.replace(m, REDACTED) : text;
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

function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsOf(v, out);
  return out;
}

/** Forgets the strings of a replaced state (old tokens, an ended challenge's flow) that `kept` does not hold. */
export function forgetSecretsOf(replaced: unknown, kept?: unknown): void {
  const keep = new Set(stringsOf(kept));
  for (const s of stringsOf(replaced)) if (!keep.has(s)) forgetSecret(s);
}
