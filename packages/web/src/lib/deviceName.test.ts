import { describe, expect, it } from 'vitest';
import { deviceNameFrom } from './deviceName';

describe('deviceNameFrom', () => {
  it('names browser and system the way people recognise them', () => {
    expect(deviceNameFrom('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36')).toBe('Chrome on Linux');
    expect(deviceNameFrom('Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Version/18.0 Mobile/15E148 Safari/604.1')).toBe('Safari on iOS');
    expect(deviceNameFrom('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36 Edg/140.0')).toBe('Edge on Windows');
    expect(deviceNameFrom('Mozilla/5.0 (Linux; Android 15) Gecko/140.0 Firefox/140.0')).toBe('Firefox on Android');
  });

  it('falls back to a generic name', () => {
    expect(deviceNameFrom('')).toBe('Browser');
  });
});
