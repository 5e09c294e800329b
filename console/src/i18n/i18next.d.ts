import 'i18next';
import type en from './en.json';

// Keys are checked at compile time: `t('a.missing.key')` fails `npm run typecheck`.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
    returnNull: false;
  }
}
