import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warmUp, warmUpRunId } from '../../../../src/harness/orchestrate/warm-up.ts';
import { decodeProbe } from '../../../../src/probe/index.ts';
import type { TrafficFixture } from '../../../../scenarios/lib/fixture.ts';
import { denpaAdapter } from '../../../../scenarios/lib/gateway/denpa.ts';

describe('warm-up before a run', () => {
  let server: Server;
  let url: string;
  const seen: Array<{ client_ref: string; text: string; auth: string | undefined }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        const body = JSON.parse(raw) as { client_ref: string; text: string };
        seen.push({ ...body, auth: req.headers.authorization });
        // Every fourth is refused, to see the count of acceptances.
        res.writeHead(seen.length % 4 === 0 ? 503 : 202).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const a = server.address();
    url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends the asked number of OTPs under its own run id and counts acceptances', async () => {
    const fixture: TrafficFixture = { version: 1, runId: 'AB12', seed: 1, messages: { otp: [{ to: '09012345678', text: '認証コードは123456です。', carrier: 'docomo', deliverable: true, ported: false }], notice: [], dunning: [], promotion: [] } };
    const accepted = await warmUp({ adapter: denpaAdapter({ baseUrl: url, apiKey: 'k' }), sinkUrl: 'http://127.0.0.1:9', runId: 'AB12', fixture, messages: 12, concurrency: 3 });
    expect(seen).toHaveLength(12);
    expect(accepted).toBe(9);
    expect(warmUpRunId('AB12')).toBe('WB12');
    // A run id that starts with W still gets a warm-up id of its own.
    expect(warmUpRunId('W3EX')).toBe('X3EX');
    expect(new Set(seen.map((s) => s.client_ref)).size).toBe(12);
    for (const s of seen) {
      expect(s.client_ref).toMatch(/^WB12-\d+$/);
      expect(s.auth).toBe('Bearer k');
      expect(decodeProbe(s.text, Date.now())).toMatchObject({ runId: 'WB12', category: 'otp', intact: true });
    }
  });

  it('sends nothing when asked for none', async () => {
    const before = seen.length;
    const fixture: TrafficFixture = { version: 1, runId: 'AB12', seed: 1, messages: { otp: [], notice: [], dunning: [], promotion: [] } };
    expect(await warmUp({ adapter: denpaAdapter({ baseUrl: url, apiKey: 'k' }), sinkUrl: 'http://127.0.0.1:9', runId: 'AB12', fixture, messages: 5 })).toBe(0);
    expect(seen.length).toBe(before);
  });
});
