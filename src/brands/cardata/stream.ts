import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { CarError, registerSecret, toCarError, type StatusFragment, type TimerHandle } from '../../core';
import type { ConnectionContext, StreamEventInfo } from '../provider';
import { DEFAULT_SERVERS } from './api';
import type { CarDataAuthState } from './auth';
import type { TelematicState } from './map';
import { StreamMessageSchema, type TelematicValue } from './schemas';

/**
 * The CarData MQTT stream (spec bmw.md B3): username = gcid (the portal's "streaming
 * username"), password = id_token, keepalive 30 s, clean session, topic <gcid>/+. The
 * broker drops a connection whose id_token ran out and refuses a stale one ("not
 * authorized"): the stream renews the token shortly before it expires and reconnects with a
 * fresh one; any other failure is retried with a growing pause. Streamed data costs no quota.
 */

/** A change of the connection to the broker; retryAt is when the next attempt is due (epoch ms). */
export type StreamEvent = StreamEventInfo;

export type StreamUpdate = (vin: string, fragment: StatusFragment, rawKeys: Record<string, unknown>) => void;

export interface StreamOptions {
  /** Pauses after consecutive failures (the last one repeats). */
  backoffMs?: readonly number[];
  /** Pause after the broker refused the subscription (code 128): the user must act in the portal. */
  refusedRetryMs?: number;
  /** Renew the id_token this long before it expires. */
  renewBeforeMs?: number;
  keepaliveS?: number;
}

const BACKOFF_MS = [1_000, 5_000, 15_000, 30_000, 60_000, 120_000, 300_000] as const;
const REFUSED_RETRY_MS = 15 * 60_000;
const AUTH_RETRY_MS = 5 * 60_000;
/** A connection that lived this long was a success: the next failure starts the backoff over. */
const STABLE_MS = 60_000;

/** CONNACK codes of MQTT 3.1.1 (4, 5) and 5.0 (134, 135) that mean "these credentials will not do". */
const AUTH_REFUSED: ReadonlySet<number> = new Set([4, 5, 134, 135]);

const SUBSCRIBE_REFUSED_HELP =
  'the CarData broker refused the subscription (code 128). In the MyBMW portal (CarData), subscribe the client id to "CarData Streaming" and choose the data points to stream ("Change data selection"); the plugin tries again every 15 minutes.';

