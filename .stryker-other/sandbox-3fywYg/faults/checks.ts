/** What every scenario of `npm run faults` is checked for (the tally: tally.ts). */
import { ERROR_CODES, MAX_ERROR_MESSAGE } from '../src/core/errors';
import { DEMO_CARDATA_CLIENT_ID } from '../src/sim';
import { DEMO_RENAULT_PASSWORD } from '../src/sim/renault';
import { visible, type Msg, type Runtime } from './runtime';
import type { Tally } from './tally';

/** A JWT (three base64url parts, the first one a JSON header). */
const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/;
/** The secrets of the simulator's demo accounts that are known up front. */
const FIXED_SECRETS = [DEMO_RENAULT_PASSWORD, DEMO_CARDATA_CLIENT_ID];

/** The first secret found in what the user can see, described without repeating it. */
export function findSecret(shown: string[], stored: string[]): string | undefined {
  const secrets = [...FIXED_SECRETS, ...stored].filter((s) => s.length >= 8);
  for (const line of shown) {
    if (JWT.test(line)) return 'a JWT';
    const hit = secrets.find((s) => line.includes(s));
    if (hit) return hit === DEMO_RENAULT_PASSWORD ? 'the password' : hit === DEMO_CARDATA_CLIENT_ID ? 'the CarData client id' : `a stored secret (${hit.length} characters)`;
  }
  return undefined;
}

export interface CaughtCode {
  code: string;
  message: string;
}

/** msg.error of a Catch message, or undefined when it is not one of ours (a crash inside a node). */
export function caughtCode(msg: Msg): CaughtCode | undefined {
  const error = msg.error as { code?: unknown; message?: unknown } | undefined;
  const code = typeof error?.code === 'string' ? error.code : '';
  const message = typeof error?.message === 'string' ? error.message : '';
  return (ERROR_CODES as readonly string[]).includes(code) ? { code, message } : undefined;
}

/** Where a scenario went wrong on the way, by the summary's four counts and the rest. */
export type Problem = 'crash' | 'unhandled' | 'leak' | 'lost' | 'failed';

export class Scenario {
  private readonly problems: { kind: Problem; text: string }[] = [];
  private readonly crashesBefore: number;
  private readonly unhandledBefore: number;

  constructor(
    readonly name: string,
    private readonly rt: Runtime,
  ) {
    this.crashesBefore = rt.crashes.length;
    this.unhandledBefore = rt.unhandled.length;
  }

  /** True once a check failed (the scenario may have left the account signed out). */
  get troubled(): boolean {
    return this.problems.length > 0;
  }

  problem(kind: Problem, text: string): void {
    this.problems.push({ kind, text });
  }

  /** Checks what a deployment showed: secrets, errors that are not ours, error messages cut to size. Call before undeploying. */
  async inspect(): Promise<void> {
    const shown = this.rt.shown();
    const leak = findSecret(shown, await this.rt.storedSecrets());
    if (leak) this.problem('leak', `${leak} was shown`);
    for (const r of this.rt.logRecords()) {
      const m = r.msg;
      if (m instanceof TypeError || m instanceof RangeError || m instanceof ReferenceError || m instanceof SyntaxError) this.problem('crash', `a node threw ${m.name}: ${m.message.slice(0, 120)}`);
      else if (typeof m === 'string' && /\b(TypeError|RangeError|ReferenceError|Maximum call stack)\b/.test(m)) this.problem('crash', `logged ${m.slice(0, 160)}`);
    }
    for (const msg of this.rt.received('caught')) {
      const c = caughtCode(msg);
      if (!c) this.problem('crash', `Catch got an error without one of our codes: ${visible(msg.error).slice(0, 160)}`);
      else if (c.message.length > MAX_ERROR_MESSAGE + 50) this.problem('failed', `msg.error.message is ${c.message.length} characters long`);
    }
  }

  finish(t: Tally): void {
    t.scenarios++;
    const crashes = this.rt.crashes.length - this.crashesBefore;
    const unhandled = this.rt.unhandled.length - this.unhandledBefore;
    for (const e of this.rt.crashes.slice(this.crashesBefore)) this.problem('crash', `uncaught: ${visible(e).slice(0, 160)}`);
    for (const e of this.rt.unhandled.slice(this.unhandledBefore)) this.problem('unhandled', `unhandled rejection: ${e instanceof Error ? e.message : visible(e).slice(0, 160)}`);
    const kinds = new Set(this.problems.map((p) => p.kind));
    if (kinds.has('crash') || crashes > 0) t.crashes++;
    if (kinds.has('unhandled') || unhandled > 0) t.unhandled++;
    if (kinds.has('leak')) t.leaks++;
    if (kinds.has('lost')) t.lost++;
    if (kinds.has('failed')) t.failed++;
    for (const p of this.problems) t.lines.push(`  ${p.kind.padEnd(9)} ${this.name}: ${p.text}`);
  }
}
