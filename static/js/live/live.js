// The live meeting room: tablet, chair/secretariat console and room display share this script.
// State comes from the server (join snapshot + events with seq); this file only renders it.
// Every text shown comes from the page's JSON config (translated on the server).
const cfg = JSON.parse(document.getElementById("live-config").textContent);
const T = cfg.strings;
const MID = cfg.meeting_id;
const ME = cfg.user_id;

function fmt(text, params) {
  return String(text).replace(/%\((\w+)\)s/g, (_m, key) => (params && key in params ? params[key] : ""));
}
function $(name) { return document.querySelector(`[data-live="${name}"]`); }

// The room display has no login: it reads the presented document with its display token.
function documentSource(doc) {
  if (cfg.mode !== "display") return { url: doc.url, withCredentials: true };
  return {
    url: `/live/display/${cfg.meeting_id}/documents/${doc.id}/file`,
    httpHeaders: { "X-Display-Token": decodeURIComponent(location.hash.replace(/^#/, "")) },
  };
}
function $all(name) { return Array.from(document.querySelectorAll(`[data-live="${name}"]`)); }
function el(tag, attrs, ...children) {
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
function setText(name, text) { $all(name).forEach((node) => { node.textContent = text; }); }

const live = {
  snap: null,
  people: new Map(),
  // The participant directory (names, titles, units, roles), cached by its version: the join
  // snapshot names the version only, and the directory is fetched when ours differs.
  dir: { version: null, participants: [] },
  lastPageSeq: -1,
  lastAgendaSeq: -1,
  presenter: { document_id: null, page: 1, presenter_id: null },
  view: { document_id: null, page: 1 },
  follow: true,
  inFlight: 0,
  clockOffset: 0,
};

// ---- connection ---------------------------------------------------------------

function authPayload() {
  if (cfg.mode === "display") return { display_token: decodeURIComponent(location.hash.replace(/^#/, "")) };
  return undefined; // the browser's session cookie (Origin-checked by the server)
}

function setConnection(state, text) {
  $all("conn").forEach((node) => { node.dataset.state = state; });
  setText("conn-text", text);
  document.body.classList.toggle("is-reconnecting", state === "reconnecting");
}

const socket = window.io({
  auth: authPayload(),
  transports: ["websocket"],
  reconnection: true,
  reconnectionDelay: 500,
  reconnectionDelayMax: 8000,
  randomizationFactor: 0.5,
  timeout: 10000,
});

function call(event, data) {
  return new Promise((resolve) => {
    socket.timeout(10000).emit(event, Object.assign({ meeting_id: MID }, data || {}), (err, ack) => {
      if (err) resolve({ ok: false, error: { code: "timeout", message: T.error } });
      else resolve(ack);
    });
  });
}

// Offline copies on this tablet are the signed-in user's (documents/device.js): each connection
// asks what this user may still hold, and a refused session leaves the device with nothing.
const device = cfg.mode === "display" ? null : window.ecabinetDevice;

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
    setConnection("refused", cfg.mode === "display" ? T.display_refused : T.refused);
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
  else if (!socket.active) setConnection("refused", cfg.mode === "display" ? T.display_refused : T.refused);
  else setConnection("reconnecting", T.reconnecting);
});

socket.on("page", (payload) => applyPage(payload));
socket.on("agenda", (payload) => applyAgenda(payload));
socket.on("presence", (payload) => { if (live.snap) { live.snap.presence = payload; renderPresence(); renderMe(); } });
socket.on("floor", (payload) => { if (live.snap) { live.snap.floor = payload; renderFloor(); renderMe(); } });
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
    pdfCache.clear();  // a replaced document keeps its id; its file changed
    shownPage = "";
    applySnapshot(ack.state);
  }), Math.random() * 1500);
});
socket.on("meeting", (payload) => {
  if (live.snap && payload.status !== live.snap.meeting.status) socket.emit("join", { meeting_id: MID }, (ack) => ack && ack.ok && applySnapshot(ack.state));
});

