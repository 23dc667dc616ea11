// @ts-nocheck
import { CarError, SingleFlight, forgetSecret, forgetSecretsOf, registerSecret, toCarError, type Clock, type Logger, type StoredAccount } from '../core';
import { ChallengeError, type PendingChallenge, type Provider, type ProviderContext } from '../brands';
import { DeviceCodePoll } from './device-code-poll';
import { ANSWER, DEFINITIVE, PendingSchema, registerChallengeSecrets, startSecondStep, type SessionState } from './challenge';

export type { SessionPhase, SessionState } from './challenge';

export interface SignInOptions {
  provider: Provider<unknown>;
  context: () => ProviderContext;
  clock: Clock;
  log: Logger;
  /** Re-mint the access token this long before it expires. */
  refreshMarginMs: number;
  /** Writes the account's file now (tokens changed). */
  save: () => Promise<void>;
  /** Tells the account's state (the session passes it on to the nodes). */
  setState: (state: SessionState) => void;
  /** Records a failure that is not the sign-in's own verdict (an outage, a quota) in the account's state. */
  fail: (err: CarError) => CarError;
}

/** Waits after failed sign-ins, and after refreshes that failed for a passing reason (outage, 429). */
const BACKOFF_MS = [30_000, 60_000, 120_000, 300_000, 900_000, 1_800_000];
const backoff = (failures: number): number => BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)] ?? 1_800_000;

/**
 * The token lifecycle of one account: sign in once, refresh before expiry (one refresh in
 * flight whatever the number of callers), never hammer a login (back-off), stop after a
 * definitive failure until the user acts, and carry a second step (an e-mailed code, a device
 * code confirmed in the brand's portal) through restarts.
 */
export class SignIn {
  private readonly o: SignInOptions;
  private readonly flights = new SingleFlight<unknown>();
  private auth: unknown;
  private blocked?: CarError;
  /** A second sign-in step waiting for the user (code sent, device code shown). */
  private pending?: PendingChallenge;
  /** Polls a device-code sign-in until the user confirms it in the brand's portal. */
  private readonly devicePoll: DeviceCodePoll;
  private loginFailures = 0;
  private nextLoginAt = 0;
  private lastLoginError?: CarError;
  /** A refresh that failed for a passing reason: the tokens stay, and it is not tried again before `at`. */
  private refreshWait?: { err: CarError; at: number; failures: number };
  private closed = false;
  /**
   * The user asked for a sign-in (a new configuration, "Sign in again"): a second step that
   * costs them something (an e-mailed code) may start. Background calls never start one.
   */
  private userAsked = true;

  constructor(options: SignInOptions) {
    this.o = options;
    const auth = options.provider.auth;
    this.devicePoll = new DeviceCodePoll({
      clock: options.clock,
      current: () => this.pending,
      // Its own flight: a sign-in ("Sign in again") never waits for a look at the old code, nor a look for a sign-in.
      look: (pending) => this.flights.run('device-look', () => auth.completeSecondFactor?.(this.o.context(), pending, '') ?? Promise.reject(new CarError('AUTH_FAILED', 'no device-code sign-in'))),
      confirmed: async (tokens) => {
        this.setAuth(tokens);
        await this.succeeded('signed in: the code was confirmed');
      },
      failed: async (err, log) => {
        this.endChallenge();
        await this.stop(err, log);
      },
    });
  }

  /** True when tokens were restored or obtained and nothing blocks them: nodes may start polling. */
  get signedIn(): boolean {
    return this.hasTokens(this.auth) && !this.blocked;
  }

  /** A state with tokens, not only what a provider retains of a failed sign-in (device ids). */
  private hasTokens(auth: unknown): boolean {
    const p = this.o.provider.auth;
    return auth !== undefined && (p.canRefresh(auth) || p.accessExpiresAt(auth) !== undefined);
  }

  /** Takes a new auth state; the old one's tokens are no longer live secrets (the shape nets still catch them). */
  private setAuth(next: unknown): unknown {
    forgetSecretsOf(this.auth, next);
    return (this.auth = next);
  }

  /** Ends the challenge in progress; its flow state (device codes, verifiers) is no longer live. */
  private endChallenge(): void {
    forgetSecretsOf(this.pending?.state);
    this.pending = undefined;
  }

  /** True after a definitive failure, until the settings change or the user asks again. */
  get isBlocked(): boolean {
    return this.blocked !== undefined;
  }

  /** True while a sign-in waits for the user's code (submitCode answers it). */
  get awaitingCode(): boolean {
    return this.pending !== undefined;
  }

