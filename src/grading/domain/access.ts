import { defineAccessPolicy } from '../../core/access/access-policy.js';
import { CalibrationTask } from '../data/calibration-task.entity.js';
import { Inspection } from '../data/inspection.entity.js';
import { Parcel } from '../data/parcel.entity.js';
import { ReceivingException } from '../data/receiving-exception.entity.js';

/** Warehouse staff act in their own warehouse only; admin, support and the system see all. */
const inWarehouse = { warehouse: [{ warehouseId: 'organisationId' }] } as const;

/** Every grading row belongs to one warehouse and is reached under the same rule. */
const warehousePolicy = <E extends { warehouseId: string }>(name: string, entity: new () => E) =>
  defineAccessPolicy<E>({ name, entity, rules: inWarehouse });

export const InspectionAccess = warehousePolicy('Inspection', Inspection);
export const ParcelAccess = warehousePolicy('Parcel', Parcel);
export const ReceivingExceptionAccess = warehousePolicy('Receiving exception', ReceivingException);
export const CalibrationTaskAccess = warehousePolicy('Calibration task', CalibrationTask);
