/**
 * The fault matrix of `npm run faults`: each fault of the simulator x each node type, with and
 * without a redeploy in the middle, in a real Node-RED on the virtual clock.
 */
import { randomUUID } from 'node:crypto';
import { DEMO_CARDATA_CARS } from '../src/sim';
import { DEMO_RENAULT_USER } from '../src/sim/renault';
import { STREAM_GAP_MS } from '../src/features/session-stream';
import { caughtCode, Scenario } from './checks';
import type { Tally } from './tally';
import { HOME, type Msg, type Runtime } from './runtime';

export type Brand = 'renault' | 'cardata';
export type NodeKind = 'status' | 'trips' | 'charging' | 'command' | 'presence' | 'request';
export const NODE_KINDS: NodeKind[] = ['status', 'trips', 'charging', 'command', 'presence', 'request'];

export const ZOE = 'VF1AG000862Z50001';
export const BMW = DEMO_CARDATA_CARS[0]?.vin ?? '';
const KCA = '/commerce/v1/accounts/{accountId}/kamereon/kca/car-adapter';

/** 'ok': the input is answered on the output; anything else: the code the Catch node gets. */
export type Outcome = string;

export interface Fault {
  name: string;
  brand: Brand;
  arm(rt: Runtime): void;
  /** What the node may answer while the fault lasts. */
  expect: Outcome[];
  /** What a command may answer (default: expect). A write is never retried. */
  expectCommand?: Outcome[];
  /** Undoes what arm changed beyond one-shot faults (clearFaults runs anyway). */
  clear?(rt: Runtime): void;
  /** The fault ends the sign-in: the user presses "Sign in again" once it has cleared. */
  needsSignIn?: boolean;
  /** What comes before the fault and must have lasted a while when it strikes (the stream down for longer than its gap). */
  before?(rt: Runtime): void;
}

const R = (name: string, arm: (rt: Runtime) => void, expect: Outcome[], extra: Partial<Fault> = {}): Fault => ({ name, brand: 'renault', arm, expect, ...extra });
const C = (name: string, arm: (rt: Runtime) => void, expect: Outcome[], extra: Partial<Fault> = {}): Fault => ({ name, brand: 'cardata', arm, expect, ...extra });
/**
 * A CarData REST fault with the stream down: while the stream is up, the parts it carries are
 * served fresh without a REST call, and the fault would meet nothing. A gap shorter than
 * STREAM_GAP_MS still counts as up (a reconnect), so the stream has been down longer than that
 * when the fault strikes: otherwise the trigger's read was served by the stream while a call of
 * another node (the trips node's) met the fault, and the scenario read that as "ok despite it".
 */
const REST = (name: string, arm: (rt: Runtime) => void, expect: Outcome[]): Fault =>
  C(`${name} (stream down)`, arm, expect, {
    before: (rt) => {
      rt.sim.cardata.setBrokerAvailable(false);
      rt.sim.cardata.dropConnections();
    },
    clear: (rt) => rt.sim.cardata.setBrokerAvailable(true),
  });

