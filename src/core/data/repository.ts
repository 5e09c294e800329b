import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * The base of a stage's repositories (`src/<stage>/data/`, issue 20 point 1): every query of the
 * stage lives in one repository per aggregate, in methods named in the stage's words. Each method
 * takes an optional `EntityManager`, so that a service passes its transaction's manager; without
 * one the query runs on the data source's own.
 */
@Injectable()
export abstract class DataRepository {
  constructor(protected readonly dataSource: DataSource) {}

  /** The caller's transaction, or the data source's manager. */
  protected manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }
}
