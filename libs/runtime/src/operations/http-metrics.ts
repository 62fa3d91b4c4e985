import type { FastifyInstance } from 'fastify';
import { PangolinMetrics } from './metrics';

/** The label for requests that matched no route (404s for unknown paths): raw URLs would make labels unbounded. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Counts and times every response, including those refused before a controller runs (401 from
 * the guard, 404 for unknown paths), which a Nest interceptor would not see. Labelled by the
 * route pattern (/gifts/:giftId/payment), never the raw URL. Must be added before Fastify is ready.
 */
export function installHttpMetrics(fastify: FastifyInstance, metrics: PangolinMetrics): void {
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const method = request.method;
    metrics.httpRequests.inc({ method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method, route }, reply.elapsedTime / 1000);
  });
}