// Armed ten times: a fault outlasts a read's retries (two) on each endpoint it reads. A command is sent once.
export const FAULTS: Fault[] = [
  R('429 with Retry-After', (rt) => rt.sim.renault.injectFault({ kind: 'retry-after', times: 10 }), ['RATE_LIMITED']),
  R('429 quota, no Retry-After', (rt) => rt.sim.renault.injectFault({ kind: 'overloaded', times: 10 }), ['RATE_LIMITED']),
  R('500 Kamereon proxy', (rt) => rt.sim.renault.injectFault({ kind: 'kamereon-proxy', times: 10 }), ['UPSTREAM']),
  R('500 invalid upstream', (rt) => rt.sim.renault.injectFault({ kind: 'invalid-upstream', times: 10 }), ['UPSTREAM']),
  R('500 HTML page', (rt) => rt.sim.renault.injectFault({ kind: 'html-500', times: 10 }), ['UPSTREAM']),
  R('502 HTML page', (rt) => rt.sim.renault.injectFault({ kind: 'bad-gateway', times: 10 }), ['UPSTREAM']),
  R('503 HTML page', (rt) => rt.sim.renault.injectFault({ kind: 'unavailable', times: 10 }), ['UPSTREAM']),
  R('malformed JSON', (rt) => rt.sim.renault.injectFault({ kind: 'malformed-json', times: 10 }), ['UPSTREAM']),
  // A command that went out and met a held or reset socket may have run: "unknown" too (issue 15.6).
  R('hanging socket', (rt) => rt.sim.renault.injectFault({ kind: 'hang', times: 10 }), ['TIMEOUT'], { expectCommand: ['unknown'] }),
  R('reset connection', (rt) => rt.sim.renault.injectFault({ kind: 'reset', times: 10 }), ['NETWORK'], { expectCommand: ['unknown'] }),
  // A command whose answer was lost may have run: its outcome is "unknown", never a failure to resend (issue 15.6).
  R('lost reply after the call ran', (rt) => rt.sim.renault.injectFault({ kind: 'lost-reply', times: 10 }), ['TIMEOUT'], { expectCommand: ['unknown'] }),
  R(
    'token revoked mid-call',
    (rt) => {
      rt.sim.renault.revokeLoginTokens();
      rt.sim.renault.injectFault({ kind: 'unauthorized', times: 1 });
    },
    ['ok'],
  ),
  R(
    '2FA demanded at refresh',
    (rt) => {
      rt.sim.renault.revokeLoginTokens();
      rt.sim.renault.setTfa(DEMO_RENAULT_USER, true);
      rt.sim.renault.injectFault({ kind: 'unauthorized', times: 1 });
    },
    ['TFA_REQUIRED', 'AUTH_FAILED'],
    { clear: (rt) => rt.sim.renault.setTfa(DEMO_RENAULT_USER, false), needsSignIn: true },
  ),
  // A 401 makes the session mint a new JWT, which meets the Gigya fault.
  R(
    'Gigya 429 at refresh',
    (rt) => {
      rt.sim.renault.injectFault({ kind: 'unauthorized', times: 1 });
      rt.sim.renault.injectGigyaFault({ method: 'accounts.getJWT', kind: 'rate-limited', times: 10 });
    },
    ['RATE_LIMITED'],
  ),
  R(
    'Gigya 500 HTML at refresh',
    (rt) => {
      rt.sim.renault.injectFault({ kind: 'unauthorized', times: 1 });
      rt.sim.renault.injectGigyaFault({ method: 'accounts.getJWT', kind: 'html-500', times: 10 });
    },
    ['UPSTREAM', 'NETWORK'],
  ),

  REST('429 with Retry-After', (rt) => rt.sim.cardata.injectFault({ kind: 'retry-after', times: 10 }), ['RATE_LIMITED', 'QUOTA_EXCEEDED']),
  REST('403 quota (CU-429)', (rt) => rt.sim.cardata.injectFault({ kind: 'quota', times: 10 }), ['QUOTA_EXCEEDED', 'RATE_LIMITED']),
  REST('500', (rt) => rt.sim.cardata.injectFault({ kind: 'server-error', times: 10 }), ['UPSTREAM']),
  REST('502 HTML page', (rt) => rt.sim.cardata.injectFault({ kind: 'bad-gateway', times: 10 }), ['UPSTREAM']),
  REST('503 HTML page', (rt) => rt.sim.cardata.injectFault({ kind: 'unavailable', times: 10 }), ['UPSTREAM']),
  REST('malformed JSON', (rt) => rt.sim.cardata.injectFault({ kind: 'malformed-json', times: 10 }), ['UPSTREAM']),
  REST('hanging socket', (rt) => rt.sim.cardata.injectFault({ kind: 'hang', times: 10 }), ['TIMEOUT']),
  REST('reset connection', (rt) => rt.sim.cardata.injectFault({ kind: 'reset', times: 10 }), ['NETWORK']),
  C('token refused once (403 CU-127)', (rt) => rt.sim.cardata.injectFault({ kind: 'unauthorized', times: 1 }), ['ok']),
  // Transient refresh failures keep the session (issue 15.1): an error now, no new device code after.
  // A 401 makes the session refresh its token, which meets the fault.
  C(
    'refresh 503 HTML page',
    (rt) => {
      rt.sim.cardata.injectFault({ kind: 'unauthorized', times: 1 });
      rt.sim.cardata.injectFault({ kind: 'refresh-unavailable', times: 10 });
    },
    ['UPSTREAM', 'NETWORK'],
  ),
  C(
    'refresh 429',
    (rt) => {
      rt.sim.cardata.injectFault({ kind: 'unauthorized', times: 1 });
      rt.sim.cardata.injectFault({ kind: 'refresh-429', times: 10 });
    },
    ['RATE_LIMITED'],
  ),
  C(
    'token revoked mid-call',
    (rt) => {
      rt.sim.cardata.revokeRefreshTokens();
      rt.sim.cardata.injectFault({ kind: 'unauthorized', times: 1 });
    },
    ['TFA_REQUIRED', 'AUTH_FAILED'],
    { needsSignIn: true },
  ),
  C(
    'device code expired',
    (rt) => {
      rt.sim.cardata.revokeRefreshTokens();
      rt.sim.cardata.setAutoApprove(false);
      rt.sim.cardata.injectFault({ kind: 'unauthorized', times: 1 });
      rt.sim.cardata.injectFault({ kind: 'device-code-expired', times: 1 });
    },
    ['TFA_REQUIRED', 'AUTH_FAILED'],
    { needsSignIn: true, clear: (rt) => rt.sim.cardata.setAutoApprove(1_000) },
  ),
  C(
    'broker refusing',
    (rt) => {
      rt.sim.cardata.setBrokerAvailable(false);
      rt.sim.cardata.dropConnections();
    },
    ['ok'],
    { clear: (rt) => rt.sim.cardata.setBrokerAvailable(true) },
  ),
  C('broker dropping', (rt) => rt.sim.cardata.dropConnections(), ['ok']),
];

