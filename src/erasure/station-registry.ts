import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Actor, seesEverything } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import {
  keyIdFor,
  loadPublicKey,
  MAX_CLOCK_SKEW_MS,
  reportPayload,
  SIGNATURE_HEADER,
  STATION_HEADER,
  stationRequestPayload,
  TIMESTAMP_HEADER,
  verifyPayload,
} from './domain/index.js';
import type { Station } from './data/erasure.entities.js';
import { StationRepository } from './data/station.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function stationView(s: Station) {
  return {
    id: s.id,
    name: s.name,
    organisationId: s.organisationId,
    keyId: s.keyId,
    publicKeyPem: s.publicKeyPem,
    revoked: s.revokedAt !== null,
    revokedAt: s.revokedAt,
    revocationReason: s.revocationReason,
    lastSeenAt: s.lastSeenAt,
    createdAt: s.createdAt,
  };
}

/** What a signed station request carries, as the HTTP layer saw it. */
export interface StationRequest {
  headers: Record<string, string | string[] | undefined>;
  method: string;
  /** The path as received, with /api/v1 and the query string. */
  url: string;
  rawBody: Buffer | undefined;
}

/**
 * Registered wiping stations (issue 17 point 2): an admin registers a station of a warehouse
 * (or of a certified erasure provider) with its Ed25519 public key; every station request and
 * every imported vendor report must carry a signature by a registered, non-revoked key.
 */
@Injectable()
export class StationRegistry {
  constructor(private readonly stations: StationRepository) {}

  async register(
    actor: Actor,
    input: { name: string; organisationId: string; publicKeyPem: string },
  ): Promise<Station> {
    const pem = input.publicKeyPem.replace(/\\n/g, '\n').trim();
    if (pem.includes('PRIVATE KEY')) {
      throw new BadRequestException({
        message:
          'publicKeyPem is a private key: register only the public key; the private key stays on the station',
        fields: [{ field: 'publicKeyPem', errors: ['must be a public key'] }],
      });
    }
    let keyId: string;
    let normalised: string;
    try {
      const key = loadPublicKey(pem);
      normalised = key.export({ type: 'spki', format: 'pem' }).toString();
      keyId = keyIdFor(key);
    } catch {
      throw new BadRequestException({
        message:
          'publicKeyPem must be an Ed25519 public key in PEM (`node dist/src/main.js station keygen` prints one)',
        fields: [{ field: 'publicKeyPem', errors: ['not an Ed25519 public key'] }],
      });
    }
    const organisation = await this.stations.organisation(input.organisationId);
    if (!organisation) throw new NotFound('Organisation', input.organisationId);
    if (organisation.kind !== 'warehouse' && !organisation.certifiedErasureProvider) {
      throw new BadRequestException({
        message: `Stations belong to a warehouse or a certified erasure provider; ${organisation.name} is neither`,
        fields: [{ field: 'organisationId', errors: ['not a warehouse or erasure provider'] }],
      });
    }
    const taken = await this.stations.byKeyId(keyId);
    if (taken) {
      throw new ConflictException({
        message: `This public key is already registered (station ${taken.id}): every station needs its own key pair`,
        code: 'station_key_taken',
      });
    }
    return this.stations.add({
      name: input.name.trim(),
      organisationId: organisation.id,
      publicKeyPem: normalised,
      keyId,
      registeredBy: actor.userId,
    });
  }

  async list(actor: Actor): Promise<Station[]> {
    if (seesEverything(actor)) return this.stations.list();
    if (!actor.organisationId) return [];
    return this.stations.list(actor.organisationId);
  }

  /** A station the actor may see (platform staff, or its own organisation); else 404. */
  async get(actor: Actor, id: string, manager?: EntityManager): Promise<Station> {
    const s = await this.stations.byId(id, manager);
    if (!s || !(seesEverything(actor) || s.organisationId === actor.organisationId)) {
      throw new NotFound('Station', id);
    }
    return s;
  }

  /** Marks the station revoked; the caller releases its wipes in the same transaction. */
  async revoke(
    manager: EntityManager,
    actor: Actor,
    id: string,
    reason: string,
  ): Promise<{ station: Station; changed: boolean }> {
    const station = await this.get(actor, id, manager);
    await this.stations.lock(manager, id);
    const current = await this.stations.byIdOrFail(manager, id);
    if (current.revokedAt) return { station: current, changed: false };
    await this.stations.markRevoked(manager, station.id, actor.userId, reason);
    return { station: await this.stations.byIdOrFail(manager, id), changed: true };
  }

  /**
   * The station that signed this request: 401 (station_signature_invalid) when the headers are
   * missing, the station unknown, the timestamp stale or the signature wrong; 403
   * (station_revoked) when the signature is good but the station was revoked.
   */
  async authenticate(req: StationRequest): Promise<Station> {
    const header = (name: string) => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : undefined;
    };
    const refuse = (why: string) =>
      new UnauthorizedException({
        message: `Station request refused: ${why}`,
        code: 'station_signature_invalid',
      });
    const stationId = header(STATION_HEADER);
    const timestamp = header(TIMESTAMP_HEADER);
    const signature = header(SIGNATURE_HEADER);
    if (!stationId || !timestamp || !signature) {
      throw refuse('send Reloop-Station, Reloop-Timestamp and Reloop-Signature headers');
    }
    const at = Date.parse(timestamp);
    if (timestamp.length > 40 || !/^\d{4}-\d\d-\d\dT/.test(timestamp) || Number.isNaN(at)) {
      throw refuse('Reloop-Timestamp must be an ISO-8601 time');
    }
    if (Math.abs(Date.now() - at) > MAX_CLOCK_SKEW_MS) {
      throw refuse('Reloop-Timestamp is more than 5 minutes from the platform clock');
    }
    const station = UUID.test(stationId) ? await this.stations.byId(stationId) : null;
    const payload = stationRequestPayload(req.method, req.url, timestamp, req.rawBody ?? '');
    if (!station || !verifyPayload(payload, signature, station.publicKeyPem)) {
      throw refuse('unknown station or wrong signature');
    }
    if (station.revokedAt) {
      throw new ForbiddenException({
        message: `Station ${station.name} was revoked; its requests are not accepted`,
        code: 'station_revoked',
      });
    }
    await this.stations.touchLastSeen(station.id);
    return station;
  }

  /**
   * An imported vendor report must be signed by a registered, non-revoked station of the
   * organisation doing the wipe (403 report_signature_invalid / station_revoked otherwise).
   */
  async checkReportSignature(input: {
    stationId: string;
    signature: string;
    erasureId: string;
    organisationId: string | null;
    content: string;
  }): Promise<Station> {
    const station = UUID.test(input.stationId) ? await this.stations.byId(input.stationId) : null;
    const refuse = (why: string) =>
      new ForbiddenException({
        message: `Report refused: ${why}`,
        code: 'report_signature_invalid',
      });
    if (
      !station ||
      !verifyPayload(
        reportPayload(input.erasureId, input.content),
        input.signature,
        station.publicKeyPem,
      )
    ) {
      throw refuse('the signature is not a registered station’s signature of this report');
    }
    if (station.revokedAt) {
      throw new ForbiddenException({
        message: `Report refused: station ${station.name} was revoked`,
        code: 'station_revoked',
      });
    }
    if (input.organisationId !== null && station.organisationId !== input.organisationId) {
      throw refuse(`station ${station.name} does not belong to the organisation doing this wipe`);
    }
    return station;
  }
}
