// @ts-nocheck
import { EventEmitter } from 'node:events';
import {
  AnswerLostError,
  COMMANDS,
  CarError,
  CommandInputSchema,
  toCarError,
  type CommandInput,
  type CommandName,
  type CommandResult,
  type CommandStep,
  type CommandStepName,
  type Vehicle,
} from '../core';
import type { CommandProgress, CommandTicket } from '../brands';
import type { AccountSession } from './session';

/**
 * Sending a command and following it to its end, brand-neutral: input checks, the vehicle's
 * capabilities, one send (never repeated), then the provider's own tracking until the command
 * is executed, failed or timed out. Used by the car-command node; no Node-RED in here.
 */

export const DEFAULT_COMMAND_TIMEOUT_MS = 120_000;
export const MIN_COMMAND_TIMEOUT_MS = 1_000;
export const MAX_COMMAND_TIMEOUT_MS = 600_000;
/** Commands that may wait behind the one in progress, per vehicle. */
export const MAX_WAITING_COMMANDS = 3;
/** Never look more often than this, whatever the timeout. */
const MIN_LOOK_MS = 500;

const OPTIONAL_FIELDS = ['temperatureC', 'startAt', 'poi'] as const;
type OptionalField = (typeof OPTIONAL_FIELDS)[number];

/** The optional fields each command takes; any other is refused, so that a typo is not ignored. */
const FIELDS_OF: Record<CommandName, readonly OptionalField[]> = {
  lock: [],
  unlock: [],
  climate_start: ['temperatureC', 'startAt'],
  climate_stop: [],
  charge_start: ['startAt'],
  charge_stop: [],
  flash: [],
  horn: [],
  finder: [],
  send_poi: ['poi'],
  refresh: [],
};

/** What the node's own settings give when the message does not say. */
export interface CommandDefaults {
  /** '' or undefined: the message must name the command. */
  command?: string;
  /** climate_start's temperature when the message gives none. */
  temperatureC?: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) v = isRecord(v) ? v[String(k)] : undefined;
  return v;
}

/** One sentence per problem, naming the field and what it may be. */
function describeIssues(issues: readonly { code: string; path: readonly PropertyKey[]; message: string; keys?: readonly string[] }[], input: unknown): string {
  const out = issues.map((i) => {
    const field = i.path.map(String).join('.');
    const got = `(got ${shown(valueAt(input, i.path))})`;
    if (i.code === 'unrecognized_keys') {
      const where = field ? `msg.payload.${field}` : 'msg.payload';
      return `unknown field${(i.keys?.length ?? 0) > 1 ? 's' : ''} ${(i.keys ?? []).join(', ')} in ${where}; allowed: ${field === 'poi' ? 'latitude, longitude, name, address' : 'command, temperatureC, startAt, poi'}`;
    }
    switch (field) {
      case 'command':
        return `command must be one of: ${COMMANDS.join(', ')} ${got}`;
      case 'temperatureC':
        return `temperatureC must be a number of °C from 15 to 30 ${got}`;
      case 'startAt':
        return `startAt must be an ISO-8601 time with its zone, e.g. 2026-11-20T06:30:00Z ${got}`;
      case 'poi':
        return `poi must be an object {latitude, longitude, name?, address?} ${got}`;
      case 'poi.latitude':
        return `poi.latitude must be a number from -90 to 90 ${got}`;
      case 'poi.longitude':
        return `poi.longitude must be a number from -180 to 180 ${got}`;
      case 'poi.name':
        return `poi.name must be a text of at most 100 characters ${got}`;
      case 'poi.address':
        return `poi.address must be a text of at most 200 characters ${got}`;
      default:
        return `${field || 'msg.payload'}: ${i.message}`;
    }
  });
  return out.join('; ');
}

/**
 * The command a message asks for. msg.payload may be a command name ("horn"), or an object
 * with `command` (then every field is checked, unknown ones refused), or an object without
 * `command` (then only temperatureC, startAt and poi are taken from it and the rest, e.g. a
 * status from car-status, is ignored); anything else just triggers the node's own command.
 * Throws BAD_INPUT naming each wrong field; nothing is sent then.
 */
