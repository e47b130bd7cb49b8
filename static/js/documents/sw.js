// E-Cabinet's service worker: offline copies of session documents, each user's kept apart.
//
// Tablets are shared and get lost. Every copy of a document version, a page or a private note is
// kept in caches named after the *device owner*: an opaque key the server puts on every page and API
// response (X-Ecabinet-Owner, and a cookie that lives exactly as long as the session cookie). It
// changes with the person and with every revocation. The worker serves a copy only to the owner who
// fetched it; when another user signs in, or nobody is signed in, every other owner's copy is deleted
// before the response reaches the page. Static files (styles, scripts, PDF.js) are the same for all.

const STATIC = "ecabinet-static-v2";
const DEVICE = "ecabinet-device";                  // this device's state and the offline page
const OWNED = /^ecabinet-(docs|pages):(.*)$/;      // `ecabinet-docs:<owner>`, `ecabinet-pages:<owner>`
const LEGACY = ["ecabinet-documents-v1", "ecabinet-pages-v1"];  // shared by every user before: deleted
const OWNER_HEADER = "X-Ecabinet-Owner";
const OWNER_COOKIE = "ecabinet_device_owner";
const SIGNED_OUT = "-";
const STATE_KEY = "/__ecabinet/device-state";
const OFFLINE_PAGE = "/offline";
const OFFLINE_MESSAGES = "/offline/messages";       // this worker's own answers, in the page's language
const RETRY_AFTER_MS = 400;
const LOGOUT_PATH = "/logout";                     // accounts.logout
const DOCUMENT_BYTES = /^\/meetings\/\d+\/(documents\/\d+\/(versions\/\d+\/)?file|book\.pdf)$/;
const MANIFEST = /^\/api\/v1\/meetings\/(\d+)\/offline$/;

const docsCache = (owner) => `ecabinet-docs:${owner}`;
const pagesCache = (owner) => `ecabinet-pages:${owner}`;

// -- who is signed in on this device ---------------------------------------------------------

let state = null;  // {owner, pendingLogout, lang}: read once per worker start, written through
let queue = Promise.resolve();

// Changes to the owner and to owned caches run one at a time, so a copy being stored for one user
// cannot land after that user's copies were deleted.
function serial(task) {
  const run = queue.then(task, task);
  queue = run.catch(() => {});
  return run;
}

async function readState() {
  if (!state) {
    const hit = await (await caches.open(DEVICE)).match(STATE_KEY);
    state = hit ? await hit.json() : {owner: null, pendingLogout: null};
  }
  return state;
}

async function writeState(changes) {
  state = {...(await readState()), ...changes};
  await (await caches.open(DEVICE)).put(STATE_KEY, new Response(JSON.stringify(state),
    {headers: {"Content-Type": "application/json"}}));
}

async function dropCopiesExcept(owner) {
  for (const name of await caches.keys()) {
    const match = OWNED.exec(name);
    if ((match && match[2] !== owner) || LEGACY.includes(name)) await caches.delete(name);
  }
}

// The device now belongs to `owner` (null: nobody). Everyone else's copies leave the device.
function adopt(owner) {
  return serial(async () => {
    const changed = (await readState()).owner !== owner;
    if (changed) await writeState({owner});
    await dropCopiesExcept(owner);
    if (changed && owner) refreshOfflinePage();
  });
}

function namedOwner(response) {
  const named = response.headers.get(OWNER_HEADER);
  if (!named) return undefined;  // not our server's answer (or an opaque redirect): says nothing
  return named === SIGNED_OUT ? null : named;
}

// The owner whose copies may be served now. The pages and responses say who signed in; the cookie,
// readable without the network, says whether that session still exists on this device.
async function currentOwner() {
  const {owner} = await readState();
  if (!owner) return null;
  if (self.cookieStore) {
    try {
      const cookie = await self.cookieStore.get(OWNER_COOKIE);
      if (!cookie || cookie.value !== owner) {
        await adopt(null);
        return null;
      }
    } catch (error) { /* the cookie cannot be read here: rely on what the pages said */ }
  }
  return owner;
}

// A stored copy in one of an owner's caches, or undefined. Looking never creates the cache
// (caches.open would): a look that comes after a logout must not leave behind an empty cache
// named after the user.
function heldCopy(cacheName, url) {
  return caches.match(url, {cacheName});
}

// Store a response among `owner`'s copies, unless the device changed hands meanwhile.
function keep(owner, cacheName, url, response) {
  return serial(async () => {
    if ((await readState()).owner !== owner) return false;
    await (await caches.open(cacheName)).put(url, response);
    return true;
  });
}

