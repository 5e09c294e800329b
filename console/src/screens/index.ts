// Every screen of the console, by role. Add a screen: write its component, add one entry here.
// A role's first menu entry is where it lands after logging in.
import { AccountScreen } from './account.js';
import { CalibrationScreen } from './admin/calibration.js';
import { CatalogScreen, StandardsScreen } from './admin/catalog.js';
import { OrganisationsScreen } from './admin/organisations.js';
import { QueuesScreen } from './admin/queues.js';
import { ServiceAreasScreen } from './admin/service-areas.js';
import { StateMachinesScreen } from './admin/state-machines.js';
import { UsersScreen } from './admin/users.js';
import { CourierTodayScreen } from './courier/today.js';
import { MyPurchasesScreen } from './customer/purchases.js';
import { MyTradeInsScreen } from './customer/trade-ins.js';
import { InventoryScreen } from './merchant/inventory.js';
import { ListingScreen, ListingsScreen } from './merchant/listings.js';
import {
  MerchantOrdersScreen,
  MerchantPerformanceScreen,
  MerchantReturnsScreen,
  PaperworkScreen,
} from './merchant/sales.js';
import { RecyclingLotsScreen } from './partner/recycling.js';
import { RefurbishmentScreen, RefurbishmentsScreen } from './partner/refurbishments.js';
import { defineScreens } from './registry.js';
import {
  SupportCaseScreen,
  SupportCasesScreen,
  SupportItemScreen,
  SupportSearchScreen,
} from './support/support.js';
import { StuckWorkScreen } from './support/stuck-work.js';
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
  {
    path: 'admin/calibration',
    title: 'Calibration',
    roles: [...admin],
    nav: true,
    Component: CalibrationScreen,
  },
  { path: 'admin/queues', title: 'Queues', roles: [...admin], nav: true, Component: QueuesScreen },
  {
    path: 'admin/state-machines',
    title: 'State machines',
    roles: [...admin],
    nav: true,
    Component: StateMachinesScreen,
  },
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
  {
    path: 'refurbishments',
    title: 'Refurbishment QC',
    roles: ['warehouse'],
    nav: true,
    Component: RefurbishmentsScreen,
  },
  {
    path: 'recycling-lots',
    title: 'Recycling lots',
    roles: ['warehouse'],
    nav: true,
    Component: RecyclingLotsScreen,
  },
  // technician (refurbishment and recycling partners)
  {
    path: 'refurbishments',
    title: 'Repair orders',
    roles: ['technician'],
    nav: true,
    Component: RefurbishmentsScreen,
  },
  {
    path: 'recycling-lots',
    title: 'Recycling lots',
    roles: ['technician'],
    nav: true,
    Component: RecyclingLotsScreen,
  },
  {
    path: 'refurbishments/:id',
    title: 'Refurbishment',
    roles: ['technician', 'warehouse'],
    Component: RefurbishmentScreen,
  },
  // merchant
  {
    path: 'merchant/inventory',
    title: 'Inventory',
    roles: ['merchant'],
    nav: true,
    Component: InventoryScreen,
  },
  {
    path: 'merchant/listings',
    title: 'Listings',
    roles: ['merchant'],
    nav: true,
    Component: ListingsScreen,
  },
  {
    path: 'merchant/listings/:id',
    title: 'Listing',
    roles: ['merchant'],
    Component: ListingScreen,
  },
  {
    path: 'merchant/orders',
    title: 'Orders',
    roles: ['merchant'],
    nav: true,
    Component: MerchantOrdersScreen,
  },
  {
    path: 'merchant/returns',
    title: 'Returns',
    roles: ['merchant'],
    nav: true,
    Component: MerchantReturnsScreen,
  },
  {
    path: 'merchant/performance',
    title: 'Performance',
    roles: ['merchant'],
    nav: true,
    Component: MerchantPerformanceScreen,
  },
  {
    path: 'merchant/paperwork',
    title: 'Vehicle paperwork',
    roles: ['merchant'],
    nav: true,
    Component: PaperworkScreen,
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
  {
    path: 'support/stuck-work',
    title: 'Stuck work',
    roles: [...support],
    nav: true,
    Component: StuckWorkScreen,
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
  {
    path: 'my/purchases',
    title: 'My purchases',
    roles: ['customer'],
    nav: true,
    Component: MyPurchasesScreen,
  },
  // everyone: password change (reached from the header, never a landing page)
  {
    path: 'account',
    title: 'Your account',
    roles: ['customer', 'courier', 'warehouse', 'technician', 'merchant', 'support', 'admin'],
    Component: AccountScreen,
  },
);
