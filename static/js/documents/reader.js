// The tablet reader: PDF.js, one page at a time, swipe/buttons/keys to turn pages, pinch and
// fit-width zoom, thumbnails, search, private notes and highlights. All texts come from the page.
import {drawPage, loadPdfjs, openPdf, showDrawn} from "../pdfview.js";
import {findInItems, matchBoxes} from "../textsearch.js";

const root = document.getElementById("reader");
const text = JSON.parse(document.getElementById("reader-strings").textContent);
const $ = (selector) => root.querySelector(selector);
const fmt = (message, values) => message.replace(/%\((\w+)\)s/g, (_m, key) => values[key]);
const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

const state = {pdf: null, page: 1, pages: parseInt(root.dataset.pages, 10), zoom: 1, fit: true,
               rendering: null, cache: new Map(), notes: [], matches: [], matchIndex: -1, query: "",
               highlightMode: false};
const stage = $("#stage");
const pageBox = $("[data-page]");
const canvas = pageBox.querySelector("canvas");
const overlay = $("[data-overlay]");
const status = $("[data-status]");
const gotoInput = $("#goto-page");

function baseScale(page) {
  const viewport = page.getViewport({scale: 1});
  const width = stage.clientWidth - 32;
  const height = stage.clientHeight - 32;
  const fitWidth = width / viewport.width;
  // Fit width, but on a landscape tablet keep the whole page in view unless the reader zooms.
  return Math.max(0.2, Math.min(fitWidth, state.fit ? Math.max(height / viewport.height, fitWidth * 0.6) : fitWidth));
}

async function drawNumber(number) {
  const page = await state.pdf.getPage(number);
  return drawPage(page, baseScale(page) * state.zoom);
}

async function show(number) {
  number = Math.min(Math.max(1, number), state.pages);
  state.page = number;
  gotoInput.value = number;
  $('[data-note-label]').textContent = fmt(text.page, {page: number});
  $('[data-action="prev"]').disabled = number <= 1;
  $('[data-action="next"]').disabled = number >= state.pages;
  const ticket = Symbol("render");
  state.rendering = ticket;
  const key = `${number}@${state.zoom}@${stage.clientWidth}`;
  let drawn = state.cache.get(key);
  if (!drawn) {
    drawn = await drawNumber(number);
    state.cache.set(key, drawn);
  }
  // What goes over the page (highlights, search hits) is built before the swap too.
  const marks = await overlayFor(drawn.page, drawn.viewport, number);
  if (state.rendering !== ticket) return;
  // The swap, in one task: resizing the visible canvas clears it, so it is resized, redrawn and
  // given the overlay of the same page before the browser paints again. Turning a page never
  // shows a blank or half-drawn page, nor the previous page's marks over the new one.
  showDrawn(canvas, drawn);
  overlay.replaceChildren(...marks);
  // Which page the canvas and the overlay show, for the page's checks and diagnostics.
  canvas.dataset.shownPage = overlay.dataset.shownPage = String(number);
  // A pinch keeps its preview scale until the page drawn at the new zoom takes its place.
  pageBox.style.transform = "";
  status.hidden = true;
  pageBox.hidden = false;
  pageBox.style.width = canvas.style.width;
  pageBox.style.height = canvas.style.height;
  state.viewport = drawn.viewport;
  markThumb();
  stage.scrollTop = 0;
  // Prefetch: render the next page in the background so turning is instant.
  if (number < state.pages) {
    const nextKey = `${number + 1}@${state.zoom}@${stage.clientWidth}`;
    if (!state.cache.has(nextKey)) {
      drawNumber(number + 1).then((result) => { state.cache.set(nextKey, result); }).catch(() => {});
    }
  }
  if (state.cache.size > 12) state.cache.delete(state.cache.keys().next().value);
}

function resetCache() { state.cache.clear(); }

// -- overlay: search hits and my highlights ------------------------------------------
// The marks for one page, as detached elements: show() puts them in place with the page.
async function overlayFor(page, viewport, number) {
  const marks = [];
  for (const note of state.notes) {
    if (note.page !== number || note.kind !== "highlight") continue;
    const [x, y, w, h] = note.rect;
    const mark = document.createElement("div");
    mark.className = `reader-mark reader-mark--${note.color || "yellow"}`;
    Object.assign(mark.style, {left: `${x * 100}%`, top: `${y * 100}%`, width: `${w * 100}%`, height: `${h * 100}%`});
    marks.push(mark);
  }
  if (!state.query) return marks;
  // Every match on the page, over the very characters found (not the whole line); the current
  // one stands out. Diacritics and case do not matter: "ngan sach" marks "ngân sách".
  const content = await page.getTextContent();
  const current = state.matches[state.matchIndex];
  matchBoxes(content, findInItems(content.items, state.query), viewport).forEach((boxes, index) => {
    const isCurrent = current && current.page === number && current.index === index;
    for (const box of boxes) {
      const hit = document.createElement("div");
      hit.className = isCurrent ? "reader-hit reader-hit--current" : "reader-hit";
      hit.dataset.match = String(index);
      Object.assign(hit.style, {left: `${box.left}px`, top: `${box.top}px`, width: `${box.width}px`,
                                height: `${box.height}px`});
      marks.push(hit);
    }
  });
  return marks;
}