export function commandInputFrom(payload: unknown, defaults: CommandDefaults = {}): CommandInput {
  let fromMsg: Record<string, unknown> = {};
  if (typeof payload === 'string' && payload.trim() !== '') fromMsg = { command: payload.trim() };
  else if (isRecord(payload)) {
    if (payload.command !== undefined) fromMsg = { ...payload };
    else for (const k of OPTIONAL_FIELDS) if (payload[k] !== undefined) fromMsg[k] = payload[k];
  }
  const command = fromMsg.command ?? (defaults.command ? defaults.command : undefined);
  if (command === undefined) {
    throw new CarError('BAD_INPUT', `no command: choose one in the node or send msg.payload.command, one of: ${COMMANDS.join(', ')}`);
  }
  const candidate: Record<string, unknown> = { ...fromMsg, command };
  if (command === 'climate_start' && candidate.temperatureC === undefined && defaults.temperatureC !== undefined) candidate.temperatureC = defaults.temperatureC;
  const parsed = CommandInputSchema.safeParse(candidate);
  if (!parsed.success) throw new CarError('BAD_INPUT', describeIssues(parsed.error.issues, candidate));
  const input = parsed.data;
  const allowed = FIELDS_OF[input.command];
  const misplaced = OPTIONAL_FIELDS.filter((f) => input[f] !== undefined && !allowed.includes(f));
  if (misplaced.length) {
    const users = (f: OptionalField) => COMMANDS.filter((c) => FIELDS_OF[c].includes(f)).join(', ');
    throw new CarError('BAD_INPUT', misplaced.map((f) => `${f} does not apply to ${input.command}; it is for: ${users(f)}`).join('; '));
  }
  if (input.command === 'send_poi' && !input.poi) throw new CarError('BAD_INPUT', 'send_poi needs poi: {latitude, longitude, name?, address?}');
  return input;
}

export interface CommandRunnerOptions {
  session: AccountSession;
  vin: string;
  /** The node's "allow unlock from flows" checkbox; off refuses unlock. */
  allowUnlock?: boolean;
  /** How long to wait for the confirmation after sending (default 120 s). */
  timeoutMs?: number;
  /** How long to keep looking after a timeout, for a late confirmation (default: the timeout again). */
  lateWindowMs?: number;
}

export interface RunHooks {
  /** Every step, as it happens; late ones (after the timeout) too, with late: true. */
  onStep?: (step: CommandStep) => void;
  /** The command waits behind another one for the same vehicle. */
  onQueued?: (ahead: number) => void;
}

/** One line of commands per vehicle and account, shared by every node. */
interface Lane {
  /** Commands holding or waiting for the lane. */
  count: number;
  tail: Promise<void>;
  /** Stops the late tracking of the previous command: its effect and the next one's would mix. */
  stopLate?: () => void;
}
/** The account's command lanes, one per vehicle. */
const LANES = Symbol('command lanes');
function laneOf(session: AccountSession, vin: string): Lane {
  const byVin = session.local(LANES, () => new Map<string, Lane>());
  let lane = byVin.get(vin);
  if (!lane) byVin.set(vin, (lane = { count: 0, tail: Promise.resolve() }));
  return lane;
}

/**
 * The commands of an account that went out, while they are followed: they belong to the
 * account, not to the node that sent them, so a redeploy (the account is kept for its grace
 * period) does not drop them. An outcome whose node is gone is logged and kept for the next
 * node of the vehicle (`take`, and the 'outcome' event for nodes already there). Closing the
 * account stops the following.
 */
export class CommandsInFlight extends EventEmitter {
  /** Aborted when the account closes: every wait and look of its commands ends. */
  readonly closing = new AbortController();
  private readonly unclaimed = new Map<string, CommandResult[]>();

  constructor(private readonly log: AccountSession['log']) {
    super();
    this.setMaxListeners(0);
  }

  /** The outcome of a command whose node went (a redeploy): said in the log, handed to the vehicle's next node. */
  orphaned(result: CommandResult): void {
    const said = `${result.command} for ${result.vin}, sent by a car-command node that was redeployed since: ${result.outcome}${result.error ? ` (${result.error.message})` : ''}`;
    if (result.outcome === 'executed') this.log.info(said);
    else this.log.warn(said);
    if (this.listenerCount(`outcome:${result.vin}`) > 0) {
      this.emit(`outcome:${result.vin}`, result);
      return;
    }
    const list = this.unclaimed.get(result.vin) ?? [];
    // A few at most: a lane runs one command at a time, and a node comes soon after a redeploy.
    list.push(result);
    this.unclaimed.set(result.vin, list.slice(-MAX_WAITING_COMMANDS - 1));
  }

