import { useTranslation } from 'react-i18next';
import { changeLanguage } from '../../i18n';
import { isLanguage } from '../../i18n/language';
import { languageNames, languages } from '../../i18n/resources';

/** Radio buttons named in each language's own script, so they stay findable whichever language is showing. */
export function LanguageSwitcher({ compact = false }: { compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const current = isLanguage(i18n.language) ? i18n.language : 'en';
  return (
    <fieldset className={compact ? 'language language--compact' : 'language'}>
      <legend className={compact ? 'sr-only' : undefined}>{t('settings.language')}</legend>
      {languages.map((language) => (
        <label key={language} className="language-option">
          <input
            type="radio"
            name="language"
            value={language}
            checked={current === language}
            onChange={() => void changeLanguage(i18n, language)}
          />
          <span lang={language}>{languageNames[language]}</span>
        </label>
      ))}
    </fieldset>
  );
}
