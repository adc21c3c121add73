import type { IncomingMessage, ServerResponse } from 'node:http';
import { startBackend, type Backend } from './backends.js';

/** What an attempt-counting backend does with one request once its body has arrived. */
export interface AttemptAnswers {
  /** Answers attempt `n` of a request id that is still meant to fail. */
  failure(req: IncomingMessage, res: ServerResponse, n: number): void;
  /** Answers a later attempt, with the body the server received. */
  success(req: IncomingMessage, res: ServerResponse, n: number, body: Buffer): void;
}

/**
 * A backend for retry tests: it counts attempts per `x-id` header, answers the first `x-fail` of them
 * with `failure` and the rest with `success`, and names the attempt in `x-attempt`. `hits` holds the counts.
 */
export async function startAttemptBackend(answers: AttemptAnswers): Promise<Backend & { hits: Map<string, number> }> {
  const hits = new Map<string, number>();
  const backend = await startBackend((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = String(req.headers['x-id'] ?? '');
      const n = (hits.get(id) ?? 0) + 1;
      hits.set(id, n);
      res.setHeader('x-attempt', String(n));
      if (n <= Number(req.headers['x-fail'] ?? 0)) answers.failure(req, res, n);
      else answers.success(req, res, n, Buffer.concat(chunks));
    });
  });
  return Object.assign(backend, { hits });
}
