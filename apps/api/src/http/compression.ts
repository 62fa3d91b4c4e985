import fastifyCompress from '@fastify/compress';
import { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Answers (JSON, the web application's files, the API documentation) are compressed when the
 * client accepts it (gzip, deflate or brotli, by its accept-encoding): a page of 500 households is
 * a few hundred kilobytes of JSON, a tenth of that compressed. Answers under 1 KiB go as they are
 * (compressing them saves nothing). Request bodies are never decompressed: a body is read as sent,
 * so its size limit (1 MiB) is the size of what is parsed.
 */
export async function compressAnswers(app: NestFastifyApplication): Promise<void> {
  await app.register(fastifyCompress, { threshold: 1024, globalDecompression: false });
}
