/** Per-account quota (spec §8/§9.5) and injected faults for the simulated Kamereon API. */
// @ts-nocheck

import type { Clock } from '../../core/clock';
import type { RenaultFault, RenaultFaultKind, RenaultQuotaOptions } from './types';
import { faultHits } from '../http';

export const DEFAULT_QUOTA: RenaultQuotaOptions = { limit: 60, windowMs: 3_600_000, lockoutMs: 900_000 };

interface QuotaState {
  calls: number[];
  lockedUntil: number;
}

export class Quota {
  private readonly byKey = new Map<string, QuotaState>();

  constructor(
    private readonly clock: Clock,
    public options: RenaultQuotaOptions | false,
  ) {}

  /** Counts one call for `key`; false when the key is (or just became) locked out. */
  take(key: string): boolean {
    const o = this.options;
    if (!o) return true;
    const now = this.clock.now();
    let s = this.byKey.get(key);
    if (!s) {
      s = { calls: [], lockedUntil: 0 };
      this.byKey.set(key, s);
    }
    if (now < s.lockedUntil) return false;
    s.calls = s.calls.filter((t) => t > now - o.windowMs);
    if (s.calls.length >= o.limit) {
      s.lockedUntil = now + o.lockoutMs;
      s.calls = [];
      return false;
    }
    s.calls.push(now);
    return true;
  }

  /** Calls counted in the current window and the lockout end, for tests and the index page. */
  status(key: string): { calls: number; lockedUntil?: number } {
    const s = this.byKey.get(key);
    const o = this.options;
    if (!s || !o) return { calls: 0 };
    const now = this.clock.now();
    return {
      calls: s.calls.filter((t) => t > now - o.windowMs).length,
      lockedUntil: s.lockedUntil > now ? s.lockedUntil : undefined,
    };
  }

  reset(): void {
    this.byKey.clear();
  }
}

interface ArmedFault {
  path?: RegExp | string;
  kind: RenaultFaultKind;
  remaining: number;
}

export class Faults {
  private armed: ArmedFault[] = [];

  inject(f: RenaultFault): void {
    this.armed.push({ path: f.path, kind: f.kind, remaining: f.times ?? 1 });
  }

  clear(): void {
    this.armed = [];
  }

  get pending(): number {
    return this.armed.reduce((n, f) => n + f.remaining, 0);
  }

  /** The first armed fault matching `path`, consuming one of its hits. */
  take(path: string): RenaultFaultKind | undefined {
    const f = this.armed.find((a) => {
      if (a.remaining <= 0) return false;
      return faultHits(a.path, path);
    });
    if (!f) return undefined;
    f.remaining--;
    this.armed = this.armed.filter((a) => a.remaining > 0);
    return f.kind;
  }
}
