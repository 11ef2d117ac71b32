import { createClient, type FeigeClient } from '@feige/client';
import { deviceNameFrom } from './deviceName';
import { localStorageStore } from './storage';

/** The one SDK instance of this tab: same origin as the page (the server serves the web build, Vite proxies in dev). */
export function createBrowserClient(): FeigeClient {
  return createClient({
    baseUrl: location.origin,
    storage: localStorageStore(),
    deviceName: deviceNameFrom(navigator.userAgent),
  });
}
