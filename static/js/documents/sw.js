// Offline reading: keeps the reader's allowed document versions (immutable URLs) and the pages
// and scripts needed to read them, so reading continues when the Wi-Fi drops.
const DOCS = "ecabinet-documents-v1";
const PAGES = "ecabinet-pages-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function isVersionFile(url) {
  return /\/documents\/\d+\/versions\/\d+\/file$/.test(url.pathname);
}

// Answer a Range request from a cached full response, as PDF.js asks for byte ranges.
async function fromCache(request) {
  const cache = await caches.open(DOCS);
  const cached = await cache.match(request.url);
  if (!cached) return null;
  const range = request.headers.get("Range");
  if (!range) return cached;
  const body = await cached.arrayBuffer();
  const match = /bytes=(\d*)-(\d*)/.exec(range);
  let start = match && match[1] ? parseInt(match[1], 10) : 0;
  let end = match && match[2] ? parseInt(match[2], 10) : body.byteLength - 1;
  if (match && !match[1] && match[2]) { start = body.byteLength - parseInt(match[2], 10); end = body.byteLength - 1; }
  end = Math.min(end, body.byteLength - 1);
  return new Response(body.slice(start, end + 1), {status: 206, headers: {
    "Content-Type": "application/pdf", "Content-Range": `bytes ${start}-${end}/${body.byteLength}`,
    "Content-Length": String(end - start + 1), "Accept-Ranges": "bytes"}});
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (isVersionFile(url)) {
    event.respondWith(fromCache(request).then((hit) => hit || fetch(request)));
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request).then((response) => {
      if (response.ok) { const copy = response.clone(); caches.open(PAGES).then((c) => c.put(request, copy)); }
      return response;
    })));
    return;
  }
  // Pages and the JSON lists: the network first, the saved copy when offline.
  if (request.mode === "navigate" || url.pathname.startsWith("/api/v1/")) {
    event.respondWith(fetch(request).then((response) => {
      if (response.ok && request.mode === "navigate" && /\/meetings\/\d+/.test(url.pathname)) {
        const copy = response.clone();
        caches.open(PAGES).then((c) => c.put(request.url, copy));
      }
      return response;
    }).catch(() => caches.match(request.url).then((hit) => hit || Response.error())));
  }
});

// The session page asks: {type: "download", files: [...], pages: [...]}; progress goes back by message.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "download") return;
  event.waitUntil((async () => {
    const docs = await caches.open(DOCS);
    const pages = await caches.open(PAGES);
    let done = 0;
    for (const url of data.pages || []) {
      try { const r = await fetch(url, {credentials: "same-origin"}); if (r.ok) await pages.put(url, r); } catch (e) { /* keep going */ }
    }
    for (const url of data.files) {
      try {
        if (!(await docs.match(url))) {
          const response = await fetch(url, {credentials: "same-origin"});
          if (!response.ok) throw new Error(String(response.status));
          await docs.put(url, response);
        }
        done += 1;
      } catch (e) { /* reported as not done */ }
      event.source && event.source.postMessage({type: "progress", done, total: data.files.length, url});
    }
    event.source && event.source.postMessage({type: "finished", done, total: data.files.length});
  })());
});
