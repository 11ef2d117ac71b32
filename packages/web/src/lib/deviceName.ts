import { limits } from '@feige/protocol';

const browsers: ReadonlyArray<[RegExp, string]> = [
  [/Edg\//u, 'Edge'],
  [/OPR\//u, 'Opera'],
  [/Firefox\//u, 'Firefox'],
  [/Chrom(e|ium)\//u, 'Chrome'],
  [/Safari\//u, 'Safari'],
];

const systems: ReadonlyArray<[RegExp, string]> = [
  [/Android/u, 'Android'],
  [/iPhone|iPad|iPod/u, 'iOS'],
  [/Windows/u, 'Windows'],
  [/Mac OS X|Macintosh/u, 'macOS'],
  [/CrOS/u, 'ChromeOS'],
  [/Linux/u, 'Linux'],
];

/**
 * A name a person recognises in their device list ("Chrome on Windows"), not the raw user agent: the raw string is
 * long, and the server caps device names.
 */
export function deviceNameFrom(userAgent: string): string {
  const browser = browsers.find(([pattern]) => pattern.test(userAgent))?.[1] ?? 'Browser';
  const system = systems.find(([pattern]) => pattern.test(userAgent))?.[1];
  const name = system ? `${browser} on ${system}` : browser;
  return name.slice(0, limits.deviceNameMax);
}
