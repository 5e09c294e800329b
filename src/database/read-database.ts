import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { describeDatabaseError, typeOrmOptions } from './database.js';

export interface ReplayStatus {
  standby: boolean;
  replayBehindBytes: number;
  replayLagSeconds: number;
}

/**
 * Where the read paths that tolerate a moment's lag go (issue 27 point 4): the streaming replica
 * named by DATABASE_READ_URL, or the primary when there is none. Only the paths named in
 * docs/decisions.md ("Reads off the primary") use `replica`; everything else, and every write,
 * keeps the primary DataSource. A read is sent here explicitly, never by guessing from the SQL.
 */
@Injectable()
export class ReadDatabase implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ReadDatabase.name);
  private own: DataSource | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    readonly primary: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    const url = this.config.databaseReadUrl;
    // A worker serves none of the read paths: it opens no replica connections.
    if (!url || this.config.mode === 'worker') return;
    const replica = new DataSource(typeOrmOptions(url, this.config.databasePoolSize ?? 20));
    try {
      await replica.initialize();
    } catch (err) {
      throw describeDatabaseError(url, err);
    }
    this.own = replica;
    this.logger.log(`Lag-tolerant reads go to the replica at ${new URL(url).host}`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.own?.isInitialized) await this.own.destroy();
  }

  /** Whether DATABASE_READ_URL named a replica this process reads from. */
  get hasReplica(): boolean {
    return this.own !== null;
  }

  /**
   * Whether the replica is a standby, and how far its replay is behind the WAL it has received
   * (bytes, and seconds since the last replayed transaction; 0 when it has replayed all it has).
   * Read by the health check and the metrics.
   */
  async replayStatus(): Promise<ReplayStatus> {
    const [row] = await this.replica.query<
      Array<{ standby: boolean; behind: string; lag: number }>
    >(
      `SELECT pg_is_in_recovery() AS standby,
              COALESCE(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)::bigint AS behind,
              CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                   ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
              END::float8 AS lag`,
    );
    return {
      standby: row.standby,
      replayBehindBytes: Number(row.behind),
      replayLagSeconds: Math.round(row.lag * 10) / 10,
    };
  }

  /** The replica (or the primary when none is set). */
  get replica(): DataSource {
    return this.own ?? this.primary;
  }

  /**
   * Read-your-writes for the public pages: anonymous callers (QR scans, shoppers) read the
   * replica; a signed-in caller may just have changed the object they look at, so they read
   * the primary. (Any actor: the database layer sits below core and does not know its type.)
   */
  forCaller(actor: object | null): DataSource {
    return actor ? this.primary : this.replica;
  }

  /**
   * `read` on the replica; when it finds nothing there (an object made a moment ago, not yet
   * replayed: a label printed and scanned at once), once more on the primary.
   */
  async orPrimary<T>(
    db: DataSource,
    read: (db: DataSource) => Promise<T | undefined>,
  ): Promise<{ found: T; db: DataSource } | undefined> {
    const found = await read(db);
    if (found !== undefined) return { found, db };
    if (db === this.primary) return undefined;
    const fresh = await read(this.primary);
    return fresh === undefined ? undefined : { found: fresh, db: this.primary };
  }
}
