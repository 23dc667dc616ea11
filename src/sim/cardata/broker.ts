/**
 * The simulated CarData streaming broker: MQTT 3.1.1 on 127.0.0.1 (plain TCP: the real one is
 * TLS on port 9000), username = gcid, password = id_token (checked like the REST tokens:
 * signed by the simulator and not expired), one topic per car <gcid>/<vin>. As BMW's broker
 * (shared/specs/cardata-real.md 2.2-2.4): one connection per account (GCID), a newcomer is
 * refused with CONNACK 5 "not authorized" while another lives and for a few seconds after it
 * left; an expired or foreign id_token gets CONNACK 4 "bad user name or password"; a
 * connection is closed when its id_token runs out. aedes is a dev dependency: it is loaded
 * when the broker starts, and the rest of the simulator works without it.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { Aedes, AedesOptions, AuthenticateError, Client } from 'aedes';
import type { Clock, TimerHandle } from '../../core/clock';
import type { CardataOAuth, TokenClaims } from './oauth';
import type { CardataSimStats } from './types';

interface AedesModule {
  Aedes: { createBroker(options?: AedesOptions): Promise<Aedes> };
}

// TypeScript compiles import() to require() under CommonJS, and aedes is an ES module:
// this keeps a real dynamic import.
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

export const AEDES_MISSING =
  'The CarData simulator\'s MQTT broker needs the "aedes" package (a dev dependency: npm install --save-dev aedes). Sign-in and REST work without it; the stream does not.';

/** Loads aedes, or undefined when it is not installed. */
export async function loadAedes(): Promise<AedesModule | undefined> {
  let file: string;
  try {
    file = require.resolve('aedes');
  } catch {
    return undefined;
  }
  const mod = (await dynamicImport(pathToFileURL(file).href)) as Partial<AedesModule> & { default?: Partial<AedesModule> };
  const Aedes = mod.Aedes ?? mod.default?.Aedes;
  return Aedes ? { Aedes } : undefined;
}

/**
 * A TCP server on 127.0.0.1:port (0: any free port) handing each socket to `handle`; resolves once it listens. A port
 * that is taken gives way to a free one (the brokers' ports are the simulator's port + 1 and + 2, which nobody checked
 * was free: a local port of another program's connection is enough to refuse it): `bound` says which.
 */
