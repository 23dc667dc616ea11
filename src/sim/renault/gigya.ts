/**
 * Simulated Gigya (SAP Customer Data Cloud) accounts API, spec §2: login, account info, JWT,
 * the device bootstrap and the e-mail two-factor flow as renault-2fa.md describes the live
 * server. Answers HTTP 200 with errorCode/statusCode in the body.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Clock } from '../../core/clock';
import { header, isRecord, jsonResponse, parseJson, type SimHttpResponse, type SimRequest, type SimResponse } from '../http';
import { JwtSigner } from './jwt';
import type { GigyaLockout, RenaultSimStats } from './types';

export interface SimUser {
  email: string;
  password: string;
  uid: string;
  personId: string;
  gigyaDataCenter: string;
  firstName: string;
  lastName: string;
  /** Two-factor sign-in required at login for devices not trusted. */
  tfa: boolean;
  /** Devices (gmid) finalizeTFA trusted, and until when (epoch ms). */
  trusted: Map<string, number>;
  /** Devices trusted for one login only (finalizeTFA with tempDevice=true). */
  trustedOnce: Set<string>;
  /** An e-mail address for two-factor codes is on file (getEmails lists it). */
  tfaEmail: boolean;
  verified: boolean;
  createdAt: number;
  /** Failed password logins (epoch ms), for the lock-out. */
  failures: number[];
  lockedUntil: number;
}

/** hang: no answer ever; reset: the connection is cut. Neither reaches Gigya: nothing is done. */
export type GigyaFaultKind = 'rate-limited' | 'server-error' | 'html-500' | 'hang' | 'reset';

export interface GigyaFault {
  /** The method it hits (accounts.getJWT...); default any. */
  method?: string;
  kind: GigyaFaultKind;
  times?: number;
}

interface LoginToken {
  uid: string;
  expiresAt?: number;
}

interface TfaFlow {
  uid: string;
  regToken: string;
  createdAt: number;
  /** The device the login that asked for the code came from. */
  gmid?: string;
  gigyaAssertion?: string;
  assertionExpiresAt: number;
  emailId?: string;
  phvToken?: string;
  code?: string;
  providerAssertion?: string;
  wrongCodes: number;
}

const GIGYA_CONTENT_TYPE = 'text/javascript;charset=utf-8';
const DEFAULT_JWT_SEC = 300;
/** "Don't ask again on this device for 30 days" (renault-2fa.md §3). */
export const TRUST_MS = 30 * 86_400_000;
/** The regToken of a 403101 lives an hour (sessionInfo.expires_in "3600"). */
const REG_TOKEN_MS = 3_600_000;
/** The assertion of initTFA lives about 5 minutes (grosz). */
const ASSERTION_MS = 5 * 60_000;
/** Wrong codes a flow takes before "Maximum allowed tries exceeded". */
const MAX_WRONG_CODES = 5;

export const DEFAULT_LOCKOUT: GigyaLockout = { failures: 5, windowMs: 3_600_000, durationMs: 30 * 60_000 };

function token(prefix: string, bytes: number): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

export interface GigyaDeps {
  readonly clock: Clock;
  readonly jwt: JwtSigner;
  readonly stats: () => RenaultSimStats;
  readonly log: (line: string) => void;
  /** The keys a client may send as ApiKey (the simulator's own, and the public ones). */
  readonly apiKeys: () => readonly string[];
  readonly jwtMaxLifetimeSec: () => number;
  readonly lockout: () => GigyaLockout | false;
  readonly onTfaCode: (code: string) => void;
}

export class GigyaService {
  readonly users = new Map<string, SimUser>(); // by lower-case email
  private readonly tokens = new Map<string, LoginToken>();
  private readonly flows = new Map<string, TfaFlow>(); // by regToken
  /** Assertions are JWTs of their own: never accepted by Kamereon. */
  private readonly assertions = new JwtSigner();
  private faults: (GigyaFault & { remaining: number })[] = [];

  constructor(private readonly deps: GigyaDeps) {}

  addUser(u: SimUser): void {
    this.users.set(u.email.toLowerCase(), u);
  }

  userByUid(uid: string): SimUser | undefined {
    for (const u of this.users.values()) if (u.uid === uid) return u;
    return undefined;
  }

  revokeLoginTokens(): void {
    this.tokens.clear();
  }

