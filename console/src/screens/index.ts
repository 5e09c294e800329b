// Every screen of the console, by role. Add a screen: write its component, add one entry here.
// A role's first menu entry is where it lands after logging in.
import { CatalogScreen, StandardsScreen } from './admin/catalog.js';
import { OrganisationsScreen } from './admin/organisations.js';
import { QueuesScreen } from './admin/queues.js';
import { ServiceAreasScreen } from './admin/service-areas.js';
import { UsersScreen } from './admin/users.js';
import { CourierTodayScreen } from './courier/today.js';
import { MyTradeInsScreen } from './customer/trade-ins.js';
import { defineScreens } from './registry.js';
import {
  SupportCaseScreen,
  SupportCasesScreen,
  SupportItemScreen,
  SupportSearchScreen,
} from './support/support.js';
import { ErasuresScreen } from './warehouse/erasures.js';
import { InspectionQueueScreen, InspectionScreen } from './warehouse/inspections.js';
import { ReceivingScreen } from './warehouse/receiving.js';

const admin = ['admin'] as const;
const support = ['support', 'admin'] as const;

defineScreens(
  // admin
  {
    path: 'admin/organisations',
    title: 'Organisations',
    roles: [...admin],
    nav: true,
    Component: OrganisationsScreen,
  },
  { path: 'admin/users', title: 'Users', roles: [...admin], nav: true, Component: UsersScreen },
  {
    path: 'admin/catalog',
    title: 'Catalog',
    roles: [...admin],
    nav: true,
    Component: CatalogScreen,
  },
  {
    path: 'admin/standards',
    title: 'Standards',
    roles: [...admin],
    nav: true,
    Component: StandardsScreen,
  },
  {
    path: 'admin/service-areas',
    title: 'Service areas',
    roles: [...admin],
    nav: true,
    Component: ServiceAreasScreen,
  },
  { path: 'admin/queues', title: 'Queues', roles: [...admin], nav: true, Component: QueuesScreen },
  { path: 'support', title: 'Search', roles: ['admin'], nav: true, Component: SupportSearchScreen },
  // warehouse
  {
    path: 'warehouse/receiving',
    title: 'Receiving',
    roles: ['warehouse'],
    nav: true,
    Component: ReceivingScreen,
  },
  {
    path: 'warehouse/inspections',
    title: 'Inspections',
    roles: ['warehouse'],
    nav: true,
    Component: InspectionQueueScreen,
  },
  {
    path: 'warehouse/inspections/:id',
    title: 'Inspection',
    roles: ['warehouse'],
    Component: InspectionScreen,
  },
  {
    path: 'warehouse/erasures',
    title: 'Erasure',
    roles: ['warehouse'],
    nav: true,
    Component: ErasuresScreen,
  },
  // courier
  {
    path: 'courier',
    title: 'My pickups',
    roles: ['courier'],
    nav: true,
    Component: CourierTodayScreen,
  },
  // support (admins may use the same screens)
  {
    path: 'support',
    title: 'Search',
    roles: ['support'],
    nav: true,
    Component: SupportSearchScreen,
  },
  {
    path: 'support/cases',
    title: 'Cases',
    roles: [...support],
    nav: true,
    Component: SupportCasesScreen,
  },
  { path: 'support/cases/:id', title: 'Case', roles: [...support], Component: SupportCaseScreen },
  { path: 'support/items/:id', title: 'Item', roles: [...support], Component: SupportItemScreen },
  // customer
  {
    path: 'my/trade-ins',
    title: 'My trade-ins',
    roles: ['customer'],
    nav: true,
    Component: MyTradeInsScreen,
  },
);