/** The nodes of a scenario: the node under test ('n'), and a car-status ('st') whose reads trips and presence follow. */
export function nodesFor(kind: NodeKind, brand: Brand): { nodes: Msg[]; outs: string[] } {
  const vin = brand === 'renault' ? ZOE : BMW;
  const base = { id: 'n', account: 'acc', vin };
  const st = { id: 'st', type: 'car-status', account: 'acc', vin, interval: '', parts: 'battery,position', onlyOnChange: false, wires: [['st-out']] };
  switch (kind) {
    case 'status':
      return { nodes: [{ ...base, type: 'car-status', interval: '', parts: 'battery', onlyOnChange: false, wires: [['out']] }], outs: ['out'] };
    case 'trips':
      return { nodes: [st, { ...base, type: 'car-trips', capacityKwh: '', timeZone: 'UTC', wires: [['out'], ['out'], ['out']] }], outs: ['out', 'st-out'] };
    case 'charging':
      return { nodes: [{ ...base, type: 'car-charging', interval: 0, reread: 0, wires: [['out']] }], outs: ['out'] };
    case 'command':
      return { nodes: [{ ...base, type: 'car-command', command: '', temperatureC: '', allowUnlock: false, timeout: 60, steps: false, wires: [['out'], []] }], outs: ['out'] };
    case 'presence':
      return { nodes: [st, { ...base, type: 'car-presence', zones: [{ name: 'home', latitude: HOME.latitude, longitude: HOME.longitude, radiusM: 150 }], enterDwell: '0', leaveDwell: '0', maxAge: '30', wires: [['out'], ['out']] }], outs: ['out', 'st-out'] };
    case 'request':
      return {
        nodes: [{ ...base, type: 'car-request', method: 'GET', path: brand === 'renault' ? `${KCA}/v1/cars/{vin}/cockpit` : '/customers/vehicles/{vin}/basicData', wires: [['out']] }],
        outs: ['out'],
      };
  }
}

