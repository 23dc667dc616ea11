// @ts-nocheck
import assert from 'node:assert/strict';
import { z } from 'zod';
import { CarError, ManualClock, redact, type Logger, type StoredAccount } from '../../src/core';
import { ChallengeError, type PendingChallenge, type ProviderAuth, type ProviderContext, type Provider } from '../../src/brands';
import { SignIn, type SessionState } from '../../src/features/sign-in';
import { eventually, recordingLogger, type RecordingLogger } from '../helpers';
import { rejection } from '../renault-session';

interface Tokens {
  access?: string;
  refresh?: string;
  exp?: number;
  device?: string;
}

const TokensSchema = z.object({ access: z.string().optional(), refresh: z.string().optional(), exp: z.number().optional(), device: z.string().optional() });


/** A provider whose steps each test sets, counting the calls. */
class FakeAuth implements ProviderAuth<Tokens> {
  readonly stateSchema = TokensSchema;
  logins = 0;
  refreshes = 0;
  answers: string[] = [];
  started = 0;
  onLogin: () => Promise<Tokens> = () => Promise.resolve({ access: 'a1', refresh: 'r1', exp: 0 });
  onRefresh: () => Promise<Tokens> = () => Promise.reject(new CarError('AUTH_FAILED', 'refresh refused'));
  onComplete: (answer: string) => Promise<Tokens> = () => Promise.resolve({ access: 'a2', refresh: 'r2', exp: 0 });
  login(): Promise<Tokens> {
    this.logins++;
    return this.onLogin();
  }
  refresh(): Promise<Tokens> {
    this.refreshes++;
    return this.onRefresh();
  }
  retain(state: Tokens): Tokens | undefined {
    return state.device !== undefined ? { device: state.device } : undefined;
  }
  canRefresh(state: Tokens): boolean {
    return state.refresh !== undefined;
  }
  accessExpiresAt(state: Tokens): number | undefined {
    return state.exp;
  }
  startSecondFactor(_ctx: ProviderContext, pending: PendingChallenge): Promise<PendingChallenge> {
    this.started++;
    return Promise.resolve({ ...pending, prompt: 'Type the code sent to j***@example.com' });
  }
  completeSecondFactor(_ctx: ProviderContext, _pending: PendingChallenge, answer: string): Promise<Tokens> {
    this.answers.push(answer);
    return this.onComplete(answer);
  }
}

/** The same provider without a second-step answer. */
class FakeAuthNoComplete extends FakeAuth {
  override readonly completeSecondFactor = undefined as unknown as FakeAuth['completeSecondFactor'];
}

interface World {
  signIn: SignIn;
  auth: FakeAuth;
  clock: ManualClock;
  states: SessionState[];
  log: RecordingLogger;
  failed: CarError[];
}

const HOUR = 3_600_000;

function world(auth: FakeAuth = new FakeAuth()): World {
  const clock = new ManualClock();
  const states: SessionState[] = [];
  const failed: CarError[] = [];
  const log = recordingLogger();
  const provider = { auth } as unknown as Provider<unknown>;
  const signIn = new SignIn({
    provider,
    context: () => ({}) as ProviderContext,
    clock,
    log,
    refreshMarginMs: 60_000,
    save: () => Promise.resolve(),
    setState: (s) => states.push(s),
    fail: (err) => {
      failed.push(err);
      return err;
    },
  });
  return { signIn, auth, clock, states, log, failed };
}

function stored(extra: Partial<StoredAccount>): StoredAccount {
  return { version: 1, seed: 'seed', ...extra };
}

const lines = (w: World, level: keyof Logger): string[] => w.log.at(level);

const CODE_CHALLENGE: PendingChallenge = { kind: 'code', prompt: 'A code is needed', state: { flow: 'flow-secret-1' } };

