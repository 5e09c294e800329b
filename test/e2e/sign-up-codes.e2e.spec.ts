import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GATEWAY_TOKEN, startSmsGateway } from '../support/sms-gateway.js';
import { createTestApp, eventually, type TestApp } from '../support/test-app.js';

let serial = 0;
/** A fresh mainland mobile in its usual 11 digits. */
const newMobile = () =>
  `139${String(Date.now() % 1e5).padStart(5, '0')}${String(++serial % 1000).padStart(3, '0')}`;
const e164 = (mobile: string) => `+86${mobile}`;

describe('sign-up codes sent to the phone (issue 22 point 2)', () => {
  let t: TestApp;
  let gateway: Awaited<ReturnType<typeof startSmsGateway>>;

  beforeAll(async () => {
    gateway = await startSmsGateway();
    t = await createTestApp({ SMS_GATEWAY_URL: gateway.url, SMS_GATEWAY_TOKEN: GATEWAY_TOKEN });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await gateway?.close();
  });

  /** The code of the newest text to this number, once the gateway has it. */
  const codeSentTo = (mobile: string, after = 0, digits = 6) =>
    eventually(() => Promise.resolve(gateway.codeTo(e164(mobile), after, digits)), 20_000);

  const register = (mobile: string, phoneCode?: string) =>
    t.http
      .post('/api/v1/auth/register')
      .send({ phone: mobile, password: 'a long enough password', name: '王先生', phoneCode });

  it('says a code is needed, sends it through the gateway and signs up with it once', async () => {
    const options = await t.http.get('/api/v1/auth/sign-up').expect(200);
    expect(options.body).toEqual({ phoneCode: 'required', codeValidMinutes: 15 });

    const mobile = newMobile();
    const asked = await t.http
      .post('/api/v1/auth/sign-up-codes')
      .send({ phone: mobile })
      .expect(202);
    expect(asked.body.message).toMatch(/code has been sent/);
    const code = await codeSentTo(mobile);
    const [sms] = gateway.sent.filter((s) => s.to === e164(mobile));
    expect(sms.authorization).toBe(`Bearer ${GATEWAY_TOKEN}`);
    expect(sms.language).toBe('zh-CN');
    expect(sms.text).toContain('验证码');
    // The code is kept only as an HMAC.
    const stored = await t.dataSource.query<{ code_hash: string }[]>(
      'SELECT code_hash FROM sign_up_codes WHERE phone = $1',
      [e164(mobile)],
    );
    expect(stored).toHaveLength(1);
    expect(stored[0].code_hash).not.toContain(code);

    // No code, or a wrong one: 400 naming phoneCode, and no account.
    const missing = await register(mobile).expect(400);
    expect(missing.body.fields).toEqual([
      { field: 'phoneCode', errors: ['phoneCode is required'] },
    ]);
    const wrong = await register(mobile, code === '000000' ? '000001' : '000000').expect(400);
    expect(wrong.body.code).toBe('sign_up_code_wrong');
    expect(wrong.body.fields[0].field).toBe('phoneCode');
    await register(mobile, 'abc').expect(400);

    const created = await register(mobile, code).expect(201);
    expect(created.body.accessToken).toEqual(expect.any(String));
    const [user] = await t.dataSource.query<{ phone_verified_at: Date | null }[]>(
      'SELECT phone_verified_at FROM users WHERE id = $1',
      [created.body.user.id],
    );
    expect(user.phone_verified_at).toBeInstanceOf(Date);
    // Used up: the same code does not make a second account (nor would the number).
    await register(mobile, code).expect(400);
    await t.http
      .post('/api/v1/auth/login')
      .send({ phone: mobile, password: 'a long enough password' })
      .expect(200);
  });

  it('allows five tries per code; a new code replaces the old one; codes expire', async () => {
    const mobile = newMobile();
    await t.http.post('/api/v1/auth/sign-up-codes').send({ phone: mobile, language: 'en' });
    const first = await codeSentTo(mobile);
    expect(gateway.sent.find((s) => s.to === e164(mobile))!.text).toMatch(/Your code to sign up/);
    const wrong = first === '999999' ? '999998' : '999999';
    for (let i = 0; i < 5; i++) await register(mobile, wrong).expect(400);
    // Five wrong tries: even the right code no longer works.
    await register(mobile, first).expect(400);

    // A new code replaces the one before it.
    await t.http.post('/api/v1/auth/sign-up-codes').send({ phone: mobile }).expect(202);
    const second = await codeSentTo(mobile, 1);
    await t.http.post('/api/v1/auth/sign-up-codes').send({ phone: mobile }).expect(202);
    const third = await codeSentTo(mobile, 2);
    if (second !== third) await register(mobile, second).expect(400);
    // After 15 minutes it has expired.
    await t.dataSource.query(
      `UPDATE sign_up_codes SET expires_at = now() - interval '1 second' WHERE phone = $1`,
      [e164(mobile)],
    );
    await register(mobile, third).expect(400);
    await t.http.post('/api/v1/auth/sign-up-codes').send({ phone: mobile }).expect(202);
    await register(mobile, await codeSentTo(mobile, 3)).expect(201);
  });

  it('resets the password of a phone-only account by a code texted to its number', async () => {
    const mobile = newMobile();
    await t.http.post('/api/v1/auth/sign-up-codes').send({ phone: mobile }).expect(202);
    await register(mobile, await codeSentTo(mobile)).expect(201);

    // Named by the number in any spelling; the same answer as for a number with no account.
    const asked = await t.http
      .post('/api/v1/auth/password-reset/request')
      .send({ phone: `+86 ${mobile.slice(0, 3)} ${mobile.slice(3)}` })
      .expect(202);
    const unknown = await t.http
      .post('/api/v1/auth/password-reset/request')
      .send({ phone: newMobile() })
      .expect(202);
    expect(unknown.body).toEqual(asked.body);
    const code = await codeSentTo(mobile, 1, 8);

    // Either e-mail or phone, and a real number.
    const both = await t.http
      .post('/api/v1/auth/password-reset/confirm')
      .send({ phone: mobile, email: 'x@test.reloop', code, newPassword: 'a new long password' })
      .expect(400);
    expect(both.body.fields.map((f: { field: string }) => f.field)).toEqual(['email', 'phone']);
    await t.http
      .post('/api/v1/auth/password-reset/confirm')
      .send({ phone: '12345', code, newPassword: 'a new long password' })
      .expect(400);
    await t.http.post('/api/v1/auth/password-reset/request').send({}).expect(400);

    await t.http
      .post('/api/v1/auth/password-reset/confirm')
      .send({ phone: mobile, code, newPassword: 'a new long password' })
      .expect(204);
    await t.http
      .post('/api/v1/auth/login')
      .send({ phone: mobile, password: 'a long enough password' })
      .expect(401);
    await t.http
      .post('/api/v1/auth/login')
      .send({ phone: mobile, password: 'a new long password' })
      .expect(200);
  });

  it('retries a send the gateway refused, and refuses a number that is not one', async () => {
    const mobile = newMobile();
    gateway.refuseNext(1);
    await t.http.post('/api/v1/auth/sign-up-codes').send({ phone: mobile }).expect(202);
    await codeSentTo(mobile);
    expect(gateway.sent.filter((s) => s.to === e164(mobile))).toHaveLength(1);

    const bad = await t.http
      .post('/api/v1/auth/sign-up-codes')
      .send({ phone: '12345' })
      .expect(400);
    expect(bad.body.fields).toEqual([
      { field: 'phone', errors: ['phone must be a valid phone number'] },
    ]);
    await t.http.post('/api/v1/auth/sign-up-codes').send({}).expect(400);
    // E-mail sign-up needs no code.
    await t.http
      .post('/api/v1/auth/register')
      .send({ email: `mail-${mobile}@test.reloop`, password: 'a long enough password', name: 'Li' })
      .expect(201);
  });
});

describe('sign-up without codes where messages do not reach phones', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  }, 60_000);
  afterAll(async () => t?.close());

  it('signs up at once, the phone unverified, and refuses to send codes', async () => {
    expect((await t.http.get('/api/v1/auth/sign-up').expect(200)).body.phoneCode).toBe('off');
    const refused = await t.http
      .post('/api/v1/auth/sign-up-codes')
      .send({ phone: newMobile() })
      .expect(400);
    expect(refused.body.code).toBe('sign_up_code_not_used');
    const created = await t.http
      .post('/api/v1/auth/register')
      .send({ phone: newMobile(), password: 'a long enough password', name: '李女士' })
      .expect(201);
    const [user] = await t.dataSource.query<{ phone_verified_at: Date | null }[]>(
      'SELECT phone_verified_at FROM users WHERE id = $1',
      [created.body.user.id],
    );
    expect(user.phone_verified_at).toBeNull();
  });
});
