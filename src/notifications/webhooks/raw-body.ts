import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const INBOUND_PATH_PREFIX = '/api/v1/webhooks/inbound/';
const RAW_BODY = Symbol('reloop.rawBody');
const MAX_BYTES = 1024 * 1024;

type WithRawBody = FastifyRequest & { [RAW_BODY]?: Buffer };

export function rawBodyOf(req: FastifyRequest): Buffer | undefined {
  return (req as WithRawBody)[RAW_BODY];
}

/**
 * Keeps the exact bytes of inbound webhook requests: the signature covers the body as sent,
 * which re-serialising the parsed JSON would not reproduce. Registered while the application is
 * being built (before Nest registers its routes), so the hook applies to them; other routes are
 * untouched. No HTTP server (worker mode): nothing to do.
 */
@Injectable()
export class InboundRawBodyCapture {
  constructor(adapterHost: HttpAdapterHost) {
    const instance = adapterHost.httpAdapter?.getInstance?.<FastifyInstance | undefined>();
    if (!instance || typeof instance.addHook !== 'function') return;
    instance.addHook('preParsing', async (req, _reply, payload) => {
      if (!req.url.startsWith(INBOUND_PATH_PREFIX)) return payload;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of payload) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
        size += buf.length;
        if (size > MAX_BYTES) break;
        chunks.push(buf);
      }
      const raw = Buffer.concat(chunks);
      (req as WithRawBody)[RAW_BODY] = raw;
      const copy = Readable.from([raw]) as Readable & { receivedEncodedLength?: number };
      copy.receivedEncodedLength = raw.length;
      return copy;
    });
  }
}