// -- thumbnails ------------------------------------------------------------------------
function buildThumbs() {
  const box = $(".reader-thumbs");
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      const button = entry.target;
      observer.unobserve(button);
      state.pdf.getPage(Number(button.dataset.page)).then((page) => {
        const viewport = page.getViewport({scale: 150 / page.getViewport({scale: 1}).width});
        const thumb = button.querySelector("canvas");
        thumb.width = viewport.width; thumb.height = viewport.height;
        return page.render({canvas: thumb, viewport}).promise;
      }).catch(() => {});
    }
  }, {root: box, rootMargin: "200px"});
  for (let n = 1; n <= state.pages; n++) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "reader-thumb";
    button.dataset.page = n;
    button.setAttribute("aria-label", fmt(text.page, {page: n}));
    button.innerHTML = `<canvas width="150" height="212"></canvas><span>${n}</span>`;
    button.addEventListener("click", () => show(n));
    box.appendChild(button);
    observer.observe(button);
  }
}

function markThumb() {
  root.querySelectorAll(".reader-thumb").forEach((b) => b.toggleAttribute("aria-current", Number(b.dataset.page) === state.page));
}

// -- search ----------------------------------------------------------------------------
async function search(query) {
  state.query = query.trim();
  state.matches = [];
  state.matchIndex = -1;
  const statusEl = $("[data-search-status]");
  if (!state.query) { statusEl.textContent = ""; show(state.page); return; }
  statusEl.textContent = text.searching;
  const wanted = state.query;
  const found = [];
  for (let n = 1; n <= state.pages; n++) {
    const page = await state.pdf.getPage(n);
    const content = await page.getTextContent();
    findInItems(content.items, wanted).forEach((_match, index) => found.push({page: n, index}));
    if (state.query !== wanted) return;  // a newer search took over
  }
  state.matches = found;
  if (state.matches.length) stepMatch(1);
  else { statusEl.textContent = text.no_results; show(state.page); }
}

async function stepMatch(direction) {
  if (!state.matches.length) return;
  state.matchIndex = (state.matchIndex + direction + state.matches.length) % state.matches.length;
  $("[data-search-status]").textContent = fmt(text.result_of, {index: state.matchIndex + 1, count: state.matches.length});
  await show(state.matches[state.matchIndex].page);
  // Zoomed in, the page may be larger than the screen: bring the current match into view.
  const hit = overlay.querySelector(".reader-hit--current");
  if (hit) hit.scrollIntoView({block: "nearest", inline: "nearest"});
}

// -- notes -----------------------------------------------------------------------------
async function api(url, options = {}) {
  const response = await fetch(url, {credentials: "same-origin", ...options,
    headers: {"Accept": "application/json", "Content-Type": "application/json", "X-CSRFToken": csrf(),
              ...(options.headers || {})}});
  if (!response.ok) throw new Error(response.status);
  return response.status === 204 ? null : response.json();
}

async function loadNotes() {
  try {
    state.notes = (await api(root.dataset.notesUrl)).notes;
  } catch (e) { state.notes = []; }
  renderNotes();
}

function renderNotes() {
  const list = $("[data-notes]");
  list.replaceChildren();
  if (!state.notes.length) {
    const empty = document.createElement("li");
    empty.className = "reader-notes__empty";
    empty.textContent = text.no_notes;
    list.appendChild(empty);
  }
  for (const note of state.notes) {
    const li = document.createElement("li");
    li.className = "reader-note";
    const open = document.createElement("button");
    open.type = "button";
    open.className = "reader-note__open";
    open.innerHTML = `<span class="reader-note__page"></span><span class="reader-note__text"></span>`;
    open.querySelector(".reader-note__page").textContent = fmt(text.page, {page: note.page})
      + (note.kind === "highlight" ? ` · ${text.highlight}` : "");
    open.querySelector(".reader-note__text").textContent = note.text || "";
    open.addEventListener("click", () => show(note.page));
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "icon-btn icon-btn--danger";
    remove.setAttribute("aria-label", text.delete);
    remove.title = text.delete;
    remove.innerHTML = '<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M4.5 7h15M10 11v6M14 11v6M6.5 7l1 12.5a1.5 1.5 0 0 0 1.5 1.5h6a1.5 1.5 0 0 0 1.5-1.5l1-12.5M9.5 7V4.5h5V7"/></svg>';
    remove.addEventListener("click", async () => {
      await api(`${root.dataset.notesUrl}/${note.id}`, {method: "DELETE"});
      state.notes = state.notes.filter((n) => n.id !== note.id);
      renderNotes();
      show(state.page);
    });
    li.append(open, remove);
    list.appendChild(li);
  }
}

