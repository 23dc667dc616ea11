// @ts-nocheck
import { CarError, toCarError, type Clock, type TimerHandle } from '../core';
import type { PendingChallenge } from '../brands';

/** How often a device-code sign-in asks whether the user confirmed, when the cloud names no interval. */
const DEVICE_POLL_MS = 5_000;

export interface DeviceCodePollOptions {
  clock: Clock;
  /** The challenge waiting now (it may have changed since the last look). */
  current: () => PendingChallenge | undefined;
  /** One look at the cloud: the tokens once confirmed; BAD_INPUT (with retryAt to slow down) while waiting. */
  look: (pending: PendingChallenge) => Promise<unknown>;
  confirmed: (auth: unknown) => Promise<void>;
  /** The sign-in ends (the code expired, was refused); `log` when the user has not been told yet. */
  failed: (err: CarError, log: boolean) => Promise<void>;
}

/**
 * A device-code sign-in (CarData) needs no typed code: the user confirms in the brand's portal,
 * and this asks, at the cloud's interval (slower for good when it says slow_down), whether that
 * happened. The one poller of a device code.
 */
export class DeviceCodePoll {
  private timer?: TimerHandle;
  private stopped = false;

  constructor(private readonly o: DeviceCodePollOptions) {}

  /** Asks about the current code after delayMs (default: its interval), unless a look is already due. */
  schedule(delayMs?: number): void {
    const pending = this.o.current();
    if (this.stopped || pending?.kind !== 'device_code' || this.timer) return;
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = undefined;
      void this.look();
    }, delayMs ?? pending.pollMs ?? DEVICE_POLL_MS);
  }

  private async look(): Promise<void> {
    const pending = this.o.current();
    if (!pending || pending.kind !== 'device_code' || this.stopped) return;
    if (pending.expiresAt !== undefined && this.o.clock.now() > pending.expiresAt) {
      await this.o.failed(new CarError('TFA_REQUIRED', 'The sign-in code expired before it was confirmed; press "Sign in again" for a new one.', { transient: false }), false);
      return;
    }
    let auth: unknown;
    try {
      auth = await this.o.look(pending);
    } catch (e) {
      // "Sign in again" replaced or ended the code meanwhile: this answer is about a code nobody waits for.
      if (this.o.current() !== pending) return this.schedule();
      const err = toCarError(e);
      // Not confirmed yet (BAD_INPUT), or a passing outage: ask again; slower when the cloud says so.
      if (err.code === 'BAD_INPUT' || err.transient) {
        const wait = err.retryAt !== undefined ? Math.max(0, err.retryAt - this.o.clock.now()) : undefined;
        if (wait !== undefined && wait > (pending.pollMs ?? DEVICE_POLL_MS)) pending.pollMs = wait;
        this.schedule(wait);
        return;
      }
      await this.o.failed(err, true);
      return;
    }
    if (this.o.current() !== pending) return this.schedule();
    if (!this.stopped) await this.o.confirmed(auth);
  }

  /** A new code replaces the one asked about: the one loop asks about it from its own interval on. */
  restart(): void {
    this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
