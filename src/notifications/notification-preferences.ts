import { Body, Controller, Get, Injectable, Put } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { CurrentActor, SignedIn } from '../core/http/access.decorators.js';
import type { Actor } from '../core/actor.js';
import { OwnerNotificationRepository } from './data/owner-notification.repository.js';
import { NOTIFICATION_LANGUAGES, type NotificationLanguage } from './templates.js';

export class NotificationPreferencesDto {
  @ApiPropertyOptional({ enum: NOTIFICATION_LANGUAGES, description: 'Language of messages' })
  @IsOptional()
  @IsIn(NOTIFICATION_LANGUAGES)
  language?: NotificationLanguage;

  @ApiPropertyOptional({
    description: 'true: no news about orders; account security messages (reset codes) still go',
  })
  @IsOptional()
  @IsBoolean()
  optOut?: boolean;
}

export class NotificationPreferencesView {
  @ApiProperty({ enum: NOTIFICATION_LANGUAGES }) language: NotificationLanguage;
  @ApiProperty() optOut: boolean;
}

/** Each user's notification preferences; a user without a row gets Chinese, opted in. */
@Injectable()
export class NotificationPreferencesService {
  constructor(private readonly notifications: OwnerNotificationRepository) {}

  async get(userId: string): Promise<NotificationPreferencesView> {
    const row = await this.notifications.preferences(userId);
    return { language: row?.language ?? 'zh-CN', optOut: row?.opt_out ?? false };
  }

  async set(userId: string, dto: NotificationPreferencesDto): Promise<NotificationPreferencesView> {
    const row = await this.notifications.setPreferences(
      userId,
      dto.language ?? null,
      dto.optOut ?? null,
    );
    return { language: row.language, optOut: row.opt_out };
  }
}

@ApiTags('notifications')
@Controller('me/notification-preferences')
export class NotificationPreferencesController {
  constructor(private readonly preferences: NotificationPreferencesService) {}

  /** The signed-in user's notification language and opt-out. */
  @Get()
  @SignedIn()
  get(@CurrentActor() actor: Actor): Promise<NotificationPreferencesView> {
    return this.preferences.get(actor.userId ?? '');
  }

  /** Changes the language of messages and/or opts out of order news (fields left out stay). */
  @Put()
  @SignedIn()
  set(
    @CurrentActor() actor: Actor,
    @Body() dto: NotificationPreferencesDto,
  ): Promise<NotificationPreferencesView> {
    return this.preferences.set(actor.userId ?? '', dto);
  }
}