async function addNote(body) {
  const note = await api(root.dataset.notesUrl, {method: "POST", body: JSON.stringify(body)});
  state.notes.push(note);
  state.notes.sort((a, b) => a.page - b.page || a.id - b.id);
  renderNotes();
  show(state.page);
}

// -- gestures: swipe to turn, pinch to zoom, drag to highlight ----------------------------
function bindGestures() {
  const pointers = new Map();
  let start = null, pinchStart = null, drawing = null;
  stage.addEventListener("pointerdown", (e) => {
    pointers.set(e.pointerId, e);
    if (state.highlightMode && pointers.size === 1 && pageBox.contains(e.target)) {
      const box = pageBox.getBoundingClientRect();
      drawing = {x: e.clientX - box.left, y: e.clientY - box.top, el: document.createElement("div")};
      drawing.el.className = "reader-mark reader-mark--yellow";
      overlay.appendChild(drawing.el);
      e.preventDefault();
      return;
    }
    if (pointers.size === 1) start = {x: e.clientX, y: e.clientY, t: Date.now()};
    if (pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      pinchStart = {d: Math.hypot(a.clientX - b.clientX, a.clientY - b.clientY), zoom: state.zoom};
      start = null;
    }
  });
  stage.addEventListener("pointermove", (e) => {
    if (!pointers.has(e.pointerId)) return;
    pointers.set(e.pointerId, e);
    if (drawing) {
      const box = pageBox.getBoundingClientRect();
      const x = e.clientX - box.left, y = e.clientY - box.top;
      Object.assign(drawing.el.style, {left: `${Math.min(x, drawing.x)}px`, top: `${Math.min(y, drawing.y)}px`,
        width: `${Math.abs(x - drawing.x)}px`, height: `${Math.abs(y - drawing.y)}px`});
      drawing.end = {x, y};
    } else if (pinchStart && pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      const ratio = Math.hypot(a.clientX - b.clientX, a.clientY - b.clientY) / pinchStart.d;
      pageBox.style.transform = `scale(${ratio})`;
      pageBox.dataset.pinch = ratio;
    }
  });
  const end = (e) => {
    pointers.delete(e.pointerId);
    if (drawing) {
      const box = pageBox.getBoundingClientRect();
      const d = drawing; drawing = null;
      if (d.end && Math.abs(d.end.x - d.x) > 8 && Math.abs(d.end.y - d.y) > 6) {
        const rect = [Math.min(d.x, d.end.x) / box.width, Math.min(d.y, d.end.y) / box.height,
                      Math.abs(d.end.x - d.x) / box.width, Math.abs(d.end.y - d.y) / box.height]
          .map((v) => Math.min(1, Math.max(0, v)));
        addNote({page: state.page, kind: "highlight", rect, color: "yellow"}).catch(() => {});
      } else { d.el.remove(); }
      toggleHighlightMode(false);
      return;
    }
    if (pinchStart && pointers.size < 2) {
      const ratio = parseFloat(pageBox.dataset.pinch || "1");
      // The scaled preview stays until show() swaps in the page drawn at the new zoom: resetting
      // it here would snap the page back to its old size while the new one renders.
      delete pageBox.dataset.pinch;
      setZoom(pinchStart.zoom * ratio);
      pinchStart = null;
      return;
    }
    if (start && e.type === "pointerup") {
      const dx = e.clientX - start.x, dy = e.clientY - start.y;
      const fitsWidth = stage.scrollWidth <= stage.clientWidth + 2;
      if (fitsWidth && Math.abs(dx) > 60 && Math.abs(dx) > Math.abs(dy) * 1.5 && Date.now() - start.t < 800) {
        show(state.page + (dx < 0 ? 1 : -1));
      }
    }
    start = null;
  };
  stage.addEventListener("pointerup", end);
  stage.addEventListener("pointercancel", end);
}

