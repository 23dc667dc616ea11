/**
 * What every car node does the same way, written once: find its account and vehicle (the
 * guard), show a status dot that follows the account (StatusDot), answer inputs (handleInput),
 * and the few formats and texts they share. The node files keep only their own wiring.
 */
// @ts-nocheck

import * as os from 'node:os';
import { CarError, systemClock, toCarError, type Clock, type ErrorCode } from '../core';
import type { AccountSession, SessionState } from '../features/session';
import { vehicleInfo, type VehicleInfo } from '../features/vehicle-info';
import type { NodeMessage, NodeStatus, RedApi, RedNode, SendFn } from './red';

/** What a car node reads from its car-account config node (src/nodes/car-account.ts). */
export interface AccountNode {
  readonly type: string;
  session?: AccountSession;
  /** Why there is no session (a setting is wrong, or nothing to sign in with yet). */
  configError?: string;
}

/** The package's name: Node-RED names each node set's catalog `<package>/<type>`. */
export const PACKAGE = 'node-red-contrib-connected-car';

/** The texts every car node shows, kept once (car-account.common in each language). */
export const COMMON_TEXTS = [
  'status.no-account',
  'status.pick-vehicle',
  'status.signing-in',
  'status.waiting',
  'status.reading',
  'status.ok',
  'status.rate-limited',
  'status.confirm',
  'status.stream-refused',
  'status.stream-down',
  'errors.no-account',
  'errors.account-missing',
  'errors.not-deployed',
  'errors.no-vehicle',
] as const;
export type CommonText = (typeof COMMON_TEXTS)[number];

/**
 * The key of a text every car node shows. They live once, in car-account's catalog: a key with
 * a namespace (`ns:key`) reaches another node set's catalog, which a plain key would not
 * (Node-RED prefixes it with the calling node's own namespace).
 */
export function commonKey(text: CommonText): string {
  return `${PACKAGE}/car-account:car-account.common.${text}`;
}

/** The key of an error code's words for a status dot ("bad setting", not BAD_INPUT); Catch nodes still get the code. */
export function codeKey(code: ErrorCode): string {
  return `${PACKAGE}/car-account:car-account.common.codes.${code}`;
}

