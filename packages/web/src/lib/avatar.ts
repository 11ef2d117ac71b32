import { graphemes } from '@feige/protocol';

/** First user-perceived character, so a name starting with an emoji or a Chinese character shows it whole. */
export function initialOf(name: string): string {
  for (const g of graphemes(name.trim())) return g.toUpperCase();
  return '?';
}

/** A stable hue per user, so the same person keeps the same colour on every device. */
export function hueOf(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return hash % 360;
}
