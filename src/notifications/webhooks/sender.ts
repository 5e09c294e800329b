import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isPublicAddress, UnsafeWebhookUrl } from './address-guard.js';

export interface SendResult {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
  /** The receiver's address is not allowed (SSRF guard): retrying will not help. */
  blocked: boolean;
}

const TIMEOUT_MS = 10_000;
const EXCERPT_CHARS = 500;

/**
 * The connection's own DNS answer is checked too, so a host that resolved to a public address
 * when the subscription was saved cannot point at the internal network later (DNS rebinding).
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    if (bad || addresses.length === 0) {
      return callback(
        new UnsafeWebhookUrl(`host ${hostname} resolves to a non-public address`),
        '',
        0,
      );
    }
    if (options.all)
      return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

/** One POST of a signed webhook; never follows redirects; never throws. */
export function postWebhook(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  opts: { allowPrivate: boolean },
): Promise<SendResult> {
  const started = Date.now();
  const done = (r: Omit<SendResult, 'durationMs'>): SendResult => ({
    ...r,
    durationMs: Date.now() - started,
  });
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return resolve(
        done({ statusCode: null, error: 'invalid url', responseExcerpt: null, blocked: true }),
      );
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!opts.allowPrivate && isIP(host) && !isPublicAddress(host)) {
      return resolve(
        done({
          statusCode: null,
          error: `address ${host} is not public`,
          responseExcerpt: null,
          blocked: true,
        }),
      );
    }
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body).toString(),
          'user-agent': 'Reloop-Webhooks/1',
          ...headers,
        },
        timeout: TIMEOUT_MS,
        ...(opts.allowPrivate ? {} : { lookup: guardedLookup }),
      },
      (res) => {
        let excerpt = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (excerpt.length < EXCERPT_CHARS) excerpt += chunk;
        });
        res.on('end', () =>
          resolve(
            done({
              statusCode: res.statusCode ?? null,
              error: null,
              responseExcerpt: excerpt.slice(0, EXCERPT_CHARS) || null,
              blocked: false,
            }),
          ),
        );
        res.on('error', (err) =>
          resolve(
            done({
              statusCode: res.statusCode ?? null,
              error: err.message,
              responseExcerpt: null,
              blocked: false,
            }),
          ),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', (err) =>
      resolve(
        done({
          statusCode: null,
          error: err.message,
          responseExcerpt: null,
          blocked: err instanceof UnsafeWebhookUrl,
        }),
      ),
    );
    req.end(body);
  });
}
