import en from './en.json';
import zhCN from './zh-CN.json';

/** English is the reference: every other locale must have exactly its keys. */
export type Translation = typeof en;

// Both directions, so a key missing from either file fails the typecheck (one assignment alone tolerates extras).
const zh: Translation = zhCN;
const enCoversZh: typeof zhCN = en;
void enCoversZh;

export const resources = {
  en: { translation: en },
  'zh-CN': { translation: zh },
} as const;

export type Language = keyof typeof resources;

export const languages: readonly Language[] = ['zh-CN', 'en'];

/** Each language named in itself, so a reader of the other language can still find theirs. */
export const languageNames: Record<Language, string> = {
  'zh-CN': '中文',
  en: 'English',
};

/** Dotted paths of every string leaf, e.g. `chat.status.read`. */
type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

export type TranslationKey = Leaves<Translation>;
