/**
 * Simulated Gigya (SAP Customer Data Cloud) accounts API, spec §2: login, account info, JWT,
 * and the email two-factor flow. Answers HTTP 200 with errorCode/statusCode in the body.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Clock } from '../../core/clock';
import { header, isRecord, jsonResponse, parseJson, type SimHttpResponse, type SimRequest } from '../http';
import type { JwtSigner } from './jwt';
import type { RenaultSimStats } from './types';

export interface SimUser {
  email: string;
  password: string;
  uid: string;
  personId: string;
  gigyaDataCenter: string;
  firstName: string;
  lastName: string;
  /** TFA required at login until a TFA flow completes. */
  tfa: boolean;
  tfaTrusted: boolean;
  verified: boolean;
  createdAt: number;
}

interface LoginToken {
  uid: string;
  expiresAt?: number;
}

interface TfaFlow {
  uid: string;
  regToken: string;
  gigyaAssertion?: string;
  emailId?: string;
  phvToken?: string;
  code?: string;
  providerAssertion?: string;
  wrongCodes: number;
}

const GIGYA_CONTENT_TYPE = 'text/javascript;charset=utf-8';
const DEFAULT_JWT_SEC = 300;

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
  readonly apiKey: () => string;
  readonly jwtMaxLifetimeSec: () => number;
  readonly onTfaCode: (code: string) => void;
}

export class GigyaService {
  readonly users = new Map<string, SimUser>(); // by lower-case email
  private readonly tokens = new Map<string, LoginToken>();
  private readonly flows = new Map<string, TfaFlow>(); // by regToken

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

  private ok(fields: Record<string, unknown>, headers: Record<string, string> = {}): SimHttpResponse {
    const r = jsonResponse(200, { ...this.common(), ...fields }, GIGYA_CONTENT_TYPE);
    return { ...r, headers: { ...r.headers, ...headers } };
  }

  private fail(
    errorCode: number,
    statusCode: number,
    errorMessage: string,
    errorDetails: string,
    extra: Record<string, unknown> = {},
  ): SimHttpResponse {
    const reasons: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 500: 'Internal Server Error' };
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