// ---- state ----------------------------------------------------------------------

function indexPeople() {
  live.people = new Map(live.dir.participants.map((p) => [p.user_id, p]));
}

// ---- participant directory, cached by version (memory + sessionStorage) ------------

const DIR_KEY = `ecabinet.live.participants.${MID}`;
let dirWanted = null, dirLoading = false;

function setDirectory(version, participants) {
  live.dir = { version, participants: participants || [] };
  if (version !== null && version !== undefined) {
    try { sessionStorage.setItem(DIR_KEY, JSON.stringify(live.dir)); } catch (_e) { /* private mode, full */ }
  }
  indexPeople();
  if (live.snap) { renderPresence(); renderFloor(); renderMe(); renderPresenterControls(); }
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

function nameOf(userId) {
  const person = live.people.get(userId);
  return person ? person.full_name : "#" + userId;
}
function amPresenter() {
  return cfg.mode !== "display" && ME !== null && live.presenter.presenter_id === ME;
}

function applySnapshot(state) {
  live.snap = state;
  live.clockOffset = Date.parse(state.server_time) - Date.now();
  if (Array.isArray(state.participants)) setDirectory(state.participants_version ?? null, state.participants);
  else loadDirectory(state.participants_version, 0);
  live.lastPageSeq = state.seq;
  live.lastAgendaSeq = state.seq;
  live.presenter = {
    document_id: state.presentation.document_id,
    page: state.presentation.page,
    presenter_id: state.presentation.presenter_id,
  };
  if (live.follow || amPresenter()) live.view = { document_id: live.presenter.document_id, page: live.presenter.page };
  renderAll();
}

function applyPage(payload) {
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
  if (live.follow || cfg.mode === "display") live.view = { document_id: payload.document_id, page: payload.page };
  renderViewer();
  renderPresenterControls();
  return true;
}

function applyAgenda(payload) {
  if (!live.snap || payload.seq <= live.lastAgendaSeq) return false;
  live.lastAgendaSeq = payload.seq;
  live.snap.agenda.current_item_id = payload.current_item_id;
  live.snap.agenda.item_started_at = payload.item_started_at;
  renderAgenda();
  renderDocuments();
  renderStrip();
  return true;
}

// ---- actions --------------------------------------------------------------------

async function act(event, data) {
  const ack = await call(event, data);
  if (!ack.ok) toast((ack.error && ack.error.message) || T.error);
  return ack;
}

async function present(documentId, page) {
  live.view = { document_id: documentId, page };
  live.presenter.document_id = documentId;
  live.presenter.page = page;
  renderViewer();
  live.inFlight += 1;
  const ack = await call("navigate", { document_id: documentId, page });
  live.inFlight -= 1;
  if (ack.ok) live.lastPageSeq = Math.max(live.lastPageSeq, ack.seq);
  else {
    toast((ack.error && ack.error.message) || T.error);
    socket.emit("join", { meeting_id: MID }, (again) => again && again.ok && applySnapshot(again.state));
  }
}

function browse(documentId, page) {
  live.follow = false;
  live.view = { document_id: documentId, page };
  renderViewer();
}

function followPresenter() {
  live.follow = true;
  live.view = { document_id: live.presenter.document_id, page: live.presenter.page };
  renderViewer();
}

function turn(delta) {
  const count = pageCount(live.view.document_id);
  let page = live.view.page + delta;
  if (page < 1 || (count && page > count)) return;
  if (amPresenter()) present(live.view.document_id, page);
  else browse(live.view.document_id, page);
}

let toastTimer = null;
function toast(message) {
  let node = document.querySelector(".live-toast");
  if (!node) { node = el("div", { class: "live-toast", role: "alert" }); document.body.append(node); }
  node.textContent = message;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { node.hidden = true; }, 4000);
}

// ---- rendering ------------------------------------------------------------------

