import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the SMS gateway was asked to send. */
export interface Sms {
  id: string;
  to: string;
  text: string;
  language: string;
  authorization: string | undefined;
}

export const GATEWAY_TOKEN = 'gateway-token-of-the-test';

/**
 * An SMS gateway on a throwaway loopback port (an HTTP server, as the operator's gateway is):
 * it keeps what it is asked to send, and can refuse the next few (503) to prove retries.
 */
export async function startSmsGateway() {
  const sent: Sms[] = [];
  let refuse = 0;
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
  const server: Server = createServer((req, res) => {
    void read(req).then((body) => {
      if (refuse > 0) {
        refuse--;
        res.writeHead(503).end('busy');
        return;
      }
      const sms = JSON.parse(body) as Omit<Sms, 'authorization'>;
      sent.push({ ...sms, authorization: req.headers.authorization });
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`,
    sent,
    refuseNext: (n: number) => (refuse = n),
    /** The code of the newest text to `e164` (after the first `after` texts), or null. */
    codeTo: (e164: string, after = 0, digits = 6) => {
      const texts = sent.filter((s) => s.to === e164).slice(after);
      const code = new RegExp(`\\b(\\d{${digits}})\\b`);
      return texts.length ? (code.exec(texts[texts.length - 1].text)?.[1] ?? null) : null;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
