import { Injectable } from '@nestjs/common';

/**
 * The platform's clock: when rows enter their states and when the sweeper judges them stuck.
 * One injectable so a test can move time (replace `now` on the instance) instead of waiting.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