function docById(id) { return (live.snap.documents || []).find((d) => d.id === id) || null; }
function pageCount(id) { const doc = docById(id); return doc ? doc.page_count : null; }
function docTitle(id) {
  if (id === null || id === undefined) return "";
  const doc = docById(id);
  return doc ? doc.title : fmt(T.document, { id });
}
function currentItem() {
  const id = live.snap.agenda.current_item_id;
  return live.snap.agenda.items.find((i) => i.id === id) || null;
}

function renderAll() {
  renderStrip();
  renderAgenda();
  renderDocuments();
  renderViewer();
  renderPresence();
  renderFloor();
  renderMe();
  renderPresenterControls();
}

function clock(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(total / 60), s = total % 60;
  return `${m}:${String(s).padStart(2, "0")}`;
}
function serverNow() { return Date.now() + live.clockOffset; }

function renderStrip() {
  const item = currentItem();
  const box = $("strip-item");
  if (box) box.hidden = !item;
  setText("strip-item-title", item ? `${item.number}. ${item.title}` : "");
  tick();
}

function tick() {
  if (!live.snap) return;
  const item = currentItem();
  const started = live.snap.agenda.item_started_at ? Date.parse(live.snap.agenda.item_started_at) : null;
  $all("strip-timer").forEach((node) => {
    if (!item || !started) { node.textContent = ""; return; }
    const elapsed = serverNow() - started;
    const planned = (item.duration_minutes || 0) * 60000;
    node.textContent = planned ? `${clock(elapsed)} / ${clock(planned)}` : clock(elapsed);
    node.classList.toggle("is-over", planned > 0 && elapsed > planned);
    node.title = planned && elapsed > planned ? T.overrun : T.elapsed;
  });
  $all("speaking-timer").forEach((node) => {
    const since = live.snap.floor.speaking_since ? Date.parse(live.snap.floor.speaking_since) : null;
    node.textContent = since ? clock(serverNow() - since) : "";
  });
}
setInterval(tick, 1000);

let agendaScrolledTo = undefined; // the current item last brought into view in the agenda
function renderAgenda() {
  const list = $("agenda");
  if (!list) return;
  const control = list.classList.contains("live-agenda--control") && live.snap.can_chair;
  const currentId = live.snap.agenda.current_item_id;
  list.replaceChildren(...live.snap.agenda.items.map((item) => {
    const isCurrent = item.id === currentId;
    const meta = [item.presenter, item.duration_minutes ? fmt(T.planned, { minutes: item.duration_minutes }) : null]
      .filter(Boolean).join(" · ");
    const body = [
      el("span", { class: "live-agenda__no" }, item.number),
      el("span", { class: "live-agenda__main" },
        el("span", { class: "live-agenda__title" }, item.title),
        meta ? el("span", { class: "live-agenda__meta" }, meta) : null),
      isCurrent ? el("span", { class: "badge badge--live" }, T.current) : null,
    ];
    const attrs = { class: "live-agenda__item" + (isCurrent ? " is-current" : ""), "aria-current": isCurrent ? "step" : null };
    if (control && !isCurrent) {
      return el("li", attrs, el("button", { class: "live-agenda__btn", type: "button", title: T.go_to_item,
        "data-item-id": item.id, onclick: () => act("set_item", { agenda_item_id: item.id }) }, body));
    }
    return el("li", attrs, el("div", { class: "live-agenda__btn" }, body));
  }));
  if (agendaScrolledTo !== currentId) {
    agendaScrolledTo = currentId;
    bringIntoList(list, ".live-agenda__item.is-current");
  }
  const nextButton = $("next-item");
  if (nextButton) {
    const items = live.snap.agenda.items;
    const last = items.length && items[items.length - 1].id === currentId;
    nextButton.disabled = !live.snap.can_chair || !items.length || last || live.snap.meeting.status !== "live";
  }
}