// The offline page and this worker's messages, in the language of the device's last page. Fetched
// without cookies: an answer that set the session cookie could land after a login and undo it.
async function refreshOfflinePage() {
  const {lang} = await readState();
  for (const url of [OFFLINE_PAGE, OFFLINE_MESSAGES]) {
    try {
      const asked = lang ? `${url}?lang=${encodeURIComponent(lang)}` : url;
      const response = await fetch(asked, {credentials: "omit", cache: "no-store"});
      if (response.ok) await (await caches.open(DEVICE)).put(url, response);
    } catch (error) { /* offline: keep the one we have */ }
  }
}

// A page in another language than the stored offline page: store it again in this one.
function follow(language) {
  if (!language) return Promise.resolve();  // API answers name no language
  return serial(async () => {
    if ((await readState()).lang === language) return;
    await writeState({lang: language});
    refreshOfflinePage();
  });
}

async function offlineMessage(key) {
  const stored = await (await caches.open(DEVICE)).match(OFFLINE_MESSAGES);
  try {
    return stored ? (await stored.json())[key] || "" : "";
  } catch (error) {
    return "";  // the page then shows its own message for a failed request
  }
}

// -- lifecycle ---------------------------------------------------------------------------------

self.addEventListener("install", (event) => {
  self.skipWaiting();
  event.waitUntil(refreshOfflinePage());
});

self.addEventListener("activate", (event) => event.waitUntil((async () => {
  for (const name of LEGACY) await caches.delete(name);
  // Registered under /meetings/ before: the root registration takes over (it also sees logins).
  if (new URL(self.registration.scope).pathname !== "/") {
    await self.registration.unregister();
    return;
  }
  await self.clients.claim();
})()));

// -- answering requests ------------------------------------------------------------------------

function jsonError(status, code, message) {
  return new Response(JSON.stringify({error: {code, message}}),
    {status, headers: {"Content-Type": "application/json", "Cache-Control": "no-store"}});
}

// Answer a Range request from a stored full response, as PDF.js asks for byte ranges.
async function withRange(stored, request) {
  const range = request.headers.get("Range");
  if (!range) return stored;
  const body = await stored.arrayBuffer();
  const match = /bytes=(\d*)-(\d*)/.exec(range);
  let start = match && match[1] ? parseInt(match[1], 10) : 0;
  let end = match && match[2] ? parseInt(match[2], 10) : body.byteLength - 1;
  if (match && !match[1] && match[2]) { start = body.byteLength - parseInt(match[2], 10); end = body.byteLength - 1; }
  end = Math.min(end, body.byteLength - 1);
  return new Response(body.slice(start, end + 1), {status: 206, headers: {
    "Content-Type": "application/pdf", "Content-Range": `bytes ${start}-${end}/${body.byteLength}`,
    "Content-Length": String(end - start + 1), "Accept-Ranges": "bytes", "Cache-Control": "no-store"}});
}

async function documentFile(request) {
  const owner = await currentOwner();
  if (owner) {
    const stored = await heldCopy(docsCache(owner), request.url);
    if (stored) return withRange(stored, request);
  }
  try {
    // Never the browser's HTTP cache: it is shared by everyone who uses the tablet.
    return await (request.mode === "navigate" ? fetch(request) : fetch(request, {cache: "no-store"}));
  } catch (error) {
    return jsonError(503, "offline", await offlineMessage("document"));
  }
}

async function offlineAnswer(request) {
  const owner = await currentOwner();
  if (owner) {
    const stored = await heldCopy(pagesCache(owner), request.url);
    if (stored) return stored;
  }
  if (request.mode === "navigate") {
    const page = await (await caches.open(DEVICE)).match(OFFLINE_PAGE);
    if (page) return page;  // it reads the address and asks this worker what it may list
  }
  return jsonError(503, "offline", await offlineMessage("other"));
}

// A connection dropped while the device still has a network (a busy server closing a kept-alive
// connection, the Wi-Fi handing over) is tried once more: the offline page is for a tablet without one.
async function fetchOrRetry(request) {
  try {
    return await fetch(request);
  } catch (error) {
    if (!self.navigator.onLine || request.method !== "GET") throw error;
    await new Promise((resolve) => { setTimeout(resolve, RETRY_AFTER_MS); });
    return fetch(request);
  }
}

// Pages and the JSON API: the network first, so every answer says who is signed in; a copy only
// without the network, and only the signed-in owner's.
async function networkFirst(request) {
  if (request.mode === "navigate") await finishLogout();
  let response;
  try {
    response = await fetchOrRetry(request);
  } catch (error) {
    return offlineAnswer(request);
  }
  const owner = namedOwner(response);
  if (owner !== undefined) {
    await adopt(owner);  // before the page shows: a signed-out answer finds no copies left
    if (owner && response.ok) await refreshHeld(owner, request.url, response.clone());
    follow(response.headers.get("Content-Language"));
  }
  return response;
}

