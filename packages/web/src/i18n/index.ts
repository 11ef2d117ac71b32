import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { detectLanguage, rememberLanguage } from './language';
import { resources, type Language } from './resources';

export function createI18n(): i18n {
  const instance = i18next.createInstance();
  const lng = detectLanguage();
  void instance.use(initReactI18next).init({
    resources,
    lng,
    fallbackLng: 'en',
    // React escapes every string it renders; escaping here too would show `&amp;` to users.
    interpolation: { escapeValue: false },
    // Resources are bundled, so initialise synchronously and render the first frame already translated.
    initAsync: false,
    returnNull: false,
  });
  syncDocumentLanguage(lng);
  instance.on('languageChanged', (language) => syncDocumentLanguage(language));
  return instance;
}

export async function changeLanguage(instance: i18n, language: Language): Promise<void> {
  rememberLanguage(language);
  await instance.changeLanguage(language);
}

function syncDocumentLanguage(language: string): void {
  document.documentElement.lang = language;
}
