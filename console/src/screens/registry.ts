import type { ComponentType } from 'react';
import type { Role } from '../api/types.js';
import type { Catalogue } from '../i18n/index.js';

/** A screen's title: a key of the catalogues' `screens` section. */
export type ScreenTitle = keyof Catalogue['screens'];

/**
 * One entry per console screen. The menu, the routes and each role's landing page come from this
 * list, so adding a screen is one file plus one line here.
 */
export interface ScreenDef {
  /** Below /console/, e.g. 'admin/organisations' or 'warehouse/inspections/:id'. */
  path: string;
  title: ScreenTitle;
  roles: Role[];
  /** Shown in the menu (screens with a parameter are reached from another screen). */
  nav?: boolean;
  Component: ComponentType;
}

const registry: ScreenDef[] = [];

export function defineScreens(...screens: ScreenDef[]): void {
  registry.push(...screens);
}

export function screensFor(role: Role): ScreenDef[] {
  return registry.filter((s) => s.roles.includes(role));
}

/** Where a role lands after logging in: its first menu screen. */
export function homeFor(role: Role): string {
  const first = screensFor(role).find((s) => s.nav);
  return first ? `/console/${first.path}` : '/console/nothing';
}
