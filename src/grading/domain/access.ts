import { defineAccessPolicy } from '../../core/access/access-policy.js';
import { CalibrationTask } from '../data/calibration-task.entity.js';
import { Inspection } from '../data/inspection.entity.js';
import { Parcel } from '../data/parcel.entity.js';
import { ReceivingException } from '../data/receiving-exception.entity.js';

/** Warehouse staff act in their own warehouse only; admin, support and the system see all. */
const inWarehouse = { warehouse: [{ warehouseId: 'organisationId' }] } as const;

export const InspectionAccess = defineAccessPolicy<Inspection>({
  name: 'Inspection',
  entity: Inspection,
  rules: inWarehouse,
});

export const ParcelAccess = defineAccessPolicy<Parcel>({
  name: 'Parcel',
  entity: Parcel,
  rules: inWarehouse,
});

export const ReceivingExceptionAccess = defineAccessPolicy<ReceivingException>({
  name: 'Receiving exception',
  entity: ReceivingException,
  rules: inWarehouse,
});

export const CalibrationTaskAccess = defineAccessPolicy<CalibrationTask>({
  name: 'Calibration task',
  entity: CalibrationTask,
  rules: inWarehouse,
});
