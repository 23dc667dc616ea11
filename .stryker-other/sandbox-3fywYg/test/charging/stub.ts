/** A recording HTTP stub for tests of the Renault connection without the simulator: answers by method and URL pattern. */
// @ts-nocheck

import { CallBudget, ManualClock, silentLogger, type HttpClient, type HttpRequest, type HttpResponse } from '../../src/core';
import type { ProviderContext } from '../../src/brands';
import { RenaultConnection, type RenaultAuthState } from '../../src/brands/renault';

/** An answer: the URL pattern, the method, the body, and the HTTP status (200 unless said). */
export type StubAnswer = [RegExp, string, string, number?];

export class RecordingHttp {
  readonly sent: HttpRequest[] = [];
  constructor(private readonly answers: StubAnswer[]) {}
  request(req: HttpRequest): Promise<HttpResponse> {
    this.sent.push(req);
    req.onAttempt?.();
    const hit = this.answers.find(([re, method]) => method === req.method && re.test(req.url));
    if (!hit) return Promise.resolve({ status: 404, headers: {}, text: '{"errors":[{"errorCode":"err.func.wired.not-found","errorMessage":"The specified url does not exist"}]}' });
    return Promise.resolve({ status: hit[3] ?? 200, headers: { 'content-type': 'application/vnd.api+json' }, text: hit[2] });
  }
}

export function context(http: RecordingHttp): ProviderContext {
  const clock = new ManualClock('2026-11-20T08:00:00Z');
  return {
    config: { provider: 'renault', locale: 'de_DE', servers: { gigya: 'https://gigya.invalid', kamereon: 'https://kamereon.invalid' }, keys: { kamereonApiKey: 'k' } },
    http: http as unknown as HttpClient,
    clock,
    budget: new CallBudget({ limit: 60, windowMs: 3_600_000, clock }),
    memory: new Map(),
    runtimeMemory: new Map(),
    log: silentLogger,
  };
}

/** A Renault connection that talks to the stub, signed in for good (as person-1 unless auth says otherwise). */
export function connection(http: RecordingHttp, auth: RenaultAuthState = { loginToken: 'lt', personId: 'person-1', jwt: 'jwt' }): RenaultConnection {
  return new RenaultConnection({ ...context(http), withAuth: (fn) => fn(auth), getAuth: () => Promise.resolve(auth) });
}
