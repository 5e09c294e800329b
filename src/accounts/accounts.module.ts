import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import {
  AuthController,
  MeController,
  OrganisationsController,
  UsersController,
} from './accounts.controller.js';
import { AccountsService } from './accounts.service.js';
import { OneTimeCodeRepository } from './data/one-time-code.repository.js';
import { OrganisationRepository } from './data/organisation.repository.js';
import { RefreshTokenRepository } from './data/refresh-token.repository.js';
import { UserRepository } from './data/user.repository.js';
import { PasswordResetService } from './password-reset.service.js';
import { SessionsService } from './sessions.service.js';
import { SignUpCodesService } from './sign-up-codes.service.js';
import { Organisation } from './organisation.entity.js';
import { User } from './user.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([User, Organisation]), AuthModule],
  controllers: [AuthController, MeController, UsersController, OrganisationsController],
  providers: [
    AccountsService,
    SessionsService,
    PasswordResetService,
    SignUpCodesService,
    UserRepository,
    OrganisationRepository,
    RefreshTokenRepository,
    OneTimeCodeRepository,
  ],
  exports: [AccountsService, SessionsService],
})
export class AccountsModule {}
