import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { EVIDENCE_MEDIA_TYPES, MAX_EVIDENCE_BYTES } from '@pangolin/domain';

/**
 * Evidence files arrive as their bytes (POST /evidence, sent as the file's own type, up to
 * MAX_EVIDENCE_BYTES, 413 beyond); every other route still reads JSON only (415 for these types).
 */
export function acceptEvidenceUploads(fastify: FastifyInstance): void {
  fastify.addContentTypeParser([...EVIDENCE_MEDIA_TYPES], { parseAs: 'buffer', bodyLimit: MAX_EVIDENCE_BYTES }, (request, body, done) => {
    if (request.url.split('?')[0] !== '/evidence') return done(new UnsupportedMediaTypeException(`${request.headers['content-type']} is accepted only by POST /evidence; send JSON`), undefined);
    done(null, body);
  });
}
