// @ts-nocheck
import type { Clock, StatusPart } from '../core';
import type { StreamEventInfo, StreamFacet } from '../brands/provider';
import type { StatusCache } from './status-cache';

/** A reconnect of the stream shorter than this leaves its parts fresh. */
export const STREAM_GAP_MS = 15 * 60_000;

/**
 * An account's push stream (CarData's MQTT): what it brings goes into the status cache, and
 * while it is connected the parts it carries count as fresh at the age of their last message
 * (status-cache.ts), so that a parked car costs no REST read.
 */
export class StreamLink {
  private handle?: { close(): Promise<void> };
  private streamed?: ReadonlySet<StatusPart>;
  /** Since when a stream that was connected reconnects (a token renewal, a dropped socket). */
  private downSince?: number;
  /** Since when the stream has been up without a gap of STREAM_GAP_MS or longer. */
  private upSince?: number;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly facet: StreamFacet | undefined,
    private readonly cache: () => StatusCache,
    private readonly emit: (event: StreamEventInfo) => void,
  ) {}

  /**
   * The parts the stream keeps fresh now; undefined while it is down (or there is none). A
   * reconnect shorter than STREAM_GAP_MS (the hourly token renewal, BMW still counting the old
   * connection for a few seconds) does not count as down.
   */
  get parts(): ReadonlySet<StatusPart> | undefined {
    if (this.downSince !== undefined && this.clock.now() - this.downSince >= STREAM_GAP_MS) {
      this.streamed = undefined;
      this.upSince = undefined;
    }
    return this.streamed;
  }

  /**
   * True when the stream is up now and has been since `fromMs` (short reconnects aside): it
   * brought everything the car said since then, so what was derived from it needs no REST read.
   */
  coveredSince(fromMs: number): boolean {
    return this.parts !== undefined && this.upSince !== undefined && this.upSince <= fromMs;
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
        if (event.state === 'connected') {
          // A reconnect after a long gap starts a new period: what the car said in the gap was missed.
          if (this.parts === undefined) this.upSince = this.clock.now();
          this.streamed = new Set(facet.parts ?? []);
          this.downSince = undefined;
        } else if (this.streamed) this.downSince ??= this.clock.now();
        this.emit(event);
      },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    this.streamed = undefined;
    this.upSince = undefined;
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
  }
}
