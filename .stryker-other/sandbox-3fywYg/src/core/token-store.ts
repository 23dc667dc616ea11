// @ts-nocheck
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Where an account keeps what must survive a restart: tokens (provider-specific, opaque
 * here), the call budget, small per-account facts. One JSON file per account under
 * Node-RED's user directory, mode 0600, written atomically; never in the flows file.
 */
export const StoredAccountSchema = z.object({
  version: z.literal(1),
  /**
   * What identifies the account's settings (provider, user, password, servers), derived with
   * scrypt and the file's own salt (deriveSeed): a change discards the file, and a copy of the
   * file is no quick password check. Files of older versions hold a plain SHA-256 (accountSeed).
   */
  seed: z.string(),
  auth: z.unknown().optional(),
  budget: z
    .object({ calls: z.array(z.number()), pausedUntil: z.number().optional(), strikes: z.number(), lastStrikeAt: z.number().optional() })
    .optional(),
  /** A definitive auth failure, kept so that a restart does not try the same password again. */
  blocked: z.object({ code: z.string(), message: z.string(), at: z.number() }).optional(),
  extra: z.record(z.string(), z.unknown()).optional(),
});
export type StoredAccount = z.infer<typeof StoredAccountSchema>;

export function accountSeed(parts: (string | undefined)[]): string {
  return createHash('sha256').update(parts.map((p) => p ?? '').join('\u0000')).digest('hex').slice(0, 32);
}

/** scrypt's cost: about 16 MB and tens of ms per derivation, once per account load (OWASP's minimum is N=2^17 for passwords alone; here the file is 0600 too). */
const SCRYPT_N = 16_384;
const SEED_PREFIX = 's1';

function scryptKey(material: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(material, salt, 32, { N: SCRYPT_N, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** The seed of an account file: `s1.<salt>.<scrypt key>` (base64url), with a new random salt unless one is given. */
export async function deriveSeed(parts: (string | undefined)[], salt: Buffer = randomBytes(16)): Promise<string> {
  const key = await scryptKey(parts.map((p) => p ?? '').join('\u0000'), salt);
  return `${SEED_PREFIX}.${salt.toString('base64url')}.${key.toString('base64url')}`;
}

/** True when a file's seed was made from these parts: a derived seed (with its salt), or the plain hash of older versions. */
export async function seedMatches(seed: string, parts: (string | undefined)[]): Promise<boolean> {
  const [prefix, salt, key] = seed.split('.');
  if (prefix !== SEED_PREFIX || salt === undefined || key === undefined) return seed === accountSeed(parts);
  const expected = Buffer.from(key, 'base64url');
  const actual = Buffer.from((await deriveSeed(parts, Buffer.from(salt, 'base64url'))).split('.')[2] ?? '', 'base64url');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** True for a seed of an older version (a plain hash): the file is written again with a derived one. */
export function isLegacySeed(seed: string): boolean {
  return !seed.startsWith(`${SEED_PREFIX}.`);
}

export class TokenStore {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(readonly dir: string) {}

  private file(key: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(key)) throw new Error('token store key must be a plain file name');
    return path.join(this.dir, `${key}.json`);
  }

  /** Temporary files a crash left between writing and renaming (never the ones being written now). */
  private swept?: Promise<void>;

  private sweep(): Promise<void> {
    this.swept ??= (async () => {
      const names = await fs.readdir(this.dir).catch(() => [] as string[]);
      const before = Date.now() - 60_000;
      for (const name of names.filter((n) => n.endsWith('.tmp'))) {
        const file = path.join(this.dir, name);
        const stat = await fs.stat(file).catch(() => undefined);
        if (stat && stat.mtimeMs < before) await fs.rm(file, { force: true }).catch(() => undefined);
      }
    })();
    return this.swept;
  }

  async load(key: string): Promise<StoredAccount | undefined> {
    await this.sweep();
    await this.queues.get(key);
    let text: string;
    try {
      text = await fs.readFile(this.file(key), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    try {
      const parsed = StoredAccountSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined; // a damaged file is as good as none: log in again
    }
  }

  /** Writes are queued per key so that the last one wins and none interleave. */
  save(key: string, data: StoredAccount): Promise<void> {
    const prev = this.queues.get(key) ?? Promise.resolve();
    const next = prev.then(() => this.write(key, data)).catch(() => this.write(key, data));
    // The queue entry never rejects: the caller gets the error from `next`; an unhandled
    // rejection here would end the process.
    const tracked = next.catch(() => undefined).finally(() => {
      if (this.queues.get(key) === tracked) this.queues.delete(key);
    });
    this.queues.set(key, tracked);
    return next;
  }

  private async write(key: string, data: StoredAccount): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const target = this.file(key);
    // A name of its own per write: two stores (old and new session during a redeploy) never share a temp file.
    const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(data), { mode: 0o600 });
    await fs.chmod(tmp, 0o600); // writeFile's mode is masked by umask
    await fs.rename(tmp, target);
  }

  async remove(key: string): Promise<void> {
    await this.queues.get(key);
    await fs.rm(this.file(key), { force: true });
  }
}
