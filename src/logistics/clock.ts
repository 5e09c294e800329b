import { Injectable } from '@nestjs/common';

/** The logistics clock: promises, reschedules and "today" read it, so tests can move it. */
@Injectable()
export class LogisticsClock {
  now(): Date {
    return new Date();
  }
}