// A page or note list the owner downloaded stays current whenever it is fetched online.
async function refreshHeld(owner, url, response) {
  if (await heldCopy(pagesCache(owner), url)) await keep(owner, pagesCache(owner), url, response);
}

async function staticFile(request) {
  try {
    const response = await fetch(request);
    if (response.status === 200) {
      const copy = response.clone();
      (await caches.open(STATIC)).put(request, copy);
    }
    return response;
  } catch (error) {
    return (await caches.match(request, {cacheName: STATIC})) || Response.error();
  }
}

// Logging out: the copies leave the device before the request does. Without the network the server
// cannot end the session yet: the form is kept and sent with the next page the tablet opens online,
// and meanwhile the device has no owner, so it opens nothing.
async function logOut(request) {
  const body = await request.clone().text();
  await adopt(null);
  try {
    return await fetch(request);
  } catch (error) {
    await serial(() => writeState({pendingLogout: {url: request.url, body}}));
    return offlineAnswer(request);
  }
}

async function finishLogout() {
  const {pendingLogout} = await readState();
  if (!pendingLogout) return;
  try {
    await fetch(pendingLogout.url, {method: "POST", body: pendingLogout.body, credentials: "same-origin",
      redirect: "manual", headers: {"Content-Type": "application/x-www-form-urlencoded"}});
  } catch (error) {
    return;  // still offline
  }
  await serial(() => writeState({pendingLogout: null}));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/socket.io/")) return;
  if (request.method === "POST" && url.pathname === LOGOUT_PATH) {
    event.respondWith(logOut(request));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.startsWith("/static/")) event.respondWith(staticFile(request));
  else if (DOCUMENT_BYTES.test(url.pathname)) event.respondWith(documentFile(request));
  else if (request.mode === "navigate" || url.pathname.startsWith("/api/v1/")) event.respondWith(networkFirst(request));
});

// -- downloading and pruning a session's copies ------------------------------------------------

function meetingOf(url) {
  const path = new URL(url, self.location.origin).pathname;
  const match = /^(?:\/api\/v1)?\/meetings\/(\d+)(\/|$)/.exec(path);
  return match ? Number(match[1]) : null;
}

// The manifests of the sessions `owner` holds here: none once the device changed hands (read in
// turn with the owner's changes, so that a sync ending after a logout recreates nothing).
function storedManifests(owner) {
  return serial(async () => {
    if ((await readState()).owner !== owner || !(await caches.has(pagesCache(owner)))) return [];
    const cache = await caches.open(pagesCache(owner));
    const found = [];
    for (const request of await cache.keys()) {
      if (!MANIFEST.test(new URL(request.url).pathname)) continue;
      const response = await cache.match(request);
      if (response) found.push({url: request.url, manifest: await response.json()});
    }
    return found;
  });
}

