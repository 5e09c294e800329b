import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  UnauthorizedException,
} from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { UserStateService } from '../auth/user-state.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { type Actor, seesEverything, type UserRole } from '../core/actor.js';
import { isUniqueViolation, NotFound, violatedConstraint } from '../core/errors.js';
import type { CreateOrganisationDto, CreateUserDto, RegisterDto } from './accounts.dto.js';
import { Organisation, type OrganisationKind } from './organisation.entity.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { normalisePhone } from '../core/http/phone.js';
import { SessionsService } from './sessions.service.js';
import { SignUpCodesService } from './sign-up-codes.service.js';
import { User } from './user.entity.js';
import type { Page, PageQuery } from '../core/http/pagination.js';
import { OrganisationRepository } from './data/organisation.repository.js';
import { UserRepository } from './data/user.repository.js';

/** The account key of an e-mail address: trimmed, lower-cased (as stored). */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** How a person names their account when signing in or resetting: e-mail or mobile number. */
export interface AccountName {
  email?: string;
  phone?: string;
}

/** The user row an account name points at; exactly one of e-mail or phone, a valid number. */
export function accountWhere(by: AccountName): { loginPhone: string } | { email: string } {
  if ((by.email === undefined) === (by.phone === undefined)) {
    throw new BadRequestException({
      message: 'Give either email or phone',
      fields: [
        { field: 'email', errors: ['give email or phone, not both'] },
        { field: 'phone', errors: ['give email or phone, not both'] },
      ],
    });
  }
  if (by.phone === undefined) return { email: normaliseEmail(by.email ?? '') };
  const phone = normalisePhone(by.phone);
  if (!phone) {
    throw new BadRequestException({
      message: 'phone is not a valid phone number',
      fields: [{ field: 'phone', errors: ['phone must be a valid phone number'] }],
    });
  }
  return { loginPhone: phone };
}

/** Which organisation kinds a staff role may belong to. */
const ROLE_ORGANISATIONS: Partial<Record<UserRole, readonly OrganisationKind[]>> = {
  warehouse: ['warehouse', 'store'],
  technician: ['partner'],
  merchant: ['merchant'],
};

export interface UserView {
  id: string;
  email: string | null;
  name: string;
  role: UserRole;
  organisationId: string | null;
  phone: string | null;
  disabled: boolean;
  /** A warehouse lead (decides held car payouts). */
  lead: boolean;
  createdAt: Date;
}

export function userView(u: User): UserView {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    organisationId: u.organisationId,
    phone: u.phone,
    disabled: u.disabled,
    lead: u.lead,
    createdAt: u.createdAt,
  };
}

