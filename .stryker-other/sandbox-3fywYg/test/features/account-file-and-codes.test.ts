// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { CarError, ManualClock, TokenStore, accountSeed, forgetSecret, redact, type StatusPart, type StoredAccount } from '../../src/core';
import { ChallengeError, type AccountConfig, type PendingChallenge, type ProviderAuth, type ProviderContext, type StreamEventInfo, type StreamFacet } from '../../src/brands/provider';
import { AccountFile, configSeed } from '../../src/features/account-file';
import { registerChallengeSecrets, startSecondStep } from '../../src/features/challenge';
import { DeviceCodePoll } from '../../src/features/device-code-poll';
import { STREAM_GAP_MS, StreamLink } from '../../src/features/session-stream';
import type { StatusCache } from '../../src/features/status-cache';
import { eventually, recordingLogger } from '../helpers';

/** A token store in memory: what was written, removed, and a write that fails when told to. */
class MemoryStore extends TokenStore {
  readonly files = new Map<string, StoredAccount>();
  readonly saves: string[] = [];
  failSave?: Error;

  constructor() {
    super('/nonexistent-never-written');
  }

  override load(key: string): Promise<StoredAccount | undefined> {
    return Promise.resolve(this.files.get(key));
  }

  override save(key: string, data: StoredAccount): Promise<void> {
    this.saves.push(key);
    if (this.failSave) return Promise.reject(this.failSave);
    this.files.set(key, data);
    return Promise.resolve();
  }

  override remove(key: string): Promise<void> {
    this.files.delete(key);
    return Promise.resolve();
  }
}

const CONFIG: AccountConfig = {
  provider: 'renault',
  locale: 'fr_FR',
  username: 'driver@example.com',
  password: 'pw-of-the-test',
  servers: { gigya: 'http://127.0.0.1:9/gigya', kamereon: 'http://127.0.0.1:9/kamereon' },
  keys: { gigyaApiKey: 'gk', kamereonApiKey: 'kk' },
};

describe('The account file: its seed, older names, saves and close', () => {
  const fileOf = (store: MemoryStore, log = recordingLogger(), clock = new ManualClock(), legacyKeys: string[] = []): AccountFile =>
    new AccountFile({ store, key: 'acct', legacyKeys, config: CONFIG, clock, log, snapshot: () => ({ version: 1, auth: { token: 'kept' } }) });

  it('counts a pasted token, marked as such, in the seed of the settings', () => {
    const token: AccountConfig = { ...CONFIG, authMode: 'token', accessToken: 'pasted-access', accountId: 'acc-1' };
    const expected = accountSeed(['renault', undefined, 'fr_FR', 'driver@example.com', 'pw-of-the-test', 'http://127.0.0.1:9/gigya', 'http://127.0.0.1:9/kamereon', 'gk', 'kk', 'token', 'pasted-access', 'acc-1']);
    assert.equal(configSeed(token), expected);
    assert.equal(configSeed(CONFIG), accountSeed(['renault', undefined, 'fr_FR', 'driver@example.com', 'pw-of-the-test', 'http://127.0.0.1:9/gigya', 'http://127.0.0.1:9/kamereon', 'gk', 'kk']));
  });

  it('moves a file found under an older name to its key, with a derived seed, in one write, and deletes the old one', async () => {
    const store = new MemoryStore();
    store.files.set('node-id', { version: 1, seed: configSeed(CONFIG), auth: { token: 'old-file' } });
    const loaded = await fileOf(store, recordingLogger(), new ManualClock(), ['node-id']).load();
    assert.deepEqual(loaded?.auth, { token: 'old-file' });
    assert.deepEqual(store.saves, ['acct'], 'written once, under the new key');
    assert.equal(store.files.has('node-id'), false, 'the old name is gone');
    assert.match(store.files.get('acct')?.seed ?? '', /^s1\./);
    assert.deepEqual(store.files.get('acct')?.auth, { token: 'old-file' });
  });

  it('says so in the log when an older file cannot be written again, and still uses it', async () => {
    const store = new MemoryStore();
    store.files.set('acct', { version: 1, seed: configSeed(CONFIG), auth: { token: 'old-file' } });
    store.failSave = new Error('disk full');
    const log = recordingLogger();
    const loaded = await fileOf(store, log).load();
    assert.deepEqual(loaded?.auth, { token: 'old-file' });
    assert.deepEqual(log.at('warn'), ['could not save the account state: disk full']);
  });

  it('says so in the log when a save fails', async () => {
    const store = new MemoryStore();
    store.failSave = new Error('disk full');
    const log = recordingLogger();
    await fileOf(store, log).save();
    assert.deepEqual(store.saves, ['acct']);
    assert.deepEqual(log.at('warn'), ['could not save the account state: disk full']);
  });

  it('saves a little later (2 s) with one timer however often it is asked', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const file = fileOf(store, recordingLogger(), clock);
    file.saveSoon();
    file.saveSoon();
    assert.equal(clock.pending, 1, 'one timer');
    await clock.advance(1_999);
    assert.deepEqual(store.saves, []);
    await clock.advance(1);
    // The seed is derived with scrypt off the clock: wait for the write itself.
    await eventually(() => store.saves.length > 0, 'the delayed write');
    assert.deepEqual(store.saves, ['acct']);
    assert.deepEqual(store.files.get('acct')?.auth, { token: 'kept' });
  });

  it('writes what is pending at close, and nothing after', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const file = fileOf(store, recordingLogger(), clock);
    await file.close();
    assert.deepEqual(store.saves, ['acct']);
    file.saveSoon();
    assert.equal(clock.pending, 0, 'no timer after close');
    await file.save();
    assert.deepEqual(store.saves, ['acct'], 'no write after close');
  });
});