const etagOf = (response) => (response.headers.get("ETag") || "").replace(/^W\//, "").replace(/"/g, "");

// Fetch one URL as `owner` and keep it, only if the server answered for that same owner.
async function fetchAndKeep(owner, cacheName, url) {
  const response = await fetch(url, {credentials: "same-origin", cache: "no-store"});
  const named = namedOwner(response);
  if (named !== undefined && named !== owner) {
    await adopt(named);
    throw new Error("signed-in user changed");
  }
  if (!response.ok) throw new Error(String(response.status));
  return keep(owner, cacheName, url, response);
}

// Everything the manifest lists, for its owner: pages, note lists, scripts, then each document
// version not stored yet (or stored with another watermark). `report` hears the progress.
async function store(owner, manifestUrl, manifest, report) {
  const files = manifest.documents;
  const pages = [...manifest.pages, ...manifest.api, ...files.map((d) => d.read_url), ...files.map((d) => d.notes_url)];
  for (const url of pages) {
    try { await fetchAndKeep(owner, pagesCache(owner), url); } catch (error) { /* the documents matter most */ }
  }
  const shared = await caches.open(STATIC);
  for (const url of manifest.assets) {
    try { if (!(await shared.match(url))) await shared.add(url); } catch (error) { /* read online later */ }
  }
  let done = 0;
  for (const file of files) {
    try {
      const stored = await heldCopy(docsCache(owner), file.file_url);
      if (!stored || etagOf(stored) !== file.etag) await fetchAndKeep(owner, docsCache(owner), file.file_url);
      done += 1;
    } catch (error) { /* reported as not done */ }
    report({type: "progress", done, total: files.length, url: file.file_url});
  }
  // The manifest last: it is the device's record that this session is complete here.
  await keep(owner, pagesCache(owner), manifestUrl,
    new Response(JSON.stringify(manifest), {headers: {"Content-Type": "application/json"}}));
  return done;
}

// The copies belong to whoever the server answered for (its cookie), whatever the page believed.
async function download(manifestUrl, report) {
  let done = 0, total = 0;
  refreshOfflinePage();  // in the language the user reads now
  try {
    const response = await fetch(manifestUrl, {credentials: "same-origin", cache: "no-store"});
    const named = namedOwner(response);
    if (named !== undefined) await adopt(named);
    if (!response.ok || !named) throw new Error("refused");
    const manifest = await response.json();
    total = manifest.documents.length;
    done = await store(named, manifestUrl, manifest, report);
  } catch (error) { /* reported below */ }
  report({type: "finished", done, total});
}

// Remove what the manifest no longer lists: withdrawn documents, replaced versions, copies whose
// watermark or reader changed; `fresh` null removes the whole session.
async function prune(owner, meetingId, stale, fresh) {
  if ((await readState()).owner !== owner) return;  // changed hands: everything of theirs is gone already
  const allowed = new Map((fresh ? fresh.documents : []).map((d) => [new URL(d.file_url, self.location.origin).href, d.etag]));
  const docs = await caches.open(docsCache(owner));
  for (const request of await docs.keys()) {
    if (meetingOf(request.url) !== meetingId) continue;
    const etag = allowed.get(request.url);
    const stored = etag === undefined ? null : await docs.match(request);
    if (etag === undefined || !stored || etagOf(stored) !== etag) await docs.delete(request);
  }
  const listed = new Set(fresh ? [...fresh.pages, ...fresh.api, ...fresh.documents.flatMap((d) => [d.read_url, d.notes_url])]
    .map((url) => new URL(url, self.location.origin).href) : []);
  const notes = new Set(stale.documents.map((d) => new URL(d.notes_url, self.location.origin).href));
  const pages = await caches.open(pagesCache(owner));
  for (const request of await pages.keys()) {
    const ofMeeting = meetingOf(request.url) === meetingId || notes.has(request.url);
    if (ofMeeting && !listed.has(request.url) && (!fresh || !MANIFEST.test(new URL(request.url).pathname))) {
      await pages.delete(request);
    }
  }
}

// At each connection: ask the server again what this user may hold of every session stored here.
async function sync() {
  const owner = await currentOwner();
  if (!owner) return {owner: null, meetings: 0};
  const held = await storedManifests(owner);
  for (const {url, manifest} of held) {
    let response;
    try {
      response = await fetch(url, {credentials: "same-origin", cache: "no-store"});
    } catch (error) {
      return {owner, meetings: held.length, offline: true};
    }
    const named = namedOwner(response);
    if (named !== undefined && named !== owner) {
      await adopt(named);  // signed out or revoked elsewhere: every copy leaves
      return {owner: named, meetings: 0};
    }
    if (response.status === 404 || response.status === 403) {
      await serial(() => prune(owner, manifest.meeting_id, manifest, null));
      continue;
    }
    if (!response.ok) continue;
    const fresh = await response.json();
    if (JSON.stringify(fresh) === JSON.stringify(manifest)) continue;
    await serial(() => prune(owner, manifest.meeting_id, manifest, fresh));
    await store(owner, url, fresh, () => {});
  }
  return {owner, meetings: (await storedManifests(owner)).length};
}

// What the signed-in owner has on this device, for the offline page and the reader.
async function holdings() {
  const owner = await currentOwner();
  if (!owner) return {owner: null, meetings: []};
  const meetings = [];
  for (const {manifest} of await storedManifests(owner)) {
    const documents = [];
    for (const d of manifest.documents) documents.push({...d, held: !!(await heldCopy(docsCache(owner), d.file_url))});
    meetings.push({id: manifest.meeting_id, title: manifest.title, starts_at: manifest.starts_at, documents});
  }
  return {owner, meetings};
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const port = event.ports && event.ports[0];
  const reply = (message) => { if (port) port.postMessage(message); };
  const tell = (message) => { if (event.source) event.source.postMessage(message); };
  let work = null;
  if (data.type === "owner") work = adopt(data.owner || null).then(() => reply({owner: data.owner || null}));
  else if (data.type === "download") work = download(data.manifest_url, tell);
  else if (data.type === "sync") work = sync().then(reply);
  else if (data.type === "holdings") work = holdings().then(reply);
  if (work) event.waitUntil(work.catch(() => reply({error: true})));
});