// Every document of the session the member may read, grouped by agenda item in agenda order
// (general documents first), so that reading ahead or back needs no other page. The group of
// the item under discussion is marked, and brought into view when the session moves on.
function documentGroups() {
  const items = live.snap.agenda.items;
  const known = new Set(items.map((item) => item.id));
  const docs = live.snap.documents || [];
  const general = docs.filter((d) => d.agenda_item_id === null || !known.has(d.agenda_item_id));
  const groups = general.length ? [{ item: null, docs: general }] : [];
  const currentId = live.snap.agenda.current_item_id;
  for (const item of items) {
    const own = docs.filter((d) => d.agenda_item_id === item.id);
    // An item without documents is left out, except the one under discussion: its empty group
    // tells the member there is nothing to read for it.
    if (own.length || item.id === currentId) groups.push({ item, docs: own });
  }
  return groups;
}

let shownDocuments = "";       // what the list shows, to leave it alone on unrelated updates
let scrolledToItem = undefined; // the current item whose document group was last brought into view
let scrolledToDocument = undefined; // the open document last brought into view
function renderDocuments() {
  const list = $("documents");
  if (!list) return;
  const currentId = live.snap.agenda.current_item_id;
  const groups = documentGroups();
  const key = JSON.stringify([currentId, live.view.document_id, live.presenter.document_id,
    groups.map((g) => [g.item && g.item.id, g.item && g.item.title, g.docs.map((d) => [d.id, d.title, d.page_count])])]);
  if (key === shownDocuments && list.childElementCount) return;
  shownDocuments = key;
  if (!(live.snap.documents || []).length) {
    list.replaceChildren(el("li", { class: "live-empty" }, T.no_session_documents));
    return;
  }
  list.replaceChildren(...groups.map(({ item, docs }) => {
    const isCurrent = item !== null && item.id === currentId;
    const head = el("div", { class: "live-docs__head" },
      el("span", { class: "live-docs__no" + (item ? "" : " live-docs__no--general"), "aria-hidden": item ? null : "true" },
        item ? item.number : ""),
      el("span", { class: "live-docs__main" },
        isCurrent ? el("span", { class: "live-docs__now" }, T.under_discussion) : null,
        el("span", { class: "live-docs__item" }, item ? item.title : T.general_documents)));
    const rows = docs.length ? docs.map((doc) => {
      const open = doc.id === live.view.document_id;
      // Where the presenter is, for a member reading another document (following, it is this one).
      const onScreen = doc.id === live.presenter.document_id && !open;
      const meta = doc.page_count ? fmt(T.pages, { n: doc.page_count }) : "";
      // Confidential documents say so where they are chosen (the file itself is watermarked per reader).
      const secret = (T.classification || {})[doc.classification] || null;
      return el("li", {},
        el("button", {
          class: "live-doc" + (open ? " is-open" : ""), type: "button", "data-document-id": doc.id,
          "aria-current": open ? "true" : null,
          onclick: () => { if (amPresenter()) present(doc.id, 1); else browse(doc.id, 1); showViewer(); },
        },
        el("span", { class: "live-doc__title" }, doc.title),
        meta || onScreen || secret ? el("span", { class: "live-doc__meta" },
          secret ? el("span", { class: "live-doc__secret" }, secret) : null,
          meta, onScreen ? el("span", { class: "live-doc__screen" }, T.on_screen) : null) : null));
    }) : [el("li", { class: "live-empty" }, T.no_documents)];
    return el("li", {
      class: "live-docs__group" + (isCurrent ? " is-current" : ""),
      "data-item-id": item ? item.id : "general", "aria-current": isCurrent ? "step" : null,
    }, head, el("ul", { class: "live-docs__list" }, rows));
  }));
  if (scrolledToItem !== currentId) {
    scrolledToItem = currentId;
    bringIntoList(list, ".live-docs__group.is-current");
  }
  // Following the presenter into another item's document: show the member where it is.
  if (scrolledToDocument !== live.view.document_id) {
    scrolledToDocument = live.view.document_id;
    bringIntoList(list, ".live-doc.is-open", true);
  }
}

