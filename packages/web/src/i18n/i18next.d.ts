import 'i18next';
import type { Translation } from './resources';

// Typed keys: `t('no.such.key')` fails the typecheck instead of showing the raw key to a user.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Translation };
  }
}
