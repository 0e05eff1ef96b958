import { describe, expect, it } from 'vitest';
import { CoreMetrics } from '../../../../src/core/metrics/index.ts';

describe('CoreMetrics', () => {
  it('exposes counts by carrier/category/state, lane depth and link state', async () => {
    const m = new CoreMetrics();
    m.messages.inc({ carrier: 'docomo', category: 'otp', state: 'accepted' }, 3);
    m.setLaneDepths([{ carrier: 'au', category: 'promotion', depth: 1000 }]);
    m.setLinkState('softbank', 0, 'bound');
    m.setLinkState('softbank', 0, 'reconnecting');
    m.submitLatency.observe({ carrier: 'docomo' }, 0.004);
    const { contentType, body } = await m.exposition();
    expect(contentType).toMatch(/text\/plain/);
    expect(body).toContain('denpa_messages_total{carrier="docomo",category="otp",state="accepted"} 3');
    expect(body).toContain('denpa_queue_depth{carrier="au",category="promotion"} 1000');
    expect(body).toContain('denpa_link_state{carrier="softbank",link="0",state="reconnecting"} 1');
    expect(body).toContain('denpa_link_state{carrier="softbank",link="0",state="bound"} 0');
    expect(body).toContain('denpa_submit_latency_seconds_bucket{le="0.005",carrier="docomo"} 1');
    m.setLaneDepths([]);
    expect((await m.exposition()).body).not.toContain('denpa_queue_depth{carrier="au"');
  });

  it('hot-path counts (countMessage, countSubmitResponse, countReceipt) add up with inc() at every scrape', async () => {
    const m = new CoreMetrics();
    m.countMessage('au', 'notice', 'delivered');
    m.countMessage('au', 'notice', 'delivered');
    m.messages.inc({ carrier: 'au', category: 'notice', state: 'delivered' });
    m.countSubmitResponse('au', 'ESME_ROK');
    m.countReceipt('au', 'delivered');
    let body = (await m.exposition()).body;
    expect(body).toContain('denpa_messages_total{carrier="au",category="notice",state="delivered"} 3');
    expect(body).toContain('denpa_submit_responses_total{carrier="au",status="ESME_ROK"} 1');
    expect(body).toContain('denpa_receipts_total{carrier="au",outcome="delivered"} 1');
    m.countMessage('au', 'notice', 'delivered');
    body = (await m.exposition()).body;
    expect(body).toContain('denpa_messages_total{carrier="au",category="notice",state="delivered"} 4');
    expect(body).toContain('denpa_receipts_total{carrier="au",outcome="delivered"} 1');
  });

  it('reads each link\'s send rate when scraped', async () => {
    const m = new CoreMetrics();
    let docomo = 2000;
    m.readSendRates(() => [
      ['docomo', docomo],
      ['au', 30],
    ]);
    expect((await m.exposition()).body).toContain('denpa_link_send_rate{carrier="docomo"} 2000');
    docomo = 140;
    const body = (await m.exposition()).body;
    expect(body).toContain('denpa_link_send_rate{carrier="docomo"} 140');
    expect(body).toContain('denpa_link_send_rate{carrier="au"} 30');
  });

  it('adds another thread\'s metrics in at scrape time: same series summed, its own series as they are', async () => {
    const api = new CoreMetrics();
    const delivery = new CoreMetrics();
    api.countMessage('au', 'otp', 'accepted');
    api.httpRequests.observe({ route: '/v1/messages', method: 'POST', status: '202' }, 0.003);
    delivery.countMessage('au', 'otp', 'delivered');
    delivery.countMessage('au', 'otp', 'delivered');
    delivery.setLinkState('au', 1, 'bound');
    delivery.submitLatency.observe({ carrier: 'au' }, 0.002);
    delivery.submitLatency.observe({ carrier: 'au' }, 0.02);
    api.addSource(() => delivery.registry.getMetricsAsJSON());
    const { body } = await api.exposition();
    expect(body).toContain('denpa_messages_total{carrier="au",category="otp",state="accepted"} 1');
    expect(body).toContain('denpa_messages_total{carrier="au",category="otp",state="delivered"} 2');
    expect(body).toContain('denpa_link_state{carrier="au",link="1",state="bound"} 1');
    expect(body).toContain('denpa_submit_latency_seconds_count{carrier="au"} 2');
    expect(body).toContain('denpa_http_request_duration_seconds_count{route="/v1/messages",method="POST",status="202"} 1');
    // Counted again on the other thread: the next scrape sums the new total.
    delivery.countMessage('au', 'otp', 'delivered');
    expect((await api.exposition()).body).toContain('denpa_messages_total{carrier="au",category="otp",state="delivered"} 3');
  });

  it('observeHttp counts answers per route, method and status, as httpRequests.observe does', async () => {
    const m = new CoreMetrics();
    m.observeHttp('/v1/messages', 'POST', 202, 0.004);
    m.observeHttp('/v1/messages', 'POST', 202, 0.03);
    m.observeHttp('/v1/messages', 'POST', 429, 0.001);
    m.httpRequests.observe({ route: '/v1/messages', method: 'POST', status: '202' }, 0.002);
    const { body } = await m.exposition();
    expect(body).toContain('denpa_http_request_duration_seconds_count{route="/v1/messages",method="POST",status="202"} 3');
    expect(body).toContain('denpa_http_request_duration_seconds_bucket{le="0.005",route="/v1/messages",method="POST",status="202"} 2');
    expect(body).toContain('denpa_http_request_duration_seconds_count{route="/v1/messages",method="POST",status="429"} 1');
  });

  it('keeps registries apart (two cores in one process)', async () => {
    const a = new CoreMetrics();
    const b = new CoreMetrics({ defaultMetrics: true });
    a.callbacks.inc({ outcome: 'delivered' });
    expect((await b.exposition()).body).not.toContain('denpa_callbacks_total{outcome="delivered"} 1');
    expect((await b.exposition()).body).toContain('denpa_process_resident_memory_bytes');
  });
});