  injectFault(f: GigyaFault): void {
    this.faults.push({ ...f, remaining: f.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  // --------------------------------------------------------------------------- plumbing

  private now(): number {
    return this.deps.clock.now();
  }

  private common(): Record<string, unknown> {
    return {
      callId: randomBytes(16).toString('hex'),
      errorCode: 0,
      apiVersion: 2,
      statusCode: 200,
      statusReason: 'OK',
      time: new Date(this.now()).toISOString(),
    };
  }

  private ok(fields: Record<string, unknown>, headers: Record<string, string | string[]> = {}): SimHttpResponse {
    const r = jsonResponse(200, { ...this.common(), ...fields }, GIGYA_CONTENT_TYPE);
    // Several Set-Cookie headers are an array; the router hands the headers to writeHead as they are.
    return { ...r, headers: { ...r.headers, ...(headers as Record<string, string>) } };
  }

  private fail(errorCode: number, statusCode: number, errorMessage: string, errorDetails: string, extra: Record<string, unknown> = {}): SimHttpResponse {
    const reasons: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 429: 'Too Many Requests', 500: 'Internal Server Error' };
    return jsonResponse(
      200,
      {
        callId: randomBytes(16).toString('hex'),
        errorCode,
        errorDetails,
        errorMessage,
        apiVersion: 2,
        statusCode,
        statusReason: reasons[statusCode] ?? 'Error',
        time: new Date(this.now()).toISOString(),
        ...extra,
      },
      GIGYA_CONTENT_TYPE,
    );
  }

  private missing(name: string): SimHttpResponse {
    return this.fail(400002, 400, 'Missing required parameter', `Missing required parameter: ${name}`);
  }

  private invalidParam(detail: string): SimHttpResponse {
    return this.fail(400006, 400, 'Invalid parameter value', detail);
  }

  /** A lapsed assertion: 400006 "Invalid jwt" (grosz's comment on the live server). */
  private invalidJwt(): SimHttpResponse {
    return this.invalidParam('Invalid jwt');
  }

  private unauthorizedUser(): SimHttpResponse {
    return this.fail(403005, 403, 'Unauthorized user', 'Unauthorized user');
  }

  /** Query and body parameters merged, names lower-cased (Gigya is case-insensitive). */
  static params(req: SimRequest): Map<string, string> {
    const out = new Map<string, string>();
    for (const [k, v] of req.query) out.set(k.toLowerCase(), v);
    const body = req.body.trim();
    if (body) {
      const ct = header(req.headers, 'content-type') ?? '';
      if (ct.includes('json') || body.startsWith('{')) {
        const parsed = parseJson(body);
        if (parsed.ok && isRecord(parsed.value)) {
          for (const [k, v] of Object.entries(parsed.value)) {
            if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out.set(k.toLowerCase(), String(v));
          }
        }
      } else {
        for (const [k, v] of new URLSearchParams(body)) out.set(k.toLowerCase(), v);
      }
    }
    return out;
  }

  /** A cookie the client sent. */
  private static cookie(req: SimRequest, name: string): string | undefined {
    const raw = header(req.headers, 'cookie') ?? '';
    for (const part of raw.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === name && v.length) return v.join('=');
    }
    return undefined;
  }

  /** The device of a request: the gmid form field (grosz) or cookie (Kelec, evcc PR). */
  private static gmidOf(req: SimRequest, p: Map<string, string>): string | undefined {
    return p.get('gmid') || GigyaService.cookie(req, 'gmid') || undefined;
  }

  private keyOk(p: Map<string, string>): boolean {
    return this.deps.apiKeys().includes(p.get('apikey') ?? '');
  }

  private userFromToken(p: Map<string, string>): SimUser | undefined {
    if (!this.keyOk(p)) return undefined;
    const t = this.tokens.get(p.get('login_token') ?? p.get('oauth_token') ?? '');
    if (!t) return undefined;
    if (t.expiresAt !== undefined && t.expiresAt <= this.now()) return undefined;
    return this.userByUid(t.uid);
  }

  private accountFields(u: SimUser): Record<string, unknown> {
    const created = new Date(u.createdAt).toISOString();
    const now = this.now();
    return {
      registeredTimestamp: Math.floor(u.createdAt / 1000),
      UID: u.uid,
      UIDSignature: randomBytes(20).toString('base64'),
      signatureTimestamp: String(Math.floor(now / 1000)),
      created,
      createdTimestamp: Math.floor(u.createdAt / 1000),
      isActive: true,
      isRegistered: true,
      isVerified: u.verified,
      lastLogin: new Date(now).toISOString(),
      lastLoginTimestamp: Math.floor(now / 1000),
      lastUpdated: created,
      lastUpdatedTimestamp: u.createdAt,
      loginProvider: 'site',
      oldestDataUpdated: created,
      oldestDataUpdatedTimestamp: u.createdAt,
      profile: { email: u.email, firstName: u.firstName, lastName: u.lastName },
      registered: created,
      socialProviders: 'site',
      verified: created,
      verifiedTimestamp: u.createdAt,
    };
  }

  private fault(method: string): SimResponse | undefined {
    const f = this.faults.find((x) => x.remaining > 0 && (x.method === undefined || x.method === method));
    if (!f) return undefined;
    f.remaining--;
    this.faults = this.faults.filter((x) => x.remaining > 0);
    this.deps.log(`[renault] gigya fault ${f.kind} on ${method}`);
    switch (f.kind) {
      case 'rate-limited':
        return this.fail(403048, 429, 'Rate limit exceeded', 'API rate limit exceeded');
      case 'server-error':
        return this.fail(500001, 500, 'General Server Error', 'General Server Error');
      case 'html-500':
        return { status: 500, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>500 Internal Server Error</h1></body></html>' };
      case 'hang':
        return { hang: true };
      case 'reset':
        return { reset: true };
    }
  }

  // --------------------------------------------------------------------------- methods

  handle(method: string, req: SimRequest): SimResponse {
    const p = GigyaService.params(req);
    const stats = this.deps.stats();
    switch (method) {
      case 'accounts.login':
        stats.logins++;
        break;
      case 'accounts.getAccountInfo':
        stats.getAccountInfo++;
        break;
      case 'accounts.getJWT':
        stats.getJwt++;
        break;
      default:
        stats.gigyaOther++;
    }
    const fault = this.fault(method);
    if (fault) return fault;
    switch (method) {
      case 'accounts.login':
        return this.login(p, GigyaService.gmidOf(req, p));
      case 'accounts.getAccountInfo':
        return this.getAccountInfo(p);
      case 'accounts.getJWT':
        return this.getJwt(p);
      case 'accounts.webSdkBootstrap':
        return this.bootstrap(p);
      case 'accounts.tfa.initTFA':
        return this.initTfa(p);
      case 'accounts.tfa.email.getEmails':
        return this.getEmails(p);
      case 'accounts.tfa.email.sendVerificationCode':
        return this.sendCode(p);
      case 'accounts.tfa.email.completeVerification':
        return this.completeVerification(p);
      case 'accounts.tfa.finalizeTFA':
        return this.finalizeTfa(p, GigyaService.gmidOf(req, p));
      default:
        return this.fail(403007, 403, 'Permission denied', `Invalid namespace or method '${method}'`);
    }
  }

  /** A new device: gmid and ucid as two cookies (renault-2fa.md §2 step 0), nothing in the body. */
  private bootstrap(p: Map<string, string>): SimHttpResponse {
    if (!this.keyOk(p)) return this.fail(400093, 400, 'Invalid ApiKey parameter', 'Invalid ApiKey parameter');
    this.deps.stats().bootstraps++;
    const gmid = token('gmid.ver4.', 24);
    const ucid = token('', 16);
    return this.ok({}, { 'set-cookie': [`gmid=${gmid}; Path=/; Max-Age=34560000; Secure; HttpOnly; SameSite=None`, `ucid=${ucid}; Path=/; Max-Age=34560000; Secure; HttpOnly; SameSite=None`, 'hasGmid=ver4; Path=/; Max-Age=34560000; Secure; SameSite=None'] });
  }

  private trustedDevice(u: SimUser, gmid: string | undefined): boolean {
    if (!gmid) return false;
    if (u.trustedOnce.delete(gmid)) return true;
    const until = u.trusted.get(gmid);
    return until !== undefined && until > this.now();
  }

  private login(p: Map<string, string>, gmid: string | undefined): SimHttpResponse {
    const loginId = p.get('loginid');
    const password = p.get('password');
    if (!loginId) return this.missing('loginID');
    if (password === undefined) return this.missing('password');
    const u = this.users.get(loginId.toLowerCase());
    const now = this.now();
    if (u && u.lockedUntil > now) return this.fail(403120, 403, 'Account temporarily locked out', 'Account temporarily locked out');
    if (!this.keyOk(p) || !u || u.password !== password) {
      if (u && this.keyOk(p)) this.failedLogin(u, now);
      return this.fail(403042, 403, 'Invalid LoginID', 'invalid loginID or password');
    }
    u.failures = [];
    if (u.tfa && !this.trustedDevice(u, gmid)) {
      // The real answer (renault-api issue #2132, 2026-06-01): HTTP 200, a regToken, and a
      // sessionInfo that only says how long the regToken lives.
      const regToken = token('st2.s.AtLt', 30);
      this.flows.set(regToken, { uid: u.uid, regToken, createdAt: now, ...(gmid ? { gmid } : {}), assertionExpiresAt: 0, wrongCodes: 0 });
      return this.fail(403101, 403, 'Account Pending TFA Verification', 'Pending Two-Factor Authentication', {
        regToken,
        UID: u.uid,
        sessionInfo: { expires_in: '3600' },
      });
    }
    const cookieValue = token('st2.s.AcbH', 48);
    const exp = Number(p.get('sessionexpiration') ?? '');
    this.tokens.set(cookieValue, { uid: u.uid, expiresAt: Number.isFinite(exp) && exp > 0 ? now + exp * 1000 : undefined });
    const fields: Record<string, unknown> = {
      ...this.accountFields(u),
      newUser: false,
      sessionInfo: { cookieName: `gac_${p.get('apikey') ?? ''}`, cookieValue },
    };
    if ((p.get('include') ?? '').split(',').includes('data')) {
      fields.data = { personId: u.personId, gigyaDataCenter: u.gigyaDataCenter };
    }
    return this.ok(fields);
  }

  /** Counts a wrong password; too many within the window lock the account (Gigya's lock-out policy). */
  private failedLogin(u: SimUser, now: number): void {
    const policy = this.deps.lockout();
    if (!policy) return;
    u.failures = [...u.failures.filter((t) => t > now - policy.windowMs), now];
    if (u.failures.length >= policy.failures) {
      u.lockedUntil = now + policy.durationMs;
      u.failures = [];
      this.deps.log(`[renault] ${maskEmail(u.email)} locked out until ${new Date(u.lockedUntil).toISOString()}`);
    }
  }

  private getAccountInfo(p: Map<string, string>): SimHttpResponse {
    if (!p.get('login_token') && !p.get('oauth_token')) return this.missing('login_token');
    const u = this.userFromToken(p);
    if (!u) return this.unauthorizedUser();
    return this.ok({
      ...this.accountFields(u),
      data: { personId: u.personId, gigyaDataCenter: u.gigyaDataCenter },
      preferences: {},
      emails: { verified: u.verified ? [u.email] : [], unverified: u.verified ? [] : [u.email] },
    });
  }

  private getJwt(p: Map<string, string>): SimHttpResponse {
    if (!p.get('login_token') && !p.get('oauth_token')) return this.missing('login_token');
    const u = this.userFromToken(p);
    if (!u) return this.unauthorizedUser();
    if (!u.verified) return this.fail(403013, 403, 'Unverified user', 'Unverified user');
    const requested = Number(p.get('expiration') ?? DEFAULT_JWT_SEC);
    const lifetime = Math.min(Number.isFinite(requested) && requested > 0 ? Math.floor(requested) : DEFAULT_JWT_SEC, this.deps.jwtMaxLifetimeSec());
    const iat = Math.floor(this.now() / 1000);
    const fields = (p.get('fields') ?? '').split(',').map((f) => f.trim()).filter(Boolean);
    const known: Record<string, string> = { 'data.personId': u.personId, 'data.gigyaDataCenter': u.gigyaDataCenter };
    const claims: Record<string, unknown> = {};
    const ignored: string[] = [];
    for (const f of fields) {
      const v = known[f];
      if (v !== undefined) claims[f] = v;
      else ignored.push(f);
    }
    const apiKey = p.get('apikey') ?? '';
    const idToken = this.deps.jwt.sign({
      iss: `https://fidm.gigya.com/jwt/${apiKey}/`,
      apiKey,
      iat,
      exp: iat + lifetime,
      sub: u.uid,
      ...claims,
    });
    return this.ok({ ignoredFields: ignored.join(','), id_token: idToken });
  }

  // --------------------------------------------------------------------------- TFA (renault-2fa.md §2)

  private flowByAssertion(a: string | undefined): TfaFlow | undefined {
    if (!a) return undefined;
    for (const f of this.flows.values()) if (f.gigyaAssertion === a) return f;
    return undefined;
  }

  /** The flow of a live assertion, or the answer that refuses it. */
  private liveFlow(p: Map<string, string>): TfaFlow | SimHttpResponse {
    if (!p.get('gigyaassertion')) return this.missing('gigyaAssertion');
    const flow = this.flowByAssertion(p.get('gigyaassertion'));
    if (!flow || flow.assertionExpiresAt <= this.now()) return this.invalidJwt();
    return flow;
  }

  private initTfa(p: Map<string, string>): SimHttpResponse {
    if (!this.keyOk(p)) return this.unauthorizedUser();
    const reg = p.get('regtoken');
    if (!reg) return this.missing('regToken');
    const flow = this.flows.get(reg);
    const now = this.now();
    if (!flow || flow.createdAt + REG_TOKEN_MS <= now) return this.invalidParam('Invalid regToken');
    const provider = p.get('provider') ?? '';
    if (provider !== 'gigyaEmail') return this.invalidParam(`Unsupported provider '${provider}'`);
    const iat = Math.floor(now / 1000);
    flow.assertionExpiresAt = now + ASSERTION_MS;
    flow.gigyaAssertion = this.assertions.sign({ iat, exp: Math.floor(flow.assertionExpiresAt / 1000), sub: flow.uid, sid: randomBytes(8).toString('hex') }, 'tfa');
    return this.ok({ gigyaAssertion: flow.gigyaAssertion });
  }

  private getEmails(p: Map<string, string>): SimHttpResponse {
    const flow = this.liveFlow(p);
    if (!('uid' in flow)) return flow;
    const u = this.userByUid(flow.uid);
    if (!u) return this.invalidJwt();
    if (!u.tfaEmail) return this.ok({ emails: [] });
    flow.emailId = `email-${u.uid.slice(0, 8)}`;
    return this.ok({ emails: [{ id: flow.emailId, obfuscated: maskEmail(u.email), lastVerification: null }] });
  }

  private sendCode(p: Map<string, string>): SimHttpResponse {
    const flow = this.liveFlow(p);
    if (!('uid' in flow)) return flow;
    const u = this.userByUid(flow.uid);
    if (!u) return this.invalidJwt();
    const emailId = p.get('emailid');
    const email = p.get('email');
    if (emailId === undefined && email === undefined) return this.missing('emailID');
    if (emailId !== undefined && (!u.tfaEmail || emailId !== flow.emailId)) return this.invalidParam('Invalid emailID');
    if (email !== undefined && email.toLowerCase() !== u.email.toLowerCase() && email !== maskEmail(u.email)) {
      return this.invalidParam('Invalid email');
    }
    // A resend replaces the code and the phvToken (Kelec).
    flow.code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    flow.phvToken = token('phv.', 24);
    this.deps.stats().codesSent++;
    this.deps.onTfaCode(flow.code);
    this.deps.log(`[renault] TFA code for ${maskEmail(u.email)}: ${flow.code}`);
    return this.ok({ phvToken: flow.phvToken });
  }

  /**
   * The code check. Wrong: 400006 "Wrong verification code" (Kelec's TFA_ERRORS); too many:
   * "Maximum allowed tries exceeded" (Kelec; its errorCode is not recorded, 400006 assumed).
   */
  private completeVerification(p: Map<string, string>): SimHttpResponse {
    const flow = this.liveFlow(p);
    if (!('uid' in flow)) return flow;
    if (!flow.phvToken || p.get('phvtoken') !== flow.phvToken) return this.invalidParam('Invalid phvToken');
    if (flow.wrongCodes >= MAX_WRONG_CODES) return this.invalidParam('Maximum allowed tries exceeded');
    if (!flow.code || (p.get('code') ?? '').trim() !== flow.code) {
      flow.wrongCodes++;
      return this.invalidParam('Wrong verification code');
    }
    flow.providerAssertion = token('pa.', 30);
    return this.ok({ providerAssertion: flow.providerAssertion });
  }

  /** Trusts the device: the gmid sent (or the one of the login that asked), for 30 days unless tempDevice=true. */
  private finalizeTfa(p: Map<string, string>, gmid: string | undefined): SimHttpResponse {
    const flow = this.flows.get(p.get('regtoken') ?? '');
    if (!flow || flow.createdAt + REG_TOKEN_MS <= this.now()) return this.invalidParam('Invalid regToken');
    if (!flow.gigyaAssertion || p.get('gigyaassertion') !== flow.gigyaAssertion) return this.invalidJwt();
    if (flow.assertionExpiresAt <= this.now()) return this.invalidJwt();
    if (!flow.providerAssertion || p.get('providerassertion') !== flow.providerAssertion) return this.invalidParam('Invalid providerAssertion');
    const u = this.userByUid(flow.uid);
    const device = gmid ?? flow.gmid;
    if (u && device) {
      if ((p.get('tempdevice') ?? 'false').toLowerCase() === 'true') u.trustedOnce.add(device);
      else u.trusted.set(device, this.now() + TRUST_MS);
    }
    this.flows.delete(flow.regToken);
    return this.ok({});
  }
}
