// The entry point of one child process of a local run: it starts one service
// (simulator, delivery core, callback sink or the round-robin proxy) through that part's door,
// reports its addresses to the parent over IPC, and closes it when told to
// (SIGTERM, SIGINT, an IPC 'stop') or when the parent goes away, so that no
// service outlives the run that started it.
//
//   parent ──fork(service-host.ts or dist/service-host.js, [kind, optionsJson])──▶ child
//   child  ──{type:'ready', endpoints}─────────────────────▶ parent
//   child  ──{type:'failed', message}──────────────────────▶ parent (then exits 1)
//   parent ──{type:'stop'} or SIGTERM──────────────────────▶ child closes, exits 0
import type { ServiceKind, ServiceMessage, ServiceEndpoints } from './service-protocol.ts';

interface Running {
  endpoints: ServiceEndpoints;
  close(): Promise<void>;
}

// Each part is imported only in the child that runs it (a simulator child
// never loads the core). The specifiers are literal so that esbuild bundles
// them into dist/service-host.js's chunks (scripts/build.js).
async function start(kind: ServiceKind, options: Record<string, unknown>): Promise<Running> {
  switch (kind) {
    case 'sim': {
      const { startSimulator } = await import('../../../simulator/index.ts');
      // startSimulator validates its options against its schema.
      const sim = await startSimulator(options as Parameters<typeof startSimulator>[0]);
      return { endpoints: { controlUrl: sim.controlUrl, smppPorts: { ...sim.ports } }, close: () => sim.close() };
    }
    case 'core': {
      const { startCore, resolveConfig } = await import('../../core/index.ts');
      const core = await startCore(resolveConfig(options, 'harness core config'));
      return { endpoints: { url: core.url }, close: () => core.close() };
    }
    case 'sink': {
      const { startSink } = await import('../sink/index.ts');
      const sink = await startSink(options);
      return { endpoints: { url: sink.url }, close: () => sink.close() };
    }
    case 'proxy': {
      const { startProxy } = await import('../round-robin/index.ts');
      const proxy = await startProxy(options as unknown as Parameters<typeof startProxy>[0]);
      // The share each node took, for the run's logs/proxy.log.
      const close = async (): Promise<void> => {
        process.stdout.write(`round-robin: requests per node ${JSON.stringify(Object.fromEntries(proxy.counts().map((n, i) => [proxy.upstreams[i] as string, n])))}\n`);
        await proxy.close();
      };
      return { endpoints: { url: proxy.url }, close };
    }
  }
}

function send(message: ServiceMessage): void {
  if (process.send && process.connected) process.send(message);
}

async function main(): Promise<void> {
  const kind = process.argv[2] as ServiceKind;
  const options = JSON.parse(process.argv[3] ?? '{}') as Record<string, unknown>;
  let running: Running | undefined;
  let closing = false;
  const stop = async (code: number): Promise<void> => {
    if (closing) return;
    closing = true;
    // Bounded: a service that does not close in time is left to the exit.
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, 8_000).unref());
    await Promise.race([running?.close().catch(() => undefined), deadline]);
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  process.on('disconnect', () => void stop(0));
  process.on('message', (m: unknown) => {
    if ((m as { type?: string } | null)?.type === 'stop') void stop(0);
  });
  try {
    running = await start(kind, options);
  } catch (err) {
    send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100).unref();
    return;
  }
  if (closing) {
    await running.close();
    return;
  }
  send({ type: 'ready', endpoints: running.endpoints });
}

void main();
