import { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The router's own refusals, before any route runs (a URL whose percent-encoding is not UTF-8:
 * 400; a path parameter over the router's length limit: 414), in the shape of every other refusal.
 */
export function answerMalformedUrl(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const statusCode = error.statusCode ?? 400;
  const rule = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'maxLength' : 'isValidUrl';
  const code = statusCode === 414 ? 'validation.maxLength' : 'validation.isValidUrl';
  const violation = { field: 'path', rule, code, params: { field: 'path' } };
  reply.code(statusCode).send({ statusCode, error: statusCode === 414 ? 'URI Too Long' : 'Bad Request', message: [`path: ${error.message}`], code, params: violation.params, violations: [violation] });
}
