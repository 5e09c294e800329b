import {
  Body,
  Controller,
  Get,
  HttpCode,
  Post,
  Put,
  Query,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { type Actor, USER_ROLES, type UserRole } from '../core/actor.js';
import {
  type AuthenticatedRequest,
  CurrentActor,
  Public,
  Roles,
  SignedIn,
} from '../core/http/access.decorators.js';
import { readCookie, setCookie } from '../auth/cookies.js';
import { TokenService } from '../auth/token.service.js';
import {
  ChangePasswordDto,
  CreateOrganisationDto,
  CreateUserDto,
  ErasureProviderDto,
  LoginDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  RefreshDto,
  RegisterDto,
  SignUpCodeRequestDto,
} from './accounts.dto.js';
import { AccountsService, userView } from './accounts.service.js';
import { PasswordResetService } from './password-reset.service.js';
import { SIGN_UP_CODE_TTL_MINUTES, SignUpCodesService } from './sign-up-codes.service.js';
import { type SessionTokens, SessionsService } from './sessions.service.js';
import { ORGANISATION_KINDS, type OrganisationKind } from './organisation.entity.js';
import { PageQuery } from '../core/http/pagination.js';
import { Action, IdParam } from '../core/http/route.decorators.js';

class UserFilter extends PageQuery {
  @ApiPropertyOptional({ enum: USER_ROLES }) @IsOptional() @IsIn(USER_ROLES) role?: UserRole;
  @ApiPropertyOptional() @IsOptional() @IsUUID() organisationId?: string;
}

class OrganisationFilter extends PageQuery {
  @ApiPropertyOptional({ enum: ORGANISATION_KINDS })
  @IsOptional()
  @IsIn(ORGANISATION_KINDS)
  kind?: OrganisationKind;
}

/** The console's refresh token: httpOnly, SameSite=Strict, sent only to /api/v1/auth. */
export const REFRESH_COOKIE = 'reloop_refresh';
const REFRESH_COOKIE_PATH = '/api/v1/auth';

/**
 * The tokens as the client asked for them: all in the body, or the refresh token in an httpOnly
 * cookie (then left out of the body, where the console's scripts could read it).
 */
function deliver(
  req: AuthenticatedRequest,
  reply: FastifyReply,
  tokens: SessionTokens,
  via: 'body' | 'cookie',
): Omit<SessionTokens, 'refreshToken'> & { refreshToken?: string } {
  if (via === 'body') return tokens;
  const { refreshToken, ...rest } = tokens;
  setCookie(req, reply, REFRESH_COOKIE, refreshToken, {
    path: REFRESH_COOKIE_PATH,
    maxAge: tokens.refreshExpiresIn,
  });
  return rest;
}

/** Deletes the refresh cookie: same name and path as `deliver` set it, no lifetime left. */
function clearRefreshCookie(req: AuthenticatedRequest, reply: FastifyReply): void {
  setCookie(req, reply, REFRESH_COOKIE, '', { path: REFRESH_COOKIE_PATH, maxAge: 0 });
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
    private readonly resets: PasswordResetService,
    private readonly tokens: TokenService,
    private readonly signUpCodes: SignUpCodesService,
  ) {}

  /** What signing up asks for here: a code sent to the phone, where messages reach phones. */
  @Get('sign-up')
  @Public()
  signUpOptions(): { phoneCode: 'required' | 'off'; codeValidMinutes: number } {
    return {
      phoneCode: this.signUpCodes.required ? 'required' : 'off',
      codeValidMinutes: SIGN_UP_CODE_TTL_MINUTES,
    };
  }

  /**
   * Sends a six-digit sign-up code to the phone (valid 15 minutes, five tries; a new one replaces
   * it). 400 where sign-up codes are not used.
   */
  @Post('sign-up-codes')
  @HttpCode(202)
  @Public()
  async sendSignUpCode(@Body() dto: SignUpCodeRequestDto): Promise<{ message: string }> {
    await this.signUpCodes.request(dto.phone, dto.language ?? 'zh-CN');
    return { message: 'A code has been sent to this phone' };
  }

  /**
   * Customers sign themselves up; staff accounts are created by an admin. The answer carries
   * an access token but no refresh token: it may be stored for an Idempotency-Key replay, and
   * a long-lived secret must not be; log in for a session.
   */
  @Post('register')
  @Public()
  async register(@Body() dto: RegisterDto) {
    const user = await this.accounts.register(dto);
    return { user: userView(user), ...this.tokens.issue(user) };
  }

  /** A new session: a 15-minute access token and a refresh token for the rest of the shift. */
  @Post('login')
  @HttpCode(200)
  @Public()
  async login(
    @Body() dto: LoginDto,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const user = await this.accounts.login(dto, dto.password);
    return deliver(req, reply, await this.sessions.start(user), dto.refreshIn ?? 'body');
  }

  /**
   * Rotates the refresh token (from the body, or else the cookie) and answers the same way it
   * came. A token already rotated ends the whole session (401).
   */
  @Post('refresh')
  @HttpCode(200)
  @Public()
  async refresh(
    @Body() dto: RefreshDto,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const fromCookie = dto.refreshToken === undefined;
    const token = dto.refreshToken ?? readCookie(req, REFRESH_COOKIE);
    if (!token) throw new UnauthorizedException('No refresh token: log in again');
    try {
      return deliver(
        req,
        reply,
        await this.sessions.refresh(token),
        fromCookie ? 'cookie' : 'body',
      );
    } catch (err) {
      if (fromCookie) clearRefreshCookie(req, reply);
      throw err;
    }
  }

  /**
   * Ends the session of the refresh token (body or cookie) and of the bearer token, if any.
   * With a bearer token, a refresh token of another user (the cookie of someone else signed in
   * on the same browser) is left alone.
   */
  @Post('logout')
  @HttpCode(204)
  @Public()
  async logout(
    @Body() dto: RefreshDto,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const cookie = readCookie(req, REFRESH_COOKIE);
    const token = dto.refreshToken ?? cookie;
    const ended = token ? await this.sessions.endByToken(token, req.actor?.userId ?? null) : false;
    if (req.sessionId) await this.sessions.end([req.sessionId], 'logout');
    if (cookie !== undefined && (ended || !req.actor)) clearRefreshCookie(req, reply);
  }

  /** Sends a one-time code through the notification channel; the same answer for any account. */
  @Post('password-reset/request')
  @HttpCode(202)
  @Public()
  async requestReset(@Body() dto: PasswordResetRequestDto) {
    await this.resets.request(dto);
    return { message: 'If this account exists, a code has been sent to its owner' };
  }

  /** Sets a new password with the code; every session of the account ends. */
  @Post('password-reset/confirm')
  @HttpCode(204)
  @Public()
  async confirmReset(@Body() dto: PasswordResetConfirmDto): Promise<void> {
    await this.resets.confirm(dto, dto.code, dto.newPassword);
  }
}