@Injectable()
export class AccountsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AccountsService.name);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: SessionsService,
    private readonly userState: UserStateService,
    private readonly signUpCodes: SignUpCodesService,
    private readonly users: UserRepository,
    private readonly organisations: OrganisationRepository,
  ) {}

  /** The first admin comes from ADMIN_EMAIL / ADMIN_PASSWORD (created once, never overwritten). */
  async onApplicationBootstrap(): Promise<void> {
    const { email, password } = this.config.admin;
    if (!email || !password) return;
    if (await this.users.existsByEmail(email.toLowerCase())) return;
    await this.users
      .insertAdmin({
        email: email.toLowerCase(),
        passwordHash: await hashPassword(password),
        role: 'admin',
        name: 'Administrator',
      })
      .catch(() => undefined); // another instance created it meanwhile
    this.logger.log(`Created the first admin ${email}`);
  }

  /**
   * A customer signs up with a mobile number, an e-mail, or both. The mobile becomes the one
   * they sign in with (unique among sign-in numbers). Where owner messages reach phones, the
   * number is proved with a one-time code first (issue 22; elsewhere it stays unverified).
   */
  async register(dto: RegisterDto): Promise<User> {
    if (!dto.email && !dto.phone) {
      throw new BadRequestException({
        message: 'Give a mobile number or an e-mail address to sign up with',
        fields: [
          { field: 'phone', errors: ['phone or email is required'] },
          { field: 'email', errors: ['phone or email is required'] },
        ],
      });
    }
    const phone = dto.phone ? normalisePhone(dto.phone) : null;
    if (phone && this.signUpCodes.required) {
      const codeId = await this.signUpCodes.check(phone, dto.phoneCode);
      return this.insertUser({ ...dto, role: 'customer' }, true, (m) =>
        this.signUpCodes.use(m, codeId),
      );
    }
    return this.insertUser({ ...dto, role: 'customer' }, true);
  }

  createUser(dto: CreateUserDto): Promise<User> {
    return this.insertUser(dto, false);
  }

  /** `proved`: the phone's sign-up code, used up in the same transaction as the account. */
  private async insertUser(
    dto: Omit<CreateUserDto, 'email'> & { email?: string },
    signInByPhone: boolean,
    proved?: (m: EntityManager) => Promise<void>,
  ): Promise<User> {
    const email = dto.email ? normaliseEmail(dto.email) : null;
    const phone = dto.phone ? normalisePhone(dto.phone) : null;
    if (dto.phone && !phone) {
      throw new BadRequestException({
        message: 'phone is not a valid phone number',
        fields: [{ field: 'phone', errors: ['phone must be a valid phone number'] }],
      });
    }
    const allowedKinds = ROLE_ORGANISATIONS[dto.role];
    if (allowedKinds) {
      if (!dto.organisationId) {
        throw new BadRequestException(
          `A ${dto.role} must belong to an organisation (organisationId)`,
        );
      }
      const org = await this.organisations.byId(dto.organisationId);
      if (!org || !allowedKinds.includes(org.kind)) {
        throw new BadRequestException(
          `A ${dto.role} must belong to a ${allowedKinds.join(' or ')} organisation`,
        );
      }
    } else if (dto.organisationId && dto.role !== 'courier') {
      throw new BadRequestException(`A ${dto.role} does not belong to an organisation`);
    }
    if (dto.lead && dto.role !== 'warehouse') {
      throw new BadRequestException({
        message: 'Invalid input: lead is only for warehouse staff',
        fields: [{ field: 'lead', errors: ['lead is only for warehouse staff'] }],
      });
    }
    const passwordHash = await hashPassword(dto.password);
    try {
      return await this.dataSource.transaction(async (m) => {
        await proved?.(m);
        return this.users.create(m, {
          email,
          passwordHash,
          role: dto.role,
          name: dto.name,
          phone,
          loginPhone: signInByPhone ? phone : null,
          organisationId: dto.organisationId ?? null,
          lead: dto.lead ?? false,
          phoneVerifiedAt: proved ? new Date() : null,
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ConflictException(
          violatedConstraint(err) === 'users_login_phone_key'
            ? 'An account with this phone number already exists'
            : 'An account with this e-mail already exists',
        );
      }
      throw err;
    }
  }

  /** Signs in by e-mail or by the mobile number signed up with (exactly one of them). */
  async login(by: AccountName, password: string): Promise<User> {
    const user = await this.users.byAccount(accountWhere(by));
    const ok = await verifyPassword(user && !user.disabled ? user.passwordHash : null, password);
    if (!user || !ok) {
      throw new UnauthorizedException(
        by.phone !== undefined
          ? 'Phone number or password is wrong'
          : 'E-mail or password is wrong',
      );
    }
    return user;
  }

  /**
   * Changes the signed-in user's password. Every other session ends (refresh tokens revoked,
   * access tokens refused); the current one continues with the access token returned here.
   */
  async changePassword(
    actor: Actor,
    sessionId: string | null,
    currentPassword: string,
    newPassword: string,
  ): Promise<User> {
    const user = await this.getUser(actor, actor.userId ?? '');
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      throw new BadRequestException({
        message: 'currentPassword is wrong',
        fields: [{ field: 'currentPassword', errors: ['currentPassword is wrong'] }],
      });
    }
    if (currentPassword === newPassword) {
      throw new BadRequestException({
        message: 'newPassword must differ from the current one',
        fields: [
          { field: 'newPassword', errors: ['newPassword must differ from the current one'] },
        ],
      });
    }
    const passwordHash = await hashPassword(newPassword);
    const ended = await this.dataSource.transaction(async (m) => {
      user.tokenVersion = await this.users.setPassword(m, user.id, passwordHash);
      user.passwordHash = passwordHash;
      return this.sessions.revokeAllOf(m, user.id, 'password-change', sessionId);
    });
    await this.userState.publish(user.id, { tokenVersion: user.tokenVersion, disabled: false });
    await this.userState.endSessions(ended);
    return user;
  }

  /**
   * Admin disable / enable. Disabling raises the token version and revokes every session, so the
   * user's still-valid access tokens are refused on the next request; enabling lets them log in.
   */
  async setDisabled(actor: Actor, id: string, disabled: boolean): Promise<User> {
    if (disabled && actor.userId === id) {
      throw new ConflictException('You cannot disable your own account');
    }
    const result = await this.dataSource.transaction(async (m) => {
      const user = await this.users.lock(m, id);
      if (!user) throw new NotFound('User', id);
      if (user.disabled === disabled) return { user, ended: [] as string[] };
      const tokenVersion = await this.users.setDisabled(m, id, disabled, disabled ? 1 : 0);
      user.disabled = disabled;
      user.tokenVersion = tokenVersion;
      const ended = disabled ? await this.sessions.revokeAllOf(m, id, 'disabled') : [];
      return { user, ended };
    });
    await this.userState.publish(id, {
      tokenVersion: result.user.tokenVersion,
      disabled: result.user.disabled,
    });
    await this.userState.endSessions(result.ended);
    return result.user;
  }

  /** A user, if the actor may see it: admins and support see all, others only themselves. */
  async getUser(actor: Actor, id: string): Promise<User> {
    const user = await this.users.byId(id);
    if (!user || !(seesEverything(actor) || actor.userId === id)) throw new NotFound('User', id);
    return user;
  }

  /** Every user, newest first, a keyset page at a time (no silent truncation). */
  listUsers(
    filter: { role?: UserRole; organisationId?: string },
    page: PageQuery,
  ): Promise<Page<User>> {
    return this.users.list(filter, page);
  }

  createOrganisation(dto: CreateOrganisationDto): Promise<Organisation> {
    return this.organisations.create({ ...dto, capabilities: dto.capabilities ?? {} });
  }

  /** Admins and support see every organisation; staff see their own. */
  async getOrganisation(actor: Actor, id: string): Promise<Organisation> {
    const org = await this.organisations.byId(id);
    if (!org || !(seesEverything(actor) || actor.organisationId === id)) {
      throw new NotFound('Organisation', id);
    }
    return org;
  }

  /**
   * Registers (or withdraws) a partner or merchant as a certified erasure provider (issue 17):
   * the item machine then lets items with uncertified media pass to it. The operator's own
   * warehouses and the drop-off stores are not third parties and need no such registration.
   */
  async setErasureProvider(
    actor: Actor,
    id: string,
    dto: { certified: boolean; certification?: string },
  ): Promise<Organisation> {
    const org = await this.organisations.byId(id);
    if (!org) throw new NotFound('Organisation', id);
    if (org.kind !== 'partner' && org.kind !== 'merchant') {
      throw new BadRequestException({
        message: `A ${org.kind} is not a third party: only partners and merchants are registered as certified erasure providers`,
        fields: [{ field: 'certified', errors: [`not for a ${org.kind}`] }],
      });
    }
    if (dto.certified && !dto.certification?.trim()) {
      throw new BadRequestException({
        message: "certification is required: name the provider's erasure certification",
        fields: [{ field: 'certification', errors: ['required when certified is true'] }],
      });
    }
    return this.organisations.setErasureProvider(
      id,
      dto.certified
        ? {
            certifiedErasureProvider: true,
            erasureCertification: dto.certification!.trim(),
            erasureCertifiedBy: actor.userId,
            erasureCertifiedAt: new Date(),
          }
        : {
            certifiedErasureProvider: false,
            erasureCertification: null,
            erasureCertifiedBy: actor.userId,
            erasureCertifiedAt: new Date(),
          },
    );
  }

  /** Every organisation, newest first, a keyset page at a time. */
  listOrganisations(kind: OrganisationKind | undefined, page: PageQuery) {
    return this.organisations.list(kind, page);
  }
}