/** A local date and time, YYYY-MM-DD HH:MM, for status texts (the time zone of the Node-RED machine, not UTC). */
export function localDateTime(at: number | string): string {
  const d = new Date(at);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${localTime(at)}`;
}

/** A local time of day, HH:MM (or HH:MM:SS), for status texts. */
export function localTime(at: number | string, withSeconds = false): string {
  return new Date(at).toTimeString().slice(0, withSeconds ? 8 : 5);
}

/** Answers every input with err: nothing is sent, Catch nodes get err.code. */
function refuseInputs(node: RedNode, err: CarError): void {
  node.on('input', (_msg, _send, done) => done(err));
}

/**
 * The node's own settings, as parse reads them. When one is wrong (parse throws), the dot shows
 * the code, the log says why, every input is refused, and undefined is returned.
 */
export function checkSettings<T>(RED: DotRed, node: RedNode, parse: () => T): T | undefined {
  try {
    return parse();
  } catch (e) {
    const err = toCarError(e, 'BAD_INPUT');
    showDot(RED, node, { fill: 'red', shape: 'ring', said: { key: codeKey(err.code) } });
    forgetDot(RED, node);
    node.error(err);
    refuseInputs(node, err);
    return undefined;
  }
}

/**
 * The clock of what a node times by itself, without an account (car-presence's dwell times on positions from
 * messages): the system's, unless Node-RED's settings hold a Clock as `connectedCarClock` (the node tests move
 * time instead of sleeping). An account's session keeps its own clock.
 */
export function clockOf(RED: RedApi): Clock {
  const c = RED.settings.connectedCarClock as Partial<Record<keyof Clock, unknown>> | undefined;
  const isClock = typeof c === 'object' && c !== null && (['now', 'setTimeout', 'clearTimeout', 'sleep'] as const).every((k) => typeof c[k] === 'function');
  return isClock ? (c as Clock) : systemClock;
}

/** Node-RED's user directory, where the nodes keep their files (the home directory when unset). */
export function userDirOf(RED: RedApi): string {
  return typeof RED.settings.userDir === 'string' ? RED.settings.userDir : os.homedir();
}

export interface AccountSettings {
  /** The car-account config node's id ('' = none). */
  account?: string;
  vin?: string;
}

/** What a node needs: 'required' refuses to start without it. A vehicle is only asked of a node that has an account. */
export interface AccountNeeds {
  account: 'required' | 'optional';
  vehicle: 'required' | 'optional';
}

type VinOf<N extends AccountNeeds> = N['vehicle'] extends 'required' ? string : string | undefined;

/** The account and vehicle a node works with; without an account (where optional), at most a VIN. */
export type GuardedAccount<N extends AccountNeeds> = N['account'] extends 'required'
  ? { session: AccountSession; vin: VinOf<N> }
  : { session: AccountSession; vin: VinOf<N> } | { session?: undefined; vin: string | undefined };

/**
 * Resolves the node's account and vehicle. When one it needs is missing, the dot says so and
 * every input is answered with a BAD_INPUT naming what is missing (undefined is returned: the
 * node sets up nothing more). The account node itself logs what it lacks, so nothing is logged here.
 */
export function accountGuard<N extends AccountNeeds>(RED: RedApi, node: RedNode, settings: AccountSettings, needs: N): GuardedAccount<N> | undefined {
  const id = (settings.account ?? '').trim();
  const vin = (settings.vin ?? '').trim() || undefined;
  const refuse = (dot: Dot, message: string): undefined => {
    showDot(RED, node, dot);
    forgetDot(RED, node);
    refuseInputs(node, new CarError('BAD_INPUT', message));
    return undefined;
  };
  const noAccount: Dot = { fill: 'red', shape: 'ring', said: { key: commonKey('status.no-account') } };
  if (!id) {
    if (needs.account === 'required') return refuse(noAccount, RED._(commonKey('errors.no-account')));
    return { vin } as GuardedAccount<N>;
  }
  const account = RED.nodes.getNode(id) as AccountNode | null;
  if (!account || account.type !== 'car-account') return refuse(noAccount, RED._(commonKey('errors.account-missing')));
  if (!account.session) return refuse(noAccount, account.configError ?? RED._(commonKey('errors.not-deployed')));
  // A first deploy of a new account comes before a vehicle can be picked: grey, not an error yet.
  if (!vin && needs.vehicle === 'required') return refuse({ fill: 'grey', shape: 'ring', said: { key: commonKey('status.pick-vehicle') } }, RED._(commonKey('errors.no-vehicle')));
  return { session: account.session, vin } as GuardedAccount<N>;
}

/** The account's state changes, as the session emits them. */
/** What the cloud's push stream says (CarData's MQTT): refused while another program holds it. */
export interface StreamState {
  state: 'connecting' | 'connected' | 'disconnected' | 'refused';
  retryAt?: number;
}

export interface AccountStates {
  /** The account's state now: a node made while it signs in or waits for a code shows that at once. */
  readonly state?: SessionState;
  on(event: 'state', listener: (state: SessionState) => void): unknown;
  off(event: 'state', listener: (state: SessionState) => void): unknown;
  on(event: 'stream', listener: (state: StreamState) => void): unknown;
  off(event: 'stream', listener: (state: StreamState) => void): unknown;
}

/** Failures the account's own dot explains (it says them on every node): not a node's own state. */
const ACCOUNT_CODES: ReadonlySet<string> = new Set(['AUTH_FAILED', 'TFA_REQUIRED', 'CAPTCHA_REQUIRED']);

/**
 * A time a dot names. The status text (Status nodes, debug, log) has it in the Node-RED machine's
 * local time; the editor writes it in the browser's language and time zone, 'ago' relatively
 * ("vor 3 Min.", kept fresh), which a stored text could not be.
 */
export interface DotTime {
  readonly time: number;
  readonly as: 'time' | 'seconds' | 'datetime' | 'ago';
}
/** A text of a catalog with its parameters, translated where it is read. */
export interface DotWords {
  readonly key: string;
  readonly params?: Readonly<Record<string, DotParam>>;
}
export type DotParam = string | number | DotTime | DotWords;
/** What a dot says: a text without words of its own (values, a subject), a catalog text, or several joined by " · ". */
export type DotText = string | DotWords | readonly DotText[];

/**
 * What reaches the editors beside a dot (comms topic `connected-car/dot/<node id>`, retained): the
 * text the runtime showed and what it is made of. Node-RED sends an editor only a status's text,
 * fill and shape, and translates a text only when it is a key, without parameters; the editor
 * script (resources/dialog.js) writes the dot again in the browser's language when its text is
 * still this one.
 */
export interface DotRecord {
  readonly text: string;
  readonly said: DotText;
}
export const DOT_TOPIC = 'connected-car/dot/';

/** Around a catalog key inside a text made elsewhere (a summary's words): each reader translates it in its language. */
const WORD_OPEN = '\uE000';
const WORD_CLOSE = '\uE001';
const WORD = new RegExp(`${WORD_OPEN}([^${WORD_CLOSE}]*)${WORD_CLOSE}`, 'g');

/** A catalog text as a word inside a text made by a feature (summarize's words). */
export function dotWord(key: string): string {
  return `${WORD_OPEN}${key}${WORD_CLOSE}`;
}

function isDotTime(p: DotParam): p is DotTime {
  return typeof p === 'object' && 'time' in p;
}

/** The dot's text in the Node-RED machine's language and time zone. */
export function renderDot(RED: Pick<RedApi, '_'>, said: DotText): string {
  if (typeof said === 'string') return said.replace(WORD, (_w, key: string) => RED._(key));
  if (Array.isArray(said)) return (said as readonly DotText[]).map((s) => renderDot(RED, s)).filter((s) => s !== '').join(' · ');
  const words = said as DotWords;
  if (!words.params) return RED._(words.key);
  const params: Record<string, string | number> = {};
  for (const [name, p] of Object.entries(words.params)) {
    if (typeof p === 'number') params[name] = p;
    else if (typeof p === 'string') params[name] = renderDot(RED, p);
    else if (isDotTime(p)) params[name] = p.as === 'time' ? localTime(p.time) : p.as === 'seconds' ? localTime(p.time, true) : localDateTime(p.time);
    else params[name] = renderDot(RED, p);
  }
  return RED._(words.key, params);
}

type DotRed = Pick<RedApi, '_'> & Partial<Pick<RedApi, 'comms'>>;

/** A dot whose text is what `said` says: the runtime's text for Status nodes, and the record for the editors. */
interface Dot {
  fill?: NodeStatus['fill'];
  shape?: NodeStatus['shape'];
  said?: DotText;
}

/**
 * Shows a dot: the status in the runtime's language, then its record for the editors (an empty dot
 * drops the record). A node that shows dots this way drops its record when it closes (see forgetDot).
 */
export function showDot(RED: DotRed, node: RedNode, dot: Dot): void {
  const text = dot.said === undefined ? undefined : renderDot(RED, dot.said);
  node.status({ ...(dot.fill ? { fill: dot.fill } : {}), ...(dot.shape ? { shape: dot.shape } : {}), ...(text !== undefined ? { text } : {}) });
  if (!RED.comms) return;
  if (text === undefined || dot.said === undefined) RED.comms.publish(DOT_TOPIC + node.id, null, false);
  else RED.comms.publish(DOT_TOPIC + node.id, { text, said: dot.said } satisfies DotRecord, true);
}

/** Drops a closed node's record (Node-RED keeps retained messages until told). */
function forgetDot(RED: DotRed, node: RedNode): void {
  node.on('close', (_removed, done) => {
    RED.comms?.publish(DOT_TOPIC + node.id, null, false);
    done();
  });
}

/**
 * A node's status dot, one rule for every node: while its account signs in, waits for the user,
 * is paused or blocked, the account's dot shows (whatever the node does meanwhile); once the
 * account is ready, the node's own last dot (ok, busy, waiting, an error of its own) returns,
 * without a redeploy. A refused CarData stream shows until the node's next own dot. Stops
 * following the account when the node closes. Its texts are DotText, so that the editor can say
 * them in the browser's language (see DotRecord).
 */
export class StatusDot {
  private own: Dot = {};
  /** What the account says over the node's own dot, until it is ready again. */
  private accountDot?: Dot;
  /** The stream's ring is shown (until the node's next own dot or the stream is back). */
  private streamShown = false;
  /** What the dot says of a push stream that is down or refused (REST carries on), undefined while it is up. */
  private streamText?: DotText;
  /** Said after the node's own green text (e.g. "every 34 min, quota"), until cleared. */
  private noteText?: DotText;
  private okText?: DotText;
  private readonly following: boolean;

  constructor(
    private readonly RED: DotRed,
    private readonly node: RedNode,
    account?: AccountStates,
  ) {
    this.following = account !== undefined;
    forgetDot(RED, node);
    if (!account) return;
    const onState = (s: SessionState): void => this.follow(s);
    const onStream = (s: StreamState): void => this.followStream(s);
    account.on('state', onState);
    account.on('stream', onStream);
    node.on('close', (_removed, done) => {
      account.off('state', onState);
      account.off('stream', onStream);
      done();
    });
    if (account.state) this.follow(account.state);
  }

  /** A text of the node's catalog (or a namespaced key), with parameters. */
  text(key: string, params?: Record<string, DotParam>): DotWords {
    return params ? { key, params } : { key };
  }

  /** A time for a text's parameter (see DotTime). */
  time(at: number | string, as: DotTime['as'] = 'time'): DotTime {
    return { time: typeof at === 'number' ? at : Date.parse(at), as };
  }

  /** A catalog word inside a text a feature makes (summaries). */
  word(key: string): string {
    return dotWord(key);
  }

  set(status: { fill?: NodeStatus['fill']; shape?: NodeStatus['shape']; text?: DotText }): void {
    this.own = { fill: status.fill, shape: status.shape, said: status.text };
    this.streamShown = false;
    if (!this.accountDot) this.show(this.own);
  }

  clear(): void {
    this.set({});
  }

  private show(dot: Dot): void {
    showDot(this.RED, this.node, dot);
  }

  /** Green with the text; yellow while the account's stream is down (the data comes over REST, maybe older). */
  ok(text?: DotText): void {
    this.okText = text;
    const said: DotText[] = [text !== undefined && text !== '' ? text : this.text(commonKey('status.ok'))];
    if (this.noteText !== undefined) said.push(this.noteText);
    if (this.streamText !== undefined) this.set({ fill: 'yellow', shape: 'dot', text: [...said, this.streamText] });
    else this.set({ fill: 'green', shape: 'dot', text: said.length === 1 ? said[0] : said });
  }

  /** A note the green dot keeps after its text (the interval the budget allows); undefined clears it. */
  note(text: DotText | undefined): void {
    this.noteText = text === '' ? undefined : text;
    if (this.okShown) this.ok(this.okText);
  }

  /** True while the node's own dot is its ok (green, or yellow for a stream that is down). */
  private get okShown(): boolean {
    return this.own.shape === 'dot' && (this.own.fill === 'green' || (this.own.fill === 'yellow' && this.okText !== undefined));
  }

  busy(text?: DotText): void {
    this.set({ fill: 'blue', shape: 'dot', text: text ?? this.text(commonKey('status.reading')) });
  }

  waiting(text?: DotText): void {
    this.set({ fill: 'grey', shape: 'ring', text: text ?? this.text(commonKey('status.waiting')) });
  }

  /**
   * Yellow "rate limited until HH:MM" while the cloud asks to wait, else red with the code (after
   * `subject ·`). A sign-in failure of a followed account is the account's to show: the node's own
   * dot stays what it was, and comes back once the account is ready.
   */
  error(err: CarError, subject?: string): void {
    if (this.following && ACCOUNT_CODES.has(err.code)) {
      if (!this.accountDot) this.show({ fill: 'red', shape: 'ring', said: this.text(codeKey(err.code)) });
      return;
    }
    if ((err.code === 'RATE_LIMITED' || err.code === 'QUOTA_EXCEEDED') && err.retryAt !== undefined) {
      this.set({ fill: 'yellow', shape: 'ring', text: this.text(commonKey('status.rate-limited'), { until: this.time(err.retryAt) }) });
    } else {
      const words = this.text(codeKey(err.code));
      this.set({ fill: 'red', shape: 'ring', text: subject ? [subject, words] : words });
    }
  }

  /**
   * The account's state over the node's own: signing in and waiting for the user to confirm (a
   * code, a device code: no secret shown) in a yellow ring, a pause the cloud or the budget named
   * in yellow with its end, a definitive failure in red; when the account is ready again, the
   * node's own dot comes back.
   */
  private follow(s: SessionState): void {
    const ring = (fill: 'yellow' | 'red', said: DotText): Dot => ({ fill, shape: 'ring', said });
    let dot: Dot | undefined;
    if (s.phase === 'signing_in') dot = ring('yellow', this.text(commonKey('status.signing-in')));
    else if (s.phase === 'tfa_required' && s.challenge) dot = ring('yellow', this.text(commonKey('status.confirm')));
    else if (s.phase === 'blocked' || s.phase === 'tfa_required') dot = ring('red', this.text(codeKey(s.code ?? 'AUTH_FAILED')));
    else if (s.phase === 'rate_limited' && s.until !== undefined) dot = ring('yellow', this.text(commonKey('status.rate-limited'), { until: this.time(s.until) }));
    if (dot) {
      this.accountDot = dot;
      this.show(dot);
    } else if (this.accountDot) {
      this.accountDot = undefined;
      this.show(this.own);
    }
  }

  /**
   * CarData's stream refused (another program holds the account's one stream) or down (until
   * the next attempt): REST reads still work, so a yellow ring, not an error. The account's own
   * dot (signing in...) goes first.
   */
  private followStream(s: StreamState): void {
    const until = s.retryAt !== undefined ? this.time(s.retryAt) : '';
    const down = s.state === 'refused' ? 'status.stream-refused' : s.state === 'disconnected' && s.retryAt !== undefined ? 'status.stream-down' : undefined;
    if (down) {
      this.streamText = this.text(commonKey(down), { until });
      if (this.accountDot) return;
      this.streamShown = true;
      this.show({ fill: 'yellow', shape: 'ring', said: this.streamText });
    } else if (s.state === 'connected' && this.streamText !== undefined) {
      this.streamText = undefined;
      // The node's own ok loses the stream's words.
      if (this.okShown) this.ok(this.okText);
      else if (this.streamShown && !this.accountDot) {
        this.streamShown = false;
        this.show(this.own);
      }
    }
  }
}

/** Per input: what the dot names when this input fails (e.g. "GET cockpit"). */
export interface InputScope {
  subject?: string;
}

/**
 * Handles one input. It sends what it has; a thrown error fails the input. A returned CarError
 * fails it too, after the output was sent and with the dot the handler chose (a command that
 * ran and failed).
 */
export type InputHandler = (msg: NodeMessage, send: SendFn, input: InputScope) => Promise<CarError | void>;

/** Deeper than this, an input is refused (nothing a node reads nests so deep; a stack overflow would say UPSTREAM). */
const MAX_INPUT_DEPTH = 200;

/**
 * Why a value a node reads cannot be data (JSON-like): a BigInt, or an object that contains
 * itself. Undefined when it is fine. Shared references that are not cycles are fine; bytes
 * (Buffer, typed arrays) are not walked.
 */
export function notPlainData(value: unknown, where: string): string | undefined {
  const ancestors = new Set<object>();
  const walk = (v: unknown, path: string, depth: number): string | undefined => {
    if (typeof v === 'bigint') return `${path}: a BigInt is not accepted; send a number or a string`;
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return undefined;
    if (ancestors.has(v)) return `${path}: the object contains itself (a circular reference); send plain JSON data`;
    if (depth >= MAX_INPUT_DEPTH) return `${path}: nested more than ${MAX_INPUT_DEPTH} levels deep; send plain JSON data`;
    ancestors.add(v);
    try {
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const bad = walk(v[i], `${path}[${i}]`, depth + 1);
          if (bad) return bad;
        }
        return undefined;
      }
      for (const key of Object.keys(v)) {
        const bad = walk((v as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
        if (bad) return bad;
      }
      return undefined;
    } finally {
      ancestors.delete(v);
    }
  };
  return walk(value, where, 0);
}

/** The msg properties every node reads; a node names more in handleInput's `reads`. */
const ALWAYS_READ = ['payload'] as const;

/**
 * Wires an input handler: on an error, done(err) with the CarError (its code reaches Catch
 * nodes as msg.error.code), the dot shows it, nothing is sent. Once the node is closed
 * (redeploy), a late answer is dropped silently. The msg properties the node reads (payload,
 * and `reads`) must be data: a BigInt or a circular object is BAD_INPUT naming where, before
 * the handler runs (other properties, such as an HTTP node's req and res, are not looked at).
 */
export function handleInput(node: RedNode, dot: StatusDot, handler: InputHandler, options: { fallbackCode?: ErrorCode; reads?: readonly string[] } = {}): void {
  let closed = false;
  node.on('close', (_removed, done) => {
    closed = true;
    done();
  });
  node.on('input', (msg, send, done) => {
    const input: InputScope = {};
    let work: Promise<CarError | void>;
    try {
      for (const key of [...ALWAYS_READ, ...(options.reads ?? [])]) {
        const bad = notPlainData((msg as Record<string, unknown>)[key], `msg.${key}`);
        if (bad) throw new CarError('BAD_INPUT', bad, { transient: false });
      }
      work = handler(msg, send, input);
    } catch (e) {
      work = Promise.reject(e);
    }
    work.then(
      (failure) => done(closed ? undefined : (failure ?? undefined)),
      (e: unknown) => {
        if (closed) return done();
        const err = toCarError(e, options.fallbackCode);
        dot.error(err, input.subject);
        done(err);
      },
    );
  });
}

/** An error of the node's own background work (a poll, a followed read): the dot shows it, Catch nodes get it with the topic. */
export function reportError(node: RedNode, dot: StatusDot, topic: string, err: CarError): void {
  dot.error(err);
  node.error(err, { topic, payload: undefined, error: err.toJSON() });
}

/** msg.vehicle for a node's vehicle: the VIN at once, the account's names for it once known. */
export function knownVehicle(session: AccountSession, vin: string): () => VehicleInfo {
  let info: VehicleInfo | undefined;
  void session
    .vehicle(vin)
    .then((v) => {
      info = vehicleInfo(vin, v);
    })
    .catch(() => undefined);
  return () => info ?? { vin };
}