/** The input that makes the node (or, for trips and presence, its car-status) talk to the cloud. */
export function trigger(kind: NodeKind): { node: string; msg: Msg } {
  switch (kind) {
    case 'trips':
    case 'presence':
      return { node: 'st', msg: { payload: 'read' } };
    case 'command':
      return { node: 'n', msg: { payload: { command: 'climate_start', temperatureC: 20 } } };
    default:
      return { node: 'n', msg: { payload: 'read' } };
  }
}

/**
 * What came of the trigger: 'ok' (answered), a code at the Catch node, a command's outcome, or undefined (nothing yet).
 * Only messages that carry the trigger's tag count: a car-status also sends what the stream or its poll brought, and
 * such a message (a stream push delivered just after the clock moved) is no answer to the trigger.
 */
function outcomeOf(rt: Runtime, kind: NodeKind, tag: string, from: number, caughtFrom = 0): { outcome?: Outcome; outs: number; caught: number } {
  const t = trigger(kind);
  const outId = t.node === 'st' ? 'st-out' : 'out';
  const outs = rt.received(outId).slice(from).filter((m) => m[TAG] === tag);
  const caught = rt
    .received('caught')
    .slice(caughtFrom)
    .filter((m) => m[TAG] === tag && (m.error as { source?: { id?: string } } | undefined)?.source?.id === t.node);
  const code = caught.map((m) => caughtCode(m)?.code ?? '?')[0];
  if (kind === 'command') {
    const result = outs[0]?.payload as { outcome?: string } | undefined;
    if (result?.outcome) return { outcome: result.outcome === 'executed' ? 'ok' : result.outcome, outs: outs.length, caught: caught.length };
  } else if (outs.length > 0) return { outcome: 'ok', outs: outs.length, caught: caught.length };
  return { ...(code ? { outcome: code } : {}), outs: outs.length, caught: caught.length };
}

/** The property that ties an answer (or a Catch message) to the input that asked: nodes keep the input's properties. */
const TAG = 'faultTrigger';
/** The input with a tag of its own. */
function tagged(msg: Msg): { msg: Msg; tag: string } {
  const tag = randomUUID();
  return { msg: { ...msg, [TAG]: tag }, tag };
}

/** Kamereon actions and KCM writes the simulated cars received (CarData has none: it is read-only). */
export function writesToCar(rt: Runtime): number {
  return rt.sim.renault.stats.writes;
}

/** Fault hits armed and not used yet, in both clouds. */
function pending(rt: Runtime): number {
  return rt.sim.renault.pendingFaults + rt.sim.cardata.pendingFaults;
}

function cloudCalls(rt: Runtime): number {
  const r = rt.sim.renault.stats;
  const c = rt.sim.cardata.stats;
  return r.kamereon + r.logins + r.getJwt + r.getAccountInfo + r.gigyaOther + c.rest + c.refreshes + c.tokenPolls + c.deviceCodes;
}

/** What a brand cannot do (CarData is read-only and has no charging settings): NOT_SUPPORTED is their answer. */
const UNSUPPORTED = new Set(['cardata command', 'cardata charging']);

/** Calls one scenario may make at most: retries of a few reads, a sign-in, and the recovery. */
const MAX_CALLS = 45;

/**
 * The clock's step while a read may be on its way. Small: a request the fault holds ends by its
 * real HTTP timeout, and the virtual clock must not run so far meanwhile that the access token
 * expires under it (a 401 there would be the suite's doing), nor a healthy read outlast the
 * status deadline the runtime sets on that clock.
 */
