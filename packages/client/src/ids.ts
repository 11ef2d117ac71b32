/**
 * 128 random bits as hex: unique enough that two devices never pick the same clientMsgId. Uses getRandomValues, which
 * unlike randomUUID also works on plain-http origins (a self-hosted server on a LAN).
 */
export function randomId(): string {
  const bytes = new Uint8Array(16);
  if (typeof globalThis.crypto?.getRandomValues === 'function') globalThis.crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}
