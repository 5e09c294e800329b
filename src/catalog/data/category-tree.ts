// Structural checks for a category tree (demo data or an admin's edit): the spec's catalog is
// exactly three levels, leaves carry the item-level settings, codes are unique and kebab-case.
import type { DemoCategory } from './demo-catalog.js';

/** What identifies an individual item of a leaf category. */
export type IdentifierKind = 'imei' | 'serial' | 'vin' | 'none';
export const IDENTIFIER_KINDS: readonly IdentifierKind[] = ['imei', 'serial', 'vin', 'none'];

export type StorageMediaType = 'hdd' | 'ssd' | 'flash' | 'emmc';
export const STORAGE_MEDIA_TYPES: readonly StorageMediaType[] = ['hdd', 'ssd', 'flash', 'emmc'];

export interface CategoryTreeProblem {
  code: string;
  message: string;
}

const CODE_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Every problem with the tree: duplicate or malformed codes, unknown parents, a level that does
 * not match the parent's level + 1, a leaf not at level 3 (or a branch at level 3), a branch
 * without children, leaf settings out of range, and (when `standardCodes` is given) a leaf whose
 * standard does not exist. An empty list means the tree is sound.
 */
export function checkCategoryTree(
  categories: readonly DemoCategory[],
  standardCodes?: ReadonlySet<string>,
): CategoryTreeProblem[] {
  const problems: CategoryTreeProblem[] = [];
  const byCode = new Map<string, DemoCategory>();
  for (const c of categories) {
    if (!CODE_PATTERN.test(c.code))
      problems.push({ code: c.code, message: 'code must be kebab-case' });
    if (byCode.has(c.code)) problems.push({ code: c.code, message: 'duplicate code' });
    byCode.set(c.code, c);
  }
  const childCount = new Map<string, number>();
  for (const c of categories) {
    if (c.parentCode === null) {
      if (c.level !== 1) problems.push({ code: c.code, message: 'a root must be level 1' });
      continue;
    }
    const parent = byCode.get(c.parentCode);
    if (!parent) {
      problems.push({ code: c.code, message: `unknown parent ${c.parentCode}` });
      continue;
    }
    childCount.set(parent.code, (childCount.get(parent.code) ?? 0) + 1);
    if (parent.leaf) problems.push({ code: c.code, message: `parent ${parent.code} is a leaf` });
    if (c.level !== parent.level + 1) {
      problems.push({ code: c.code, message: `level ${c.level} under a level ${parent.level}` });
    }
  }
  for (const c of categories) {
    // Data may come from outside (an admin's edit), so do not trust the static types here.
    const level: number = c.level;
    if (!c.leaf) {
      if (level === 3) problems.push({ code: c.code, message: 'level 3 must be a leaf' });
      if (!childCount.get(c.code))
        problems.push({ code: c.code, message: 'branch without children' });
      continue;
    }
    if (level !== 3) problems.push({ code: c.code, message: 'a leaf must be level 3' });
    if (!IDENTIFIER_KINDS.includes(c.identifier)) {
      problems.push({ code: c.code, message: `unknown identifier ${String(c.identifier)}` });
    }
    if (!(Number.isSafeInteger(c.typicalWeightGrams) && c.typicalWeightGrams > 0)) {
      problems.push({ code: c.code, message: 'typicalWeightGrams must be a positive integer' });
    }
    if (!(Number.isSafeInteger(c.scrapValueMinor) && c.scrapValueMinor >= 0)) {
      problems.push({ code: c.code, message: 'scrapValueMinor must be a non-negative integer' });
    }
    if (c.storageMedia.some((m) => !STORAGE_MEDIA_TYPES.includes(m.type))) {
      problems.push({ code: c.code, message: 'unknown storage media type' });
    }
    if (c.requiresErasure !== c.storageMedia.length > 0) {
      problems.push({ code: c.code, message: 'requiresErasure must match storageMedia' });
    }
    if (standardCodes && !standardCodes.has(c.standardCode)) {
      problems.push({ code: c.code, message: `unknown standard ${c.standardCode}` });
    }
  }
  return problems;
}
