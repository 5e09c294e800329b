// The route table of the security suite: every operation of the OpenAPI document joined with
// the access rule its handler declares (as in test/integration/routes.spec.ts), so a new route is
// covered as soon as it exists.
import { randomUUID } from 'node:crypto';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { ACCESS_KEY, type AccessRule } from '../../../src/core/http/access.decorators.js';
import type { UserRole } from '../../../src/core/actor.js';
import type { TestApp } from '../../support/test-app.js';

export interface SchemaObject {
  $ref?: string;
  type?: string;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
  allOf?: SchemaObject[];
}

export interface Route {
  operationId: string;
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** OpenAPI path, e.g. /api/v1/pickups/{id}. */
  path: string;
  params: string[];
  access: AccessRule | undefined;
  body: SchemaObject | null;
}

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        parameters?: Array<{ name: string; in: string }>;
        requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
      }
    >
  >;
  components?: { schemas?: Record<string, SchemaObject> };
}

export async function loadRoutes(t: TestApp): Promise<{ routes: Route[]; doc: OpenApi }> {
  const res = await t.http.get('/api/docs-json');
  const doc = res.body as OpenApi;
  const scanner = new MetadataScanner();
  const reflector = t.app.get(Reflector);
  const access = new Map<string, AccessRule | undefined>();
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const instance = wrapper.instance;
      const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(proto)) {
        if (Reflect.getMetadata(PATH_METADATA, proto[name] as object) === undefined) continue;
        access.set(
          `${wrapper.name}_${name}`,
          reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
            proto[name] as () => void,
            instance.constructor,
          ]),
        );
      }
    }
  }
  const routes: Route[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const schema = op.requestBody?.content?.['application/json']?.schema ?? null;
      routes.push({
        operationId: op.operationId,
        method: method as Route['method'],
        path,
        params: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        access: access.get(op.operationId),
        body: schema ? resolve(doc, schema) : null,
      });
    }
  }
  return { routes, doc };
}

export function resolve(doc: OpenApi, schema: SchemaObject): SchemaObject {
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop()!;
    return resolve(doc, doc.components?.schemas?.[name] ?? {});
  }
  if (schema.allOf) {
    return schema.allOf
      .map((s) => resolve(doc, s))
      .reduce<SchemaObject>(
        (a, s) => ({
          ...a,
          ...s,
          properties: { ...a.properties, ...s.properties },
          required: [...(a.required ?? []), ...(s.required ?? [])],
        }),
        {},
      );
  }
  return schema;
}

/** May this role call the route at all (the guard's decision)? */
export function roleAllowed(route: Route, role: UserRole | null): boolean {
  const rule = route.access;
  if (!rule) return false;
  if ('public' in rule) return true;
  if (role === null) return false;
  return rule.roles === 'any' || rule.roles.includes(role);
}

/** The concrete URL, every path parameter filled by `fill` (a fresh UUID by default). */
export function urlOf(route: Route, fill: (param: string) => string = () => randomUUID()): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(fill(name)));
}