describe('A second sign-in step: what is secret, and the error that blocks meanwhile', () => {
  const challenge: PendingChallenge = { kind: 'code', prompt: 'Type the code we sent', state: { context: 'flow-state-secret' } };
  const ctx = {} as ProviderContext;
  const authWith = (start?: ProviderAuth<unknown>['startSecondFactor']): ProviderAuth<unknown> => ({
    stateSchema: z.unknown(),
    login: () => Promise.reject(new Error('not called')),
    refresh: () => Promise.reject(new Error('not called')),
    canRefresh: () => false,
    accessExpiresAt: () => undefined,
    ...(start ? { startSecondFactor: start } : {}),
  });

  it('keeps the user code shown, and makes secret a state value shown nowhere, however short', () => {
    const values = ['WXYZ-9876', 'here'];
    try {
      registerChallengeSecrets({ kind: 'device_code', prompt: 'Confirm in the portal', userCode: 'WXYZ-9876', state: { userCode: 'WXYZ-9876' } });
      assert.equal(redact('code WXYZ-9876'), 'code WXYZ-9876');
      registerChallengeSecrets({ kind: 'code', prompt: 'Type the code', state: { nonce: 'here' } });
      assert.notEqual(redact('here'), 'here');
    } finally {
      for (const v of values) forgetSecret(v);
    }
  });

  it('sends nothing from a background call, with a definitive error keeping the cloud\'s code', async () => {
    let started = 0;
    const auth = authWith(() => {
      started++;
      return Promise.resolve(challenge);
    });
    const err = new ChallengeError('TFA_REQUIRED', 'A code is needed.', challenge, 'GIGYA-403101', { needsUserAction: true });
    const r = await startSecondStep(auth, ctx, err, false);
    assert.equal(started, 0);
    assert.equal(r.pending, undefined);
    assert.equal(r.error.code, 'TFA_REQUIRED');
    assert.equal(r.error.transient, false);
    assert.equal(r.error.upstreamCode, 'GIGYA-403101');
  });

  it('says the plugin cannot answer a step its provider cannot start', async () => {
    const err = new ChallengeError('CAPTCHA_REQUIRED', 'A captcha is needed.', challenge);
    const r = await startSecondStep(authWith(), ctx, err, true);
    assert.equal(r.error.code, 'CAPTCHA_REQUIRED');
    assert.equal(r.error.message, 'A captcha is needed. The plugin cannot answer it here: sign in once in the brand\'s app, then press "Sign in again".');
    assert.equal(r.error.transient, false);
  });

  it('blocks with the started step\'s prompt, definitive, keeping the cloud\'s code', async () => {
    const sent: PendingChallenge = { ...challenge, prompt: 'We sent a code to d***@example.com.' };
    const err = new ChallengeError('TFA_REQUIRED', 'A code is needed.', challenge, 'GIGYA-403101', { needsUserAction: true });
    const r = await startSecondStep(authWith(() => Promise.resolve(sent)), ctx, err, true);
    assert.equal(r.pending, sent);
    assert.equal(r.error.message, 'We sent a code to d***@example.com.');
    assert.equal(r.error.transient, false);
    assert.equal(r.error.upstreamCode, 'GIGYA-403101');
  });

  it('passes a definitive failure of sending the code as it is, and words any other one', async () => {
    const err = new ChallengeError('TFA_REQUIRED', 'A code is needed.', challenge);
    const refused = new CarError('AUTH_FAILED', 'The account is locked.');
    const r1 = await startSecondStep(authWith(() => Promise.reject(refused)), ctx, err, true);
    assert.equal(r1.error, refused);
    const r2 = await startSecondStep(authWith(() => Promise.reject(new CarError('NETWORK', 'socket hang up'))), ctx, err, true);
    assert.equal(r2.error.code, 'TFA_REQUIRED');
    assert.equal(r2.error.message, 'A code is needed. Sending the code failed (socket hang up); press "Sign in again" to retry.');
    assert.equal(r2.error.transient, false);
  });
});