export const READ_STEP_MS = 250;

/** Waits for the answer to the trigger. */
async function waitOutcome(rt: Runtime, kind: NodeKind, tag: string, from: number, caughtFrom: number): Promise<Outcome | undefined> {
  await rt.drive(() => outcomeOf(rt, kind, tag, from, caughtFrom).outcome !== undefined, 20 * 60_000, READ_STEP_MS, 20_000);
  return outcomeOf(rt, kind, tag, from, caughtFrom).outcome;
}

/**
 * Waits (on the virtual clock) until the pause a rate limit imposed is over: the cloud or the
 * budget named its end, and the client escalates repeated limits (up to some hours).
 */
async function pauseOver(rt: Runtime): Promise<void> {
  await rt.clock.advance(16 * 60_000);
  for (let i = 0; i < 48 && (await rt.accountPhase()) === 'rate_limited'; i++) await rt.clock.advance(15 * 60_000);
}

/** A command whose effect the car shows (a climate start while the climate runs would confirm nothing). */
function recoveryCommand(rt: Runtime, brand: Brand): Msg {
  const on = brand === 'renault' && rt.sim.renault.car(ZOE).hvacOn;
  return { payload: on ? { command: 'climate_stop' } : { command: 'climate_start', temperatureC: 20 } };
}

/** Brings the account back to ready after a fault that ended the sign-in (as the user would). */
async function signInAgain(rt: Runtime): Promise<void> {
  const ready = async (): Promise<boolean> => (await rt.accountPhase()) === 'ready';
  // A device code already shown may be confirmed on its own (the simulator's user confirms after a second).
  if (await rt.drive(ready, 60_000, 2_000)) return;
  for (let i = 0; i < 2; i++) {
    await rt.retrySignIn();
    // The sign-in starts with the next call, here the dialog's vehicle list (CarData: a new device code, confirmed by the simulator).
    void rt.listVehicles();
    if (await rt.drive(ready, 10 * 60_000, 2_000)) return;
  }
}

