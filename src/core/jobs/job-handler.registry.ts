import { Injectable } from '@nestjs/common';
import type { JobDef, JobHandler } from './job-definition.js';
import { JOB_CATALOGUE } from './job-catalogue.js';

/** Which function runs each job type. Modules register their handlers when they start. */
@Injectable()
export class JobHandlerRegistry {
  private readonly handlers = new Map<string, { def: JobDef<unknown>; run: JobHandler<unknown> }>();

  register<P>(def: JobDef<P>, run: JobHandler<P>): void {
    if (this.handlers.has(def.name)) throw new Error(`Job ${def.name} has two handlers`);
    this.handlers.set(def.name, { def: def, run: run as JobHandler<unknown> });
  }

  get(name: string): { def: JobDef<unknown>; run: JobHandler<unknown> } | undefined {
    return this.handlers.get(name);
  }

  /** Catalogue entries nobody handles: a worker refuses to start with any. */
  missingHandlers(): string[] {
    return JOB_CATALOGUE.filter((d) => !this.handlers.has(d.name)).map((d) => d.name);
  }
}
