import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '../http/access.decorators.js';
import { StateMachineRegistry } from './state-machine.registry.js';

@ApiTags('state-machines')
@Controller('state-machines')
export class StateMachinesController {
  constructor(private readonly machines: StateMachineRegistry) {}

  /**
   * Every state machine as data: states (initial, terminal, each one's timeout with its named
   * follow-up and why), and transitions with the roles that may take them. For admins.
   */
  @Get()
  @Roles('admin')
  list() {
    return { items: this.machines.describe() };
  }
}
