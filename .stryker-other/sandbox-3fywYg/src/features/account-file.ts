// @ts-nocheck
import { accountSeed, deriveSeed, isLegacySeed, seedMatches, toCarError, type Clock, type Logger, type StoredAccount, type TimerHandle, type TokenStore } from '../core';

import type { AccountConfig } from '../brands';

const SAVE_DELAY_MS = 2_000;

/** What identifies an account's settings: a change (user, password, server, keys) discards its file. */
function seedParts(c: AccountConfig): (string | undefined)[] {
  // A pasted token is part of the identity too (only then, so that existing files keep their seed).
  const token = c.authMode === 'token' ? ['token', c.accessToken, c.accountId] : [];
  return [c.provider, c.brand, c.locale, c.username, c.password, ...Object.values(c.servers), ...Object.values(c.keys), ...token];
}

/** A plain hash of the settings, for comparing two configurations in memory (never stored). */
export function configSeed(c: AccountConfig): string {
  return accountSeed(seedParts(c));
}

/**
 * The file an account keeps across restarts (tokens, budget, a block, the vehicle list): read
 * once, written at once when tokens change and a little later when only the budget moved.
 * A file whose seed differs (another user, password or server) is ignored.
 */
export class AccountFile {
  private timer?: TimerHandle;
  private closed = false;
  /** The seed written into the file: the matching file's own, else derived with a new salt (on first need). */
  private seed?: Promise<string>;

  constructor(
    private readonly o: {
      store: TokenStore;
      key: string;
      /** Older names of the file (the config node's id, before accounts were shared): read once, then moved. */
      legacyKeys: string[];
      config: AccountConfig;
      clock: Clock;
      log: Logger;
      snapshot: () => Omit<StoredAccount, 'seed'>;
    },
  ) {}

  private currentSeed(): Promise<string> {
    this.seed ??= deriveSeed(seedParts(this.o.config));
    return this.seed;
  }

  /** The file if it was written for these settings; one of an older version (a plain hash as seed) is written again with a derived seed. */
  async load(): Promise<StoredAccount | undefined> {
    const { store, key } = this.o;
    const parts = seedParts(this.o.config);
    const fits = async (saved: StoredAccount | undefined): Promise<boolean> => saved !== undefined && (await seedMatches(saved.seed, parts));
    let saved = await store.load(key).catch(() => undefined);
    let moved = false;
    for (const legacy of this.o.legacyKeys) {
      if (saved) break;
      saved = await store.load(legacy).catch(() => undefined);
      if (saved && (await fits(saved))) {
        moved = true;
        await store.save(key, { ...saved, seed: isLegacySeed(saved.seed) ? await this.currentSeed() : saved.seed }).then(() => store.remove(legacy)).catch(() => undefined);
      }
    }
    if (!saved || !(moved || (await fits(saved)))) return undefined;
    if (!isLegacySeed(saved.seed)) this.seed = Promise.resolve(saved.seed);
    else if (!moved) {
      // Migrated in place, tokens and all: no new sign-in, and the plain hash leaves the disk.
      await store.save(key, { ...saved, seed: await this.currentSeed() }).catch((e: unknown) => this.o.log.warn(`could not save the account state: ${toCarError(e).message}`));
    }
    return saved;
  }

  async save(): Promise<void> {
    // A read still in flight at close must not write the file back after forget().
    if (this.closed) return;
    this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const seed = await this.currentSeed();
    if (this.closed) return;
    await this.o.store.save(this.o.key, { ...this.o.snapshot(), seed }).catch((e: unknown) => this.o.log.warn(`could not save the account state: ${toCarError(e).message}`));
  }

  saveSoon(): void {
    if (this.timer || this.closed) return;
    this.timer = this.o.clock.setTimeout(() => void this.save(), SAVE_DELAY_MS);
  }

  /** Writes what is pending and stops writing. */
  async close(): Promise<void> {
    await this.save();
    this.closed = true;
  }

  /** Deletes the file (the account was removed). */
  remove(): Promise<void> {
    return this.o.store.remove(this.o.key);
  }
}
