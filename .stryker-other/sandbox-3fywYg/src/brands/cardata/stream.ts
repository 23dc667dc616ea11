// @ts-nocheck
import { randomBytes } from 'node:crypto';
import type { IClientOptions, MqttClient } from 'mqtt';
import { CarError, registerSecret, toCarError, type StatusFragment, type TimerHandle } from '../../core';
import type { ConnectionContext, StreamEventInfo } from '../provider';
import { DEFAULT_SERVERS } from './api';
import type { CarDataAuthState } from './auth';
import type { TelematicState } from './map';
import { readStreamMessage, type TelematicValue } from './schemas';

/**
 * The CarData MQTT stream: username = gcid (the portal's "streaming username"), password =
 * id_token, keepalive 30 s, clean session, topic <gcid>/+. What BMW's broker really does
 * (shared/specs/cardata-real.md 2.2-2.4) and what the stream makes of it:
 * - one connection per BMW account: a second one is refused with CONNACK 5 "not authorized"
 *   while the first lives, and for a few seconds after it left. A refusal soon after this
 *   process ended a connection to the account is its own old connection: tried again in a few
 *   seconds, quietly. Otherwise another program holds the stream: reported ('refused', with
 *   words naming the usual suspects) and tried again after a growing pause, never a new sign-in.
 * - CONNACK 4 "bad user name or password": the id_token expired; a fresh one is asked for
 *   (getAuth with the refused state) and the stream reconnects at once.
 * - the broker closes the connection when its id_token expires (~1 h): the stream renews the
 *   token a few minutes before and reconnects with the new one itself.
 * Any other failure is retried with a growing pause. Streamed data costs no quota.
 */

/** A change of the connection to the broker; retryAt is when the next attempt is due (epoch ms). */
export type StreamEvent = StreamEventInfo;

export type StreamUpdate = (vin: string, fragment: StatusFragment, rawKeys: Record<string, unknown>) => void;

export interface StreamOptions {
  /** Pauses after consecutive failures (the last one repeats). */
  backoffMs?: readonly number[];
  /** Pauses while another connection holds the account (CONNACK 5; the last one repeats). */
  busyBackoffMs?: readonly number[];
  /** Pause after the broker refused the subscription (code 128): the user must act in the portal. */
  refusedRetryMs?: number;
  /** Renew the id_token this long before it expires, and reconnect with the new one. */
  renewBeforeMs?: number;
  keepaliveS?: number;
  /** 0..1 for the jitter of reconnects (default Math.random; tests pin it). */
  random?: () => number;
}

/**
 * Pauses before a reconnect after a lost connection or a failed attempt: BMW refuses a
 * reconnect within about 10 s of a disconnect and limits connection attempts per minute
 * (cardata-real.md 2.2; issue 15), so 10 s doubling to 5 minutes, each stretched by up to
 * JITTER so that many clients cut at once do not come back at once.
 */
const BACKOFF_MS = [10_000, 20_000, 40_000, 80_000, 160_000, 300_000] as const;
const JITTER = 0.2;
/** Another program holds the stream: it will not let go soon (BR waits 30 s on 135, KV up to 300 s). */
const BUSY_BACKOFF_MS = [30_000, 60_000, 120_000, 300_000, 600_000, 900_000] as const;
const REFUSED_RETRY_MS = 15 * 60_000;
const AUTH_RETRY_MS = 5 * 60_000;
/** A connection that lived this long was a success: the next failure starts the backoff over. */
const STABLE_MS = 60_000;
/** Renew early enough to ride out a refused refresh and BMW's linger before the broker cuts. */
const RENEW_BEFORE_MS = 5 * 60_000;
/** A renewal that failed is tried again after this (while the token lasts). */
const RENEW_RETRY_MS = 30_000;
/**
 * BMW still counts a connection for some seconds after it ended: kvanbiesen, JjyKsi and
 * BavarianData treat CONNACK 5 within 10 s of their own disconnect as passing (cardata-real.md
 * 2.2). After a lost connection the broker may notice only when the keepalive runs out.
 */
const LINGER_MS = 15_000;
/** While our own old connection lingers: ask again after these pauses (the last repeats; BMW limits connection attempts per minute). */
const LINGER_RETRY_MS = [5_000, 5_000, 10_000, 15_000] as const;

/** CONNACK codes of MQTT 3.1.1 and 5.0: "bad user name or password" (an expired id_token) and "not authorized" (another connection holds the account). */
const BAD_CREDENTIALS: ReadonlySet<number> = new Set([4, 134]);
const NOT_AUTHORIZED: ReadonlySet<number> = new Set([5, 135]);