@ApiTags('auth')
@Controller('me')
export class MeController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly tokens: TokenService,
  ) {}

  @Get()
  @SignedIn()
  async me(@CurrentActor() actor: Actor) {
    return userView(await this.accounts.getUser(actor, actor.userId ?? ''));
  }

  /** Changes the password; other sessions end, this one goes on with the new access token. */
  @Post('password')
  @HttpCode(200)
  @SignedIn()
  async changePassword(
    @CurrentActor() actor: Actor,
    @Req() req: AuthenticatedRequest,
    @Body() dto: ChangePasswordDto,
  ) {
    const sessionId = req.sessionId ?? null;
    const user = await this.accounts.changePassword(
      actor,
      sessionId,
      dto.currentPassword,
      dto.newPassword,
    );
    return this.tokens.issue(user, sessionId ?? undefined);
  }
}

@ApiTags('users')
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
    const page = await this.accounts.listUsers(filter, filter);
    return { items: page.items.map(userView), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @SignedIn()
  async get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return userView(await this.accounts.getUser(actor, id));
  }

  /** The user can no longer log in, and tokens already issued stop working at once. */
  @Action(':id/disable', 'admin')
  async disable(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return userView(await this.accounts.setDisabled(actor, id, true));
  }

  @Action(':id/enable', 'admin')
  async enable(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return userView(await this.accounts.setDisabled(actor, id, false));
  }
}

@ApiTags('organisations')
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
    return this.accounts.listOrganisations(filter.kind, filter);
  }

  @Get(':id')
  @SignedIn()
  get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.accounts.getOrganisation(actor, id);
  }

  /** Issue 17: items with uncertified media may go to this organisation, which wipes them. */
  @Put(':id/erasure-provider')
  @Roles('admin')
  setErasureProvider(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() dto: ErasureProviderDto,
  ) {
    return this.accounts.setErasureProvider(actor, id, dto);
  }
}