// In portrait the list lies below the page: after a tap there, bring the opened document up.
function showViewer() {
  const viewer = document.querySelector(".live-viewer");
  if (!viewer) return;
  const box = viewer.getBoundingClientRect();
  if (box.top < -1 || box.top > window.innerHeight / 2) viewer.scrollIntoView({ behavior: "smooth", block: "start" });
}

// Scroll the list itself (landscape: it scrolls inside its panel), never the page: in portrait
// the list is part of the page, and jumping the page away from the document would be worse.
// `nearest`: only as far as needed to show the node whole (a tapped row does not move).
// Measured at the next frame, once every panel of the column has its content and its height.
function bringIntoList(list, selector, nearest) {
  requestAnimationFrame(() => {
    const node = list.querySelector(selector);
    if (!node || list.scrollHeight <= list.clientHeight + 1) return;
    const box = list.getBoundingClientRect(), own = node.getBoundingClientRect();
    const top = own.top - box.top + list.scrollTop - 4;
    if (!nearest) { list.scrollTop = Math.max(0, top); return; }
    const bottom = own.bottom - box.top + list.scrollTop + 4;
    if (top < list.scrollTop) list.scrollTop = Math.max(0, top);
    else if (bottom > list.scrollTop + list.clientHeight) list.scrollTop = Math.min(top, bottom - list.clientHeight);
  });
}

function renderViewer() {
  if (!live.snap) return;
  const presenting = amPresenter();
  const mode = $("mode");
  if (mode) {
    const state = presenting ? "presenting" : (live.follow ? "follow" : "free");
    mode.dataset.mode = state;
    setText("mode-text", presenting ? T.you_present : (live.follow ? T.following : T.browsing));
    setText("mode-hint", state === "free" ? fmt(T.presenter_at, { page: live.presenter.page }) +
      (live.presenter.document_id ? ` · ${docTitle(live.presenter.document_id)}` : "") : "");
    const followButton = $("follow");
    if (followButton) followButton.hidden = state !== "free";
  }
  const { document_id: docId, page } = live.view;
  const count = pageCount(docId);
  const label = docId === null || docId === undefined ? "" : (count ? fmt(T.page_of, { page, total: count }) : fmt(T.page_n, { page }));
  setText("page-label", label);
  setText("pager-num", label);
  setText("doc-title", docId === null || docId === undefined ? T.no_document : docTitle(docId));
  setText("ph-doc", docId === null || docId === undefined ? T.no_document : docTitle(docId));
  setText("ph-page", docId === null || docId === undefined ? T.no_document_hint : fmt(T.page_n, { page }));
  const prev = $("prev"), next = $("next");
  const hasDoc = docId !== null && docId !== undefined;
  if (prev) prev.disabled = !hasDoc || page <= 1;
  if (next) next.disabled = !hasDoc || (count ? page >= count : false);
  document.body.dataset.viewPage = hasDoc ? String(page) : "";
  renderDocuments();
  renderPdf(docId, page);
}