export async function listenOnLoopback(port: number, handle: (socket: Socket) => void): Promise<{ server: Server; bound: number }> {
  const server = createServer(handle);
  const listen = (on: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(on, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen(port);
  } catch (e) {
    if (port === 0 || (e as { code?: unknown }).code !== 'EADDRINUSE') throw e;
    await listen(0);
  }
  const addr = server.address();
  return { server, bound: addr && typeof addr === 'object' ? addr.port : port };
}

/** listenOnLoopback for an aedes broker: a broker that cannot listen is closed, or its timers would keep the process alive. */
export async function listenForBroker(aedes: Aedes, port: number, handle: (socket: Socket) => void): Promise<{ server: Server; bound: number }> {
  try {
    return await listenOnLoopback(port, handle);
  } catch (e) {
    await new Promise<void>((r) => aedes.close(() => r()));
    throw e;
  }
}

export interface BrokerDeps {
  clock: Clock;
  oauth: CardataOAuth;
  stats: () => CardataSimStats;
  /** False when the portal has no data points selected for streaming (subscriptions refused, 128). */
  streamingSelected: () => boolean;
  log: (line: string) => void;
  /** Called when the number of connected clients changes (the stream's clock runs only while someone listens). */
  onClients?: (count: number) => void;
  /** Clock ms a connection still counts for its account after it ended. */
  lingerMs: () => number;
}

interface Session {
  claims: TokenClaims;
  expiry?: TimerHandle;
}

function authError(code: 3 | 4 | 5, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;
}

export class CardataBroker {
  private readonly sessions = new Map<Client, Session>();
  private readonly sockets = new Set<Socket>();
  /** When the last connection of an account (gcid) ended: it still counts for lingerMs. */
  private readonly leftAt = new Map<string, number>();
  /** False: the broker answers "server unavailable" (3) to every connection. */
  available = true;
  /**
   * Set: the broker refuses (5, not authorized) every id_token issued at or before this time (epoch ms), though it is
   * still valid, until a newer one comes: a refusal that a fresh refresh cleared (kvanbiesen#443, PR #444).
   */
  refuseTokensUpTo: number | undefined;

  private constructor(
    private readonly d: BrokerDeps,
    private readonly aedes: Aedes,
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(d: BrokerDeps, port: number): Promise<CardataBroker | undefined> {
    const mod = await loadAedes();
    if (!mod) return undefined;
    // The hooks need the instance, which needs the broker: a holder closes the loop.
    const ref: { self?: CardataBroker } = {};
    const aedes = await mod.Aedes.createBroker({
      authenticate: (client, username, password, done) => ref.self?.authenticate(client, username, password, done),
      authorizeSubscribe: (client, sub, done) => ref.self?.authorizeSubscribe(client, sub.topic, sub, done),
      authorizePublish: (_client, _packet, done) => done(new Error('the CarData stream is read-only')),
    });
    const { server, bound } = await listenForBroker(aedes, port, (socket) => aedes.handle(socket));
    const self = new CardataBroker(d, aedes, server, bound);
    ref.self = self;
    server.on('connection', (s) => {
      self.sockets.add(s);
      s.on('close', () => self.sockets.delete(s));
    });
    aedes.on('clientDisconnect', (client) => self.forget(client));
    aedes.on('clientError', (client) => self.forget(client));
    return self;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get connectedClients(): number {
    return this.sessions.size;
  }

  private authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void {
    const stats = this.d.stats();
    stats.mqttAttempts++;
    if (!this.available) {
      stats.mqttRefused++;
      done(authError(3, 'Server unavailable'), false);
      return;
    }
    const claims = password ? this.d.oauth.verify(password.toString('utf8'), 'id') : undefined;
    // An expired id_token is "bad user name or password" (evcc#24163, ioBroker.bmw#194).
    if (!claims || username !== claims.gcid) {
      stats.mqttRefused++;
      done(authError(4, 'Bad username or password'), false);
      return;
    }
    if (this.refuseTokensUpTo !== undefined) {
      if (claims.iat * 1000 <= this.refuseTokensUpTo) {
        stats.mqttRefused++;
        done(authError(5, 'Not authorized'), false);
        return;
      }
      this.refuseTokensUpTo = undefined;
    }
    // One connection per GCID: the newcomer is refused, the first one kept (JjyKsi#4, kvanbiesen#283);
    // a connection that just ended still counts for a few seconds (kvanbiesen stream.py retries rc 5 within 10 s).
    const now = this.d.clock.now();
    const left = this.leftAt.get(claims.gcid);
    if ([...this.sessions.values()].some((s) => s.claims.gcid === claims.gcid) || (left !== undefined && now - left < this.d.lingerMs())) {
      stats.mqttRefused++;
      stats.mqttRefusedBusy++;
      done(authError(5, 'Not authorized'), false);
      return;
    }
    stats.mqttConnects++;
    const session: Session = { claims };
    // BMW's broker ends a connection when its id_token expires.
    session.expiry = this.d.clock.setTimeout(() => {
      if (this.sessions.get(client) !== session) return;
      stats.mqttExpiredDrops++;
      this.d.log('[cardata] broker: id_token expired, connection closed');
      this.forget(client);
      client.close();
    }, claims.exp * 1000 - this.d.clock.now());
    this.sessions.set(client, session);
    this.d.onClients?.(this.sessions.size);
    done(null, true);
  }

  private authorizeSubscribe(client: Client, topic: string, sub: Parameters<NonNullable<AedesOptions['authorizeSubscribe']>>[1], done: (e: Error | null, s?: typeof sub | null) => void): void {
    const s = this.sessions.get(client);
    const stats = this.d.stats();
    const ok =
      s !== undefined &&
      s.claims.scope.split(' ').includes('cardata:streaming:read') &&
      this.d.streamingSelected() &&
      (topic === `${s.claims.gcid}/+` || topic === `${s.claims.gcid}/#` || new RegExp(`^${s.claims.gcid}/[A-Z0-9]{17}$`).test(topic));
    if (ok) stats.mqttSubscribes++;
    else stats.mqttSubscribeRefused++;
    // null = refused: the SUBACK says 128 (MQTT 3.1.1 section 3.9.3).
    done(null, ok ? sub : null);
  }

  private forget(client: Client): void {
    const s = this.sessions.get(client);
    if (!s) return;
    this.d.clock.clearTimeout(s.expiry);
    this.sessions.delete(client);
    this.leftAt.set(s.claims.gcid, this.d.clock.now());
    this.d.onClients?.(this.sessions.size);
  }

  /** True while a connection of the account lives (or left less than lingerMs ago). */
  busy(gcid: string): boolean {
    const left = this.leftAt.get(gcid);
    return [...this.sessions.values()].some((s) => s.claims.gcid === gcid) || (left !== undefined && this.d.clock.now() - left < this.d.lingerMs());
  }

  publish(topic: string, payload: unknown): Promise<void> {
    return new Promise((resolve) => {
      this.aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(JSON.stringify(payload)), qos: 0, retain: false, dup: false }, () => resolve());
    });
  }

  /** Closes every client connection (the broker keeps running): "the broker dropped us". */
  dropAll(): void {
    for (const client of [...this.sessions.keys()]) {
      this.forget(client);
      client.close();
    }
    for (const s of this.sockets) s.destroy();
  }

  close(): void {
    for (const s of this.sessions.values()) this.d.clock.clearTimeout(s.expiry);
    this.sessions.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.server.close();
    this.aedes.close();
  }
}