describe('The device-code poll: when it asks, what ends it', () => {
  interface Rig {
    clock: ManualClock;
    poll: DeviceCodePoll;
    looks: number[];
    failures: { code: string; message: string; transient: boolean; log: boolean }[];
    confirmed: unknown[];
    setCurrent(p: PendingChallenge | undefined): void;
    answer: { next: () => Promise<unknown> };
  }
  const device = (extra: Partial<PendingChallenge> = {}): PendingChallenge => ({ kind: 'device_code', prompt: 'Confirm in the portal', userCode: 'ABCD-1234', pollMs: 5_000, state: {}, ...extra });
  const rig = (first: PendingChallenge): Rig => {
    const clock = new ManualClock();
    let current: PendingChallenge | undefined = first;
    const r: Rig = {
      clock,
      looks: [],
      failures: [],
      confirmed: [],
      setCurrent: (p) => (current = p),
      answer: { next: () => Promise.reject(new CarError('BAD_INPUT', 'authorization_pending')) },
      poll: new DeviceCodePoll({
        clock,
        current: () => current,
        look: () => {
          r.looks.push(clock.now() - start);
          return r.answer.next();
        },
        confirmed: (auth) => {
          r.confirmed.push(auth);
          return Promise.resolve();
        },
        failed: (err, log) => {
          r.failures.push({ code: err.code, message: err.message, transient: err.transient, log });
          return Promise.resolve();
        },
      }),
    };
    const start = clock.now();
    return r;
  };

  it('asks no more when the waiting challenge became one of another kind', async () => {
    const r = rig(device());
    r.poll.schedule();
    r.setCurrent({ kind: 'code', prompt: 'Type the code', state: {} });
    await r.clock.advance(5_000);
    assert.deepEqual(r.looks, []);
  });

  it('ends with a definitive TFA_REQUIRED, not logged, once the code expired', async () => {
    const r = rig(device({ expiresAt: new ManualClock().now() + 4_000 }));
    r.poll.schedule();
    await r.clock.advance(5_000);
    assert.deepEqual(r.looks, []);
    assert.deepEqual(r.failures, [{ code: 'TFA_REQUIRED', message: 'The sign-in code expired before it was confirmed; press "Sign in again" for a new one.', transient: false, log: false }]);
  });

  it('still asks at the very millisecond the code expires; only after it is the code expired', async () => {
    const r = rig(device({ expiresAt: new ManualClock().now() + 5_000 }));
    r.poll.schedule();
    await r.clock.advance(5_000);
    assert.deepEqual(r.looks, [5_000], 'asked at the expiry itself');
    assert.equal(r.failures.length, 0);
    await r.clock.advance(5_000);
    assert.deepEqual(r.looks, [5_000], 'not asked after it');
    assert.deepEqual(
      r.failures.map((f) => f.code),
      ['TFA_REQUIRED'],
    );
  });

  it('ends, logged, on a definitive refusal, and asks again on "not yet" at the code\'s interval', async () => {
    const r = rig(device());
    r.poll.schedule();
    await r.clock.advance(10_000);
    assert.deepEqual(r.looks, [5_000, 10_000]);
    assert.deepEqual(r.failures, []);
    r.answer.next = () => Promise.reject(new CarError('AUTH_FAILED', 'access_denied'));
    await r.clock.advance(5_000);
    assert.deepEqual(r.looks, [5_000, 10_000, 15_000]);
    assert.deepEqual(r.failures, [{ code: 'AUTH_FAILED', message: 'access_denied', transient: false, log: true }]);
    await r.clock.advance(20_000);
    assert.equal(r.looks.length, 3, 'no more looks');
  });

  it('ignores a refusal about a code that was replaced meanwhile, and asks about the new one', async () => {
    const r = rig(device());
    const next = device({ userCode: 'EFGH-5678' });
    r.answer.next = () => {
      r.setCurrent(next);
      return Promise.reject(new CarError('AUTH_FAILED', 'expired_token'));
    };
    r.poll.schedule();
    await r.clock.advance(5_000);
    assert.deepEqual(r.failures, []);
    assert.equal(r.clock.pending, 1, 'the new code is asked about');
  });

  it('asks sooner once when the cloud names a shorter wait, then keeps the code\'s interval', async () => {
    const r = rig(device());
    const first = new ManualClock().now();
    let n = 0;
    r.answer.next = () => Promise.reject(new CarError('BAD_INPUT', 'authorization_pending', n++ === 0 ? { retryAt: first + 6_000 } : {}));
    r.poll.schedule();
    await r.clock.advance(12_000);
    // First look at 5 s asks to wait until 6 s (1 s): then the interval (5 s) again.
    assert.deepEqual(r.looks, [5_000, 6_000, 11_000]);
  });

  it('stops: no timer, and an answer arriving after stop confirms nothing', async () => {
    const r = rig(device());
    let resolve: (v: unknown) => void = () => undefined;
    r.answer.next = () => new Promise((res) => (resolve = res));
    r.poll.schedule();
    await r.clock.advance(5_000);
    assert.deepEqual(r.looks, [5_000]);
    r.poll.stop();
    resolve({ token: 'late' });
    await r.clock.advance(1);
    assert.deepEqual(r.confirmed, []);
    r.poll.schedule();
    assert.equal(r.clock.pending, 0);
  });
});

