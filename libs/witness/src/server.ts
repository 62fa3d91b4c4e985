/** The witness's HTTP face: POST <prefix>/add-checkpoint (c2sp.org/tlog-witness), and a plain-text page at <prefix>/. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Witness } from './witness';

/** Checkpoints are small; anything larger is refused unread (413). */
const MAX_BODY_BYTES = 64 * 1024;

export function createWitnessServer(witness: Witness, urlPrefix = ''): Server {
  const prefix = urlPrefix.replace(/\/+$/, '');
  const server = createServer(async (request, response) => {
    const answer = (status: number, body: string, contentType = 'text/plain; charset=utf-8') => {
      response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
      response.end(body);
    };
    try {
      const path = (request.url ?? '/').split('?')[0];
      if (path === `${prefix}/add-checkpoint`) {
        if (request.method !== 'POST') {
          response.setHeader('allow', 'POST');
          return answer(405, 'add-checkpoint takes POST\n');
        }
        const body = await readBody(request);
        if (body === undefined) return answer(413, `the request body exceeds ${MAX_BODY_BYTES} bytes\n`);
        const result = await witness.addCheckpoint(body);
        return answer(result.status, result.body, result.contentType);
      }
      if (path === `${prefix}/` && (request.method === 'GET' || request.method === 'HEAD')) {
        return answer(200, `pangolin-witness ${witness.name}\nverifier key: ${witness.verifierKey}\nwitnessed logs:\n${witness.origins.map((origin) => `  ${origin} (size ${witness.latest(origin)?.size ?? 0})\n`).join('')}`);
      }
      return answer(404, 'not found\n');
    } catch (error) {
      if (!response.headersSent) answer(500, `internal error: ${(error as Error).message}\n`);
      else response.destroy();
    }
  });
  server.keepAliveTimeout = 30_000;
  return server;
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
