/** HS256 JSON Web Tokens, minted and checked by the simulated Gigya/Kamereon pair. */
// @ts-nocheck

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isRecord } from '../http';

function b64url(buf: Buffer | string): string {
  return Buffer.from(buf).toString('base64url');
}

export interface JwtClaims {
  readonly [claim: string]: unknown;
  readonly exp: number;
  readonly iat: number;
  readonly sub: string;
}

export class JwtSigner {
  private readonly secret = randomBytes(32);

  sign(claims: JwtClaims, kid = 'sim-renault-1'): string {
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid }));
    const payload = b64url(JSON.stringify(claims));
    const sig = createHmac('sha256', this.secret).update(`${header}.${payload}`).digest();
    return `${header}.${payload}.${b64url(sig)}`;
  }

  /** The claims of a token this signer minted, or undefined (bad shape or signature). Expiry is the caller's. */
  verify(token: string): JwtClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [h, p, s] = parts as [string, string, string];
    const expected = createHmac('sha256', this.secret).update(`${h}.${p}`).digest();
    const got = Buffer.from(s, 'base64url');
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) return undefined;
    try {
      const claims: unknown = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
      if (!isRecord(claims)) return undefined;
      const { exp, iat, sub } = claims;
      if (typeof exp !== 'number' || typeof iat !== 'number' || typeof sub !== 'string') return undefined;
      return { ...claims, exp, iat, sub };
    } catch {
      return undefined;
    }
  }
}
