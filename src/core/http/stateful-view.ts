import type { Actor } from '../actor.js';
import { allowedActions, type MachineDef, type StatefulRow } from '../state-machine/machine.js';

/** What a stateful resource shows when read (spec §3): its fields plus allowedActions. */
export function withActions<S extends string, E extends StatefulRow<S>, V extends object>(
  machine: MachineDef<S, E>,
  entity: E,
  actor: Actor,
  view: V,
): V & { state: S; version: number; allowedActions: string[] } {
  return {
    ...view,
    state: entity.state,
    version: entity.version,
    allowedActions: allowedActions(machine, entity, actor),
  };
}
