import { AccountsService } from '../accounts/accounts.service.js';
import type { OrganisationKind } from '../accounts/organisation.entity.js';
import { Organisation } from '../accounts/organisation.entity.js';
import { User } from '../accounts/user.entity.js';
import type { UserRole } from '../core/actor.js';
import type { SeedStep } from './seed-context.js';

export const DEMO_PASSWORD = 'reloop-demo-2026';

const ORGANISATIONS: Array<{
  key: string;
  kind: OrganisationKind;
  name: string;
  cityCode: string;
  address: string;
  capabilities?: Record<string, unknown>;
}> = [
  {
    key: 'warehouse-shanghai',
    kind: 'warehouse',
    name: 'Shanghai Jiading Recommerce Centre',
    cityCode: '310100',
    address: 'No. 1888 Huyi Hwy, Jiading District, Shanghai',
  },
  {
    key: 'warehouse-beijing',
    kind: 'warehouse',
    name: 'Beijing Daxing Recommerce Centre',
    cityCode: '110100',
    address: 'No. 16 Jinghai 3rd Rd, Daxing District, Beijing',
  },
  {
    key: 'store-shanghai',
    kind: 'store',
    name: 'Reloop Store Xujiahui',
    cityCode: '310100',
    address: 'No. 1 Hongqiao Rd, Xuhui District, Shanghai',
  },
  {
    key: 'partner-digital',
    kind: 'partner',
    name: 'Huaqiang Precision Repair',
    cityCode: '440300',
    address: 'Huaqiang North Rd, Futian District, Shenzhen',
    capabilities: { refurbishes: ['digital'], recycles: false },
  },
  {
    key: 'partner-home-luxury',
    kind: 'partner',
    name: 'Atelier Renew',
    cityCode: '310100',
    address: 'No. 50 Moganshan Rd, Putuo District, Shanghai',
    capabilities: { refurbishes: ['home', 'luxury', 'books', 'clothing'], recycles: false },
  },
  {
    key: 'recycler-green',
    kind: 'partner',
    name: 'GreenLoop Recycling',
    cityCode: '320500',
    address: 'Suzhou Industrial Park, Suzhou',
    capabilities: { refurbishes: [], recycles: true },
  },
  {
    key: 'merchant-aurora',
    kind: 'merchant',
    name: 'Aurora Renewed',
    cityCode: '310100',
    address: 'Changning District, Shanghai',
    capabilities: { returnWindowDays: 7 },
  },
  {
    key: 'merchant-panda',
    kind: 'merchant',
    name: 'Panda Second Life',
    cityCode: '510100',
    address: 'Wuhou District, Chengdu',
    capabilities: { returnWindowDays: 14 },
  },
  {
    key: 'merchant-jade',
    kind: 'merchant',
    name: 'Jade Luxury Resale',
    cityCode: '110100',
    address: 'Chaoyang District, Beijing',
    capabilities: { returnWindowDays: 7 },
  },
];

const USERS: Array<{ key: string; role: UserRole; name: string; org?: string; phone?: string }> = [
  { key: 'admin', role: 'admin', name: 'Operations Admin' },
  { key: 'support', role: 'support', name: 'Chen Jing (support)' },
  { key: 'customer', role: 'customer', name: 'Li Wei', phone: '+8613800138000' },
  { key: 'customer-2', role: 'customer', name: 'Wang Fang', phone: '+8613900139000' },
  { key: 'courier', role: 'courier', name: 'Zhang Qiang (courier)', phone: '+8613700137000' },
  { key: 'courier-2', role: 'courier', name: 'Zhao Lei (courier)', phone: '+8613600136000' },
  { key: 'warehouse', role: 'warehouse', name: 'Liu Yang (grader)', org: 'warehouse-shanghai' },
  { key: 'warehouse-2', role: 'warehouse', name: 'Sun Mei (grader)', org: 'warehouse-shanghai' },
  {
    key: 'warehouse-beijing',
    role: 'warehouse',
    name: 'Zhou Min (grader)',
    org: 'warehouse-beijing',
  },
  { key: 'store', role: 'warehouse', name: 'Wu Hao (store staff)', org: 'store-shanghai' },
  { key: 'technician', role: 'technician', name: 'Huang Bo (technician)', org: 'partner-digital' },
  {
    key: 'technician-2',
    role: 'technician',
    name: 'Xu Lin (technician)',
    org: 'partner-home-luxury',
  },
  { key: 'recycler', role: 'technician', name: 'Ma Tao (recycler)', org: 'recycler-green' },
  { key: 'merchant', role: 'merchant', name: 'Gao Yan (merchant)', org: 'merchant-aurora' },
  { key: 'merchant-2', role: 'merchant', name: 'He Jun (merchant)', org: 'merchant-panda' },
  { key: 'merchant-3', role: 'merchant', name: 'Lin Xue (merchant)', org: 'merchant-jade' },
];

export const accountsSeed: SeedStep = {
  name: 'organisations and one user per role',
  async run(ctx) {
    const accounts = ctx.app.get(AccountsService);
    const orgRepo = ctx.dataSource.getRepository(Organisation);
    for (const o of ORGANISATIONS) {
      const found = await orgRepo.findOne({ where: { name: o.name } });
      ctx.organisations[o.key] =
        found?.id ??
        (
          await accounts.createOrganisation({
            kind: o.kind,
            name: o.name,
            cityCode: o.cityCode,
            address: o.address,
            capabilities: o.capabilities,
          })
        ).id;
    }
    const userRepo = ctx.dataSource.getRepository(User);
    for (const u of USERS) {
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
          organisationId: u.org ? ctx.organisations[u.org] : undefined,
        }));
      ctx.users[u.key] = { id: user.id, email, role: u.role };
    }
  },
};
