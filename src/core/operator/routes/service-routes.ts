// The running service as operators see it: status, messages (personal
// data, masked by role, every read recorded), cancelling one message and
// resuming a paused carrier.
//   GET  /v1/ops/status                   viewer
//   GET  /v1/ops/messages?tenant=...      viewer (numbers and bodies masked below operator)
//   GET  /v1/ops/messages/:id             viewer
//   POST /v1/ops/messages/:id/cancel      operator
//   POST /v1/ops/messages/:id/retry       operator (a failed or expired message tries again)
//   POST /v1/ops/messages/:id/callbacks/replay operator (its final status callback goes again)
//   POST /v1/ops/carriers/:carrier/resume operator (pausing is a four-eyes request)
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CARRIERS, type Carrier } from '../../../domain/index.ts';
import { ApiError } from '../../api/errors.ts';
import { problemResponses } from '../../api/schemas.ts';
import { isFinalState, type MessageState } from '../../store/index.ts';
import type { OpsDesk } from '../desk.ts';
import { seesPersonalData } from '../roles.ts';
import { CancelResultSchema, CarrierParams, MessageListQuery, MessageParams, OpsMessageListSchema, OpsMessageSchema, ReplayResultSchema, ResumedSchema, RetryResultSchema, StatusSchema } from '../schemas.ts';
import { messageView } from './views.ts';

export async function serviceRoutes(plain: FastifyInstance, opts: { desk: OpsDesk }): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const { desk } = opts;
  const store = desk.o.store;

  app.get(
    '/status',
    { config: { opsRole: 'viewer', opsAction: 'status.read' }, schema: { summary: 'Carriers, lanes, callbacks, open requests', response: { 200: StatusSchema, ...problemResponses(401, 403) } } },
    async () => {
      const paused = new Set(desk.pausedCarriers());
      const states = desk.o.actions?.linkStates() ?? {};
      const carriers: Record<string, { paused: boolean; binds: string[] }> = {};
      for (const c of CARRIERS) carriers[c] = { paused: paused.has(c), binds: [...(states[c] ?? [])] };
      const lanes = (await store.laneDepths()).map((l) => ({ carrier: l.carrier, category: l.category, depth: l.depth }));
      const open = desk.requests.list('pending', 500).length + desk.requests.list('approved', 500).length;
      return { carriers, lanes, pending_callbacks: await store.pendingCallbackCount(), open_requests: open };
    },
  );

  app.get(
    '/messages',
    {
      config: { opsRole: 'viewer', opsAction: 'message.list' },
      schema: { summary: "A tenant's messages (personal data: recorded)", querystring: MessageListQuery, response: { 200: OpsMessageListSchema, ...problemResponses(400, 401, 403) } },
    },
    async (request) => {
      const q = request.query;
      const role = request.operator!.role;
      const page = await store.listMessages(q.tenant, q.state ? { state: q.state as MessageState } : {}, q.cursor, q.limit ?? 100);
      request.auditDetail = `${page.messages.length} messages shown ${seesPersonalData(role) ? 'in clear' : 'masked'}`;
      return { messages: page.messages.map((m) => messageView(m, role)), next_cursor: page.nextCursor };
    },
  );

  app.get(
    '/messages/:id',
    {
      config: { opsRole: 'viewer', opsAction: 'message.read' },
      schema: { summary: 'One message (personal data: recorded)', params: MessageParams, response: { 200: OpsMessageSchema, ...problemResponses(401, 403, 404) } },
    },
    async (request) => {
      const m = await store.getMessage(request.params.id);
      if (!m) throw new ApiError('API_ERR_NOT_FOUND', `no message ${request.params.id}`);
      const role = request.operator!.role;
      request.auditDetail = `tenant ${m.tenant}, shown ${seesPersonalData(role) ? 'in clear' : 'masked'}`;
      return messageView(m, role);
    },
  );

  app.post(
    '/messages/:id/cancel',
    {
      config: { opsRole: 'operator', opsAction: 'message.cancel' },
      schema: { summary: 'Cancel one message not yet submitted', params: MessageParams, response: { 200: CancelResultSchema, ...problemResponses(401, 403, 404, 409) } },
    },
    async (request) => {
      const m = await store.getMessage(request.params.id);
      if (!m) throw new ApiError('API_ERR_NOT_FOUND', `no message ${request.params.id}`);
      const outcome = await store.cancelMessage(m.tenant, m.id, desk.clock.now());
      if (outcome === 'not_cancelable') throw new ApiError('API_ERR_NOT_CANCELABLE', `message ${m.id} is ${m.state}: already with the carrier or final`);
      if (outcome === 'not_found') throw new ApiError('API_ERR_NOT_FOUND', `no message ${request.params.id}`);
      return { id: m.id, outcome };
    },
  );

  app.post(
    '/messages/:id/retry',
    {
      config: { opsRole: 'operator', opsAction: 'message.retry' },
      schema: { summary: 'Try a failed or expired message again (a new attempt)', params: MessageParams, response: { 200: RetryResultSchema, ...problemResponses(401, 403, 404, 409) } },
    },
    async (request) => {
      const { id } = request.params;
      const outcome = await desk.retryMessage(id, request.operator!.name);
      if (outcome.kind === 'not_found') throw new ApiError('API_ERR_NOT_FOUND', `no message ${id}`);
      if (outcome.kind === 'not_retryable') throw new ApiError('API_ERR_CONFLICT', `message ${id} is ${outcome.state}: only a failed or expired message can be retried`);
      request.auditDetail = `was ${outcome.was}, back in the ${outcome.carrier} lane`;
      return { id, outcome: 'retried' as const, was: outcome.was, carrier: outcome.carrier };
    },
  );

  app.post(
    '/messages/:id/callbacks/replay',
    {
      config: { opsRole: 'operator', opsAction: 'message.callback-replay' },
      schema: { summary: "Send a message's final status callback again", params: MessageParams, response: { 200: ReplayResultSchema, ...problemResponses(401, 403, 404, 409) } },
    },
    async (request) => {
      const m = await store.getMessage(request.params.id);
      if (!m) throw new ApiError('API_ERR_NOT_FOUND', `no message ${request.params.id}`);
      if (!isFinalState(m.state)) throw new ApiError('API_ERR_CONFLICT', `message ${m.id} is ${m.state}: it has no final status to replay yet`);
      if (m.callbackUrl === undefined) throw new ApiError('API_ERR_CONFLICT', `message ${m.id} was accepted without a callback_url: there is no callback to replay`);
      const replayed = (await store.replayCallbacks({ messageId: m.id }, desk.clock.now(), 1)) > 0;
      request.auditDetail = replayed ? `${m.state} callback of tenant ${m.tenant} put back in the outbox` : `${m.state} callback still pending`;
      return { id: m.id, status: m.state, replayed };
    },
  );

  app.post(
    '/carriers/:carrier/resume',
    {
      config: { opsRole: 'operator', opsAction: 'carrier.resume' },
      schema: { summary: 'Resume a paused carrier (no second person needed)', params: CarrierParams, response: { 200: ResumedSchema, ...problemResponses(401, 403) } },
    },
    async (request) => {
      const carrier = request.params.carrier as Carrier;
      return { carrier, was_paused: desk.resumeCarrier(carrier) };
    },
  );
}
