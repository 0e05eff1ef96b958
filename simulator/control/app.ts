// The control API (fastify): carriers and live profiles, faults, counters,
// number lookup, the truth ledger, reset. Routes declare their schemas
// (schemas.ts); errors are problem+json naming the field (problem.ts).
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Simulator } from '../simulator.ts';
import { problemHandler, sendProblem } from './problem.ts';
import * as S from './schemas.ts';

export interface ControlAppOptions {
  logger?: boolean;
}

export async function buildControlApp(sim: Simulator, opts: ControlAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 1 << 20,
    // Unknown keys are errors, not silently dropped (fastify's default would remove them).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addSchema(S.Problem);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'denpa carrier simulator control API', version: '1.0.0', description: 'Fake SMSCs for docomo, au and SoftBank: profiles, faults, counters, number portability, truth ledger.' },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  app.setErrorHandler(problemHandler);
  app.setNotFoundHandler((request, reply) => sendProblem(reply, request, 404, `no route ${request.method} ${request.url}`));

  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  app.get('/healthz', { schema: { response: { 200: S.HealthResponse } } }, () => ({ status: 'ok' as const }));

  app.get('/v1/carriers', { schema: { response: { 200: S.CarrierList } } }, () => ({ carriers: sim.carriers() }));

  app.get('/v1/carriers/:carrier/profile', { schema: { params: S.CarrierParams, response: { 200: S.CarrierProfile, ...S.problems } } }, (req) => sim.profile(req.params.carrier));

  app.patch(
    '/v1/carriers/:carrier/profile',
    {
      schema: { params: S.CarrierParams, body: S.CarrierProfilePatch, response: { 200: S.CarrierProfile, ...S.problems } },
      // The profile's own validator names each key precisely (a union's member
      // by its kind; relations such as p99 >= p50), so the body is checked there.
      validatorCompiler: ({ httpPart }) => (httpPart === 'body' ? () => true : () => true),
    },
    (req) => sim.patchProfile(req.params.carrier, req.body ?? {}),
  );

  // Two-way SMS for tests: one handset reply, sent as a deliver_sm (esm_class 0x00) to the bound ESME.
  app.post('/v1/carriers/:carrier/mo', { schema: { params: S.CarrierParams, body: S.MoRequest, response: { 202: S.MoSent, ...S.problems } } }, (req, reply) =>
    reply.code(202).send(sim.injectMo(req.params.carrier, req.body)),
  );

  app.post('/v1/faults', { schema: { body: S.FaultRequest, response: { 201: S.Fault, ...S.problems } } }, (req, reply) => {
    const b = req.body;
    const fault = sim.addFault({ carrier: b.carrier, kind: b.kind, startInMs: b.startInMs ?? 0, durationMs: b.durationMs, params: b.params ?? {} });
    return reply.code(201).send(fault);
  });
  app.get('/v1/faults', { schema: { response: { 200: S.FaultList } } }, () => ({ faults: sim.listFaults() }));
  app.delete('/v1/faults/:id', { schema: { params: S.FaultIdParams, response: { 204: S.NoContent, ...S.problems } } }, (req, reply) => {
    sim.removeFault(req.params.id);
    return reply.code(204).send(null);
  });

  app.get('/v1/counters', { schema: { response: { 200: S.Counters } } }, () => ({ carriers: sim.counters() }));

  app.get('/v1/numbers/:number', { schema: { params: S.NumberParams, response: { 200: S.NumberRecord, ...S.problems } } }, (req) => sim.lookup(req.params.number));
  app.post('/v1/numbers/lookup', { schema: { body: S.LookupRequest, response: { 200: S.LookupResponse, ...S.problems } } }, (req) => ({
    results: req.body.numbers.map((n, i) => sim.lookup(n, `numbers.${i}`)),
  }));

  app.get('/v1/ledger/runs/:runId', { schema: { params: S.RunParams, response: { 200: S.RunSummary, ...S.problems } } }, (req) => sim.run(req.params.runId));
  app.get('/v1/ledger/runs/:runId/probes', { schema: { params: S.RunParams, querystring: S.ProbesQuery, response: { 200: S.ProbeList, ...S.problems } } }, (req) =>
    sim.probes(req.params.runId, req.query.after ?? -1, req.query.limit ?? 1000),
  );

  app.post('/v1/reset', { schema: { response: { 200: S.ResetResponse } } }, () => {
    sim.reset();
    return { reset: true as const };
  });

  return app;
}
