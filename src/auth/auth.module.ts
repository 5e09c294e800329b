import { Global, Module } from '@nestjs/common';
import { TokenService } from './token.service.js';

/** Token issuing and checking; the AccessGuard itself is installed globally by the app module. */
@Global()
@Module({ providers: [TokenService], exports: [TokenService] })
export class AuthModule {}