  private userFromToken(p: Map<string, string>): SimUser | undefined {
    if (p.get('apikey') !== this.deps.apiKey()) return undefined;
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

  // --------------------------------------------------------------------------- methods

  handle(method: string, req: SimRequest): SimHttpResponse {
    const p = GigyaService.params(req);
    const stats = this.deps.stats();
    switch (method) {
      case 'accounts.login':
        stats.logins++;
        return this.login(p);
      case 'accounts.getAccountInfo':
        stats.getAccountInfo++;
        return this.getAccountInfo(p);
      case 'accounts.getJWT':
        stats.getJwt++;
        return this.getJwt(p);
    }
    stats.gigyaOther++;
    switch (method) {
      case 'accounts.webSdkBootstrap':
        return this.ok({}, { 'set-cookie': `gmid=${token('gmid.ver4.', 24)}; Path=/; HttpOnly` });
      case 'accounts.tfa.initTFA':
        return this.initTfa(p);
      case 'accounts.tfa.email.getEmails':
        return this.getEmails(p);
      case 'accounts.tfa.email.sendVerificationCode':
        return this.sendCode(p);
      case 'accounts.tfa.email.completeVerification':
        return this.completeVerification(p);
      case 'accounts.tfa.finalizeTFA':
        return this.finalizeTfa(p);
      default:
        return this.fail(403007, 403, 'Permission denied', `Invalid namespace or method '${method}'`);
    }
  }

  private login(p: Map<string, string>): SimHttpResponse {
    const loginId = p.get('loginid');
    const password = p.get('password');
    if (!loginId) return this.missing('loginID');
    if (password === undefined) return this.missing('password');
    const u = this.users.get(loginId.toLowerCase());
    if (p.get('apikey') !== this.deps.apiKey() || !u || u.password !== password) {
      return this.fail(403042, 403, 'Invalid LoginID', 'invalid loginID or password');
    }
    if (u.tfa && !u.tfaTrusted) {
      const regToken = token('st2.s.', 30);
      this.flows.set(regToken, { uid: u.uid, regToken, wrongCodes: 0 });
      return this.fail(403101, 403, 'Account Pending TFA Verification', 'Pending Two-Factor Authentication', {
        regToken,
        UID: u.uid,
      });
    }
    const cookieValue = token('st2.s.AcbH', 48);
    const exp = Number(p.get('sessionexpiration') ?? '');
    this.tokens.set(cookieValue, { uid: u.uid, expiresAt: Number.isFinite(exp) && exp > 0 ? this.now() + exp * 1000 : undefined });
    const fields: Record<string, unknown> = {
      ...this.accountFields(u),
      newUser: false,
      sessionInfo: { cookieName: `gac_${this.deps.apiKey()}`, cookieValue },
    };
    if ((p.get('include') ?? '').split(',').includes('data')) {
      fields.data = { personId: u.personId, gigyaDataCenter: u.gigyaDataCenter };
    }
    return this.ok(fields);
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
    const lifetime = Math.min(
      Number.isFinite(requested) && requested > 0 ? Math.floor(requested) : DEFAULT_JWT_SEC,
      this.deps.jwtMaxLifetimeSec(),
    );
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
    const apiKey = this.deps.apiKey();
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

  // --------------------------------------------------------------------------- TFA (spec §2.7)

  private flowByAssertion(a: string | undefined): TfaFlow | undefined {
    if (!a) return undefined;
    for (const f of this.flows.values()) if (f.gigyaAssertion === a) return f;
    return undefined;
  }

  private initTfa(p: Map<string, string>): SimHttpResponse {
    if (p.get('apikey') !== this.deps.apiKey()) return this.unauthorizedUser();
    const reg = p.get('regtoken');
    if (!reg) return this.missing('regToken');
    const flow = this.flows.get(reg);
    if (!flow) return this.invalidParam('Invalid regToken');
    const provider = p.get('provider') ?? '';
    if (provider !== 'gigyaEmail') return this.invalidParam(`Unsupported provider '${provider}'`);
    flow.gigyaAssertion = token('eyJhbGciOiJSUzI1NiJ9.', 40);
    return this.ok({ gigyaAssertion: flow.gigyaAssertion });
  }

  private getEmails(p: Map<string, string>): SimHttpResponse {
    const flow = this.flowByAssertion(p.get('gigyaassertion'));
    if (!flow) return this.invalidParam('Invalid gigyaAssertion');
    const u = this.userByUid(flow.uid);
    if (!u) return this.invalidParam('Invalid gigyaAssertion');
    flow.emailId = `email-${u.uid.slice(0, 8)}`;
    return this.ok({ emails: [{ id: flow.emailId, obfuscated: maskEmail(u.email), lastVerification: null }] });
  }

  private sendCode(p: Map<string, string>): SimHttpResponse {
    const flow = this.flowByAssertion(p.get('gigyaassertion'));
    if (!flow) return this.invalidParam('Invalid gigyaAssertion');
    const u = this.userByUid(flow.uid);
    const emailId = p.get('emailid');
    const email = p.get('email');
    if (!u) return this.invalidParam('Invalid gigyaAssertion');
    if (emailId === undefined && email === undefined) return this.missing('emailID');
    if (emailId !== undefined && emailId !== flow.emailId) return this.invalidParam('Invalid emailID');
    if (email !== undefined && email.toLowerCase() !== u.email.toLowerCase() && email !== maskEmail(u.email)) {
      return this.invalidParam('Invalid email');
    }
    flow.code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    flow.phvToken = token('phv.', 24);
    this.deps.onTfaCode(flow.code);
    this.deps.log(`[renault] TFA code for ${maskEmail(u.email)}: ${flow.code}`);
    return this.ok({ phvToken: flow.phvToken });
  }

  private completeVerification(p: Map<string, string>): SimHttpResponse {
    const flow = this.flowByAssertion(p.get('gigyaassertion'));
    if (!flow || !flow.phvToken || p.get('phvtoken') !== flow.phvToken) return this.invalidParam('Invalid phvToken');
    if (flow.wrongCodes >= 5) return this.fail(403048, 403, 'Too many attempts', 'Maximum allowed tries exceeded');
    if (!flow.code || p.get('code') !== flow.code) {
      flow.wrongCodes++;
      return this.invalidParam('Wrong verification code');
    }
    flow.providerAssertion = token('pa.', 30);
    return this.ok({ providerAssertion: flow.providerAssertion });
  }

  private finalizeTfa(p: Map<string, string>): SimHttpResponse {
    const flow = this.flows.get(p.get('regtoken') ?? '');
    if (!flow) return this.invalidParam('Invalid regToken');
    if (!flow.gigyaAssertion || p.get('gigyaassertion') !== flow.gigyaAssertion) return this.invalidParam('Invalid gigyaAssertion');
    if (!flow.providerAssertion || p.get('providerassertion') !== flow.providerAssertion) {
      return this.invalidParam('Invalid providerAssertion');
    }
    const u = this.userByUid(flow.uid);
    if (u) u.tfaTrusted = true;
    this.flows.delete(flow.regToken);
    return this.ok({});
  }
}