function setZoom(zoom) {
  state.zoom = Math.min(4, Math.max(0.5, zoom));
  state.fit = false;
  resetCache();
  show(state.page);
}

function toggleHighlightMode(on) {
  state.highlightMode = on;
  const button = $('[data-action="highlight"]');
  button.setAttribute("aria-pressed", String(on));
  root.classList.toggle("is-highlighting", on);
  if (on) $("[data-search-status]").textContent = text.draw_highlight;
}

function toggle(name, force) {
  const button = $(`[data-toggle="${name}"]`);
  const on = force ?? button.getAttribute("aria-pressed") !== "true";
  button.setAttribute("aria-pressed", String(on));
  const panel = name === "search" ? $("[data-search]") : $(`[data-panel="${name}"]`);
  panel.hidden = !on;
  if (name === "search" && on) panel.querySelector("input").focus();
  if (name !== "search") { resetCache(); if (state.pdf) show(state.page); }
}

function bindControls() {
  root.addEventListener("click", (e) => {
    const action = e.target.closest("[data-action]");
    const toggler = e.target.closest("[data-toggle]");
    const tab = e.target.closest("[data-tab]");
    if (toggler) toggle(toggler.dataset.toggle);
    if (tab) {
      root.querySelectorAll("[data-tab]").forEach((t) => t.setAttribute("aria-selected", String(t === tab)));
      root.querySelectorAll("[data-tabpanel]").forEach((p) => { p.hidden = p.dataset.tabpanel !== tab.dataset.tab; });
    }
    if (!action) return;
    const name = action.dataset.action;
    if (name === "prev") show(state.page - 1);
    if (name === "next") show(state.page + 1);
    if (name === "zoom-in") setZoom(state.zoom * 1.25);
    if (name === "zoom-out") setZoom(state.zoom / 1.25);
    if (name === "fit") { state.zoom = 1; state.fit = false; resetCache(); show(state.page); }
    if (name === "search-next") stepMatch(1);
    if (name === "search-prev") stepMatch(-1);
    if (name === "highlight") toggleHighlightMode(!state.highlightMode);
    if (name === "reload") location.reload();
  });
  $("[data-goto]").addEventListener("submit", (e) => { e.preventDefault(); show(parseInt(gotoInput.value, 10) || 1); });
  gotoInput.addEventListener("change", () => show(parseInt(gotoInput.value, 10) || 1));
  $("[data-search]").addEventListener("submit", (e) => { e.preventDefault(); search(e.target.q.value); });
  $("[data-note-form]").addEventListener("submit", async (e) => {
    e.preventDefault();
    const value = e.target.text.value.trim();
    if (!value) return;
    try {
      await addNote({page: state.page, text: value});
      e.target.text.value = "";
    } catch (error) { $("[data-search-status]").textContent = text.note_failed; }
  });
  document.addEventListener("keydown", (e) => {
    // Escape closes the search bar, from its field too, and the focus returns to its button.
    if (e.key === "Escape" && !$("[data-search]").hidden) {
      toggle("search", false);
      $('[data-toggle="search"]').focus();
      return;
    }
    if (e.target.matches("input, textarea")) return;
    // A zoomed page wider than the stage pans with the arrows once the stage has the focus.
    const panning = e.target === stage && stage.scrollWidth > stage.clientWidth + 2;
    if ((e.key === "ArrowRight" && !panning) || e.key === "PageDown") show(state.page + 1);
    if ((e.key === "ArrowLeft" && !panning) || e.key === "PageUp") show(state.page - 1);
  });
  let resizeTimer;
  window.addEventListener("resize", () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(() => { resetCache(); show(state.page); }, 150); });
  // Narrow portrait screens start with the page, not the list.
  if (window.innerWidth < 900) toggle("sidebar", false);
}

function banner(message) {
  $("[data-banner-text]").textContent = message;
  $("[data-banner]").hidden = false;
}

// Offline: say so, and mark which documents of the list are on this tablet for this user.
async function showOffline() {
  banner(text.offline);
  const held = window.ecabinetDevice ? await window.ecabinetDevice.heldFiles() : new Set();
  root.querySelectorAll(".reader-library__doc[data-file-url]").forEach((link) => {
    const here = held.has(link.dataset.fileUrl);
    link.classList.toggle("is-unavailable", !here);
    const label = link.querySelector("[data-held]");
    label.textContent = " · " + (here ? text.held : text.not_held);
    label.hidden = false;
  });
  if (root.querySelector(".reader-library__doc.is-unavailable")) $("[data-search-status]").textContent = text.offline_library;
}

