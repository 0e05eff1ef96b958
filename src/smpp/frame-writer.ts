// Writes PDU frames to a session's socket and keeps the socket's user-space
// buffer bounded (sharp edge 8: the package ignores socket.write
// backpressure, so a receipt storm to a slow client would buffer without
// limit).
//
// - Frames written in one turn of the event loop leave in one syscall (cork).
// - While more than `maxBytes` wait in the buffer, reading from the peer is
//   paused: a peer that does not read our answers gets no more served.
// - Our own requests wait for 'drain' (bounded in time) before being written.

import type { Socket } from 'node:net';
import type { Clock } from '../runtime/index.ts';
import { SmppBackpressureError } from './errors.ts';

export class FrameWriter {
  private corked = false;
  private readingPaused = false;
  private drainWaiters: (() => void)[] = [];
  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  constructor(
    private readonly socket: Socket,
    private readonly clock: Clock,
    private readonly maxBytes: number,
  ) {
    socket.on('drain', () => this.onDrain());
  }

  /** Octets written but not yet taken by the kernel. */
  get backlogBytes(): number {
    return this.socket.writableLength;
  }

  /** Whether the buffer is over its bound. */
  get full(): boolean {
    return this.socket.writableLength > this.maxBytes;
  }

  write(frame: Buffer): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    this.socket.write(frame);
    if (!this.readingPaused && this.full) {
      this.readingPaused = true;
      this.socket.pause();
    }
  }

  /**
   * Waits for 'drain', at most until `giveUpAt`: a peer that reads nothing
   * for that long gets SmppBackpressureError for requests that were never
   * sent (safe to send elsewhere), not an endless wait.
   */
  waitForDrain(giveUpAt: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const wake = (): void => {
        this.clock.clearTimeout(timer);
        resolve();
      };
      const timer = this.clock.setTimeout(() => {
        const i = this.drainWaiters.indexOf(wake);
        if (i >= 0) this.drainWaiters.splice(i, 1);
        reject(new SmppBackpressureError(`the peer read nothing until the deadline; ${this.socket.writableLength} octets wait`));
      }, giveUpAt - this.clock.now());
      this.drainWaiters.push(wake);
    });
  }

  /** Wakes every waiter (the session is ending; they re-check its state and fail). */
  wakeAll(): void {
    for (const w of this.drainWaiters.splice(0)) w();
  }

  private onDrain(): void {
    if (this.readingPaused) {
      this.readingPaused = false;
      this.socket.resume();
    }
    this.wakeAll();
  }
}
