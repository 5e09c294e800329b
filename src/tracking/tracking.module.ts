import { Module } from '@nestjs/common';
import { PassportService } from './passport.service.js';
import { SchemaProbe } from './data/schema-probe.js';
import { SearchService } from './search.service.js';
import { TrackingRepository } from './data/tracking.repository.js';
import { TimelineService } from './timeline.service.js';
import { TrackingController } from './api/tracking.controller.js';
import { CredentialsModule } from '../credentials/credentials.module.js';

/**
 * The read model over every stage: timelines, custody, the public passport and its QR label,
 * and support search. It reads other modules' tables (never writes them) and skips those not
 * installed yet.
 */
@Module({
  imports: [CredentialsModule],
  controllers: [TrackingController],
  providers: [SchemaProbe, TrackingRepository, TimelineService, PassportService, SearchService],
})
export class TrackingModule {}