  /** Outcomes of a vehicle's commands whose node went, not yet taken; a node takes them once. */
  take(vin: string): CommandResult[] {
    const list = this.unclaimed.get(vin) ?? [];
    this.unclaimed.delete(vin);
    return list;
  }

  close(): void {
    this.closing.abort();
    this.unclaimed.clear();
    this.removeAllListeners();
  }
}

const IN_FLIGHT = Symbol('commands in flight');
export function commandsInFlight(session: AccountSession): CommandsInFlight {
  return session.local(IN_FLIGHT, () => new CommandsInFlight(session.log));
}

const closedError = (): CarError => new CarError('NETWORK', 'the node was closed (redeploy) before the command was sent; it was not sent', { transient: false });
const accountClosedError = (): CarError => new CarError('NETWORK', 'the account was closed before the outcome of the command was known; it was not sent again', { transient: false });

/** One command of a runner: aborted before it went out when its node closes; once out, it is the account's. */
interface Job {
  ctl: AbortController;
  /** On the wire (or past it): a closing node leaves it to the account. */
  sent: boolean;
  /** Its node went: the outcome goes to the account (CommandsInFlight). */
  orphaned: boolean;
}

/**
 * Runs the commands of one node for one vehicle. Commands to the same vehicle (from any node
 * of the account) go one at a time: a second one waits until the first has its outcome,
 * because Renault's cloud refuses overlapping actions ("already in progress") and because two
 * commands tracked by re-reading the same state would confirm each other.
 */
export class CommandRunner {
  private readonly session: AccountSession;
  private readonly vin: string;
  private readonly allowUnlock: boolean;
  readonly timeoutMs: number;
  private readonly lateWindowMs: number;
  private readonly jobs = new Set<Job>();
  private readonly inFlight: CommandsInFlight;
  private closed = false;

  constructor(options: CommandRunnerOptions) {
    this.session = options.session;
    this.vin = options.vin;
    this.allowUnlock = options.allowUnlock === true;
    const t = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    if (!Number.isFinite(t) || t < MIN_COMMAND_TIMEOUT_MS || t > MAX_COMMAND_TIMEOUT_MS) {
      throw new CarError('BAD_INPUT', `timeout must be from ${MIN_COMMAND_TIMEOUT_MS / 1000} to ${MAX_COMMAND_TIMEOUT_MS / 1000} seconds (got ${String(t / 1000)})`);
    }
    this.timeoutMs = t;
    this.lateWindowMs = Math.max(0, options.lateWindowMs ?? t);
    this.inFlight = commandsInFlight(this.session);
  }

  /**
   * Outcomes of this vehicle's commands whose node was redeployed before they ended: those
   * already known at once, later ones as they come, until this runner closes.
   */
  adoptOrphans(listener: (result: CommandResult) => void): void {
    if (this.closed) return;
    const event = `outcome:${this.vin}`;
    this.inFlight.on(event, listener);
    this.stopAdopting = () => this.inFlight.off(event, listener);
    for (const r of this.inFlight.take(this.vin)) listener(r);
  }
  private stopAdopting = (): void => undefined;

  private iso(): string {
    return new Date(this.session.clock.now()).toISOString();
  }

