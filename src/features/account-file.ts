import { accountSeed, toCarError, type Clock, type Logger, type StoredAccount, type TimerHandle, type TokenStore } from '../core';

import type { AccountConfig } from '../brands';

const SAVE_DELAY_MS = 2_000;

/** What identifies an account's settings: a change (user, password, server, keys) discards its file. */
export function configSeed(c: AccountConfig): string {
  // A pasted token is part of the identity too (only then, so that existing files keep their seed).
  const token = c.authMode === 'token' ? ['token', c.accessToken, c.accountId] : [];
  return accountSeed([c.provider, c.brand, c.locale, c.username, c.password, ...Object.values(c.servers), ...Object.values(c.keys), ...token]);
}

/**
 * The file an account keeps across restarts (tokens, budget, a block, the vehicle list): read
 * once, written at once when tokens change and a little later when only the budget moved.
 * A file whose seed differs (another user, password or server) is ignored.
 */
export class AccountFile {
  private timer?: TimerHandle;
  private closed = false;
  readonly seed: string;

  constructor(
    private readonly o: {
      store: TokenStore;
      key: string;
      /** Older names of the file (the config node's id, before accounts were shared): read once, then moved. */
      legacyKeys: string[];
      config: AccountConfig;
      clock: Clock;
      log: Logger;
      snapshot: () => StoredAccount;
    },
  ) {
    this.seed = configSeed(o.config);
  }

  async load(): Promise<StoredAccount | undefined> {
    const { store, key } = this.o;
    const seed = this.seed;
    let saved = await store.load(key).catch(() => undefined);
    for (const legacy of this.o.legacyKeys) {
      if (saved) break;
      saved = await store.load(legacy).catch(() => undefined);
      if (saved?.seed === seed) await store.save(key, saved).then(() => store.remove(legacy)).catch(() => undefined);
    }
    return saved?.seed === seed ? saved : undefined;
  }

  async save(): Promise<void> {
    // A read still in flight at close must not write the file back after forget().
    if (this.closed) return;
    this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.o.store.save(this.o.key, this.o.snapshot()).catch((e: unknown) => this.o.log.warn(`could not save the account state: ${toCarError(e).message}`));
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
