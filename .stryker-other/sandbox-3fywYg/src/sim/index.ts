/**
 * The cloud simulator: one node:http server, one provider per path prefix.
 *
 * Adding a provider = one line in `startSimulator` (`router.mount(new XyzSim(ctx, opts.xyz))`)
 * plus its field on `Simulator`. Everything binds to 127.0.0.1 by default.
 */
// @ts-nocheck

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../core/clock';
import { isHang, isReset, textResponse, type SimContext, type SimProvider, type SimRequest, type SimResponse } from './http';
import { RenaultSim, type RenaultSimOptions } from './renault';
import { CardataSim, type CardataSimOptions } from './cardata';

export type { SimProvider, SimRequest, SimResponse, SimContext } from './http';
export { RenaultSim, DEMO_RENAULT_USER, DEMO_RENAULT_PASSWORD, DEFAULT_GIGYA_API_KEY, DEFAULT_KAMEREON_API_KEY } from './renault';
export type { RenaultCarControl, RenaultFault, RenaultFaultKind, RenaultQuotaOptions, RenaultSimOptions, RenaultSimStats } from './renault';
export { CardataSim, DEMO_CARDATA_CLIENT_ID, DEMO_CARDATA_GCID, DEMO_CARDATA_CARS } from './cardata';
export { DriveScript, commuterScript } from './script';
export type { DriveScriptPlan, ScriptedTrip, ScriptedCharge, ScriptedOutlier, ScriptedState, ScriptedPresenceEvent } from './script';

export interface SimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = a free port. */
  port?: number;
  clock?: Clock;
  /** World speed factor (default 1): world time elapsed = clock time elapsed x timeScale. */
  timeScale?: number;
  renault?: Partial<RenaultSimOptions>;
  cardata?: Partial<CardataSimOptions>;
  /** Demo/diagnostic lines (TFA codes, actions, faults). */
  log?: (line: string) => void;
}

export interface Simulator {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly renault: RenaultSim;
  readonly cardata: CardataSim;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

/** Dispatches requests to providers by path prefix; serves `/` and `/health`. */
export class SimRouter {
  private readonly providers: SimProvider[] = [];
  private readonly hanging = new Set<ServerResponse>();

  constructor(
    private readonly baseUrl: () => string,
    private readonly log: (line: string) => void,
  ) {}

  mount(p: SimProvider): void {
    if (!/^\/[a-z0-9-]+$/i.test(p.prefix)) throw new Error(`bad provider prefix ${p.prefix}`);
    if (this.providers.some((x) => x.prefix === p.prefix)) throw new Error(`prefix ${p.prefix} already mounted`);
    this.providers.push(p);
  }

  closeProviders(): void {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    for (const p of this.providers) p.close?.();
  }

  private index(): string {
    const lines = ['connected-car cloud simulator', '', `health: ${this.baseUrl()}/health`, ''];
    for (const p of this.providers) {
      lines.push(`== ${p.title}  (${this.baseUrl()}${p.prefix})`);
      for (const l of p.describe()) lines.push(`   ${l}`);
      lines.push('');
    }
    return lines.join('\n');
  }

  async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let response: SimResponse;
    try {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://sim.invalid');
      const path = url.pathname;
      const method = (req.method ?? 'GET').toUpperCase();
      if (path === '/' && method === 'GET') {
        response = textResponse(200, this.index());
      } else if (path === '/health' && method === 'GET') {
        response = textResponse(200, JSON.stringify({ status: 'ok', providers: this.providers.map((p) => p.prefix) }), 'application/json');
      } else {
        const p = this.providers.find((x) => path === x.prefix || path.startsWith(`${x.prefix}/`));
        if (!p) {
          response = textResponse(404, 'Not found');
        } else {
          const simReq: SimRequest = {
            method,
            path: path.slice(p.prefix.length) || '/',
            fullPath: path,
            query: url.searchParams,
            headers: req.headers,
            body,
          };
          response = await p.handle(simReq);
        }
      }
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      this.log(`[sim] error on ${req.method ?? ''} ${req.url ?? ''}: ${msg}`);
      response = err instanceof BodyTooLarge ? textResponse(413, 'Payload too large') : textResponse(500, `simulator error: ${msg}`);
    }
    if (isReset(response)) {
      req.socket.destroy();
      return;
    }
    if (isHang(response)) {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (isReset(response)) {
      req.socket.destroy();
      return;
    }
    const payload = response.bytes ?? response.body;
    res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(payload) });
    res.end(payload);
  }
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new BodyTooLarge('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address();
      if (a && typeof a === 'object') resolve(a);
      else reject(new Error('server has no address'));
    });
  });
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? ((): void => undefined);
  let baseUrl = '';
  const router = new SimRouter(() => baseUrl, log);
  const server = createServer((req, res) => {
    void router.dispatch(req, res);
  });
  const addr = await listen(server, opts.port ?? 0, host);
  const urlHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  baseUrl = `http://${urlHost}:${addr.port}`;

  const ctx: SimContext = { clock: opts.clock ?? systemClock, timeScale: opts.timeScale ?? 1, log, baseUrl };
  const renault = new RenaultSim(ctx, opts.renault);
  router.mount(renault);
  const cardata = new CardataSim(ctx, opts.cardata);
  router.mount(cardata);
  await cardata.start();

  let closed: Promise<void> | undefined;
  return {
    url: baseUrl,
    renault,
    cardata,
    close(): Promise<void> {
      closed ??= new Promise<void>((resolve) => {
        router.closeProviders();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
