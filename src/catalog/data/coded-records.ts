import type { DeepPartial, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { DataRepository } from '../../core/data/repository.js';

/**
 * The admin's edits of a reference table keyed by a unique `code` (categories, product models):
 * the same reads and writes for each, on the table of `target`.
 */
export abstract class CodedRecords<
  E extends ObjectLiteral & { id: string; code: string },
> extends DataRepository {
  protected abstract readonly target: EntityTarget<E>;

  byCode(code: string, manager?: EntityManager): Promise<E | null> {
    return this.manager(manager)
      .getRepository(this.target)
      .findOne({ where: { code } as never });
  }

  codeTaken(code: string): Promise<boolean> {
    return this.dataSource.getRepository(this.target).exists({ where: { code } as never });
  }

  create(values: DeepPartial<E>): Promise<E> {
    const repo = this.dataSource.getRepository(this.target);
    return repo.save(repo.create(values));
  }

  async update(id: string, values: DeepPartial<E>): Promise<void> {
    await this.dataSource.getRepository(this.target).update({ id } as never, values);
  }

  async delete(id: string): Promise<void> {
    await this.dataSource.getRepository(this.target).delete({ id } as never);
  }
}
