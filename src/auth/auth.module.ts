import { Global, Module } from '@nestjs/common';
import { TokenService } from './token.service.js';
import { UserStateRepository } from './data/user-state.repository.js';
import { UserStateService } from './user-state.service.js';

/** Token issuing and checking; the AccessGuard itself is installed globally by the app module. */
@Global()
@Module({
  providers: [UserStateRepository, TokenService, UserStateService],
  exports: [TokenService, UserStateService],
})
export class AuthModule {}
