// What a service child and its parent say to each other over IPC.
export type ServiceKind = 'sim' | 'core' | 'sink' | 'proxy';

export interface ServiceEndpoints {
  /** Core, sink and proxy: their base URL. */
  url?: string;
  /** Simulator: its control API and SMPP ports by carrier. */
  controlUrl?: string;
  smppPorts?: Record<string, number>;
}

export type ServiceMessage =
  | { type: 'ready'; endpoints: ServiceEndpoints }
  | { type: 'failed'; message: string };