export class CarDataStream {
  private closed = false;
  private client?: MqttClient;
  private timer?: TimerHandle;
  private renewTimer?: TimerHandle;
  private failures = 0;
  private authRefusals = 0;
  private rejected?: CarDataAuthState;
  private connecting = false;
  private readonly backoff: readonly number[];
  private readonly refusedRetryMs: number;
  private readonly renewBeforeMs: number;
  private readonly keepaliveS: number;

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
    this.refusedRetryMs = options.refusedRetryMs ?? REFUSED_RETRY_MS;
    this.renewBeforeMs = options.renewBeforeMs ?? 45_000;
    this.keepaliveS = options.keepaliveS ?? 30;
  }

  start(): void {
    void this.connect();
  }

  private emit(e: StreamEvent): void {
    try {
      this.onEvent(e);
    } catch {
      // a listener's mistake must not stop the stream
    }
  }

  private schedule(delayMs: number, error?: CarError): void {
    if (this.closed) return;
    this.ctx.clock.clearTimeout(this.timer);
    const at = this.ctx.clock.now() + delayMs;
    this.emit({ state: error?.code === 'NOT_SUPPORTED' ? 'refused' : 'disconnected', ...(error ? { error } : {}), retryAt: at });
    this.timer = this.ctx.clock.setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, delayMs);
  }

  private nextBackoff(): number {
    const d = this.backoff[Math.min(this.failures, this.backoff.length - 1)] ?? 300_000;
    this.failures++;
    return d;
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
      this.schedule(definitive ? AUTH_RETRY_MS : this.nextBackoff(), err);
      return;
    }
    this.rejected = undefined;
    if (this.closed) {
      this.connecting = false;
      return;
    }
    const url = this.ctx.config.servers.mqtt ?? DEFAULT_SERVERS.mqtt;
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
      clientId: `nrcc-${randomBytes(6).toString('hex')}`,
      rejectUnauthorized: true,
    };
    const client = mqtt.connect(url, options);
    this.client = client;
    this.connecting = false;
    let connectedAt: number | undefined;
    let refusedAuth = false;
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
        this.authRefusals = 0;
        this.emit({ state: 'connected' });
        this.scheduleRenew(client, auth);
      });
    });
    client.on('message', (topic, payload) => this.handle(topic, payload));
    // Without an error listener a refused CONNACK would be thrown: keep one for the client's life.
    client.on('error', (err) => {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'number' && AUTH_REFUSED.has(code)) refusedAuth = true;
      lastError = err.message;
    });
    client.on('close', () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.ctx.clock.clearTimeout(this.renewTimer);
      client.end(true);
      if (this.closed) return;
      const now = this.ctx.clock.now();
      if (connectedAt !== undefined && now - connectedAt >= STABLE_MS) this.failures = 0;
      if (refusedSubscribe) {
        this.schedule(this.refusedRetryMs, new CarError('NOT_SUPPORTED', `BMW CarData stream: ${SUBSCRIBE_REFUSED_HELP}`, { upstreamCode: '128', transient: false }));
      } else if (refusedAuth) {
        // A stale or revoked id_token: ask for a fresh one at once; repeated refusals back off.
        this.rejected = auth;
        this.authRefusals++;
        const delay = this.authRefusals === 1 ? 0 : this.nextBackoff();
        this.schedule(delay, new CarError('AUTH_FAILED', 'BMW CarData stream: the broker refused the id_token (not authorized); reconnecting with a fresh one', { transient: true }));
      } else {
        this.schedule(this.nextBackoff(), new CarError('NETWORK', `BMW CarData stream: connection to the broker lost${lastError ? ` (${lastError})` : ''}; reconnecting`));
      }
    });
  }

  /** Renews the id_token shortly before it expires and reconnects with it (no gap at the broker's cut). */
  private scheduleRenew(client: MqttClient, auth: CarDataAuthState): void {
    this.ctx.clock.clearTimeout(this.renewTimer);
    const wait = Math.max(1_000, auth.idExpiresAt - this.renewBeforeMs - this.ctx.clock.now());
    this.renewTimer = this.ctx.clock.setTimeout(() => {
      this.renewTimer = undefined;
      void (async () => {
        if (this.closed || this.client !== client) return;
        let fresh: CarDataAuthState;
        try {
          fresh = await this.ctx.getAuth();
        } catch {
          return; // the broker will cut us at expiry; reconnecting then reports the error
        }
        if (this.closed || this.client !== client) return;
        if (fresh.idToken === auth.idToken) {
          if (this.ctx.clock.now() < auth.idExpiresAt) this.scheduleRenew(client, { ...auth, idExpiresAt: this.ctx.clock.now() + this.renewBeforeMs + 15_000 });
          return;
        }
        this.client = undefined;
        this.ctx.clock.clearTimeout(this.renewTimer);
        await new Promise<void>((r) => client.end(false, {}, () => r()));
        this.failures = 0;
        void this.connect();
      })();
    }, wait);
  }

  private handle(topic: string, payload: Buffer): void {
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      this.ctx.log.debug('BMW CarData stream: a message that is not JSON was ignored');
      return;
    }
    const msg = StreamMessageSchema.safeParse(body);
    if (!msg.success) {
      this.ctx.log.debug('BMW CarData stream: a message of an unexpected shape was ignored');
      return;
    }
    const vin = msg.data.vin ?? topic.split('/')[1];
    if (!vin) return;
    const applied = this.stateFor(vin).apply(msg.data.data, this.ctx.clock.now());
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
    if (client) await new Promise<void>((r) => client.end(true, {}, () => r()));
  }
}
