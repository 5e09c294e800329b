import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SMTPServer } from 'smtp-server';
import { NotifyOwner } from '../../src/core/jobs/job-catalogue.js';
import { job } from '../../src/core/jobs/job-definition.js';
import { OutboxService } from '../../src/core/outbox/outbox.service.js';
import { iphoneModelId, loadReferenceData, newImei, SHANGHAI } from '../support/http-journey.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';

/** A received e-mail, decoded enough to read: headers (encoded words decoded) and text body. */
interface Mail {
  to: string;
  headers: Record<string, string>;
  subject: string;
  text: string;
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(
      /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g,
      (_, _charset: string, enc: string, data: string) =>
        enc.toUpperCase() === 'B'
          ? Buffer.from(data, 'base64').toString('utf8')
          : Buffer.from(
              data
                .replace(/_/g, ' ')
                .replace(/=([0-9A-F]{2})/gi, (_m, h: string) =>
                  String.fromCharCode(parseInt(h, 16)),
                ),
              'latin1',
            ).toString('utf8'),
    );
}

function parseMail(raw: string, to: string): Mail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.slice(split + 4);
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  if (encoding === 'base64')
    body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    body = Buffer.from(
      body
        .replace(/=\r\n/g, '')
        .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8');
  }
  return { to, headers, subject: decodeWords(headers.subject ?? ''), text: body };
}

/**
 * A real SMTP server on a throwaway port (smtp-server, as a mail relay would be): it takes
 * whatever arrives and keeps it for the test to read.
 */
