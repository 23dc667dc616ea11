/**
 * The simulated BMW customer portal's OAuth: the device code flow with PKCE (RFC 8628 as BMW
 * runs it), the token endpoint (device code and refresh grants, refresh tokens rotated), and
 * the page where the user confirms a code. Statuses and bodies are the ones BMW really sends
 * (shared/specs/cardata-real.md 1.2-1.4): pending is 403, a refused confirmation 403
 * access_denied, an expired code 401, a dead or rotated refresh token 400 invalid_request.
 */
// @ts-nocheck

import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock';
import { jsonResponse, textResponse, type SimHttpResponse, type SimRequest, type SimResponse } from '../http';
import type { JwtClaims, JwtSigner } from '../renault/jwt';
import type { CardataClientOptions, CardataFaultKind, CardataFaultPlace, CardataSimOptions, CardataSimStats } from './types';

export const DEMO_CARDATA_CLIENT_ID = '6f1d8c2e-4b7a-4c1e-9d3f-2a5b8c7d9e01';
export const DEMO_CARDATA_GCID = 'c0ffee00-5e1f-4cda-9a7a-00000000c0de';

const SCOPE_API = 'cardata:api:read';
const SCOPE_STREAM = 'cardata:streaming:read';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** BMW's user codes are 8 letters of mixed case, e.g. "FsYkjzdn" (ioBroker.bmw#287); these cannot be misread (no vowels, no l/I). */
const CODE_CHARS = 'BCDFGHJKLMNPQRSTVWXZbcdfghjkmnpqrstvwxz';
/** BMW's text for a dead, expired or rotated refresh token: the generic invalid_request (ioBroker.bmw#194, bmw-mqtt-bridge#14). */
const INVALID_REQUEST_TEXT =
  'The request is missing a required parameter, includes an unsupported parameter value (other than grant type), repeats a parameter, includes multiple credentials, utilizes more than one mechanism for authenticating the client, or is otherwise malformed.';

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
  /** broken: BMW failed right after the approval (approval-fault); the code is spoilt. */
  status: 'pending' | 'approved' | 'denied' | 'broken' | 'used';
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
  fault: (place: CardataFaultPlace, path: string) => CardataFaultKind | undefined;
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

/** BMW's answer when its key management fails (seen right after an approval: cardata-real.md 1.2). */
function keymanagementFault(): SimHttpResponse {
  return jsonResponse(500, { fault: { faultstring: 'Invalid Access Token', detail: { errorcode: 'keymanagement.service.invalid_access_token' } } });
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
    return s;
  }

  /** POST {auth}/oauth/device/code */
  deviceCode(req: SimRequest): SimHttpResponse {
    const f = form(req);
    const clientId = f.get('client_id') ?? '';
    const client = this.client(clientId);
    if (this.d.fault('device-code', '/gcdm/oauth/device/code') === 'device-code-400') return oauthError(400, 'invalid_request', 'Client is not subscribed to the requested services');
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
      ...(o.verificationUriComplete ? { verification_uri_complete: `${this.d.deviceUrl}?user_code=${encodeURIComponent(code.userCode)}` } : {}),
      expires_in: o.deviceCodeTtlS,
      interval: o.pollIntervalS,
    });
  }

  private byUserCode(userCode: string): DeviceCode | undefined {
    const want = userCode.trim().toUpperCase().replace(/[^A-Z]/g, '');
    return [...this.codes.values()].find((c) => c.userCode.toUpperCase() === want);
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
  token(req: SimRequest): SimResponse {
    const f = form(req);
    const grant = f.get('grant_type');
    if (grant !== DEVICE_GRANT && grant !== 'refresh_token') return oauthError(400, 'unsupported_grant_type');
    if (!this.client(f.get('client_id') ?? '')) return oauthError(401, 'invalid_client', 'Client authentication failed');
    return grant === DEVICE_GRANT ? this.deviceGrant(f) : this.refreshGrant(f);
  }

  private deviceGrant(f: URLSearchParams): SimHttpResponse {
    this.d.stats().tokenPolls++;
    const fault = this.d.fault('device-grant', '/gcdm/oauth/token');
    if (fault === 'pending-403') return textResponse(403, '');
    if (fault === 'keymanagement') return keymanagementFault();
    const c = this.codes.get(f.get('device_code') ?? '');
    if (!c || c.clientId !== f.get('client_id')) return oauthError(400, 'invalid_grant', 'The provided access grant is invalid, expired, or revoked.');
    const now = this.d.clock.now();
    if (fault === 'device-code-expired' || now >= c.expiresAt) {
      this.codes.delete(c.deviceCode);
      return oauthError(401, 'expired_token', 'The code is expired');
    }
    if (fault === 'slow-down' || (c.lastPollAt !== undefined && now - c.lastPollAt < c.intervalS * 1000)) {
      c.intervalS += 5;
      c.lastPollAt = now;
      return oauthError(400, 'slow_down', 'The polling interval has not elapsed since the last request');
    }
    c.lastPollAt = now;
    this.autoApprove(c);
    if (c.status === 'pending') return oauthError(403, 'authorization_pending', 'The user has not yet completed authorization');
    if (c.status === 'denied' || c.status === 'broken') return oauthError(403, 'access_denied', 'The user has declined authorization');
    if (c.status === 'used') return oauthError(400, 'invalid_grant', 'The provided access grant is invalid, expired, or revoked.');
    if (fault === 'approval-fault') {
      // BMW's "sync problem" right after the approval: a 500, then access_denied (the code is spoilt).
      c.status = 'broken';
      return keymanagementFault();
    }
    const verifier = f.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== c.challenge) return oauthError(400, 'invalid_grant', 'The provided access grant is invalid, expired, or revoked.');
    c.status = 'used';
    this.d.stats().signIns++;
    return jsonResponse(200, this.issue(c.clientId, DEMO_CARDATA_GCID, c.scope));
  }

  private refreshGrant(f: URLSearchParams): SimResponse {
    this.d.stats().refreshes++;
    const fault = this.d.fault('refresh', '/gcdm/oauth/token');
    if (fault === 'refresh-unavailable') return textResponse(503, '<html><body><h1>503 Service Unavailable</h1></body></html>', 'text/html');
    if (fault === 'refresh-hang') return { hang: true };
    if (fault === 'refresh-reset') return { reset: true };
    if (fault === 'refresh-429') return { ...oauthError(429, 'too_many_requests', 'Rate limit exceeded'), headers: { 'content-type': 'application/json', 'retry-after': '120' } };
    const rt = f.get('refresh_token') ?? '';
    const t = this.refreshTokens.get(rt);
    // Dead, expired or rotated away: BMW says invalid_request, not invalid_grant (cardata-real.md 1.4).
    if (!t || t.clientId !== f.get('client_id')) return oauthError(400, 'invalid_request', INVALID_REQUEST_TEXT);
    this.refreshTokens.delete(rt); // rotated: the old one is dead now
    if (this.d.clock.now() >= t.expiresAt) return oauthError(400, 'invalid_request', INVALID_REQUEST_TEXT);
    const issued = this.issue(t.clientId, t.gcid, t.scope);
    // Done on BMW's side, but the answer is lost on the way: the client keeps a refresh token that is dead now.
    if (fault === 'refresh-lost') return { hang: true };
    return jsonResponse(200, issued);
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
