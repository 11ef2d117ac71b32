/**
 * Register the app-shell service worker. Only production builds register it: in development it would serve stale
 * modules from its cache and fight Vite's hot reload.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`).catch((error: unknown) => {
      // The app works without it, just not offline or installed.
      console.warn('[feige] service worker registration failed', error);
    });
  });
}