  /** The state a phase of sign-in shows, with the challenge's public part. */
  stateOf(next: SessionState): SessionState {
    const p = this.pending;
    if (next.phase !== 'tfa_required' || !p || next.challenge) return next;
    return { ...next, challenge: { kind: p.kind, ...(p.hint ? { hint: p.hint } : {}), ...(p.userCode ? { userCode: p.userCode } : {}), ...(p.expiresAt !== undefined ? { expiresAt: p.expiresAt } : {}) } };
  }

  /** Takes what the store kept (the seed already matched). */
  restore(saved: StoredAccount): void {
    const auth = this.o.provider.auth.stateSchema.safeParse(saved.auth);
    if (auth.success) this.auth = auth.data;
    const pending = PendingSchema.safeParse(saved.extra?.pending);
    if (pending.success && saved.blocked) {
      this.pending = pending.data;
      registerChallengeSecrets(pending.data);
      this.devicePoll.schedule();
    }
    if (saved.blocked) {
      const code = saved.blocked.code === 'TFA_REQUIRED' || saved.blocked.code === 'CAPTCHA_REQUIRED' ? saved.blocked.code : 'AUTH_FAILED';
      this.blocked = new CarError(code, saved.blocked.message, { transient: false });
      this.o.setState({ phase: code === 'AUTH_FAILED' ? 'blocked' : 'tfa_required', code, message: this.blocked.message });
    }
    // A restart is not a user action: an account that was signed in (or waits) starts no second step by itself.
    if (this.hasTokens(this.auth) || saved.blocked) this.userAsked = false;
    if (this.hasTokens(this.auth) && !this.blocked) this.o.setState({ phase: 'ready' });
  }

  /** What the store keeps of the sign-in. */
  snapshot(now: number): Pick<StoredAccount, 'auth' | 'blocked'> & { pending?: PendingChallenge } {
    return {
      ...(this.auth !== undefined ? { auth: this.auth } : {}),
      ...(this.blocked ? { blocked: { code: this.blocked.code, message: this.blocked.message, at: now } } : {}),
      ...(this.pending ? { pending: this.pending } : {}),
    };
  }

  /**
   * A valid access token. Signs in or refreshes when needed, one at a time; `rejected` is
   * the state a call found refused (401): it is replaced unless someone already did.
   */
  async getAuth(rejected?: unknown): Promise<unknown> {
    if (this.closed) throw new CarError('NETWORK', 'the account was closed (redeploy)');
    if (this.blocked) throw this.blocked;
    const usable = (): boolean => this.isFresh(this.auth) && (rejected === undefined || this.auth !== rejected);
    if (usable()) return this.auth;
    return this.flights.run('auth', async () => {
      if (usable()) return this.auth;
      const auth = this.o.provider.auth;
      const now = this.o.clock.now();
      // Until the access token really expires, a refresh that failed for a passing reason costs nothing.
      const stillValid = rejected === undefined && this.auth !== undefined && (auth.accessExpiresAt(this.auth) ?? 0) > now;
      const wait = this.refreshWait;
      if (wait && now < wait.at) {
        if (stillValid) return this.auth;
        throw wait.err;
      }
      if (this.auth !== undefined && auth.canRefresh(this.auth)) {
        try {
          this.o.setState({ phase: 'signing_in', message: 'refreshing token' });
          this.setAuth(await auth.refresh(this.o.context(), this.auth));
          this.refreshWait = undefined;
          await this.o.save();
          this.o.setState({ phase: 'ready' });
          return this.auth;
        } catch (e) {
          const err = toCarError(e);
          if (err.code !== 'AUTH_FAILED') {
            // An outage, a 429, a lost answer: keep the tokens, try again later (BMW and Renault alike).
            const failures = (wait?.failures ?? 0) + 1;
            this.refreshWait = { err, at: err.retryAt ?? now + backoff(failures - 1), failures };
            if (!stillValid) throw this.o.fail(err);
            this.o.setState({ phase: 'ready' });
            return this.auth;
          }
          this.o.log.info(`token refresh refused (${err.message}); signing in again`);
        }
      }
      return this.signIn();
    });
  }

  private isFresh(auth: unknown): boolean {
    if (auth === undefined) return false;
    const exp = this.o.provider.auth.accessExpiresAt(auth);
    return exp !== undefined && exp - this.o.refreshMarginMs > this.o.clock.now();
  }

