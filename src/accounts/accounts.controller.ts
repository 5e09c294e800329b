import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { type Actor, USER_ROLES, type UserRole } from '../core/actor.js';
import { CurrentActor, Public, Roles, SignedIn } from '../auth/access.decorators.js';
import { TokenService } from '../auth/token.service.js';
import {
  CreateOrganisationDto,
  CreateUserDto,
  ErasureProviderDto,
  LoginDto,
  RegisterDto,
} from './accounts.dto.js';
import { AccountsService, userView } from './accounts.service.js';
import { ORGANISATION_KINDS, type OrganisationKind } from './organisation.entity.js';

class UserFilter {
  @ApiPropertyOptional({ enum: USER_ROLES }) @IsOptional() @IsIn(USER_ROLES) role?: UserRole;
  @ApiPropertyOptional() @IsOptional() @IsUUID() organisationId?: string;
}

class OrganisationFilter {
  @ApiPropertyOptional({ enum: ORGANISATION_KINDS })
  @IsOptional()
  @IsIn(ORGANISATION_KINDS)
  kind?: OrganisationKind;
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly tokens: TokenService,
  ) {}

  /** Customers sign themselves up; staff accounts are created by an admin. */
  @Post('register')
  @Public()
  async register(@Body() dto: RegisterDto) {
    const user = await this.accounts.register(dto);
    return { user: userView(user), ...this.tokens.issue(user) };
  }

  @Post('login')
  @HttpCode(200)
  @Public()
  async login(@Body() dto: LoginDto) {
    const user = await this.accounts.login(dto.email, dto.password);
    return this.tokens.issue(user);
  }
}

@ApiTags('auth')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @SignedIn()
  async me(@CurrentActor() actor: Actor) {
    return userView(await this.accounts.getUser(actor, actor.userId ?? ''));
  }
}

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @Roles('admin')
  async create(@Body() dto: CreateUserDto) {
    return userView(await this.accounts.createUser(dto));
  }

  @Get()
  @Roles('admin', 'support')
  async list(@Query() filter: UserFilter) {
    return { items: (await this.accounts.listUsers(filter)).map(userView) };
  }

  @Get(':id')
  @SignedIn()
  async get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return userView(await this.accounts.getUser(actor, id));
  }
}

@ApiTags('organisations')
@ApiBearerAuth()
@Controller('organisations')
export class OrganisationsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @Roles('admin')
  create(@Body() dto: CreateOrganisationDto) {
    return this.accounts.createOrganisation(dto);
  }

  @Get()
  @Roles('admin', 'support')
  async list(@Query() filter: OrganisationFilter) {
    return { items: await this.accounts.listOrganisations(filter.kind) };
  }

  @Get(':id')
  @SignedIn()
  get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.accounts.getOrganisation(actor, id);
  }

  /** Issue 17: items with uncertified media may go to this organisation, which wipes them. */
  @Put(':id/erasure-provider')
  @Roles('admin')
  setErasureProvider(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ErasureProviderDto,
  ) {
    return this.accounts.setErasureProvider(actor, id, dto);
  }
}