async function startMailbox() {
  const mails: Mail[] = [];
  let refuse = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refuse > 0) {
          refuse--;
          const err = new Error('Mailbox busy, try later') as Error & { responseCode: number };
          err.responseCode = 451;
          return callback(err);
        }
        const to = session.envelope.rcptTo.map((r) => r.address).join(',');
        mails.push(parseMail(Buffer.concat(chunks).toString('utf8'), to));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mails,
    refuseNext: (n: number) => (refuse = n),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('owner notifications by e-mail (issue 25)', () => {
  let t: TestApp;
  let mailbox: Awaited<ReturnType<typeof startMailbox>>;
  let chinese: TestUser;
  let english: TestUser;
  let quiet: TestUser;
  let modelId: string;

  const mailsTo = (user: TestUser) => mailbox.mails.filter((m) => m.to === user.email);

  beforeAll(async () => {
    mailbox = await startMailbox();
    t = await createTestApp({
      SMTP_URL: `smtp://127.0.0.1:${mailbox.port}`,
      SMTP_FROM: 'Reloop <no-reply@reloop.test>',
      PUBLIC_BASE_URL: 'https://reloop.example.com',
    });
    await loadReferenceData(t);
    modelId = await iphoneModelId(t);
    [chinese, english, quiet] = await Promise.all([
      t.user('customer'),
      t.user('customer'),
      t.user('customer'),
    ]);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await mailbox?.close();
  });

  const tradeIn = async (user: TestUser) => {
    const created = await t.http
      .post('/api/v1/trade-ins')
      .set(user.auth)
      .send({
        channel: 'online',
        address: SHANGHAI,
        items: [
          {
            productModelId: modelId,
            declaredCondition: { condition: 'excellent', powersOn: true },
            imei: newImei(),
          },
        ],
      })
      .expect(201);
    return eventually(async () => {
      const o = await t.http
        .get(`/api/v1/trade-ins/${created.body.id as string}`)
        .set(user.auth)
        .expect(200);
      return o.body.state === 'QUOTED'
        ? (o.body as { id: string; quotedTotal: { amountMinor: number } })
        : null;
    }, 30_000);
  };

  it('keeps each owner’s language and opt-out, Chinese and opted in by default', async () => {
    const fresh = await t.http
      .get('/api/v1/me/notification-preferences')
      .set(english.auth)
      .expect(200);
    expect(fresh.body).toEqual({ language: 'zh-CN', optOut: false });
    const set = await t.http
      .put('/api/v1/me/notification-preferences')
      .set(english.auth)
      .send({ language: 'en' })
      .expect(200);
    expect(set.body).toEqual({ language: 'en', optOut: false });
    await t.http
      .put('/api/v1/me/notification-preferences')
      .set(english.auth)
      .send({ language: 'fr' })
      .expect(400);
    await t.http
      .put('/api/v1/me/notification-preferences')
      .set(quiet.auth)
      .send({ optOut: true })
      .expect(200);
    await t.http.get('/api/v1/me/notification-preferences').expect(401);
  });

  it('e-mails a quote to its owner in Chinese and in English', async () => {
    const [zhOrder, enOrder] = await Promise.all([tradeIn(chinese), tradeIn(english)]);
    const zh = await eventually(() => Promise.resolve(mailsTo(chinese)[0]));
    const en = await eventually(() => Promise.resolve(mailsTo(english)[0]));

    const yuan = (minor: number) =>
      (minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2 });
    expect(zh.subject).toBe(`您的回收报价已出：¥${yuan(zhOrder.quotedTotal.amountMinor)}`);
    expect(zh.text).toContain(`订单 ${zhOrder.id.slice(0, 8)} 的报价为`);
    expect(zh.text).toContain('北京时间');
    expect(zh.text).toContain('https://reloop.example.com/console/');
    expect(zh.headers['content-language']).toBe('zh-CN');

    expect(en.subject).toBe(
      `Your trade-in quote is ready: ¥${yuan(enOrder.quotedTotal.amountMinor)}`,
    );
    expect(en.text).toContain(`Your order ${enOrder.id.slice(0, 8)} is quoted at`);
    expect(en.text).toContain('Beijing time');
    expect(en.headers['content-language']).toBe('en');
    expect(en.headers.from).toBe('Reloop <no-reply@reloop.test>');

    // What was said is on record, marked sent.
    const rows = await t.dataSource.query<
      Array<{ status: string; language: string; recipient: string; subject: string }>
    >(
      `SELECT status, language, recipient, subject FROM owner_notifications
        WHERE template = 'trade-in-quoted' AND user_id = ANY($1::uuid[]) ORDER BY language`,
      [[chinese.id, english.id]],
    );
    expect(rows).toEqual([
      { status: 'sent', language: 'en', recipient: english.email, subject: en.subject },
      { status: 'sent', language: 'zh-CN', recipient: chinese.email, subject: zh.subject },
    ]);
  }, 90_000);

  it('sends an opted-out owner no order news, but still their reset code', async () => {
    await tradeIn(quiet);
    await eventually(async () => {
      const [row] = await t.dataSource.query<Array<{ status: string }>>(
        `SELECT status FROM owner_notifications WHERE user_id = $1 AND template = 'trade-in-quoted'`,
        [quiet.id],
      );
      return row?.status === 'skipped';
    });
    await t.http
      .post('/api/v1/auth/password-reset/request')
      .send({ email: quiet.email })
      .expect((r) => expect(r.status).toBeLessThan(300));
    const mail = await eventually(() => Promise.resolve(mailsTo(quiet)[0]));
    expect(mail.subject).toMatch(/^Reloop 验证码：\d{8}$/);
    expect(mailsTo(quiet)).toHaveLength(1);
    // The code is not kept in the stored body. (The mail server may have the message a moment
    // before the row is marked sent.)
    const row = await eventually(async () => {
      const [r] = await t.dataSource.query<Array<{ body: string | null; status: string }>>(
        `SELECT body, status FROM owner_notifications
          WHERE user_id = $1 AND template = 'password-reset-code'`,
        [quiet.id],
      );
      return r?.status === 'sent' ? r : undefined;
    });
    expect(row).toEqual({ body: null, status: 'sent' });
  });

  it('retries through the outbox when the mail server refuses, and sends once', async () => {
    mailbox.refuseNext(2);
    const before = mailsTo(chinese).length;
    await t.dataSource.transaction((m) =>
      t.app.get(OutboxService).write(m, [
        job(NotifyOwner, {
          userId: chinese.id,
          template: 'trade-in-payout',
          params: { orderId: '00000000-0000-4000-8000-000000000001', amountMinor: 123456 },
        }),
      ]),
    );
    const mail = await eventually(
      () => Promise.resolve(mailsTo(chinese).find((m) => m.subject.startsWith('回收款已打款'))),
      30_000,
    );
    expect(mail.subject).toBe('回收款已打款：¥1,234.56');
    const row = await eventually(async () => {
      const [r] = await t.dataSource.query<Array<{ status: string; attempts: number }>>(
        `SELECT status, attempts FROM owner_notifications
          WHERE user_id = $1 AND template = 'trade-in-payout'`,
        [chinese.id],
      );
      return r?.status === 'sent' ? r : null;
    });
    expect(row).toEqual({ status: 'sent', attempts: 3 });
    await new Promise((r) => setTimeout(r, 500));
    expect(mailsTo(chinese)).toHaveLength(before + 1);
  }, 60_000);
});