const SUBSCRIBE_REFUSED_HELP =
  'the CarData broker refused the subscription (code 128). In the MyBMW portal (CarData), subscribe the client id to "CarData Streaming" and choose the data points to stream ("Change data selection"); the plugin tries again every 15 minutes.';

const at = (ms: number): string => `${new Date(ms).toISOString().slice(11, 19)} UTC`;

export class CarDataStream {
  private closed = false;
  private client?: MqttClient;
  private timer?: TimerHandle;
  private renewTimer?: TimerHandle;
  private failures = 0;
  /** Consecutive CONNACK 4 (an expired or refused id_token). */
  private badCredentials = 0;
  /** Consecutive CONNACK 5 while no connection of ours lingers: another program holds the stream. */
  private busyRefusals = 0;
  /** A fresh token was tried once during this run of CONNACK 5 (kvanbiesen#443: some went with one). */
  private busyFreshTried = false;
  /** Consecutive CONNACK 5 while our own old connection may still count. */
  private lingerRefusals = 0;
  private rejected?: CarDataAuthState;
  private connecting = false;
  /** One client id for the stream's life: its reconnects present themselves as the same client. */
  private readonly clientId = `nrcc-${randomBytes(6).toString('hex')}`;
  private readonly backoff: readonly number[];
  private readonly busyBackoff: readonly number[];
  private readonly refusedRetryMs: number;
  private readonly renewBeforeMs: number;
  private readonly keepaliveS: number;
  private readonly random: () => number;

  constructor(
    /** The account's context: getAuth hands a valid id_token at every (re)connect. */
    private readonly ctx: ConnectionContext<CarDataAuthState>,
    /** What the account knows of a car's keys: a message merges into it. */
    private readonly stateFor: (vin: string) => TelematicState,
    private readonly onUpdate: StreamUpdate,
    private readonly onEvent: (e: StreamEvent) => void = () => undefined,
    options: StreamOptions = {},
  ) {
    this.backoff = options.backoffMs && options.backoffMs.length > 0 ? options.backoffMs : BACKOFF_MS;
    this.busyBackoff = options.busyBackoffMs && options.busyBackoffMs.length > 0 ? options.busyBackoffMs : BUSY_BACKOFF_MS;
    this.refusedRetryMs = options.refusedRetryMs ?? REFUSED_RETRY_MS;
    this.renewBeforeMs = options.renewBeforeMs ?? RENEW_BEFORE_MS;
    this.keepaliveS = options.keepaliveS ?? 30;
    this.random = options.random ?? Math.random;
  }

  start(): void {
    void this.connect();
  }

  private get url(): string {
    return this.ctx.config.servers.mqtt ?? DEFAULT_SERVERS.mqtt;
  }

  /**
   * When this runtime last ended a connection, per broker and user, in the runtime's memory (not the session's):
   * after a redeploy with new settings the new session's stream knows that a refusal is the old stream's linger.
   */
  private key(username: string): string {
    return `stream-left ${this.url}|${username}`;
  }

  /** Our own connection ended: BMW counts it a little longer (longer when it was lost, not closed). */
  private left(username: string, lost: boolean): void {
    this.ctx.runtimeMemory.set(this.key(username), { at: this.ctx.clock.now(), what: lost ? 'lost' : 'closed' });
  }

  /** True while a connection this process ended may still count at BMW. */
  private lingering(username: string): boolean {
    const left = this.ctx.runtimeMemory.get(this.key(username));
    if (!left) return false;
    const since = this.ctx.clock.now() - left.at;
    const window = left.what === 'lost' ? this.keepaliveS * 1_500 + LINGER_MS : LINGER_MS;
    return since >= 0 && since < window;
  }

  private emit(e: StreamEvent): void {
    try {
      this.onEvent(e);
    } catch {
      // a listener's mistake must not stop the stream
    }
  }