function showOnline() {
  $("[data-banner]").hidden = true;
  root.querySelectorAll(".reader-library__doc").forEach((link) => link.classList.remove("is-unavailable"));
  root.querySelectorAll("[data-held]").forEach((label) => { label.hidden = true; });
}

// New documents, new versions and the end of the session. While the session is live and the user
// may be in its room (data-live-room, decided on the server by the live domain) the reader listens
// to the room; otherwise it joins no room (joining a room it may not be in was refused and audited)
// and refetches the document list when it is shown again, and now and then while shown. Either way
// it keeps a connection: the server closes it when the account is signed out or deactivated
// elsewhere, and the tablet then drops what it holds at once (a shared tablet, a lost tablet).
const REFETCH_EVERY_MS = 120000;
const OVER = ["ended", "archived"];
const reader = {status: root.dataset.status, listening: false, lastFetch: 0};

function documentsKey(documents) {
  return JSON.stringify(documents.map((d) => [d.id, d.version]).sort((a, b) => a[0] - b[0]));
}
const shownDocuments = documentsKey(JSON.parse(document.getElementById("reader-library").textContent));

function applyStatus(status) {
  if (!status || status === reader.status) return;
  reader.status = status;
  if (OVER.includes(status)) $("[data-ended]").hidden = false;
  else if (status === "live" && !reader.listening) banner(text.session_started);
}

async function refetch() {
  if (!navigator.onLine || Date.now() - reader.lastFetch < 2000) return;  // focus and visibility fire together
  reader.lastFetch = Date.now();
  try {
    const response = await fetch(root.dataset.listUrl, {credentials: "same-origin", headers: {Accept: "application/json"}});
    if (response.status === 401 && window.ecabinetDevice) { window.ecabinetDevice.signOut(); return; }
    if (!response.ok) return;
    const data = await response.json();
    if (documentsKey(data.documents) !== shownDocuments) banner(text.list_changed);
    applyStatus(data.meeting_status);
  } catch (_error) { /* offline or interrupted: the next showing asks again */ }
}

function connect(joinRoom) {
  const meetingId = Number(root.dataset.meetingId);
  const device = window.ecabinetDevice;
  const socket = window.io({transports: ["websocket", "polling"]});
  let connectedBefore = false;
  reader.listening = joinRoom;
  socket.on("connect", () => {
    root.dataset.socket = "connected";  // what is heard now is current (and tests can wait for it)
    if (joinRoom) socket.emit("join", {meeting_id: meetingId});
    if (device) device.sync(true);  // what this user may still hold may have changed meanwhile
    if (connectedBefore) refetch();  // what the room said while this tablet was away
    connectedBefore = true;
  });
  socket.on("connect_error", (error) => {
    if (device && error && error.data && error.data.code === "not_authenticated") device.signOut();
  });
  socket.on("disconnect", (reason) => {
    root.dataset.socket = "disconnected";
    if (device && reason === "io server disconnect") device.check();
  });
  if (!joinRoom) return;
  socket.on("documents", (payload) => { if (payload && payload.meeting_id === meetingId) banner(text.list_changed); });
  socket.on("meeting", (payload) => {
    if (!payload || payload.meeting_id !== meetingId) return;
    applyStatus(payload.status);
    if (OVER.includes(payload.status)) socket.disconnect();  // nothing more to hear: its documents are final
  });
}

function bindLive() {
  window.addEventListener("offline", showOffline);
  window.addEventListener("online", () => { showOnline(); refetch(); });
  if (!navigator.onLine) showOffline();
  const joinRoom = root.dataset.liveRoom === "1";
  if (typeof window.io === "function") connect(joinRoom);
  if (joinRoom) return;
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") refetch(); });
  window.addEventListener("focus", refetch);
  setInterval(() => { if (document.visibilityState === "visible") refetch(); }, REFETCH_EVERY_MS);
}

async function main() {
  bindControls();
  bindGestures();
  try {
    const lib = await loadPdfjs({lib: root.dataset.pdfjs, worker: root.dataset.worker,
                                 legacyLib: root.dataset.pdfjsLegacy, legacyWorker: root.dataset.workerLegacy});
    state.pdf = await openPdf(lib, {url: root.dataset.fileUrl, withCredentials: true,
      cMapUrl: root.dataset.cmaps, cMapPacked: true, standardFontDataUrl: root.dataset.fonts});
    state.pages = state.pdf.numPages;
    await loadNotes();
    await show(1);
    root.classList.add("is-ready");
    buildThumbs();
    markThumb();
  } catch (error) {
    console.error(error);
    status.textContent = text.failed;
    status.classList.add("is-error");
  }
  bindLive();
}

main();
