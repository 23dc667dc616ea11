/**
 * The simulated BMW customer portal's OAuth: the device code flow with PKCE (RFC 8628 as BMW
 * runs it, spec bmw.md B1), the token endpoint (device code and refresh grants, refresh
 * tokens rotated), and the page where the user confirms a code.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock';
import { jsonResponse, textResponse, type SimHttpResponse, type SimRequest } from '../http';
import type { JwtClaims, JwtSigner } from '../renault/jwt';
import type { CardataClientOptions, CardataFaultKind, CardataSimOptions, CardataSimStats } from './types';

export const DEMO_CARDATA_CLIENT_ID = '6f1d8c2e-4b7a-4c1e-9d3f-2a5b8c7d9e01';
export const DEMO_CARDATA_GCID = 'c0ffee00-5e1f-4cda-9a7a-00000000c0de';

const SCOPE_API = 'cardata:api:read';
const SCOPE_STREAM = 'cardata:streaming:read';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** Letters that cannot be misread (no vowels, no 0/O, 1/I). */
const CODE_CHARS = 'BCDFGHJKLMNPQRSTVWXZ';

interface DeviceCode {
  deviceCode: string;
  userCode: string;
  clientId: string;
  challenge: string;
  scope: string;
  createdAt: number;
  expiresAt: number;
  intervalS: number;
  lastPollAt?: number;
  status: 'pending' | 'approved' | 'denied' | 'used';
}

interface RefreshToken {
  clientId: string;
  gcid: string;
  scope: string;
  expiresAt: number;
}

export interface TokenClaims extends JwtClaims {
  readonly gcid: string;
  readonly aud: string;
  readonly scope: string;
  readonly typ: 'access' | 'id';
}

export interface OAuthDeps {
  clock: Clock;
  jwt: JwtSigner;
  stats: () => CardataSimStats;
  options: () => CardataSimOptions;
  fault: (path: string) => CardataFaultKind | undefined;
  log: (line: string) => void;
  /** Base URL of the device page. */
  deviceUrl: string;
}

function form(req: SimRequest): URLSearchParams {
  return new URLSearchParams(req.body);
}