  /**
   * Checks, sends once and follows one command. Rejects (nothing or nothing more happened) on
   * bad input, unlock not allowed, a command the vehicle does not take, or a send the cloud
   * refused; resolves with the outcome otherwise (executed, failed, timed_out, or unknown when
   * the answer to the send was lost and nothing showed what became of it).
   */
  async run(input: CommandInput, hooks: RunHooks = {}): Promise<CommandResult> {
    if (this.closed) throw closedError();
    const { session, vin } = this;
    if (input.command === 'unlock' && !this.allowUnlock) {
      throw new CarError('BAD_INPUT', 'unlock refused: the node\'s "allow unlock from flows" checkbox is off; turn it on in the node if flows may unlock this car', { transient: false });
    }
    if (input.startAt !== undefined && Date.parse(input.startAt) <= session.clock.now()) {
      throw new CarError('BAD_INPUT', `startAt must be in the future (got ${input.startAt})`);
    }
    // A cloud that takes no commands (CarData) says so at once: no sign-in, no call, whatever state the account is in.
    session.facet('commands', `send the command ${input.command}`);
    const vehicle = await session.vehicle(vin);
    if (this.closed) throw closedError();
    const offered = session.connection.capabilities(vehicle).commands;
    if (!offered.includes(input.command)) {
      const name = vehicle.name ?? vehicle.model ?? vin;
      throw new CarError(
        'NOT_SUPPORTED',
        `${name} cannot ${input.command} through ${session.cloud}; it takes: ${offered.length ? offered.join(', ') : 'no commands'}`,
        { transient: false },
      );
    }

    const lane = laneOf(session, vin);
    if (lane.count > MAX_WAITING_COMMANDS) {
      throw new CarError('RATE_LIMITED', `${MAX_WAITING_COMMANDS} commands for ${vin} are already waiting; send this one when they are done`);
    }
    const ahead = lane.count;
    lane.count++;
    const job: Job = { ctl: new AbortController(), sent: false, orphaned: false };
    this.jobs.add(job);
    const previous = lane.tail;
    let release = (): void => undefined;
    const mine = new Promise<void>((r) => (release = r));
    lane.tail = previous.then(() => mine);
    let released = false;
    const leave = (): void => {
      if (released) return;
      released = true;
      lane.count--;
      release();
    };
    try {
      if (ahead > 0) {
        hooks.onQueued?.(ahead);
        await new Promise<void>((resolve, reject) => {
          const onAbort = (): void => reject(closedError());
          job.ctl.signal.addEventListener('abort', onAbort, { once: true });
          void previous.then(() => {
            job.ctl.signal.removeEventListener('abort', onAbort);
            resolve();
          });
        });
      }
      if (job.ctl.signal.aborted) throw closedError();
      lane.stopLate?.();
      lane.stopLate = undefined;
      const result = await this.send(input, vehicle, job, hooks, () => {
        // From the outcome on, the lane is free; late tracking ends when the next command starts.
        lane.stopLate = () => job.ctl.abort();
        leave();
      });
      if (job.orphaned) this.inFlight.orphaned(result);
      return result;
    } catch (e) {
      this.jobs.delete(job);
      if (job.orphaned) session.log.warn(`${input.command} for ${vin}, sent by a car-command node that was redeployed since: ${toCarError(e).message}`);
      throw e;
    } finally {
      leave();
    }
  }

  private async send(input: CommandInput, vehicle: Vehicle, job: Job, hooks: RunHooks, onOutcome: () => void): Promise<CommandResult> {
    const { session, vin } = this;
    const commands = session.facet('commands', `send the command ${input.command}`);
    const command = input.command;
    const steps: CommandStep[] = [];
    // Known from acceptance on; the steps before it have none.
    const known: { actionId?: string } = {};
    const step = (name: CommandStepName, extra: Partial<CommandStep> = {}): void => {
      const s: CommandStep = { vin, command, step: name, at: this.iso(), ...(known.actionId ? { actionId: known.actionId } : {}), ...extra };
      if (!s.late) steps.push(s);
      if (job.orphaned) return; // its node is gone
      try {
        hooks.onStep?.(s);
      } catch {
        // a listener's failure must not stop the tracking
      }
    };

    const startedAt = this.iso();
    const sentAt = session.clock.now();
    step('sent');
    job.sent = true;
    let ticket: CommandTicket | undefined;
    let lost: CarError | undefined;
    try {
      ticket = await commands.send(vehicle, input, { kind: 'explicit' });
    } catch (e) {
      const err = toCarError(e);
      if (!(err instanceof AnswerLostError)) {
        step('failed', { error: { code: err.code, message: err.message } });
        throw err;
      }
      // It went out and its answer was lost: it may have run. Never "failed" (a flow would send it again).
      lost = err;
      ticket = commands.lostTicket?.(vehicle, input, sentAt);
      step('unknown', {
        error: { code: err.code, message: err.message },
        detail: `the answer to the command was lost: it may have been carried out; it is not sent again${ticket ? ", the car's state is watched for its effect" : ''}`,
      });
    }
    const actionId = ticket?.actionId;
    if (actionId) known.actionId = actionId;
    if (!lost) step('accepted', { source: 'cloud', detail: actionId ? 'the cloud accepted the command' : 'the cloud accepted the command (it gives no id)' });

    return new Promise<CommandResult>((resolve, reject) => {
      let settled = false;
      const settle = (outcome: CommandResult['outcome'], err?: CarError): void => {
        if (settled) return;
        settled = true;
        onOutcome();
        // Nothing confirmed a command whose answer was lost: its outcome stays unknown.
        const final = lost && outcome === 'timed_out' ? 'unknown' : outcome;
        const error = err ?? (final === 'unknown' ? lost : undefined);
        resolve({
          vin,
          command,
          outcome: final,
          ...(actionId ? { actionId } : {}),
          startedAt,
          endedAt: this.iso(),
          steps: [...steps],
          ...(error ? { error: { code: error.code, message: error.message } } : {}),
        });
      };
      if (!ticket) {
        settle('unknown');
        this.jobs.delete(job);
        return;
      }
      this.follow(ticket, vehicle, sentAt, job, lost !== undefined, step, settle)
        .catch((e: unknown) => {
          if (!settled) reject(toCarError(e));
        })
        .finally(() => this.jobs.delete(job));
    });
  }

