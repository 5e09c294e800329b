import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { ACCESS_KEY } from '../../src/core/http/access.decorators.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** Every route of the application with its access rule (the route table of the security suite). */
export function routeTable(t: TestApp) {
  const scanner = new MetadataScanner();
  const reflector = t.app.get(Reflector);
  const controllers = [...t.app.get(ModulesContainer).values()].flatMap((m) => [
    ...m.controllers.values(),
  ]);
  return controllers.flatMap((wrapper) => {
    const instance = wrapper.instance;
    const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
    return scanner
      .getAllMethodNames(proto)
      .filter((name) => Reflect.getMetadata(PATH_METADATA, proto[name] as object) !== undefined)
      .map((name) => ({
        controller: wrapper.name,
        handler: name,
        method: Reflect.getMetadata(METHOD_METADATA, proto[name] as object) as number,
        access: reflector.getAllAndOverride<unknown>(ACCESS_KEY, [
          proto[name] as () => void,
          instance.constructor,
        ]),
      }));
  });
}

describe('route table', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('has an access rule on every route (default deny)', () => {
    const routes = routeTable(t);
    expect(routes.length).toBeGreaterThan(10);
    const undeclared = routes
      .filter((r) => r.access === undefined)
      .map((r) => `${r.controller}.${r.handler}`);
    expect(undeclared).toEqual([]);
  });
});