// PDF.js renders the page when the documents domain serves the file; otherwise the placeholder shows.
let pdfjs = null;
const pdfCache = new Map();
let renderToken = 0;
let shownPage = "";  // document, page and size the canvas already shows
async function renderPdf(docId, page) {
  const canvas = $("canvas"), placeholder = $("placeholder");
  const doc = docId !== null && docId !== undefined ? docById(docId) : null;
  const token = ++renderToken;
  const stageNow = $("stage");
  if (!doc || !doc.url || !canvas) {
    if (canvas) canvas.hidden = true;
    if (placeholder) placeholder.hidden = false;
    if (stageNow) delete stageNow.dataset.loading;
    shownPage = "";
    return;
  }
  const wanted = `${doc.id}:${page}:${stageNow.clientWidth}x${stageNow.clientHeight}:${window.devicePixelRatio || 1}`;
  // Presence, floor and agenda updates redraw the viewer too: leave an unchanged page alone.
  if (wanted === shownPage && !canvas.hidden) { delete stageNow.dataset.loading; return; }
  try {
    if (!pdfjs) {
      pdfjs = await import(cfg.pdfjs);
      pdfjs.GlobalWorkerOptions.workerSrc = cfg.pdfjs_worker;
    }
    // Another document than the one on the canvas: its title is already shown above the old page,
    // so say it is coming (a large file takes a moment on a busy room's Wi-Fi).
    const switching = canvas.dataset.documentId !== String(doc.id);
    if (switching) stageNow.dataset.loading = "true";
    if (!pdfCache.has(doc.id)) pdfCache.set(doc.id, pdfjs.getDocument(documentSource(doc)).promise);
    const pdf = await pdfCache.get(doc.id);
    const pdfPage = await pdf.getPage(Math.min(page, pdf.numPages));
    if (token !== renderToken) return;
    const stage = $("stage");
    const base = pdfPage.getViewport({ scale: 1 });
    const scale = Math.min((stage.clientWidth - 16) / base.width, (stage.clientHeight - 16) / base.height);
    const ratio = window.devicePixelRatio || 1;
    const viewport = pdfPage.getViewport({ scale: scale * ratio });
    // Draw off screen, then swap in one step: resizing the visible canvas would blank it
    // while the next page renders (a flicker on every page turn).
    const offscreen = document.createElement("canvas");
    offscreen.width = viewport.width;
    offscreen.height = viewport.height;
    await pdfPage.render({ canvasContext: offscreen.getContext("2d"), viewport }).promise;
    if (token !== renderToken) return;
    canvas.width = viewport.width;
    canvas.height = viewport.height;
    canvas.style.width = `${viewport.width / ratio}px`;
    canvas.style.height = `${viewport.height / ratio}px`;
    canvas.getContext("2d").drawImage(offscreen, 0, 0);
    shownPage = wanted;
    // What the canvas shows, for the page's own checks and diagnostics.
    canvas.dataset.documentId = String(doc.id);
    canvas.dataset.page = String(pdfPage.pageNumber);
    canvas.hidden = false;
    if (placeholder) placeholder.hidden = true;
    if (token === renderToken) delete stageNow.dataset.loading;
  } catch (error) {
    delete stageNow.dataset.loading;
    pdfCache.delete(doc.id);
    shownPage = "";
    canvas.hidden = true;
    if (placeholder) placeholder.hidden = false;
  }
}

function renderPresence() {
  const p = live.snap.presence;
  const summary = `${p.present_voting}/${p.total_voting}`;
  $all("quorum").forEach((node) => {
    node.dataset.met = p.quorum_met ? "yes" : "no";
    node.replaceChildren(
      el("span", { class: "live-quorum__num" }, summary),
      el("span", { class: "live-quorum__label" }, p.quorum_met ? T.quorum_met : T.quorum_not_met));
  });
  const box = $("quorum-box");
  if (box) {
    box.dataset.met = p.quorum_met ? "yes" : "no";
    box.replaceChildren(
      el("div", { class: "live-quorum-box__big" }, el("strong", {}, p.present_voting), el("span", {}, `/ ${p.total_voting}`)),
      el("div", { class: "live-quorum-box__text" },
        el("span", { class: "badge " + (p.quorum_met ? "badge--success" : "badge--warning") }, p.quorum_met ? T.quorum_met : T.quorum_not_met),
        el("span", { class: "muted small" }, fmt(T.present_of, { present: p.present_voting, total: p.total_voting }) + " · " +
          fmt(T.quorum_needs, { required: p.quorum_required }))));
  }
  const list = $("people");
  if (list) {
    const lost = new Set(p.connection_lost || []);
    const order = { chair: 0, member: 1, delegate: 2, secretary: 3, guest: 4 };
    const people = [...live.dir.participants].sort((a, b) => (order[a.role] - order[b.role]) || a.full_name.localeCompare(b.full_name, "vi"));
    list.replaceChildren(...people.map((person) => {
      const state = p.attendance[String(person.user_id)] || person.attendance;
      const note = (p.notes || {})[String(person.user_id)];
      const content = [
        el("span", { class: "live-person__dot", "aria-hidden": "true" }),
        el("span", { class: "live-person__main" },
          el("span", { class: "live-person__name" }, person.full_name),
          el("span", { class: "live-person__sub" }, [T.roles[person.role], T.attendance[state], note].filter(Boolean).join(" · "))),
        lost.has(person.user_id) ? el("span", { class: "badge badge--warning" }, T.connection_lost) : null,
      ];
      const attrs = { class: "live-person", "data-user-id": person.user_id, "data-attendance": state };
      if (cfg.secretariat && person.role !== "secretary" && live.snap.meeting.status !== "ended") {
        return el("li", {}, el("button", Object.assign(attrs, { class: "live-person live-person--btn", type: "button",
          onclick: () => openAttendance(person) }), content));
      }
      return el("li", attrs, content);
    }));
  }
}

