// The field page's service worker: the page's own files are kept so that it opens without a network.
// API calls are never answered from here: the page queues what it sends and keeps what it last read.
const SHELL = "mobilize-field-v1";
const FILES = ["/field", "/field/field.js", "/field/field.css", "/field/manifest.webmanifest", "/field/icon.svg"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name !== SHELL).map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || !url.pathname.startsWith("/field")) {
    return; // the API and everything else go to the network as they are
  }
  // network first (a new version shows at once), the kept copy when there is no network
  event.respondWith(fetch(event.request)
    .then((answer) => {
      if (answer.ok) {
        const copy = answer.clone();
        caches.open(SHELL).then((cache) => cache.put(url.pathname, copy));
      }
      return answer;
    })
    .catch(() => caches.match(url.pathname, { ignoreSearch: true })
      .then((kept) => kept || new Response("offline", { status: 503 }))));
});
