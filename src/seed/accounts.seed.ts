import { AccountsService } from '../accounts/accounts.service.js';
import type { OrganisationKind } from '../accounts/organisation.entity.js';
import { Organisation } from '../accounts/organisation.entity.js';
import { User } from '../accounts/user.entity.js';
import type { UserRole } from '../core/actor.js';
import { operatorData } from '../config/operator-data.js';
import type { SeedContext, SeedStep } from './seed-context.js';

export const DEMO_PASSWORD = 'reloop-demo-2026';

/** `config/organisations.yaml`: the demo organisations and one or more users per role. */
export interface OrganisationsFile {
  organisations: Array<{
    key: string;
    kind: OrganisationKind;
    name: string;
    cityCode: string;
    address: string;
    capabilities?: Record<string, unknown>;
  }>;
  users: Array<{
    key: string;
    role: UserRole;
    name: string;
    organisation?: string;
    phone?: string;
  }>;
}

/** Keys unique, and every user's organisation one of the file's organisations. */
function checkOrganisations(file: OrganisationsFile) {
  const problems: Array<{ path: Array<string | number>; message: string }> = [];
  const orgs = new Set<string>();
  file.organisations.forEach((o, i) => {
    if (orgs.has(o.key))
      problems.push({ path: ['organisations', i, 'key'], message: 'is listed twice' });
    orgs.add(o.key);
  });
  const users = new Set<string>();
  file.users.forEach((u, i) => {
    if (users.has(u.key)) problems.push({ path: ['users', i, 'key'], message: 'is listed twice' });
    users.add(u.key);
    if (u.organisation !== undefined && !orgs.has(u.organisation)) {
      problems.push({
        path: ['users', i, 'organisation'],
        message: 'names no organisation in this file',
      });
    }
  });
  return problems;
}

/** The demo organisations and users, checked (a broken file throws with file, line and field). */
export const demoOrganisations = (): OrganisationsFile =>
  operatorData<OrganisationsFile>('organisations', checkOrganisations);

/**
 * Upserts the file's organisations (matched by name: a changed kind, city, address or
 * capabilities is written; nothing else of an existing one is touched) and records their ids
 * in `ctx.organisations`. Used by the demo seed and by `npm run config:apply`.
 */
export async function applyOrganisations(ctx: SeedContext): Promise<number> {
  const accounts = ctx.app.get(AccountsService);
  const orgRepo = ctx.dataSource.getRepository(Organisation);
  const { organisations } = demoOrganisations();
  for (const o of organisations) {
    const found = await orgRepo.findOne({ where: { name: o.name } });
    const values = {
      kind: o.kind,
      cityCode: o.cityCode,
      address: o.address,
      capabilities: o.capabilities ?? {},
    };
    if (found) await orgRepo.save({ ...found, ...values });
    ctx.organisations[o.key] =
      found?.id ?? (await accounts.createOrganisation({ name: o.name, ...values })).id;
  }
  return organisations.length;
}

export const accountsSeed: SeedStep = {
  name: 'organisations and one user per role',
  async run(ctx) {
    const accounts = ctx.app.get(AccountsService);
    await applyOrganisations(ctx);
    const { users } = demoOrganisations();
    const userRepo = ctx.dataSource.getRepository(User);
    for (const u of users) {
      const email = `${u.key}@reloop.demo`;
      const found = await userRepo.findOne({ where: { email } });
      const user =
        found ??
        (await accounts.createUser({
          email,
          password: DEMO_PASSWORD,
          name: u.name,
          role: u.role,
          phone: u.phone,
          organisationId: u.organisation ? ctx.organisations[u.organisation] : undefined,
        }));
      ctx.users[u.key] = { id: user.id, email, role: u.role };
    }
  },
};
