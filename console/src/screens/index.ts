// Every screen of the console, by role. Add a screen: write its component, add one entry here.
// A role's first menu entry is where it lands after logging in.
import { AccountScreen } from './account.js';
import { CalibrationScreen } from './admin/calibration.js';
import { CatalogScreen, StandardsScreen } from './admin/catalog.js';
import { OrganisationsScreen } from './admin/organisations.js';
import { QueuesScreen } from './admin/queues.js';
import { DispatchBoardScreen } from './admin/dispatch-board.js';
import { ServiceAreasScreen } from './admin/service-areas.js';
import { StateMachinesScreen } from './admin/state-machines.js';
import { UsersScreen } from './admin/users.js';
import { CourierTodayScreen } from './courier/today.js';
import { MyPurchasesScreen } from './customer/purchases.js';
import { MyTradeInsScreen } from './customer/trade-ins.js';
import { SellScreen } from './customer/sell.js';
import { InventoryScreen } from './merchant/inventory.js';
import { ListingScreen, ListingsScreen } from './merchant/listings.js';
import {
  MerchantOrdersScreen,
  MerchantPerformanceScreen,
  MerchantReturnsScreen,
} from './merchant/sales.js';
import { ReconciliationScreen } from './money/reconciliation.js';
import { SettlementsScreen } from './money/settlements.js';
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
import { MileageScreen } from './vehicles/mileage.js';
import { VehiclePaperworkScreen, VehiclePaperworkTaskScreen } from './vehicles/paperwork.js';

const admin = ['admin'] as const;
const support = ['support', 'admin'] as const;

