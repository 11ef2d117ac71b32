import { languages, type Language } from './resources';

const storageKey = 'feige.language';

function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

/** Any Chinese variant (zh, zh-TW, zh-Hans-CN …) gets zh-CN, the only Chinese we ship; everything else English. */
export function languageFromTag(tag: string): Language | null {
  const lower = tag.toLowerCase();
  if (lower === 'zh' || lower.startsWith('zh-')) return 'zh-CN';
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  return null;
}

/** The user's explicit choice wins; otherwise the first browser language we support; otherwise English. */
export function detectLanguage(): Language {
  const stored = readStored();
  if (stored) return stored;
  const tags = navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  for (const tag of tags) {
    const language = languageFromTag(tag);
    if (language) return language;
  }
  return 'en';
}

export function rememberLanguage(language: Language): void {
  try {
    localStorage.setItem(storageKey, language);
  } catch {
    // Storage can be unavailable (private mode, quota); the choice then lasts for this page only.
  }
}

function readStored(): Language | null {
  try {
    const value = localStorage.getItem(storageKey);
    return isLanguage(value) ? value : null;
  } catch {
    return null;
  }
}

export { isLanguage };