  /** Looks at the command's progress until it ends, then (after a timeout) for a late confirmation. */
  private async follow(
    ticket: CommandTicket,
    vehicle: Vehicle,
    sentAt: number,
    job: Job,
    answerLost: boolean,
    step: (name: CommandStepName, extra?: Partial<CommandStep>) => void,
    settle: (outcome: CommandResult['outcome'], err?: CarError) => void,
  ): Promise<void> {
    const { session } = this;
    const clock = session.clock;
    const commands = session.facet('commands', 'track commands');
    const command = ticket.command;
    const deadline = sentAt + this.timeoutMs;
    const lateEnd = deadline + this.lateWindowMs;
    // Its own late tracking ends when the next command starts; everything ends when the account closes.
    const signal = AbortSignal.any([job.ctl.signal, this.inFlight.closing.signal]);
    let delivered = false;
    let timedOut = false;
    let last: string | undefined;
    const sleep = async (ms: number): Promise<boolean> => {
      try {
        await clock.sleep(Math.max(0, ms), signal);
        return true;
      } catch {
        if (timedOut) return false; // late tracking stopped: quietly
        throw accountClosedError();
      }
    };
    for (;;) {
      const now = clock.now();
      // Several looks within any timeout, however slowly the provider would like to look.
      const interval = Math.max(MIN_LOOK_MS, Math.min(commands.intervalMs(ticket), Math.floor(this.timeoutMs / 4)));
      if (!timedOut && now + interval > deadline) {
        if (!(await sleep(deadline - now))) return;
        timedOut = true;
        const err = new CarError(
          'TIMEOUT',
          `${command}: ${answerLost ? 'the answer to the command was lost, and nothing showed' : 'no confirmation'} within ${Math.round(this.timeoutMs / 1000)} s` +
            (answerLost ? ' that it took effect' : '') +
            (delivered ? '; the cloud handed it to the car, but nothing shows that it took effect' : '') +
            (last ? ` (last look: ${last})` : '') +
            '; it was not sent again',
        );
        step(answerLost ? 'unknown' : 'timed_out', { error: { code: err.code, message: err.message } });
        settle('timed_out', err);
        if (this.lateWindowMs <= 0) return;
        continue;
      }
      if (timedOut && now + interval > lateEnd) return;
      if (!(await sleep(interval))) return;
      let p: CommandProgress;
      try {
        p = await commands.track(vehicle, ticket, { kind: 'background' });
      } catch (e) {
        // A look that fails (quota, network) is not the command failing: keep looking.
        last = toCarError(e).message;
        continue;
      }
      if (signal.aborted && timedOut) return;
      last = p.detail ?? last;
      const extra = { ...(p.source ? { source: p.source } : {}), ...(p.detail ? { detail: p.detail } : {}), ...(timedOut ? { late: true } : {}) };
      if (p.step === 'delivered' && !delivered) {
        delivered = true;
        step('delivered', extra);
      } else if (p.step === 'executed') {
        step('executed', extra);
        if (!timedOut) settle('executed');
        return;
      } else if (p.step === 'failed') {
        const err = new CarError(p.code ?? 'UPSTREAM', `${command} failed: ${p.detail ?? 'the cloud reported a failure'}`);
        step('failed', { ...extra, error: { code: err.code, message: err.message } });
        if (!timedOut) settle('failed', err);
        return;
      }
    }
  }

  /**
   * The node closes (redeploy): commands not sent yet are dropped (never sent); those already
   * out are left to the account, which follows them and hands their outcome on (adoptOrphans).
   */
  close(): void {
    this.closed = true;
    this.stopAdopting();
    for (const job of this.jobs) {
      if (job.sent) job.orphaned = true;
      else job.ctl.abort();
    }
    this.jobs.clear();
  }
}
