import { describe, expect, it } from 'vitest';
import { languageFromTag } from './language';

describe('languageFromTag', () => {
  it('maps every Chinese variant to zh-CN and English variants to en', () => {
    expect(languageFromTag('zh')).toBe('zh-CN');
    expect(languageFromTag('zh-TW')).toBe('zh-CN');
    expect(languageFromTag('zh-Hans-CN')).toBe('zh-CN');
    expect(languageFromTag('en-GB')).toBe('en');
  });

  it('does not claim languages it does not ship', () => {
    expect(languageFromTag('fr-FR')).toBeNull();
  });
});
