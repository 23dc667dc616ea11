import type { StatusPart } from '../core';
import type { StreamEventInfo, StreamFacet } from '../brands/provider';
import type { StatusCache } from './status-cache';

/**
 * An account's push stream (CarData's MQTT): what it brings goes into the status cache, and
 * while it is connected the parts it carries count as fresh at the age of their last message
 * (status-cache.ts), so that a parked car costs no REST read.
 */
export class StreamLink {
  private handle?: { close(): Promise<void> };
  private streamed?: ReadonlySet<StatusPart>;
  private closed = false;

  constructor(
    private readonly facet: StreamFacet | undefined,
    private readonly cache: () => StatusCache,
    private readonly emit: (event: StreamEventInfo) => void,
  ) {}

  /** The parts the stream keeps fresh now; undefined while it is down (or there is none). */
  get parts(): ReadonlySet<StatusPart> | undefined {
    return this.streamed;
  }

  /** Opens the stream once (when the account is signed in). */
  start(): void {
    const facet = this.facet;
    if (this.handle || this.closed || !facet) return;
    this.handle = facet.open(
      (vin, fragment) => {
        if (!this.closed) this.cache().pushed(vin, fragment);
      },
      (event) => {
        this.streamed = event.state === 'connected' ? new Set(facet.parts ?? []) : undefined;
        this.emit(event);
      },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    this.streamed = undefined;
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
  }
}
