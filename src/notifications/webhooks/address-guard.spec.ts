import { describe, expect, it } from '@jest/globals';
import { assertSafeWebhookUrl, isPublicAddress } from './address-guard.js';

describe('webhook receiver address guard', () => {
  it.each([
    ['93.184.216.34', true],
    ['8.8.8.8', true],
    ['2606:4700:4700::1111', true],
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.20.0.1', false],
    ['192.168.0.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['::1', false],
    ['::', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['64:ff9b::a00:1', false],
    ['::ffff:8.8.8.8', true],
    ['not-an-ip', false],
  ])('%s is public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  it('refuses a host when any of its addresses is private', async () => {
    const resolve = (answers: string[]) => () => Promise.resolve(answers);
    await expect(
      assertSafeWebhookUrl('https://hooks.example.com/x', {
        allowPrivate: false,
        resolve: resolve(['93.184.216.34', '10.0.0.7']),
      }),
    ).rejects.toThrow(/10\.0\.0\.7/);
    await expect(
      assertSafeWebhookUrl('https://hooks.example.com/x', {
        allowPrivate: false,
        resolve: resolve(['93.184.216.34']),
      }),
    ).resolves.toBeInstanceOf(URL);
    await expect(
      assertSafeWebhookUrl('https://nowhere.invalid/x', {
        allowPrivate: false,
        resolve: () => Promise.reject(new Error('ENOTFOUND')),
      }),
    ).rejects.toThrow(/does not resolve/);
  });

  it('lets a private receiver through only when explicitly allowed', async () => {
    await expect(
      assertSafeWebhookUrl('http://127.0.0.1:9/x', { allowPrivate: false }),
    ).rejects.toThrow(/loopback, private or link-local/);
    await expect(
      assertSafeWebhookUrl('http://127.0.0.1:9/x', { allowPrivate: true }),
    ).resolves.toBeInstanceOf(URL);
    await expect(
      assertSafeWebhookUrl('file:///etc/passwd', { allowPrivate: true }),
    ).rejects.toThrow(/http or https/);
  });
});
