// The live meeting room's shared core: the page's data, the socket connection, the state from the
// server (join snapshot + events with seq) and the hooks the screens render from. The screens
// (tablet.js, console.js, display.js) import it; it renders nothing itself.
// Every text shown comes from the page's JSON data block (translated on the server).
export const cfg = JSON.parse(document.getElementById("live-config").textContent);
export const T = cfg.strings;
export const MID = cfg.meeting_id;
export const ME = cfg.user_id;

export function fmt(text, params) {
  return String(text).replace(/%\((\w+)\)s/g, (_m, key) => (params && key in params ? params[key] : ""));
}
export function $(name) { return document.querySelector(`[data-live="${name}"]`); }
export function $all(name) { return Array.from(document.querySelectorAll(`[data-live="${name}"]`)); }
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}
export function setText(name, text) { $all(name).forEach((node) => { node.textContent = text; }); }
export function bind(name, handler) { $all(name).forEach((node) => node.addEventListener("click", handler)); }

/** The CSRF token for the JSON API (cookie sessions), from the page's meta tag like every page. */
export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

export const live = {
  snap: null,
  people: new Map(),
  // The participant directory (names, titles, units, roles), cached by its version: the join
  // snapshot names the version only, and the directory is fetched when ours differs.
  dir: { version: null, participants: [] },
  lastPageSeq: -1,
  lastAgendaSeq: -1,
  lastItemsSeq: -1,  // the agenda's items arrive apart from moves between them (see applyAgenda)
  presenter: { document_id: null, page: 1, presenter_id: null },
  view: { document_id: null, page: 1 },
  follow: true,
  inFlight: 0,
  clockOffset: 0,
};

// ---- hooks: what changed, for the screens to render -------------------------------------
// snapshot (everything), page, agenda, presence, floor, directory, view (what this screen shows),
// documents (the list changed: files may have changed too), status (the session's lifecycle).
const hooks = {};
export function on(name, handler) { (hooks[name] = hooks[name] || []).push(handler); }
export function emit(name, ...args) { (hooks[name] || []).forEach((handler) => handler(...args)); }

// ---- connection ---------------------------------------------------------------

