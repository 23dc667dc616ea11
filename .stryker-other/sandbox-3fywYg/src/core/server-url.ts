// @ts-nocheck
import { CarError } from './errors';

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
}

/**
 * A server URL a user may set: the secure scheme, or the plain one only to this machine (the
 * simulator): tokens and passwords must not cross a network in clear. Throws BAD_INPUT naming
 * the setting.
 */
export function checkServerUrl(field: string, value: string, secure: 'https:' | 'mqtts:', plain: 'http:' | 'mqtt:'): void {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new CarError('BAD_INPUT', `${field}: "${value}" is not a URL; expected ${secure}//host[:port]`);
  }
  if (u.protocol === secure) return;
  if (u.protocol === plain && isLoopback(u.hostname)) return;
  throw new CarError('BAD_INPUT', `${field} must start with ${secure}// (${plain}// only to 127.0.0.1 or localhost, e.g. the simulator); got "${value}"`);
}
