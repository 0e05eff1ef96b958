// What the core's main thread (HTTP API) and its delivery thread say to
// each other. Pure shapes; see host.ts for why delivery has a thread.
//
//   main ── wake(carriers), metrics?, close ──────────────────▶ delivery thread
//        ◀── started | start_failed, links, log, metrics, closed ──
//
// The delivery thread talks to the store thread over a port of its own
// (WorkerStore.connect), not through main.
import type { MessagePort } from 'node:worker_threads';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { BindState } from '../carrier/index.ts';
import type { CoreConfig, TenantConfig } from '../config/index.ts';
import type { DeliveryTuning, NodeView } from '../delivery/index.ts';
import type { RouteOverride, SwitchMode } from '../routing/index.ts';
import type { Carrier, NodeIdentity } from '../store/index.ts';
import type { SerializedError } from '../store-thread/index.ts';

/** Every bind of every carrier, by state (Delivery.linkStates()). */
export type LinkStates = Record<string, BindState['state'][]>;

/** Each carrier's fallback switch (Delivery.routeModes()). */
export type RouteModes = Record<string, SwitchMode>;

/** prom-client's JSON form of a registry's metrics (Registry.getMetricsAsJSON). */
export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

export interface DeliveryThreadData {
  readonly config: CoreConfig;
  /** Seeds of the delivery's and the callback sender's random sources (jitter), so a run can be replayed. */
  readonly seeds: { readonly delivery: number; readonly callbacks: number };
  readonly carriers?: readonly Carrier[];
  readonly tuning?: Partial<DeliveryTuning>;
  /** The delivery thread's own connection to the store thread. */
  readonly storePort: MessagePort;
  /** This core node (the store thread was opened with the same identity). */
  readonly node: NodeIdentity;
}

export type ToDelivery =
  | { readonly kind: 'wake'; readonly carriers: readonly Carrier[] }
  | { readonly kind: 'metrics'; readonly id: number }
  | { readonly kind: 'pause'; readonly carrier: Carrier; readonly paused: boolean }
  /** The tenants created over the admin API, the whole list (callback secrets, send windows, inbound numbers). */
  | { readonly kind: 'tenants'; readonly tenants: readonly TenantConfig[] }
  /** The operators' standing route overrides, the whole list (replaces the last one). */
  | { readonly kind: 'route_overrides'; readonly overrides: readonly RouteOverride[] }
  | { readonly kind: 'close' };

export type FromDelivery =
  | { readonly kind: 'started'; readonly recovered: number; readonly links: LinkStates; readonly node: NodeView; readonly routes: RouteModes }
  | { readonly kind: 'start_failed'; readonly error: SerializedError }
  | { readonly kind: 'links'; readonly links: LinkStates; readonly routes: RouteModes }
  /** The live nodes or this node's bind shares changed. */
  | { readonly kind: 'node'; readonly node: NodeView }
  /** A fresh lookup named another carrier for this number (the API thread's route cache forgets the old one). */
  | { readonly kind: 'route'; readonly number: string; readonly carrier: Carrier }
  /** One log line (pino JSON), written by main to the core's log stream. */
  | { readonly kind: 'log'; readonly line: string }
  | { readonly kind: 'metrics'; readonly id: number; readonly metrics: MetricsJson }
  | { readonly kind: 'closed'; readonly error?: SerializedError };
