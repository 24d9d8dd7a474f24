// The member center's service worker, written into dist/sw.js by `cargo xtask build`,
// which fills in the build's version and file list (xtask/src/build.rs, `service_worker`).
//
// - The app's files (hashed names: they never change under a name) come from the cache,
//   so a second visit paints without the network. They are all cached at install, which
//   the page starts once it is idle after its first paint: the screens fetched on demand
//   are then on the phone before they are opened.
// - The page itself is served from the cache and refreshed from the network at the same
//   time (stale-while-revalidate): a new version is picked up at the next start.
// - A new worker waits until no tab runs the old version (no skipWaiting): a running
//   session keeps the files it started with. Old caches go when the new one activates.
// - The API is never touched: answers about a member stay between the page and server.
// - Everything is relative to the worker's own folder: the site's base path (`/` or
//   `serve --base-path /member`), which is also the worker's scope.
const VERSION = "__VERSION__";
const BASE = new URL("./", self.location).pathname;
const FILES = __FILES__.map((file) => BASE + file);
const CACHE = `member-center-${VERSION}`;
const PAGE = BASE;
const API = BASE + "api";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([PAGE, ...FILES])));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((names) =>
      Promise.all(
        names
          .filter((name) => name.startsWith("member-center-") && name !== CACHE)
          .map((name) => caches.delete(name)),
      ),
    ),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname === API || url.pathname.startsWith(API + "/")) return;
  if (request.mode === "navigate") {
    event.respondWith(
      caches.open(CACHE).then(async (cache) => {
        const cached = await cache.match(PAGE);
        const fresh = fetch(request).then((response) => {
          if (response.ok) cache.put(PAGE, response.clone());
          return response;
        });
        if (!cached) return fresh;
        event.waitUntil(fresh.catch(() => undefined));
        return cached;
      }),
    );
    return;
  }
  if (FILES.includes(url.pathname)) {
    event.respondWith(
      caches.match(request).then((hit) => hit || fetch(request)),
    );
  }
});
