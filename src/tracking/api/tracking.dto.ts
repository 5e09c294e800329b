import { TextField, UuidField } from '../../core/http/field.decorators.js';

export class SearchQuery {
  @TextField({
    minLength: 2,
    maxLength: 200,
    description:
      'Order number (the start of its id), phone or its last four digits, name, trace code or its start, serial number, IMEI or its start, VIN, e-mail or id',
  })
  q: string;
}

export class TimelineQuery {
  @UuidField({ description: 'An order (or any other entity) whose items to show' })
  entityId: string;
}