  private schedule(delayMs: number, error?: CarError, state: StreamEvent['state'] = 'disconnected'): void {
    if (this.closed) return;
    this.ctx.clock.clearTimeout(this.timer);
    const retryAt = this.ctx.clock.now() + delayMs;
    this.emit({ state, ...(error ? { error } : {}), retryAt });
    this.timer = this.ctx.clock.setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, delayMs);
  }

  private nextBackoff(): number {
    const d = this.backoff[Math.min(this.failures, this.backoff.length - 1)] ?? 300_000;
    this.failures++;
    return Math.round(d * (1 + JITTER * Math.min(1, Math.max(0, this.random()))));
  }

  private async connect(): Promise<void> {
    if (this.closed || this.connecting || this.client) return;
    this.connecting = true;
    this.emit({ state: 'connecting' });
    let auth: CarDataAuthState;
    try {
      auth = await this.ctx.getAuth(this.rejected);
    } catch (e) {
      this.connecting = false;
      const err = toCarError(e);
      const definitive = err.code === 'AUTH_FAILED' || err.code === 'TFA_REQUIRED' || err.code === 'CAPTCHA_REQUIRED';
      // A passing failure (the refresh met an outage or a rate limit): not before the time it names.
      const wait = Math.max(definitive ? AUTH_RETRY_MS : this.nextBackoff(), err.retryAt !== undefined ? err.retryAt - this.ctx.clock.now() : 0);
      this.schedule(wait, err);
      return;
    }
    this.rejected = undefined;
    if (this.closed) {
      this.connecting = false;
      return;
    }
    const username = this.ctx.config.keys.streamingUsername || auth.gcid;
    registerSecret(auth.idToken);
    const options: IClientOptions = {
      username,
      password: auth.idToken,
      keepalive: this.keepaliveS,
      clean: true,
      reconnectPeriod: 0, // reconnects are ours: each one needs a valid id_token
      connectTimeout: 30_000,
      protocolVersion: 4,
      clientId: this.clientId,
      rejectUnauthorized: true,
    };
    // mqtt (31 modules) loads with the first stream, not with the plugin: a Renault-only flow never loads it.
    const { connect } = await import('mqtt');
    if (this.closed) {
      this.connecting = false;
      return;
    }
    const client = connect(this.url, options);
    this.client = client;
    this.connecting = false;
    let connectedAt: number | undefined;
    let connack: number | undefined;
    let refusedSubscribe = false;
    let lastError: string | undefined;

    client.on('connect', () => {
      connectedAt = this.ctx.clock.now();
      client.subscribe(`${username}/+`, { qos: 1 }, (err, granted) => {
        const code = (err as { code?: unknown } | null)?.code ?? granted?.[0]?.qos;
        if (err || code === 128) {
          refusedSubscribe = true;
          client.end(true);
          return;
        }
        this.badCredentials = 0;
        this.busyRefusals = 0;
        this.busyFreshTried = false;
        this.lingerRefusals = 0;
        this.emit({ state: 'connected' });
        this.scheduleRenew(client, auth, username);
      });
    });
    client.on('message', (topic, payload) => this.handle(topic, payload));
    // Without an error listener a refused CONNACK would be thrown: keep one for the client's life.
    client.on('error', (err) => {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'number') connack = code;
      lastError = err.message;
    });
    client.on('close', () => {
      if (this.client !== client) return; // ended by us (renewal, close)
      this.client = undefined;
      this.ctx.clock.clearTimeout(this.renewTimer);
      client.end(true);
      if (connectedAt !== undefined) this.left(username, true);
      if (this.closed) return;
      const now = this.ctx.clock.now();
      if (connectedAt !== undefined && now - connectedAt >= STABLE_MS) this.failures = 0;
      if (refusedSubscribe) {
        this.schedule(this.refusedRetryMs, new CarError('NOT_SUPPORTED', `BMW CarData stream: ${SUBSCRIBE_REFUSED_HELP}`, { upstreamCode: '128', transient: false }), 'refused');
      } else if (connack !== undefined && BAD_CREDENTIALS.has(connack)) {
        // An expired (or otherwise refused) id_token: ask for a fresh one at once; repeated refusals back off.
        this.rejected = auth;
        this.badCredentials++;
        const delay = this.badCredentials === 1 ? 0 : this.nextBackoff();
        const hint = this.badCredentials >= 3 ? ` It keeps happening with fresh tokens: check the streaming username (${username === auth.gcid ? 'the account\'s GCID' : 'set under Advanced'}) against the one the MyBMW portal shows.` : '';
        this.schedule(
          delay,
          new CarError('AUTH_FAILED', `BMW CarData stream: the broker refused the id_token as expired (CONNACK ${connack}, bad user name or password); reconnecting with a fresh one.${hint}`, {
            upstreamCode: String(connack),
            transient: true,
          }),
        );
      } else if (connack !== undefined && NOT_AUTHORIZED.has(connack)) {
        this.notAuthorized(auth, username, connack);
      } else {
        this.schedule(this.nextBackoff(), new CarError('NETWORK', `BMW CarData stream: connection to the broker lost${lastError ? ` (${lastError})` : ''}; reconnecting`));
      }
    });
  }

  /**
   * CONNACK 5: BMW lets one connection per account in. Soon after one of ours ended it is that
   * one, still counted: ask again in a few seconds. Otherwise another program holds the
   * stream: say so and wait longer each time. Once per run of refusals the next try takes a
   * fresh token, which cleared some refusals (kvanbiesen#443); never a new sign-in.
   */
  private notAuthorized(auth: CarDataAuthState, username: string, connack: number): void {
    if (this.lingering(username)) {
      const delay = LINGER_RETRY_MS[Math.min(this.lingerRefusals, LINGER_RETRY_MS.length - 1)] ?? 15_000;
      this.lingerRefusals++;
      this.schedule(delay, undefined, 'connecting');
      return;
    }
    const delay = this.busyBackoff[Math.min(this.busyRefusals, this.busyBackoff.length - 1)] ?? 900_000;
    this.busyRefusals++;
    if (!this.busyFreshTried) {
      this.busyFreshTried = true;
      this.rejected = auth;
    }
    const err = new CarError(
      'UPSTREAM',
      `BMW CarData stream: BMW refused the connection (CONNACK ${connack}, not authorized) because another connection holds this BMW account's stream, and BMW allows one per account. Another program using the same BMW account (ioBroker, Home Assistant, evcc, a second Node-RED…) may hold it: stop its CarData stream, or let one program relay the data. REST reads still work. Next try at ${at(this.ctx.clock.now() + delay)}.`,
      { upstreamCode: String(connack), transient: true },
    );
    // Said once per run of refusals: the state carries it on.
    if (this.busyRefusals === 1) this.ctx.log.warn(err.message);
    this.schedule(delay, err, 'refused');
  }

  /**
   * Renews the id_token a few minutes before it expires (BMW closes the stream then) and
   * reconnects with the new one. A renewal that fails is tried again while the token lasts.
   */
  private scheduleRenew(client: MqttClient, auth: CarDataAuthState, username: string, delayMs?: number): void {
    this.ctx.clock.clearTimeout(this.renewTimer);
    const wait = delayMs ?? Math.max(1_000, auth.idExpiresAt - this.renewBeforeMs - this.ctx.clock.now());
    this.renewTimer = this.ctx.clock.setTimeout(() => {
      this.renewTimer = undefined;
      void this.renew(client, auth, username);
    }, wait);
  }

  private async renew(client: MqttClient, auth: CarDataAuthState, username: string): Promise<void> {
    if (this.closed || this.client !== client) return;
    let fresh: CarDataAuthState | undefined;
    let retryAt: number | undefined;
    try {
      // The token held is the one to replace, although it still works: ask for a new one.
      fresh = await this.ctx.getAuth(auth);
    } catch (e) {
      const err = toCarError(e);
      retryAt = err.retryAt;
      this.ctx.log.debug(`BMW CarData stream: renewing the id_token failed (${err.message})`);
    }
    if (this.closed || this.client !== client) return;
    if (!fresh || fresh.idToken === auth.idToken) {
      // No new token yet: try again while the old one lasts; else the broker cuts and the reconnect reports it.
      const now = this.ctx.clock.now();
      const next = Math.max(now + RENEW_RETRY_MS, retryAt ?? 0);
      if (next < auth.idExpiresAt) this.scheduleRenew(client, auth, username, next - now);
      return;
    }
    this.client = undefined;
    this.ctx.clock.clearTimeout(this.renewTimer);
    await new Promise<void>((r) => client.end(false, {}, () => r()));
    this.left(username, false);
    this.failures = 0;
    void this.connect();
  }

  private handle(topic: string, payload: Buffer): void {
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      this.ctx.log.debug('BMW CarData stream: a message that is not JSON was ignored');
      return;
    }
    // StreamMessageSchema's hand-written twin: the same result, without zod's cost on every message.
    const message = readStreamMessage(body);
    if (!message) {
      this.ctx.log.debug('BMW CarData stream: a message of an unexpected shape was ignored');
      return;
    }
    // The topic is <gcid>/<vin>: its last segment names the car (the body's vin may be absent).
    const last = topic.split('/').pop() ?? '';
    const vin = /^[A-Za-z0-9]{17}$/.test(last) ? last : (message.vin ?? (message.topic?.split('/').pop() || undefined));
    if (!vin) return;
    const applied = this.stateFor(vin).apply(message.data, this.ctx.clock.now());
    const unmapped = applied.unmapped as Record<string, TelematicValue>;
    if (applied.parts.length === 0 && Object.keys(unmapped).length === 0) return;
    try {
      this.onUpdate(vin, applied.fragment, unmapped);
    } catch (e) {
      this.ctx.log.warn(`BMW CarData stream: the update handler failed: ${toCarError(e).message}`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.ctx.clock.clearTimeout(this.timer);
    this.ctx.clock.clearTimeout(this.renewTimer);
    const client = this.client;
    this.client = undefined;
    if (client) {
      const wasConnected = client.connected;
      await new Promise<void>((r) => client.end(true, {}, () => r()));
      if (wasConnected) this.left(client.options.username ?? '', false);
    }
  }
}
