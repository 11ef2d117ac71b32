/*
 * Feige app-shell service worker, hand-written on purpose: it only has to make the shell load offline.
 * - Navigations: network first (a deploy shows at once), the cached shell when offline.
 * - /assets/*: cache first; Vite gives them content hashes, so a cached copy is never stale.
 * - The API and the socket are never cached: they carry private, live data.
 */
const CACHE = 'feige-shell-v2';
const SHELL = ['/manifest.webmanifest', '/icon.svg'];

/**
 * The shell is the page plus the hashed scripts and styles it names. They are read from the page itself, because the
 * page was loaded before this worker existed: without this, the first offline reload would find no script.
 */
async function cacheShell() {
  const cache = await caches.open(CACHE);
  const page = await fetch('/', { cache: 'no-cache' });
  if (!page.ok) throw new Error(`shell: ${page.status}`);
  const html = await page.clone().text();
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
  await cache.put('/', page);
  await cache.addAll([...SHELL, ...assets]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

function isPrivate(url) {
  return url.pathname.startsWith('/api/') || url.pathname === '/ws' || url.pathname.startsWith('/media/');
}

/** Network first, falling back to the cached copy under `key` when offline. */
async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(key);
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isPrivate(url)) return;
  if (request.mode === 'navigate') {
    // One page app: every navigation is the shell.
    event.respondWith(networkFirst(request, '/'));
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(request));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(networkFirst(request, url.pathname));
  }
});