describe('SignIn, step by step', () => {
  describe('restoring what the store kept', () => {
    it('counts an access token without a refresh token as signed in, and says ready', () => {
      const w = world();
      w.signIn.restore(stored({ auth: { access: 'a', exp: w.clock.now() + HOUR } }));
      assert.equal(w.signIn.signedIn, true);
      assert.deepEqual(w.states, [{ phase: 'ready' }]);
    });

    it('counts a refresh token without an access token as signed in', () => {
      const w = world();
      w.signIn.restore(stored({ auth: { refresh: 'r' } }));
      assert.equal(w.signIn.signedIn, true);
      assert.deepEqual(w.states, [{ phase: 'ready' }]);
    });

    it('does not count a state without tokens (only what a failed sign-in kept) as signed in', () => {
      const w = world();
      w.signIn.restore(stored({ auth: { device: 'd1' } }));
      assert.equal(w.signIn.signedIn, false);
      assert.deepEqual(w.states, []);
    });

    it('is not blocked without a kept block, and blocked with one, not ready then', () => {
      const w = world();
      assert.equal(w.signIn.isBlocked, false);
      w.signIn.restore(stored({ auth: { access: 'a', refresh: 'r', exp: w.clock.now() + HOUR } }));
      assert.equal(w.signIn.isBlocked, false);
      const b = world();
      b.signIn.restore(stored({ auth: { access: 'a', refresh: 'r', exp: b.clock.now() + HOUR }, blocked: { code: 'AUTH_FAILED', message: 'wrong password', at: 1 } }));
      assert.equal(b.signIn.isBlocked, true);
      assert.equal(b.signIn.signedIn, false);
      assert.deepEqual(b.states, [{ phase: 'blocked', code: 'AUTH_FAILED', message: 'wrong password' }]);
    });

    it('keeps a captcha block as CAPTCHA_REQUIRED, waiting for the user, and throws it as definitive', async () => {
      const w = world();
      w.signIn.restore(stored({ blocked: { code: 'CAPTCHA_REQUIRED', message: 'solve the captcha', at: 1 } }));
      assert.deepEqual(w.states, [{ phase: 'tfa_required', code: 'CAPTCHA_REQUIRED', message: 'solve the captcha' }]);
      const err = await rejection(w.signIn.getAuth());
      assert.equal(err.code, 'CAPTCHA_REQUIRED');
      assert.equal(err.transient, false);
      assert.equal(w.auth.logins, 0);
    });

    it('keeps the tokens it has when the stored state does not parse', async () => {
      const w = world();
      w.auth.onLogin = () => Promise.resolve({ access: 'a1', refresh: 'r1', exp: w.clock.now() + HOUR });
      await w.signIn.getAuth();
      w.signIn.restore(stored({ auth: { access: 42 } }));
      assert.deepEqual(w.signIn.snapshot(5).auth, { access: 'a1', refresh: 'r1', exp: w.clock.now() + HOUR });
    });

    it('leaves the auth out of the snapshot when there is none', () => {
      const w = world();
      assert.equal('auth' in w.signIn.snapshot(5), false);
      assert.deepEqual(w.signIn.snapshot(5), {});
    });
  });

  describe('a second step after a restart', () => {
    const needsUser = (): Promise<Tokens> => Promise.reject(new ChallengeError('TFA_REQUIRED', 'A code is needed.', CODE_CHALLENGE, undefined, { needsUserAction: true }));

    it('sends no code by itself for an account that was signed in', async () => {
      const w = world();
      w.signIn.restore(stored({ auth: { access: 'a', exp: w.clock.now() - 1 } }));
      w.auth.onLogin = needsUser;
      const err = await rejection(w.signIn.getAuth());
      assert.equal(w.auth.started, 0);
      assert.match(err.message, /Nothing was sent yet/);
    });

    it('starts the second step for a new account (nothing stored)', async () => {
      const w = world();
      w.signIn.restore(stored({}));
      w.auth.onLogin = needsUser;
      const err = await rejection(w.signIn.getAuth());
      assert.equal(w.auth.started, 1);
      assert.equal(err.message, 'Type the code sent to j***@example.com');
      assert.equal(w.signIn.awaitingCode, true);
      assert.deepEqual(lines(w, 'warn'), ['sign-in waits for the user: Type the code sent to j***@example.com']);
      assert.deepEqual(lines(w, 'error'), []);
    });
  });

  describe('getAuth', () => {
    it('refuses after close, saying the account was closed', async () => {
      const w = world();
      w.signIn.close();
      const err = await rejection(w.signIn.getAuth());
      assert.equal(err.code, 'NETWORK');
      assert.equal(err.message, 'the account was closed (redeploy)');
      assert.equal(w.auth.logins, 0);
    });

    it('hands the fresh token to later callers without a new sign-in, and replaces a rejected one only', async () => {
      const w = world();
      let n = 0;
      w.auth.onLogin = () => Promise.resolve({ access: `a${++n}`, exp: w.clock.now() + HOUR });
      const first = await w.signIn.getAuth();
      assert.deepEqual(await w.signIn.getAuth(), first);
      assert.equal(w.auth.logins, 1);
      const second = await w.signIn.getAuth(first);
      assert.deepEqual(second, { access: 'a2', exp: w.clock.now() + HOUR });
      assert.equal(w.auth.logins, 2);
      // A caller that found the first state refused gets the second one, no third sign-in.
      assert.equal(await w.signIn.getAuth(first), second);
      assert.equal(w.auth.logins, 2);
    });

    it('hands a caller without a refused state the current fresh token while another replaces a refused one', async () => {
      const w = world();
      w.auth.onLogin = () => Promise.resolve({ access: 'a1', exp: w.clock.now() + HOUR });
      const first = await w.signIn.getAuth();
      let release: (t: Tokens) => void = () => undefined;
      w.auth.onLogin = () => new Promise<Tokens>((resolve) => (release = resolve));
      const replacing = w.signIn.getAuth(first);
      const plain = w.signIn.getAuth();
      release({ access: 'a2', exp: w.clock.now() + HOUR });
      assert.deepEqual(await plain, { access: 'a1', exp: w.clock.now() + HOUR });
      assert.deepEqual(await replacing, { access: 'a2', exp: w.clock.now() + HOUR });
    });

    it('says it refreshes, and after a refused refresh logs that it signs in again and says it signs in', async () => {
      const w = world();
      w.signIn.restore(stored({ auth: { access: 'a', refresh: 'r', exp: w.clock.now() - 1 } }));
      w.states.length = 0;
      await w.signIn.getAuth();
      assert.deepEqual(w.states.slice(0, 2), [
        { phase: 'signing_in', message: 'refreshing token' },
        { phase: 'signing_in', message: 'signing in' },
      ]);
      assert.deepEqual(lines(w, 'info'), ['token refresh refused (refresh refused); signing in again', 'signed in']);
    });

    it('throws a passing refresh failure when the access token expires exactly now', async () => {
      const w = world();
      w.signIn.restore(stored({ auth: { access: 'a', refresh: 'r', exp: w.clock.now() } }));
      w.auth.onRefresh = () => Promise.reject(new CarError('NETWORK', 'cloud down'));
      const err = await rejection(w.signIn.getAuth());
      assert.equal(err.code, 'NETWORK');
      assert.equal(w.failed.length, 1);
    });

    it('throws a passing refresh failure for a token a call found refused, even before it expires', async () => {
      const w = world();
      const tokens = { access: 'a', refresh: 'r', exp: w.clock.now() + 30_000 };
      w.signIn.restore(stored({ auth: tokens }));
      w.auth.onRefresh = () => Promise.reject(new CarError('NETWORK', 'cloud down'));
      const current = await w.signIn.getAuth();
      // Within the refresh margin, a plain call keeps the still valid token.
      assert.deepEqual(current, tokens);
      const w2 = world();
      w2.signIn.restore(stored({ auth: tokens }));
      w2.auth.onRefresh = () => Promise.reject(new CarError('NETWORK', 'cloud down'));
      const err = await rejection(w2.signIn.getAuth(tokens));
      assert.equal(err.code, 'NETWORK');
    });
  });

  describe('failed sign-ins', () => {
    it('backs off 30 s then 60 s after passing failures, saying until when', async () => {
      const w = world();
      w.auth.onLogin = () => Promise.reject(new CarError('NETWORK', 'cloud down'));
      const start = w.clock.now();
      assert.equal((await rejection(w.signIn.getAuth())).code, 'NETWORK');
      assert.equal(w.signIn.isBlocked, false);
      assert.equal(w.failed.length, 1);
      const waiting = await rejection(w.signIn.getAuth());
      assert.equal(waiting.retryAt, start + 30_000);
      assert.equal(waiting.message, `cloud down (next sign-in attempt after ${new Date(start + 30_000).toISOString()})`);
      assert.equal(w.auth.logins, 1);
      await w.clock.advance(29_999);
      await rejection(w.signIn.getAuth());
      assert.equal(w.auth.logins, 1);
      await w.clock.advance(1);
      await rejection(w.signIn.getAuth());
      assert.equal(w.auth.logins, 2);
      const second = await rejection(w.signIn.getAuth());
      assert.equal(second.retryAt, start + 30_000 + 60_000);
    });

    it('stops after a refused sign-in, logs it once as an error, and keeps only what the provider retains', async () => {
      const w = world();
      w.auth.onLogin = () => Promise.reject(new CarError('AUTH_FAILED', 'wrong password'));
      const err = await rejection(w.signIn.getAuth());
      assert.equal(err.code, 'AUTH_FAILED');
      assert.equal(w.signIn.isBlocked, true);
      assert.deepEqual(lines(w, 'error'), ['sign-in stopped: wrong password']);
      assert.deepEqual(lines(w, 'warn'), []);
      assert.deepEqual(w.states.at(-1), { phase: 'blocked', code: 'AUTH_FAILED', message: 'wrong password' });
      assert.deepEqual(w.signIn.snapshot(5).auth, undefined);
    });
  });

  describe('submitCode', () => {
    async function waiting(): Promise<World> {
      const w = world();
      w.auth.onLogin = () => Promise.reject(new ChallengeError('TFA_REQUIRED', 'A code is needed.', CODE_CHALLENGE));
      await rejection(w.signIn.getAuth());
      assert.equal(w.signIn.awaitingCode, true);
      return w;
    }

    it('refuses an answer that is not a string with BAD_INPUT', async () => {
      const w = await waiting();
      const err = await rejection(w.signIn.submitCode(undefined as unknown as string));
      assert.equal(err.code, 'BAD_INPUT');
      assert.deepEqual(w.auth.answers, []);
    });

    it('says it checks the code, logs the sign-in, and forgets the code as a secret afterwards', async () => {
      const w = await waiting();
      w.states.length = 0;
      await w.signIn.submitCode(' 834-219x ');
      assert.deepEqual(w.auth.answers, ['834-219x']);
      assert.deepEqual(w.states, [{ phase: 'signing_in', message: 'checking the code' }, { phase: 'ready' }]);
      assert.deepEqual(lines(w, 'info'), ['signed in with the code']);
      assert.equal(redact('code 834-219x'), 'code 834-219x');
      assert.equal(w.signIn.signedIn, true);
    });

    it('keeps the challenge after a wrong code, with the error and the prompt', async () => {
      const w = await waiting();
      w.auth.onComplete = () => Promise.reject(new CarError('BAD_INPUT', 'The code is wrong'));
      const err = await rejection(w.signIn.submitCode('000000'));
      assert.equal(err.code, 'BAD_INPUT');
      assert.equal(w.signIn.awaitingCode, true);
      assert.deepEqual(w.states.at(-1), { phase: 'tfa_required', code: 'TFA_REQUIRED', message: 'The code is wrong. Type the code sent to j***@example.com' });
    });

    it('keeps the challenge after a network error', async () => {
      const w = await waiting();
      w.auth.onComplete = () => Promise.reject(new CarError('NETWORK', 'cloud down'));
      assert.equal((await rejection(w.signIn.submitCode('000000'))).code, 'NETWORK');
      assert.equal(w.signIn.awaitingCode, true);
    });

    it('gives a caller that comes while the code is checked (after "Sign in again") the tokens the code brought, not nothing', async () => {
      const w = await waiting();
      let answer: (t: Tokens) => void = () => undefined;
      w.auth.onComplete = () => new Promise<Tokens>((resolve) => (answer = resolve));
      const submitted = w.signIn.submitCode('834219');
      await eventually(() => w.auth.answers.length === 1, 'the code on its way');
      await w.signIn.unblock();
      // Unblocked, the caller joins the one sign-in on the wire (the code check) instead of starting another.
      const auth = w.signIn.getAuth();
      const tokens = { access: 'a2', refresh: 'r2', exp: w.clock.now() + HOUR };
      answer(tokens);
      await submitted;
      assert.deepEqual(await auth, tokens);
      assert.equal(w.auth.logins, 1, 'no second sign-in');
    });

    it('ends the challenge after a refused sign-in and logs it as an error', async () => {
      const w = await waiting();
      w.log.lines.length = 0;
      w.auth.onComplete = () => Promise.reject(new CarError('AUTH_FAILED', 'account locked'));
      assert.equal((await rejection(w.signIn.submitCode('000000'))).code, 'AUTH_FAILED');
      assert.equal(w.signIn.awaitingCode, false);
      assert.deepEqual(lines(w, 'error'), ['sign-in stopped: account locked']);
    });
  });

  describe('device codes', () => {
    const DEVICE: PendingChallenge = { kind: 'device_code', prompt: 'Confirm code WXYZ-1234 at https://example.com/device', userCode: 'WXYZ-1234', pollMs: 5_000, state: { deviceCode: 'dev-secret-1' } };
    const blockedWithDevice = (): StoredAccount => stored({ blocked: { code: 'TFA_REQUIRED', message: DEVICE.prompt, at: 1 }, extra: { pending: DEVICE } });

    it('asks with an empty answer and logs the confirmed sign-in', async () => {
      const w = world();
      w.signIn.restore(blockedWithDevice());
      await w.clock.advance(5_000);
      await eventually(() => w.signIn.signedIn, 'the device code confirmed');
      assert.deepEqual(w.auth.answers, ['']);
      assert.deepEqual(lines(w, 'info'), ['signed in: the code was confirmed']);
    });

    it('stops with a definitive error when the provider has no device-code answer', async () => {
      const w = world(new FakeAuthNoComplete());
      w.signIn.restore(blockedWithDevice());
      await w.clock.advance(5_000);
      await eventually(() => lines(w, 'error').length > 0, 'the sign-in stopped');
      assert.deepEqual(lines(w, 'error'), ['sign-in stopped: no device-code sign-in']);
      assert.equal(w.signIn.awaitingCode, false);
      assert.deepEqual(w.states.at(-1), { phase: 'blocked', code: 'AUTH_FAILED', message: 'no device-code sign-in' });
    });
  });
});