export async function runFault(rt: Runtime, t: Tally, fault: Fault, kind: NodeKind, redeploy: boolean): Promise<void> {
  const s = new Scenario(`${fault.brand} ${kind} · ${fault.name}${redeploy ? ' · redeploy' : ''}`, rt);
  const { nodes, outs } = nodesFor(kind, fault.brand);
  const accounts = [fault.brand === 'renault' ? rt.renaultAccount() : rt.cardataAccount()];
  const credentials = fault.brand === 'renault' ? rt.renaultCredentials() : rt.cardataCredentials();
  // A fresh budget window (Renault: an hour; CarData: a day), and an access token due for a refresh.
  await rt.clock.advance(fault.brand === 'cardata' ? 24 * 3_600_000 : 65 * 60_000);
  try {
    await rt.deploy(accounts, nodes, outs, credentials);
    // The account signs in (and loads its vehicles) before the fault strikes.
    await pauseOver(rt);
    await warmUp(rt, kind);
    if (fault.before) fault.before(rt);
    // Past the age a read is served from the cache (and, with the stream down, past the gap a reconnect may take): the
    // trigger goes to the cloud.
    await rt.clock.advance(fault.before ? STREAM_GAP_MS + 60_000 : 11 * 60_000);
    rt.sim.renault.resetStats();
    rt.sim.cardata.resetStats();
    const writesBefore = writesToCar(rt);
    const armedBefore = pending(rt);
    fault.arm(rt);
    const armed = pending(rt) - armedBefore;
    const tr = trigger(kind);
    const outFrom = rt.received(tr.node === 'st' ? 'st-out' : 'out').length;
    const caughtStart = rt.received('caught').length;
    const first = tagged(tr.msg);
    rt.send(tr.node, first.msg);
    // After a redeploy the new node's answer counts (the old one's input ended with its node).
    let tag = first.tag;
    if (redeploy) {
      await rt.settle(5);
      await s.inspect();
      await rt.undeploy();
      await rt.deploy(accounts, nodes, outs, credentials);
      const again = tagged(tr.msg);
      tag = again.tag;
      rt.send(tr.node, again.msg);
    }
    // After a redeploy the new nodes' outputs count from their start.
    const outcome = await waitOutcome(rt, kind, tag, redeploy ? 0 : outFrom, redeploy ? 0 : caughtStart);
    const unsupported = UNSUPPORTED.has(`${fault.brand} ${kind}`);
    const own = kind === 'command' && fault.expectCommand ? fault.expectCommand : fault.expect;
    // A node the brand cannot serve says so, unless the account's own trouble comes first.
    const during = unsupported ? ['NOT_SUPPORTED', ...own.filter((o) => o !== 'ok')] : own;
    // The input in flight at the redeploy may have used the fault up: the new node's answer may be a success.
    const allowed = redeploy ? [...during, 'ok'] : during;
    // A command the cloud accepted (a write reached the car) whose confirmation then met the fault has timed out,
    // truthfully: TIMEOUT is its outcome. One that met the fault on its way out stays "unknown" (expectCommand).
    if (kind === 'command' && writesToCar(rt) > writesBefore && !allowed.includes('TIMEOUT')) allowed.push('TIMEOUT');
    // After a redeploy the new node's command may meet the fault before its request goes out (the new node's first
    // reads on the way): nothing was sent, and the fault's own code is right. Without a redeploy, only "unknown".
    if (kind === 'command' && redeploy) for (const code of fault.expect) if (!allowed.includes(code)) allowed.push(code);
    // A read the cache or the stream could serve never met the fault: a success then is right (and counted apart).
    const unmet = armed > 0 && pending(rt) - armedBefore === armed;
    if (outcome === undefined) s.problem('lost', 'the input got neither an answer nor an error at the Catch node');
    else if (outcome === 'ok' && unmet) t.unmet++;
    else if (!allowed.includes(outcome)) s.problem('failed', `got ${outcome}, expected ${allowed.join(' or ')}`);
    const writes = writesToCar(rt) - writesBefore;
    const allowedWrites = kind === 'command' && fault.brand === 'renault' ? (redeploy ? 2 : 1) : 0;
    if (writes > allowedWrites) s.problem('failed', `${writes} writes reached the car (at most ${allowedWrites})`);

    // The fault clears: the node works again (after "Sign in again" where the fault ended the sign-in).
    rt.sim.renault.clearFaults();
    rt.sim.cardata.clearFaults();
    fault.clear?.(rt);
    if (fault.needsSignIn) await signInAgain(rt);
    await pauseOver(rt);
    let from = 0;
    let caughtFrom = 0;
    let after: ReturnType<typeof outcomeOf> = { outs: 0, caught: 0 };
    // A pause the limit imposed may outlast the account's (the budget's, escalated by the
    // redeploy's second 429): the error names its end (retryAt, or in its words), and the user's flow waits for it.
    for (let attempt = 0; attempt < 3; attempt++) {
      from = rt.received(tr.node === 'st' ? 'st-out' : 'out').length;
      caughtFrom = rt.received('caught').length;
      const retry = tagged(kind === 'command' ? recoveryCommand(rt, fault.brand) : tr.msg);
      rt.send(tr.node, retry.msg);
      await rt.drive(() => outcomeOf(rt, kind, retry.tag, from, caughtFrom).outcome !== undefined, 20 * 60_000, READ_STEP_MS, 20_000);
      after = outcomeOf(rt, kind, retry.tag, from, caughtFrom);
      const retryAt = retryAtOf(rt, caughtFrom);
      if (after.outcome !== 'RATE_LIMITED' && after.outcome !== 'QUOTA_EXCEEDED') break;
      await rt.clock.advance(retryAt !== undefined ? Math.max(0, retryAt - rt.clock.now()) + 1_000 : 30 * 60_000);
    }
    const recovered = unsupported ? after.outcome === 'NOT_SUPPORTED' : after.outcome === 'ok';
    if (!recovered) {
      const late = rt.received('caught').slice(caughtFrom).map((m) => caughtCode(m)?.code ?? '?');
      s.problem('lost', `no recovery once the fault cleared (${late.join(', ') || after.outcome || 'no answer'}, account ${await rt.accountPhase()})`);
    }
    const calls = cloudCalls(rt);
    if (calls > MAX_CALLS) s.problem('failed', `${calls} calls to the cloud (bound ${MAX_CALLS})`);
    await s.inspect();
  } catch (e) {
    s.problem('crash', `the scenario threw: ${e instanceof Error ? e.stack?.split('\n').slice(0, 3).join(' | ') : String(e)}`);
  } finally {
    await rt.undeploy().catch(() => undefined);
    rt.sim.renault.clearFaults();
    rt.sim.cardata.clearFaults();
    fault.clear?.(rt);
    // One lost session must not spoil the scenarios after it: sign in again where it may have ended (the lost count said it).
    if (fault.needsSignIn || s.troubled) await leaveSignedIn(rt, fault.brand, accounts, credentials);
    s.finish(t);
  }
}

