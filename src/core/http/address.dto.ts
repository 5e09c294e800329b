import { PatternField, TextField } from './field.decorators.js';
import { PhoneNumberField } from './phone.js';

/** A city or district code of China's administrative divisions (or a test area's). */
const AREA_CODE = /^[0-9A-Za-z-]{2,20}$/;

/** Where a parcel is collected or delivered, and whom the courier asks for there. */
export class AddressDto {
  @PatternField(AREA_CODE, { example: '310100' }) cityCode: string;
  @PatternField(AREA_CODE, { example: '310104' }) districtCode: string;
  @TextField({ length: [1, 200], example: 'No. 1 Hongqiao Rd' }) line1: string;
  @TextField({ maxLength: 200, optional: true }) line2?: string;
  @TextField({ length: [1, 100] }) contactName: string;
  @PhoneNumberField()
  contactPhone: string;
}