describe('The push stream link: which parts are fresh, and since when', () => {
  const rig = (): {
    clock: ManualClock;
    link: StreamLink;
    event: (state: StreamEventInfo['state']) => void;
    push: () => void;
    pushed: string[];
    opened: () => number;
    closed: () => number;
  } => {
    const clock = new ManualClock();
    let onUpdate: Parameters<StreamFacet['open']>[0] = () => undefined;
    let onEvent: Parameters<StreamFacet['open']>[1];
    let opened = 0;
    let closed = 0;
    const facet: StreamFacet = {
      parts: ['battery', 'position'] satisfies StatusPart[],
      open: (u, e) => {
        opened++;
        onUpdate = u;
        onEvent = e;
        return { close: () => Promise.resolve(void closed++) };
      },
    };
    const pushed: string[] = [];
    const cache: Pick<StatusCache, 'pushed'> = { pushed: (vin) => void pushed.push(vin) };
    const link = new StreamLink(clock, facet, () => cache as StatusCache, () => undefined);
    return { clock, link, event: (state) => onEvent?.({ state }), push: () => onUpdate('VIN1', {}, {}), pushed, opened: () => opened, closed: () => closed };
  };

  it('counts the stream as down after a gap of exactly STREAM_GAP_MS', async () => {
    const r = rig();
    r.link.start();
    r.event('connected');
    r.event('disconnected');
    await r.clock.advance(STREAM_GAP_MS - 1);
    assert.deepEqual([...(r.link.parts ?? [])], ['battery', 'position']);
    await r.clock.advance(1);
    assert.equal(r.link.parts, undefined);
  });

  it('covers only times from when it came up, and none after a long gap', async () => {
    const r = rig();
    const t0 = r.clock.now();
    r.link.start();
    r.event('connected');
    assert.equal(r.link.coveredSince(t0), true);
    assert.equal(r.link.coveredSince(t0 - 1), false);
    assert.equal(r.link.coveredSince(t0 + 1), true);
    r.event('disconnected');
    await r.clock.advance(STREAM_GAP_MS);
    // No look at `parts` first: coveredSince alone sees the gap.
    assert.equal(r.link.coveredSince(t0), false);
    r.event('connected');
    assert.equal(r.link.coveredSince(t0), false, 'the gap was missed');
    assert.equal(r.link.coveredSince(r.clock.now()), true);
  });

  it('after close: takes no pushed message, opens no new stream, keeps no part fresh', async () => {
    const r = rig();
    r.link.start();
    r.event('connected');
    r.push();
    assert.deepEqual(r.pushed, ['VIN1']);
    await r.link.close();
    assert.equal(r.closed(), 1);
    assert.equal(r.link.parts, undefined);
    r.push();
    assert.deepEqual(r.pushed, ['VIN1']);
    r.link.start();
    assert.equal(r.opened(), 1);
  });
});
