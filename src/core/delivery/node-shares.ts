// This node among the others on a shared store: a heartbeat on the
// injected clock every third of the lease renews this node's lease and its
// in-flight claims, takes over the in-flight work of nodes whose lease
// expired, and reads the live nodes; from those, each carrier link holds its
// share of the carrier's bind limit (carrier/bind-share.ts). On SQLite the
// node is alone and holds every bind, as before.
import type { Clock, TimerHandle } from '../../runtime/index.ts';
import { bindShare, compareIds, liveSetKey, nextBindCount, type CarrierLink } from '../carrier/index.ts';
import type { Heartbeat, NodeIdentity, Smsc, Store } from '../store/index.ts';
import type { DeliveryLogger } from './logger.ts';

/** What /readyz shows of this node: who it is, who else is live, and the binds it holds of each SMSC's limit (the carriers', and the aggregator's when configured). */
export interface NodeView {
  readonly id: string;
  readonly live: readonly string[];
  readonly binds: Readonly<Record<string, { readonly held: number; readonly share: number; readonly limit: number }>>;
}

export interface NodeSharesDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly node: NodeIdentity;
  readonly links: ReadonlyMap<Smsc, CarrierLink>;
  readonly log: DeliveryLogger;
  /** A heartbeat put a dead node's in-flight messages back in their lanes. */
  readonly onTakenOver: () => void;
  /** The live set or a bind count changed (the view reads differently now). */
  readonly onChanged: () => void;
}

export class NodeShares {
  private live: readonly string[];
  private lastKey: string | undefined;
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(private readonly deps: NodeSharesDeps) {
    this.live = [deps.node.id];
  }

  /** Every third of the lease: a beat that is a little late still renews before the lease runs out. */
  get intervalMs(): number {
    return Math.max(1, Math.floor(this.deps.node.leaseMs / 3));
  }

  /**
   * The first heartbeat, before the links start: registers this node. Alone,
   * it holds every bind at once; with others live it starts with none and
   * grows at the next beat, after the others have seen it and shed theirs.
   */
  async begin(): Promise<Heartbeat> {
    const beat = await this.deps.store.heartbeat(this.deps.clock.now());
    this.observe(beat, true);
    return beat;
  }

  /** Beat every intervalMs from now on. */
  start(): void {
    this.schedule();
  }

  /** Other nodes are live on this store (asked for every receipt that matches no segment yet). */
  shared(): boolean {
    return this.live.length > 1;
  }

  view(): NodeView {
    const binds: Record<string, { held: number; share: number; limit: number }> = {};
    for (const [carrier, link] of this.deps.links) {
      binds[carrier] = { held: link.bindCount, share: bindShare(link.bindLimit, this.live, this.deps.node.id), limit: link.bindLimit };
    }
    return { id: this.deps.node.id, live: this.live, binds };
  }

  stop(): void {
    this.stopped = true;
    this.deps.clock.clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.deps.clock.setTimeout(() => void this.beat(), this.intervalMs);
  }

  private async beat(): Promise<void> {
    try {
      const beat = await this.deps.store.heartbeat(this.deps.clock.now());
      if (!this.stopped) this.observe(beat, false);
    } catch (err) {
      // The binds stay as they are; if beats keep failing the lease runs out and the other nodes take this node's work.
      this.deps.log.error({ err }, 'node heartbeat failed; the binds stay as they are');
    }
    this.schedule();
  }

  private observe(beat: Heartbeat, first: boolean): void {
    const { node, links, log } = this.deps;
    const live = beat.live.map((n) => n.id);
    const key = liveSetKey(live.includes(node.id) ? live : [...live, node.id]);
    const unchanged = key === this.lastKey;
    if (!first && !unchanged) log.info({ node: node.id, live }, 'the live core nodes changed; binds follow at this and the next heartbeat');
    if (beat.lapsed) log.warn({ node: node.id }, "this node's lease had expired before it beat again: other nodes may have taken and resent its in-flight messages");
    if (beat.takenOver > 0) {
      log.warn({ node: node.id, takenOver: beat.takenOver }, 'took over in-flight messages of a node whose lease expired; unanswered segments will be sent again');
      this.deps.onTakenOver();
    }
    this.live = live.includes(node.id) ? live : [...live, node.id].sort(compareIds);
    let changed = !unchanged;
    for (const link of links.values()) {
      const share = bindShare(link.bindLimit, this.live, node.id);
      const held = first ? (this.live.length === 1 ? share : 0) : nextBindCount(link.bindCount, share, unchanged);
      if (held !== link.bindCount) {
        link.setBinds(held);
        changed = true;
      }
    }
    this.lastKey = key;
    if (changed) this.deps.onChanged();
  }
}