function renderFloor() {
  const f = live.snap.floor;
  $all("speaking").forEach((node) => {
    if (f.speaking) {
      node.replaceChildren(el("div", { class: "live-speaker" },
        el("span", { class: "live-speaker__mic", "aria-hidden": "true" }),
        el("span", { class: "live-speaker__main" },
          el("span", { class: "live-speaker__label" }, T.speaking),
          el("strong", {}, nameOf(f.speaking))),
        el("span", { class: "live-timer", "data-live": "speaking-timer" }),
        live.snap.can_manage_floor && node.closest(".live-panel") ?
          el("button", { class: "btn btn--danger btn--compact", type: "button", onclick: () => act("floor_end", {}) }, T.end_floor) : null));
    } else {
      node.replaceChildren(el("div", { class: "live-empty" }, cfg.mode === "display" ? "" : T.nobody_speaking));
    }
  });
  const queue = $("queue");
  if (queue) {
    const control = queue.classList.contains("live-queue--control") && live.snap.can_manage_floor;
    if (!f.queue.length) queue.replaceChildren(el("li", { class: "live-empty" }, T.queue_empty));
    else queue.replaceChildren(...f.queue.map((userId, index) => el("li", { class: "live-queue__item" },
      el("span", { class: "live-queue__no" }, index + 1),
      el("span", { class: "live-queue__name" }, nameOf(userId)),
      control ? el("button", { class: "btn btn--primary btn--compact", type: "button",
        onclick: () => act("floor_grant", { user_id: userId }) }, T.give_floor) : null)));
  }
  tick();
}

function renderMe() {
  if (!live.snap || cfg.mode === "display") return;
  const state = live.snap.presence.attendance[String(ME)];
  const checkIn = $("check-in"), checked = $("checked-in");
  const isMember = live.people.has(ME) || Boolean(live.snap.me && live.snap.me.role);
  const present = state === "present" || state === "present_online";
  const open = ["published", "live"].includes(live.snap.meeting.status);
  if (checkIn) checkIn.hidden = !isMember || present || !open;
  if (checked) checked.hidden = !present;
  const f = live.snap.floor;
  const queued = f.queue.indexOf(ME);
  const request = $("floor-request"), withdraw = $("floor-withdraw"), status = $("floor-status");
  const canAsk = live.snap.can_request_floor && live.snap.meeting.status === "live";
  if (request) request.hidden = !canAsk || queued >= 0 || f.speaking === ME;
  if (withdraw) withdraw.hidden = queued < 0;
  if (status) {
    status.hidden = queued < 0 && f.speaking !== ME;
    status.textContent = f.speaking === ME ? T.you_speak : fmt(T.floor_queued, { n: queued + 1 });
    status.classList.toggle("live-note--ok", f.speaking === ME);
  }
}

function renderPresenterControls() {
  if (!live.snap) return;
  const select = $("presenter-select");
  if (select) {
    const current = live.presenter.presenter_id;
    select.replaceChildren(...live.dir.participants
      .filter((p) => p.role !== "secretary")
      .map((p) => el("option", { value: p.user_id, selected: p.user_id === current }, `${p.full_name} · ${T.roles[p.role]}`)));
    select.disabled = !live.snap.can_chair || live.snap.meeting.status !== "live";
    const apply = $("presenter-apply");
    if (apply) apply.disabled = select.disabled;
  }
  const pager = document.querySelector(".live-pager");
  if (pager) pager.dataset.presenting = amPresenter() ? "yes" : "no";
}

