// @ts-nocheck
import { redact } from './redact';

/** The logger the layers below the nodes receive; every line passes through redact(). */
export interface Logger {
  debug(line: string): void;
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Wraps a sink so that nothing reaches it unredacted. */
export function redactingLogger(sink: Logger): Logger {
  return {
    debug: (l) => sink.debug(redact(l)),
    info: (l) => sink.info(redact(l)),
    warn: (l) => sink.warn(redact(l)),
    error: (l) => sink.error(redact(l)),
  };
}
