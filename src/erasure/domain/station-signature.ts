/**
 * How a wiping station proves that a request or a report is its own: Ed25519 signatures made
 * with the station's private key (which never leaves the station), checked against the public
 * key an admin registered on the platform. Two signed things (docs/erasure.md, "Signatures"):
 *
 *  - a request to the station API: the method, the path as the platform sees it (with
 *    `/api/v1` and any query), a timestamp and the SHA-256 of the exact raw body, in headers
 *    Reloop-Station / Reloop-Timestamp / Reloop-Signature;
 *  - a vendor report imported by warehouse staff: the erasure it is for and the SHA-256 of the
 *    report text, so a signed report cannot be replayed onto another wipe.
 */
import { createHash, sign, verify } from 'node:crypto';
import { type KeyInput, loadPrivateKey, loadPublicKey } from './certificate.js';

export const STATION_HEADER = 'reloop-station';
export const TIMESTAMP_HEADER = 'reloop-timestamp';
export const SIGNATURE_HEADER = 'reloop-signature';

/** How far a request's timestamp may be from the platform's clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** The exact bytes a station signs for one API request. */
export function stationRequestPayload(
  method: string,
  path: string,
  timestamp: string,
  body: Buffer | string,
): Buffer {
  return Buffer.from(
    `reloop-station-request-v1\n${method.toUpperCase()}\n${path}\n${timestamp}\n${sha256Hex(body)}`,
    'utf8',
  );
}

/** The exact bytes a station signs for a vendor report that staff will import. */
export function reportPayload(erasureId: string, content: string): Buffer {
  return Buffer.from(
    `reloop-report-v1\n${erasureId.toLowerCase()}\n${sha256Hex(Buffer.from(content, 'utf8'))}`,
    'utf8',
  );
}

export function signPayload(payload: Buffer, privateKey: KeyInput): string {
  return sign(null, payload, loadPrivateKey(privateKey)).toString('base64url');
}

/** True only for a canonical base64url Ed25519 signature of `payload` by `publicKey`. */
export function verifyPayload(payload: Buffer, signature: string, publicKey: KeyInput): boolean {
  try {
    const sig = Buffer.from(signature, 'base64url');
    // One valid string per signature: no padding, no alternative alphabets.
    if (sig.length !== 64 || sig.toString('base64url') !== signature) return false;
    return verify(null, payload, loadPublicKey(publicKey), sig);
  } catch {
    return false;
  }
}

/** Headers of a signed station request (the station side). */
export function signStationRequest(input: {
  stationId: string;
  privateKey: KeyInput;
  method: string;
  path: string;
  body: Buffer | string;
  now?: Date;
}): Record<string, string> {
  const timestamp = (input.now ?? new Date()).toISOString();
  return {
    [STATION_HEADER]: input.stationId,
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: signPayload(
      stationRequestPayload(input.method, input.path, timestamp, input.body),
      input.privateKey,
    ),
  };
}

/** The body staff post to import-report: the report and the station's signature over it. */
export function signReport(input: {
  stationId: string;
  privateKey: KeyInput;
  erasureId: string;
  content: string;
}): { stationId: string; signature: string } {
  return {
    stationId: input.stationId,
    signature: signPayload(reportPayload(input.erasureId, input.content), input.privateKey),
  };
}