// ---- attendance dialog (secretariat) -----------------------------------------------

let attendanceFor = null;
function openAttendance(person) {
  const dialog = $("attendance-dialog");
  if (!dialog) return;
  attendanceFor = person;
  setText("attendance-name", person.full_name);
  const form = $("attendance-form");
  const current = live.snap.presence.attendance[String(person.user_id)];
  form.elements.attendance.value = current && current !== "unknown" ? current : "present";
  form.elements.note.value = (live.snap.presence.notes || {})[String(person.user_id)] || "";
  $("att-error").hidden = true;
  syncAttendanceFields();
  dialog.showModal();
}
function syncAttendanceFields() {
  const form = $("attendance-form");
  if (!form) return;
  const value = form.elements.attendance.value;
  $("att-note-field").hidden = !["absent_excused", "absent"].includes(value);
  $("att-standin-field").hidden = value !== "substituted";
}
const attendanceForm = $("attendance-form");
if (attendanceForm) {
  attendanceForm.elements.attendance.addEventListener("change", syncAttendanceFields);
  attendanceForm.addEventListener("submit", async (event) => {
    if (event.submitter && event.submitter.value === "cancel") return;
    event.preventDefault();
    const data = { user_id: attendanceFor.user_id, attendance: attendanceForm.elements.attendance.value,
      note: attendanceForm.elements.note.value };
    if (data.attendance === "substituted") data.stand_in_user_id = Number(attendanceForm.elements.stand_in_user_id.value);
    const ack = await call("set_attendance", data);
    if (ack.ok) { live.snap.presence = ack.presence; renderPresence(); renderMe(); $("attendance-dialog").close(); }
    else { const box = $("att-error"); box.textContent = ack.error.message; box.hidden = false; }
  });
}

// ---- wiring ---------------------------------------------------------------------------

const bind = (name, handler) => $all(name).forEach((node) => node.addEventListener("click", handler));
bind("prev", () => turn(-1));
bind("next", () => turn(1));
bind("follow", followPresenter);
bind("next-item", () => act("next_item", {}));
bind("check-in", async () => { const ack = await act("check_in", {}); if (ack.ok) { live.snap.presence = ack.presence; renderPresence(); renderMe(); } });
bind("floor-request", async () => { const ack = await act("floor_request", {}); if (ack.ok) { live.snap.floor = ack.floor; renderFloor(); renderMe(); } });
bind("floor-withdraw", async () => { const ack = await act("floor_withdraw", {}); if (ack.ok) { live.snap.floor = ack.floor; renderFloor(); renderMe(); } });
bind("presenter-apply", () => {
  const select = $("presenter-select");
  if (select) act("set_presenter", { user_id: Number(select.value) });
});
document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, select, textarea, dialog")) return;
  if (event.key === "ArrowRight" || event.key === "PageDown") turn(1);
  if (event.key === "ArrowLeft" || event.key === "PageUp") turn(-1);
});
// Swipe to turn pages on a tablet.
let touchX = null;
const stage = $("stage");
if (stage && cfg.mode !== "display") {
  stage.addEventListener("touchstart", (e) => { touchX = e.touches[0].clientX; }, { passive: true });
  stage.addEventListener("touchend", (e) => {
    if (touchX === null) return;
    const dx = e.changedTouches[0].clientX - touchX;
    touchX = null;
    if (Math.abs(dx) > 60) turn(dx < 0 ? 1 : -1);
  });
}
window.addEventListener("resize", () => live.snap && renderPdf(live.view.document_id, live.view.page));

// For tests and diagnostics.
window.ecabinetLive = { applyPage, applyAgenda, state: () => live, socket };
