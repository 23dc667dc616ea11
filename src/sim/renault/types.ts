/** Public option, fault and statistics types of the Renault simulator. */
import type { DriveScript } from '../script';
import type { EndpointKey, Support } from './data';

/** Gigya's account lock-out policy (failedLoginThreshold, lockout time). */
export interface GigyaLockout {
  failures: number;
  windowMs: number;
  durationMs: number;
}

export interface RenaultQuotaOptions {
  /** Kamereon calls allowed per account within windowMs (default 60). */
  limit: number;
  /** Sliding window (default 3 600 000 = 1 h). */
  windowMs: number;
  /** How long an account answers 429 once over the limit (default 900 000 = 15 min). */
  lockoutMs: number;
}

export interface RenaultSimOptions {
  /** Gigya site key the client must send as ApiKey (default: the public EU key of spec §1.2). */
  gigyaApiKey: string;
  /** Kamereon key the client must send as header `apikey` (default: spec §1.2). */
  kamereonApiKey: string;
  /** Clock ms between an action's echo and its effect in the car (default 15 000). */
  actionDelayMs: number;
  /** Cap on the JWT lifetime a client may ask for with `expiration` (default 86 400 s). */
  jwtMaxLifetimeSec: number;
  /** Per-account quota; false disables it. */
  quota: RenaultQuotaOptions | false;
  /** Demo user starts with two-factor authentication pending (default false). */
  tfa: boolean;
  /** Gigya's lock-out after failed password logins (default 5 within an hour lock 30 minutes); false: none. */
  gigyaLockout: GigyaLockout | false;
  /** Seed for the world's noise (default 42). */
  seed: number;
  /** Per model code, endpoint answers that replace the built-in capability table. */
  capabilityOverrides: Record<string, Partial<Record<EndpointKey, Support>>>;
  /**
   * Per VIN, a script the car drives instead of its demo behaviour (it starts where the script
   * starts). Its state is the script's: commands are answered but change nothing in it.
   */
  scripts?: Record<string, DriveScript>;
}

export type RenaultFaultKind =
  | 'kamereon-proxy'
  | 'bad-gateway'
  | 'overloaded'
  | 'privacy'
  | 'invalid-upstream'
  | 'not-supported'
  | 'in-progress'
  | 'missing-attributes'
  | 'stale'
  | 'unauthorized'
  | 'hang'
  /** HTTP 429 (quota envelope) with Retry-After: 60. */
  | 'retry-after'
  /** HTTP 503 with an HTML page (a gateway outage). */
  | 'unavailable'
  /** HTTP 500 with an HTML page instead of a Kamereon envelope. */
  | 'html-500'
  /** HTTP 200 whose JSON body is cut in half. */
  | 'malformed-json'
  /** The connection is reset before any answer. */
  | 'reset'
  /** The request is carried out (an action reaches the car), then the answer never comes. */
  | 'lost-reply'
  /** The request is carried out, then the connection is cut before the answer. */
  | 'lost-reset';

export interface RenaultFault {
  /** Matched against the Kamereon path (below kamereonUrl, no query). String = substring. Default: any. */
  path?: RegExp | string;
  kind: RenaultFaultKind;
  /** How many matching calls it hits (default 1). */
  times?: number;
}

export interface RenaultSimStats {
  logins: number;
  getJwt: number;
  getAccountInfo: number;
  /** Other Gigya calls (TFA flow, bootstrap). */
  gigyaOther: number;
  /** accounts.webSdkBootstrap calls that handed out a device. */
  bootstraps: number;
  /** Two-factor codes "e-mailed" (sendVerificationCode). */
  codesSent: number;
  /** Every Kamereon request, including rejected ones. */
  kamereon: number;
  /** Kamereon requests by endpoint: reads by name ('battery-status', 'persons', 'vehicles', 'ev/settings'...),
   * KCA actions as 'actions/<name>', KCM actions as 'kcm/<path>', unknown routes as 'not-found'. */
  byEndpoint: Record<string, number>;
  /** Kamereon reads by VIN (status endpoints, including rejected ones): who looked at which car. */
  readsByVin: Record<string, number>;
  rejected401: number;
  rejected429: number;
  /** Actions and KCM writes the cloud carried out (accepted, or run with their answer lost): what reached the cars. */
  writes: number;
}

export function emptyStats(): RenaultSimStats {
  return { logins: 0, getJwt: 0, getAccountInfo: 0, gigyaOther: 0, bootstraps: 0, codesSent: 0, kamereon: 0, byEndpoint: {}, readsByVin: {}, rejected401: 0, rejected429: 0, writes: 0 };
}
