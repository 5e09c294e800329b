import i18n from 'i18next';
import { useSyncExternalStore } from 'react';
import { initReactI18next } from 'react-i18next';
import type en from './en.json';
import zhCN from './zh-CN.json';
import { DEFAULT_TIME_ZONE, isTimeZone } from './format.js';

/** Chinese first; English complete. The first is the default. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Every catalogue has the English one's keys (the compiler checks the Chinese one here). */
export type Catalogue = typeof en;
const zh: Catalogue = zhCN;

const LANGUAGE_KEY = 'reloop.language';
const TIME_ZONE_KEY = 'reloop.timeZone';

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key: string, value: string) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private mode without storage: the choice lasts for this page only.
  }
}

function initialLanguage(): Language {
  const saved = stored(LANGUAGE_KEY);
  return LANGUAGES.find((l) => l === saved) ?? 'zh-CN';
}

// Chinese is in the first download; English is fetched when it is first wanted.
const LOADERS: Record<Exclude<Language, 'zh-CN'>, () => Promise<{ default: Catalogue }>> = {
  en: () => import('./en.json'),
};

async function load(language: Language): Promise<void> {
  if (language === 'zh-CN' || i18n.hasResourceBundle(language, 'translation')) return;
  const { default: words } = await LOADERS[language]();
  i18n.addResourceBundle(language, 'translation', words);
}

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zh } },
  lng: 'zh-CN',
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  interpolation: { escapeValue: false }, // React escapes
  initAsync: false,
  returnNull: false,
});

const setHtmlLang = (lng: string) => document.documentElement.setAttribute('lang', lng);
i18n.on('languageChanged', setHtmlLang);
setHtmlLang(i18n.language);

/** Resolves once the user's language is loaded (main.tsx waits for it before drawing). */
export const languageReady: Promise<void> = (async () => {
  const language = initialLanguage();
  if (language === 'zh-CN') return;
  try {
    await load(language);
    await i18n.changeLanguage(language);
  } catch {
    // Offline or a failed chunk: the console stays in Chinese rather than not starting.
  }
})();

export function currentLanguage(): Language {
  return LANGUAGES.find((l) => l === i18n.language) ?? 'zh-CN';
}

/** Switches the console's language and keeps the choice for the next visit (this browser). */
export function setLanguage(language: Language): void {
  store(LANGUAGE_KEY, language);
  void load(language).then(() => i18n.changeLanguage(language));
}

// The user's time zone: Asia/Shanghai unless they chose another (kept in this browser).
let timeZone = (() => {
  const saved = stored(TIME_ZONE_KEY);
  return saved && isTimeZone(saved) ? saved : DEFAULT_TIME_ZONE;
})();
const zoneListeners = new Set<() => void>();

export function currentTimeZone(): string {
  return timeZone;
}

export function setTimeZone(zone: string): void {
  if (!isTimeZone(zone)) return;
  timeZone = zone;
  store(TIME_ZONE_KEY, zone);
  for (const l of zoneListeners) l();
}

/** The time zone, re-rendering the caller when the user changes it. */
export function useTimeZone(): string {
  return useSyncExternalStore(
    (l) => {
      zoneListeners.add(l);
      return () => zoneListeners.delete(l);
    },
    () => timeZone,
  );
}

export { i18n };