  private async signIn(): Promise<unknown> {
    const now = this.o.clock.now();
    if (now < this.nextLoginAt && this.lastLoginError) {
      // Never hammer a login: wait out the back-off and say until when.
      throw new CarError(this.lastLoginError.code, `${this.lastLoginError.message} (next sign-in attempt after ${new Date(this.nextLoginAt).toISOString()})`, {
        retryAt: this.nextLoginAt,
      });
    }
    this.o.setState({ phase: 'signing_in', message: 'signing in' });
    try {
      this.setAuth(await this.o.provider.auth.login(this.o.context(), this.auth));
      await this.succeeded('signed in');
      return this.auth;
    } catch (e) {
      let err = toCarError(e);
      if (err instanceof ChallengeError) {
        // A second step that costs the user something (an e-mailed code) starts only when they asked.
        const started = await startSecondStep(this.o.provider.auth, this.o.context(), err, this.userAsked);
        this.pending = started.pending;
        err = started.error;
        this.userAsked = false;
      }
      if (DEFINITIVE.includes(err.code)) {
        // What the provider keeps of a failed sign-in (e.g. device ids a cloud trusts), never a token.
        const previous = this.auth;
        this.setAuth(previous !== undefined ? this.o.provider.auth.retain?.(previous) : undefined);
        if (this.pending) this.o.log.warn(`sign-in waits for the user: ${err.message}`);
        await this.stop(err, !this.pending);
        // Looks start once the account says it waits (a confirmation seen earlier would be overwritten by that).
        this.devicePoll.restart();
        throw err;
      }
      this.lastLoginError = err;
      this.nextLoginAt = now + backoff(this.loginFailures);
      this.loginFailures++;
      throw this.o.fail(err);
    }
  }

  /** Tokens obtained: forget failures and challenges, keep them, say ready. */
  private async succeeded(words: string): Promise<void> {
    this.endChallenge();
    this.userAsked = false;
    this.blocked = undefined;
    this.loginFailures = 0;
    this.nextLoginAt = 0;
    this.lastLoginError = undefined;
    await this.o.save();
    this.o.log.info(words);
    this.o.setState({ phase: 'ready' });
  }

  /** A definitive failure: no further sign-in until the settings change or the user asks. */
  private async stop(err: CarError, log: boolean): Promise<void> {
    this.blocked = err;
    await this.o.save();
    if (log) this.o.log.error(`sign-in stopped: ${err.message}`);
    this.o.setState({ phase: err.code === 'AUTH_FAILED' ? 'blocked' : 'tfa_required', code: err.code, message: err.message });
  }

  /**
   * Answers the pending second step with what the user typed (the e-mail code). On success
   * the tokens are kept and nodes carry on; a refused code keeps the challenge (BAD_INPUT,
   * try again); anything else ends it and the user asks for a new one with "Sign in again".
   * The answer is a secret: never logged, never in a message.
   */
  async submitCode(answer: string): Promise<void> {
    const code = typeof answer === 'string' ? answer.trim() : '';
    registerSecret(code);
    const pending = this.pending;
    const complete = this.o.provider.auth.completeSecondFactor;
    if (!pending || !complete) throw new CarError('BAD_INPUT', 'code: no sign-in code is awaited for this account now; press "Sign in again" to start a sign-in');
    if (!ANSWER.test(code)) throw new CarError('BAD_INPUT', 'code: type the code from the e-mail (4 to 64 letters or digits, no spaces)');
    await this.flights.run('auth', async () => {
      this.o.setState({ phase: 'signing_in', message: 'checking the code' });
      try {
        this.setAuth(await complete.call(this.o.provider.auth, this.o.context(), pending, code));
      } catch (e) {
        const err = toCarError(e);
        if (err.code === 'BAD_INPUT' || !DEFINITIVE.includes(err.code)) {
          // A wrong code, a network error or an outage: the challenge stands, the user may type it again.
          this.o.setState({ phase: 'tfa_required', code: 'TFA_REQUIRED', message: `${err.message}. ${pending.prompt}` });
          throw err;
        }
        this.endChallenge();
        await this.stop(err, true);
        throw err;
      }
      await this.succeeded('signed in with the code');
      // A getAuth that came meanwhile (after "Sign in again") shares this flight: it gets the new tokens, not nothing.
      return this.auth;
    }).finally(() => forgetSecret(code)); // used once, whatever the answer
  }

  /** Clears a block (the user asked to try again, e.g. after fixing the password elsewhere). */
  async unblock(): Promise<void> {
    this.blocked = undefined;
    this.userAsked = true;
    this.endChallenge();
    this.loginFailures = 0;
    this.nextLoginAt = 0;
    await this.o.save();
    this.o.setState({ phase: 'idle' });
  }

  close(): void {
    this.closed = true;
    this.devicePoll.stop();
  }
}