export const isDisplay = cfg.mode === "display";
export function displayToken() { return decodeURIComponent(location.hash.replace(/^#/, "")); }

function authPayload() {
  if (isDisplay) return { display_token: displayToken() };
  return undefined; // the browser's session cookie (Origin-checked by the server)
}

function setConnection(state, text) {
  $all("conn").forEach((node) => { node.dataset.state = state; });
  setText("conn-text", text);
  document.body.classList.toggle("is-reconnecting", state === "reconnecting");
}

export const socket = window.io({
  auth: authPayload(),
  transports: ["websocket"],
  reconnection: true,
  reconnectionDelay: 500,
  reconnectionDelayMax: 8000,
  randomizationFactor: 0.5,
  timeout: 10000,
});

export function call(event, data) {
  return new Promise((resolve) => {
    socket.timeout(10000).emit(event, Object.assign({ meeting_id: MID }, data || {}), (err, ack) => {
      if (err) resolve({ ok: false, error: { code: "timeout", message: T.error } });
      else resolve(ack);
    });
  });
}

export function rejoin() {
  socket.emit("join", { meeting_id: MID }, (ack) => ack && ack.ok && applySnapshot(ack.state));
}

// Offline copies on this tablet are the signed-in user's (documents/device.js): each connection
// asks what this user may still hold, and a refused session leaves the device with nothing.
const device = isDisplay ? null : window.ecabinetDevice;

function showOffline(offline) {
  if (offline) setConnection("offline", T.offline);
  $all("offline").forEach((node) => { node.hidden = !offline; });
}
window.addEventListener("offline", () => showOffline(true));
window.addEventListener("online", () => { showOffline(false); setConnection("reconnecting", T.reconnecting); });

socket.on("connect", async () => {
  setConnection("connecting", T.connecting);
  if (device) device.sync(true);
  const ack = await call("join");
  if (ack && ack.ok) {
    applySnapshot(ack.state);
    setConnection("connected", T.connected);
  } else {
    setConnection("refused", (ack && ack.error && ack.error.message) || T.error);
  }
});
socket.on("disconnect", (reason) => {
  if (!navigator.onLine) showOffline(true);
  else if (reason === "io server disconnect") {
    setConnection("refused", isDisplay ? T.display_refused : T.refused);
    if (device) device.check();
  } else setConnection("reconnecting", T.reconnecting);
});
socket.io.on("reconnect_attempt", () => {
  if (!navigator.onLine) showOffline(true);
  else setConnection("reconnecting", T.reconnecting);
});
socket.on("connect_error", (err) => {
  if (device && err && err.data && err.data.code === "not_authenticated") device.signOut();
  if (!navigator.onLine) showOffline(true);
  else if (!socket.active) setConnection("refused", isDisplay ? T.display_refused : T.refused);
  else setConnection("reconnecting", T.reconnecting);
});

socket.on("page", (payload) => applyPage(payload));
socket.on("agenda", (payload) => applyAgenda(payload));
socket.on("presence", (payload) => { if (live.snap) { live.snap.presence = payload; emit("presence"); } });
socket.on("floor", (payload) => { if (live.snap) { live.snap.floor = payload; emit("floor"); } });
socket.on("participants", (payload) => {
  if (!live.snap || payload.meeting_id !== MID) return;
  if (Array.isArray(payload.participants)) { setDirectory(payload.version ?? null, payload.participants); return; }
  // Every tablet hears this at once: spread the refetches over a moment.
  loadDirectory(payload.version, Math.random() * 1500);
});
socket.on("documents", (payload) => {
  // A document was added, replaced or removed: the join snapshot carries the list. Every tablet
  // hears this at once: spread the rejoins over a moment.
  if (!live.snap || payload.meeting_id !== MID) return;
  setTimeout(() => socket.emit("join", { meeting_id: MID }, (ack) => {
    if (!ack || !ack.ok) return;
    emit("documents");  // a replaced document keeps its id; its file changed
    applySnapshot(ack.state);
  }), Math.random() * 1500);
});
socket.on("meeting", (payload) => applyStatus(payload));

// ---- participant directory, cached by version (memory + sessionStorage) ------------

const DIR_KEY = `ecabinet.live.participants.${MID}`;
let dirWanted = null, dirLoading = false;

function setDirectory(version, participants) {
  live.dir = { version, participants: participants || [] };
  if (version !== null && version !== undefined) {
    try { sessionStorage.setItem(DIR_KEY, JSON.stringify(live.dir)); } catch (_e) { /* private mode, full */ }
  }
  live.people = new Map(live.dir.participants.map((p) => [p.user_id, p]));
  if (live.snap) emit("directory");
}

function cachedDirectory(version) {
  if (live.dir.version === version) return live.dir;
  try {
    const stored = JSON.parse(sessionStorage.getItem(DIR_KEY) || "null");
    if (stored && stored.version === version && Array.isArray(stored.participants)) return stored;
  } catch (_e) { /* unreadable: fetch */ }
  return null;
}

// Make the directory match `version`: from the cache, else one `participants` request at a time.
async function loadDirectory(version, delay) {
  if (version === null || version === undefined) return;
  const cached = cachedDirectory(version);
  if (cached) { if (cached !== live.dir) setDirectory(cached.version, cached.participants); return; }
  dirWanted = version;
  if (dirLoading) return;
  dirLoading = true;
  try {
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    for (let attempt = 0; attempt < 5 && dirWanted !== null && live.dir.version !== dirWanted; attempt += 1) {
      const ack = await call("participants");
      if (!ack || !ack.ok) { await new Promise((resolve) => setTimeout(resolve, 1000 * (attempt + 1))); continue; }
      setDirectory(ack.version, ack.participants);
      // A newer change while we fetched: the loop fetches again; an older one is already covered.
      if (typeof dirWanted === "number" && ack.version >= dirWanted) dirWanted = null;
    }
  } finally {
    dirLoading = false;
  }
}

// ---- state ----------------------------------------------------------------------

export function nameOf(userId) {
  const person = live.people.get(userId);
  return person ? person.full_name : "#" + userId;
}
/** The session's lifecycle status as this screen knows it: draft, published, live, ended, archived. */
export function status() { return live.snap ? live.snap.meeting.status : cfg.status; }
export function isOver() { return ["ended", "archived"].includes(status()); }

// Pages are shown to the room only while the session is live (the server refuses them otherwise).
export function amPresenter() {
  return !isDisplay && ME !== null && live.presenter.presenter_id === ME && status() === "live";
}
export function docById(id) { return (live.snap.documents || []).find((d) => d.id === id) || null; }
export function pageCount(id) { const doc = docById(id); return doc ? doc.page_count : null; }
export function docTitle(id) {
  if (id === null || id === undefined) return "";
  const doc = docById(id);
  return doc ? doc.title : fmt(T.document, { id });
}
export function currentItem() {
  const id = live.snap.agenda.current_item_id;
  return live.snap.agenda.items.find((i) => i.id === id) || null;
}
export function clock(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(total / 60), s = total % 60;
  return `${m}:${String(s).padStart(2, "0")}`;
}
export function serverNow() { return Date.now() + live.clockOffset; }

export function applySnapshot(state) {
  live.snap = state;
  live.clockOffset = Date.parse(state.server_time) - Date.now();
  if (Array.isArray(state.participants)) setDirectory(state.participants_version ?? null, state.participants);
  else loadDirectory(state.participants_version, 0);
  live.lastPageSeq = state.seq;
  live.lastAgendaSeq = state.seq;
  live.lastItemsSeq = state.seq;
  live.presenter = {
    document_id: state.presentation.document_id,
    page: state.presentation.page,
    presenter_id: state.presentation.presenter_id,
  };
  if (live.follow || amPresenter()) live.view = { document_id: live.presenter.document_id, page: live.presenter.page };
  emit("snapshot");
}

export function applyPage(payload) {
  if (!live.snap || payload.meeting_id !== MID) return false;
  if (payload.seq <= live.lastPageSeq) return false; // stale: an older change arriving late
  // Our own turns from another device of ours while we turn here would fight: ours wins.
  if (payload.presenter_id === ME && live.inFlight > 0) { live.lastPageSeq = payload.seq; return false; }
  live.lastPageSeq = payload.seq;
  const presenterChanged = payload.presenter_id !== live.presenter.presenter_id;
  live.presenter = { document_id: payload.document_id, page: payload.page, presenter_id: payload.presenter_id };
  live.snap.presentation = Object.assign({}, live.presenter, { seq: payload.seq });
  live.snap.can_present = payload.presenter_id === ME;
  if (presenterChanged && amPresenter()) live.follow = true;
  if (live.follow || isDisplay) live.view = { document_id: payload.document_id, page: payload.page };
  emit("page");
  return true;
}

// `agenda` comes with the new `items` when items were added, edited, removed or reordered, and
// without them when the session moves to another item. Each part keeps its own newest seq: a list
// sent by the secretariat's page may arrive after a later move of the chair's, and is still news.
export function applyAgenda(payload) {
  if (!live.snap || payload.meeting_id !== MID) return false;
  let changed = false;
  if (Array.isArray(payload.items) && payload.seq > live.lastItemsSeq) {
    live.lastItemsSeq = payload.seq;
    live.snap.agenda.items = payload.items;
    changed = true;
  }
  if (payload.seq > live.lastAgendaSeq) {
    live.lastAgendaSeq = payload.seq;
    live.snap.agenda.current_item_id = payload.current_item_id;
    live.snap.agenda.item_started_at = payload.item_started_at;
    changed = true;
  }
  if (changed) emit("agenda");
  return changed;
}

// The lifecycle changed (published, live, ended): shown at once; the snapshot that follows brings
// what changed with it (the floor closed at the end, who may present).
export function applyStatus(payload) {
  if (!live.snap || payload.meeting_id !== MID || payload.status === live.snap.meeting.status) return false;
  live.snap.meeting = Object.assign({}, live.snap.meeting, { status: payload.status });
  emit("status");
  rejoin();
  return true;
}

// ---- actions --------------------------------------------------------------------

let toastTimer = null;
export function toast(message) {
  let node = document.querySelector(".live-toast");
  if (!node) { node = el("div", { class: "live-toast", role: "alert" }); document.body.append(node); }
  node.textContent = message;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { node.hidden = true; }, 4000);
}

export async function act(event, data) {
  const ack = await call(event, data);
  if (!ack.ok) toast((ack.error && ack.error.message) || T.error);
  return ack;
}

// For tests and diagnostics.
window.ecabinetLive = { applyPage, applyAgenda, applyStatus, state: () => live, socket };