function oauthError(status: number, error: string, description?: string): SimHttpResponse {
  return jsonResponse(status, { error, ...(description ? { error_description: description } : {}) });
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export class CardataOAuth {
  private readonly codes = new Map<string, DeviceCode>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  /** The last user code issued (for tests and the demo log). */
  lastUserCode: string | undefined;

  constructor(private readonly d: OAuthDeps) {}

  private client(id: string): CardataClientOptions | undefined {
    return this.d.options().clients[id];
  }

  private newUserCode(): string {
    const b = randomBytes(8);
    let s = '';
    for (let i = 0; i < 8; i++) s += CODE_CHARS[(b[i] ?? 0) % CODE_CHARS.length];
    return `${s.slice(0, 4)}-${s.slice(4)}`;
  }

  /** POST {auth}/oauth/device/code */
  deviceCode(req: SimRequest): SimHttpResponse {
    const f = form(req);
    const clientId = f.get('client_id') ?? '';
    const client = this.client(clientId);
    if (this.d.fault('/gcdm/oauth/device/code') === 'device-code-400') return oauthError(400, 'invalid_request', 'Client is not subscribed to the requested services');
    if (f.get('response_type') !== 'device_code') return oauthError(400, 'unsupported_response_type', 'response_type must be device_code');
    if (!client || (!client.api && !client.streaming)) return oauthError(400, 'invalid_request', 'Unknown client or client without CarData subscriptions');
    const challenge = f.get('code_challenge') ?? '';
    if (f.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) return oauthError(400, 'invalid_request', 'PKCE S256 code_challenge required');
    const asked = new Set((f.get('scope') ?? '').split(/\s+/).filter(Boolean));
    const scope = [...asked].filter((s) => (s === SCOPE_API ? client.api : s === SCOPE_STREAM ? client.streaming : true)).join(' ');
    const o = this.d.options();
    const now = this.d.clock.now();
    const code: DeviceCode = {
      deviceCode: randomBytes(24).toString('base64url'),
      userCode: this.newUserCode(),
      clientId,
      challenge,
      scope,
      createdAt: now,
      expiresAt: now + o.deviceCodeTtlS * 1000,
      intervalS: o.pollIntervalS,
      status: 'pending',
    };
    this.codes.set(code.deviceCode, code);
    this.lastUserCode = code.userCode;
    this.d.stats().deviceCodes++;
    this.d.log(`[cardata] device code issued: confirm ${code.userCode} at ${this.d.deviceUrl}${o.autoApproveMs !== false ? ` (confirmed by itself in ${Math.round(o.autoApproveMs / 1000)} s)` : ''}`);
    return jsonResponse(200, {
      user_code: code.userCode,
      device_code: code.deviceCode,
      verification_uri: this.d.deviceUrl,
      verification_uri_complete: `${this.d.deviceUrl}?user_code=${encodeURIComponent(code.userCode)}`,
      expires_in: o.deviceCodeTtlS,
      interval: o.pollIntervalS,
    });
  }

  private byUserCode(userCode: string): DeviceCode | undefined {
    const want = userCode.trim().toUpperCase().replace(/[^A-Z]/g, '');
    return [...this.codes.values()].find((c) => c.userCode.replace('-', '') === want);
  }

  /** The demo's automatic confirmation, checked when somebody looks. */
  private autoApprove(c: DeviceCode): void {
    const ms = this.d.options().autoApproveMs;
    if (c.status === 'pending' && ms !== false && this.d.clock.now() >= c.createdAt + ms) c.status = 'approved';
  }

  /** Confirms (or refuses) a user code as the user would on BMW's page. False when unknown or expired. */
  decide(userCode: string, approve: boolean): boolean {
    const c = this.byUserCode(userCode);
    if (!c || c.status !== 'pending' || this.d.clock.now() >= c.expiresAt) return false;
    c.status = approve ? 'approved' : 'denied';
    this.d.log(`[cardata] code ${c.userCode} ${approve ? 'confirmed' : 'refused'}`);
    return true;
  }

  private issue(clientId: string, gcid: string, scope: string): Record<string, unknown> {
    const o = this.d.options();
    const now = this.d.clock.now();
    const iat = Math.floor(now / 1000);
    const exp = iat + o.tokenLifetimeS;
    const base = { sub: gcid, gcid, aud: clientId, scope, iat, exp };
    const refresh = randomBytes(32).toString('hex');
    this.refreshTokens.set(refresh, { clientId, gcid, scope, expiresAt: now + o.refreshLifetimeS * 1000 });
    return {
      access_token: this.d.jwt.sign({ ...base, typ: 'access', jti: randomBytes(6).toString('hex') }, 'sim-cardata-1'),
      id_token: this.d.jwt.sign({ ...base, typ: 'id', jti: randomBytes(6).toString('hex') }, 'sim-cardata-1'),
      refresh_token: refresh,
      token_type: 'Bearer',
      expires_in: o.tokenLifetimeS,
      scope,
      gcid,
    };
  }

  /** POST {auth}/oauth/token */
  token(req: SimRequest): SimHttpResponse {
    const f = form(req);
    const grant = f.get('grant_type');
    if (grant === DEVICE_GRANT) return this.deviceGrant(f);
    if (grant === 'refresh_token') return this.refreshGrant(f);
    return oauthError(400, 'unsupported_grant_type');
  }

  private deviceGrant(f: URLSearchParams): SimHttpResponse {
    this.d.stats().tokenPolls++;
    const fault = this.d.fault('/gcdm/oauth/token');
    if (fault === 'pending-403') return textResponse(403, '');
    if (fault === 'keymanagement') {
      return jsonResponse(500, { fault: { faultstring: 'Invalid Access Token', detail: { errorcode: 'keymanagement.service.invalid_access_token' } } });
    }
    const c = this.codes.get(f.get('device_code') ?? '');
    if (!c || c.clientId !== f.get('client_id')) return oauthError(400, 'invalid_grant', 'Unknown device code');
    const now = this.d.clock.now();
    if (now >= c.expiresAt) {
      this.codes.delete(c.deviceCode);
      return oauthError(400, 'expired_token', 'The device code has expired');
    }
    if (fault === 'slow-down' || (c.lastPollAt !== undefined && now - c.lastPollAt < c.intervalS * 1000)) {
      c.intervalS += 5;
      c.lastPollAt = now;
      return oauthError(400, 'slow_down', 'Polling too fast');
    }
    c.lastPollAt = now;
    this.autoApprove(c);
    if (c.status === 'pending') return oauthError(400, 'authorization_pending', 'The user has not confirmed the code yet');
    if (c.status === 'denied') {
      this.codes.delete(c.deviceCode);
      return oauthError(400, 'access_denied', 'The user refused the request');
    }
    if (c.status === 'used') return oauthError(400, 'invalid_grant', 'The device code was already used');
    const verifier = f.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== c.challenge) return oauthError(400, 'invalid_grant', 'PKCE verification failed');
    c.status = 'used';
    this.d.stats().signIns++;
    return jsonResponse(200, this.issue(c.clientId, DEMO_CARDATA_GCID, c.scope));
  }

  private refreshGrant(f: URLSearchParams): SimHttpResponse {
    this.d.stats().refreshes++;
    const rt = f.get('refresh_token') ?? '';
    const t = this.refreshTokens.get(rt);
    if (!t || t.clientId !== f.get('client_id')) return oauthError(400, 'invalid_grant', 'Invalid refresh token');
    this.refreshTokens.delete(rt); // rotated: the old one is dead now
    if (this.d.clock.now() >= t.expiresAt) return oauthError(400, 'invalid_grant', 'Refresh token expired');
    return jsonResponse(200, this.issue(t.clientId, t.gcid, t.scope));
  }

  /** The claims of a token this server issued and that has not expired, else undefined. */
  verify(token: string, typ: 'access' | 'id'): TokenClaims | undefined {
    const c = this.d.jwt.verify(token);
    if (!c || c.typ !== typ || typeof c.gcid !== 'string' || typeof c.aud !== 'string' || typeof c.scope !== 'string') return undefined;
    if (c.exp * 1000 <= this.d.clock.now()) return undefined;
    return c as TokenClaims;
  }

  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  /** GET/POST /device: the page where the user enters (and confirms) a code. */
  page(req: SimRequest): SimHttpResponse {
    let note = '';
    let userCode = req.query.get('user_code') ?? '';
    if (req.method === 'POST') {
      const f = form(req);
      userCode = f.get('user_code') ?? '';
      const approve = f.get('action') !== 'deny';
      note = this.decide(userCode, approve)
        ? approve
          ? 'Confirmed: the plugin signs in within a few seconds. You can close this page.'
          : 'Refused: the plugin will report access_denied.'
        : 'Unknown or expired code.';
    } else if (userCode) {
      const c = this.byUserCode(userCode);
      if (c) this.autoApprove(c);
    }
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>CarData simulator - confirm a device</title>
<style>body{font-family:sans-serif;max-width:34em;margin:3em auto;color:#222}input{font-size:1.4em;letter-spacing:.1em;width:8em}button{font-size:1em;margin:.5em .5em 0 0}</style></head>
<body><h1>Connect a device to BMW CarData</h1><p>This is the simulator's page: enter the code the plugin shows.</p>
<form method="post"><input name="user_code" value="${escapeHtml(userCode)}" autocomplete="off" autofocus>
<br><button name="action" value="approve">Confirm</button><button name="action" value="deny">Refuse</button></form>
${note ? `<p><strong>${escapeHtml(note)}</strong></p>` : ''}</body></html>`;
    return textResponse(200, html, 'text/html; charset=utf-8');
  }
}