/** When the first error at the Catch node since `from` says a pause ends (msg.error.retryAt, or "resume at <ISO time>" in its message), epoch ms. */
function retryAtOf(rt: Runtime, from: number): number | undefined {
  const error = rt.received('caught')[from]?.error as { retryAt?: unknown; message?: unknown } | undefined;
  const said = typeof error?.message === 'string' ? /resume at (\S+Z)/.exec(error.message)?.[1] : undefined;
  const at = error?.retryAt ?? said;
  return typeof at === 'number' ? at : typeof at === 'string' && Number.isFinite(Date.parse(at)) ? Date.parse(at) : undefined;
}

/** One read first, so that the fault meets a signed-in account with its vehicles loaded. */
async function warmUp(rt: Runtime, kind: NodeKind): Promise<void> {
  const node = kind === 'trips' || kind === 'presence' ? 'st' : 'n';
  if (kind === 'command') return;
  const outId = node === 'st' ? 'st-out' : 'out';
  const from = rt.received(outId).length;
  const caughtFrom = rt.received('caught').length;
  rt.send(node, { payload: 'warm-up' });
  await rt.drive(() => rt.received(outId).length > from || rt.received('caught').length > caughtFrom, 10 * 60_000, READ_STEP_MS, 20_000);
}

/** After a scenario that ended the sign-in, the account is signed in again for the next one. */
async function leaveSignedIn(rt: Runtime, brand: Brand, accounts: Msg[], credentials: Record<string, unknown>): Promise<void> {
  try {
    await rt.deploy(accounts, nodesFor('status', brand).nodes, ['out'], credentials);
    await signInAgain(rt);
  } catch {
    // The next scenario's recovery check will say it.
  } finally {
    await rt.undeploy().catch(() => undefined);
  }
}

/** Signs both accounts in once (CarData: the device code, confirmed by the simulator). */
export async function signInAll(rt: Runtime): Promise<void> {
  for (const brand of ['renault', 'cardata'] as const) {
    await rt.deploy([brand === 'renault' ? rt.renaultAccount() : rt.cardataAccount()], nodesFor('status', brand).nodes, ['out'], brand === 'renault' ? rt.renaultCredentials() : rt.cardataCredentials());
    rt.send('n', { payload: 'sign in' });
    // A sign-in is several HTTP round trips (a device code and its polls): real time for each clock step.
    await rt.drive(async () => (await rt.accountPhase()) === 'ready', 10 * 60_000, 2_000, 60_000, 30);
    const phase = await rt.accountPhase();
    await rt.undeploy();
    if (phase !== 'ready') throw new Error(`the ${brand} account did not sign in (${phase})`);
  }
}