defineScreens(
  // admin
  {
    path: 'admin/organisations',
    title: 'organisations',
    roles: [...admin],
    nav: true,
    Component: OrganisationsScreen,
  },
  { path: 'admin/users', title: 'users', roles: [...admin], nav: true, Component: UsersScreen },
  {
    path: 'admin/catalog',
    title: 'catalog',
    roles: [...admin],
    nav: true,
    Component: CatalogScreen,
  },
  {
    path: 'admin/standards',
    title: 'standards',
    roles: [...admin],
    nav: true,
    Component: StandardsScreen,
  },
  {
    path: 'admin/dispatch',
    title: 'dispatchBoard',
    roles: [...admin],
    nav: true,
    Component: DispatchBoardScreen,
  },
  {
    path: 'admin/service-areas',
    title: 'serviceAreas',
    roles: [...admin],
    nav: true,
    Component: ServiceAreasScreen,
  },
  {
    path: 'admin/calibration',
    title: 'calibration',
    roles: [...admin],
    nav: true,
    Component: CalibrationScreen,
  },
  { path: 'admin/queues', title: 'queues', roles: [...admin], nav: true, Component: QueuesScreen },
  {
    path: 'admin/state-machines',
    title: 'stateMachines',
    roles: [...admin],
    nav: true,
    Component: StateMachinesScreen,
  },
  { path: 'support', title: 'search', roles: ['admin'], nav: true, Component: SupportSearchScreen },
  // warehouse
  {
    path: 'warehouse/receiving',
    title: 'receiving',
    roles: ['warehouse'],
    nav: true,
    Component: ReceivingScreen,
  },
  {
    path: 'warehouse/inspections',
    title: 'inspections',
    roles: ['warehouse'],
    nav: true,
    Component: InspectionQueueScreen,
  },
  {
    path: 'warehouse/inspections/:id',
    title: 'inspection',
    roles: ['warehouse'],
    Component: InspectionScreen,
  },
  {
    path: 'warehouse/erasures',
    title: 'erasure',
    roles: ['warehouse'],
    nav: true,
    Component: ErasuresScreen,
  },
  {
    path: 'refurbishments',
    title: 'refurbishmentQc',
    roles: ['warehouse'],
    nav: true,
    Component: RefurbishmentsScreen,
  },
  {
    path: 'recycling-lots',
    title: 'recyclingLots',
    roles: ['warehouse'],
    nav: true,
    Component: RecyclingLotsScreen,
  },
  // technician (refurbishment and recycling partners)
  {
    path: 'refurbishments',
    title: 'repairOrders',
    roles: ['technician'],
    nav: true,
    Component: RefurbishmentsScreen,
  },
  {
    path: 'recycling-lots',
    title: 'recyclingLots',
    roles: ['technician'],
    nav: true,
    Component: RecyclingLotsScreen,
  },
  {
    path: 'refurbishments/:id',
    title: 'refurbishment',
    roles: ['technician', 'warehouse'],
    Component: RefurbishmentScreen,
  },
  // merchant
  {
    path: 'merchant/inventory',
    title: 'inventory',
    roles: ['merchant'],
    nav: true,
    Component: InventoryScreen,
  },
  {
    path: 'merchant/listings',
    title: 'listings',
    roles: ['merchant'],
    nav: true,
    Component: ListingsScreen,
  },
  {
    path: 'merchant/listings/:id',
    title: 'listing',
    roles: ['merchant'],
    Component: ListingScreen,
  },
  {
    path: 'merchant/orders',
    title: 'orders',
    roles: ['merchant'],
    nav: true,
    Component: MerchantOrdersScreen,
  },
  {
    path: 'merchant/returns',
    title: 'returns',
    roles: ['merchant'],
    nav: true,
    Component: MerchantReturnsScreen,
  },
  {
    path: 'merchant/performance',
    title: 'performance',
    roles: ['merchant'],
    nav: true,
    Component: MerchantPerformanceScreen,
  },
  // the platform's paperwork screen, at the place merchants knew it in their menu
  {
    path: 'vehicles/paperwork',
    title: 'paperwork',
    roles: ['merchant'],
    nav: true,
    Component: VehiclePaperworkScreen,
  },
  {
    path: 'money/settlements',
    title: 'settlements',
    roles: ['merchant', 'admin'],
    nav: true,
    Component: SettlementsScreen,
  },
  // courier
  {
    path: 'courier',
    title: 'myPickups',
    roles: ['courier'],
    nav: true,
    Component: CourierTodayScreen,
  },
  // support (admins may use the same screens)
  {
    path: 'support',
    title: 'search',
    roles: ['support'],
    nav: true,
    Component: SupportSearchScreen,
  },
  {
    path: 'support/cases',
    title: 'cases',
    roles: [...support],
    nav: true,
    Component: SupportCasesScreen,
  },
  {
    path: 'support/stuck-work',
    title: 'stuckWork',
    roles: [...support],
    nav: true,
    Component: StuckWorkScreen,
  },
  {
    path: 'money/reconciliation',
    title: 'reconciliation',
    roles: [...support],
    nav: true,
    Component: ReconciliationScreen,
  },
  { path: 'support/cases/:id', title: 'case', roles: [...support], Component: SupportCaseScreen },
  { path: 'support/items/:id', title: 'item', roles: [...support], Component: SupportItemScreen },
  // cars' mileage evidence: after each role's own screens, so it is never anyone's landing page
  {
    path: 'vehicles/mileage',
    title: 'mileage',
    roles: ['warehouse', 'support', 'admin'],
    nav: true,
    Component: MileageScreen,
  },
  // sold cars' paperwork: warehouse staff record transfers, support and admins follow and help
  {
    path: 'vehicles/paperwork',
    title: 'paperwork',
    roles: ['warehouse', 'support', 'admin'],
    nav: true,
    Component: VehiclePaperworkScreen,
  },
  {
    path: 'vehicles/paperwork/:id',
    title: 'paperworkTask',
    roles: ['warehouse', 'support', 'admin', 'merchant'],
    Component: VehiclePaperworkTaskScreen,
  },
  // customer
  {
    path: 'my/trade-ins',
    title: 'myTradeIns',
    roles: ['customer'],
    nav: true,
    Component: MyTradeInsScreen,
  },
  { path: 'my/sell', title: 'sell', roles: ['customer'], nav: true, Component: SellScreen },
  {
    path: 'my/purchases',
    title: 'myPurchases',
    roles: ['customer'],
    nav: true,
    Component: MyPurchasesScreen,
  },
  // everyone: password change (reached from the header, never a landing page)
  {
    path: 'account',
    title: 'account',
    roles: ['customer', 'courier', 'warehouse', 'technician', 'merchant', 'support', 'admin'],
    Component: AccountScreen,
  },
);
