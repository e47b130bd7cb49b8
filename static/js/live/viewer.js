// The presented page, on the tablet, the console and the room display: follow or browse, turn
// pages, fit to the page or to the width, zoom with buttons, pinch and the wheel, pan by scrolling.
// Zooming never leaves follow mode: the member keeps following at the size they chose.
import { drawPage, fitScale, loadPdfjs, openPdf, showDrawn } from "../pdfview.js";
import {
  $, T, amPresenter, bind, call, cfg, displayToken, docById, docTitle, emit, fmt, isDisplay, live,
  on, pageCount, rejoin, setText, toast,
} from "./room.js";

// fit: "page" (the whole page in view, the default) or "width"; factor: the zoom on top of it.
live.zoom = { fit: "page", factor: 1 };
const MIN_ZOOM = 0.5, MAX_ZOOM = 4;

// The room display has no login: it reads the presented document with its display token.
function documentSource(doc) {
  if (!isDisplay) return { url: doc.url, withCredentials: true };
  return {
    url: `/live/display/${cfg.meeting_id}/documents/${doc.id}/file`,
    httpHeaders: { "X-Display-Token": displayToken() },
  };
}

// ---- follow, browse, present ------------------------------------------------------------

export async function present(documentId, page) {
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
    rejoin();
  }
}

export function browse(documentId, page) {
  live.follow = false;
  live.view = { document_id: documentId, page };
  renderViewer();
}

/** Open a document from a list: the presenter presents it, anyone else reads it. */
export function openDocument(documentId) {
  if (amPresenter()) present(documentId, 1); else browse(documentId, 1);
}

function followPresenter() {
  live.follow = true;
  live.view = { document_id: live.presenter.document_id, page: live.presenter.page };
  renderViewer();
}

export function turn(delta) {
  const count = pageCount(live.view.document_id);
  const page = live.view.page + delta;
  if (page < 1 || (count && page > count)) return;
  if (amPresenter()) present(live.view.document_id, page);
  else browse(live.view.document_id, page);
}

// ---- rendering ----------------------------------------------------------------------------

export function renderViewer() {
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
  const hasDoc = docId !== null && docId !== undefined;
  const count = pageCount(docId);
  const label = !hasDoc ? "" : (count ? fmt(T.page_of, { page, total: count }) : fmt(T.page_n, { page }));
  setText("page-label", label);
  setText("doc-title", hasDoc ? docTitle(docId) : T.no_document);
  setText("ph-doc", hasDoc ? docTitle(docId) : T.no_document);
  setText("ph-page", hasDoc ? fmt(T.page_n, { page }) : T.no_document_hint);
  const prev = $("prev"), next = $("next");
  if (prev) prev.disabled = !hasDoc || page <= 1;
  if (next) next.disabled = !hasDoc || (count ? page >= count : false);
  const viewer = document.querySelector(".live-viewer");
  if (viewer) viewer.dataset.presenting = presenting ? "yes" : "no";
  document.body.dataset.viewPage = hasDoc ? String(page) : "";
  renderZoomControls();
  emit("view");
  renderPdf(docId, page);
}

// PDF.js renders the page when the documents domain serves the file; otherwise the placeholder shows.
const pdfCache = new Map();
let renderToken = 0;
let shownPage = "";  // document, page, size and zoom the canvas already shows
on("documents", () => { pdfCache.clear(); shownPage = ""; });

function pdfjsUrls() {
  return { lib: cfg.pdfjs, worker: cfg.pdfjs_worker };
}

/** The canvas's page as drawn now: {document_id, page, width, height} or null. */
export const shown = { drawn: null, documentId: null };

/** The open PDF of a document of the session: opened once, shared by the page on screen and the
 *  search (static/js/live/search.js). */
export async function pdfFor(doc) {
  const pdfjs = await loadPdfjs(pdfjsUrls());
  if (!pdfCache.has(doc.id)) pdfCache.set(doc.id, openPdf(pdfjs, documentSource(doc)));
  return pdfCache.get(doc.id);
}

export function redraw() { shownPage = ""; if (live.snap) renderPdf(live.view.document_id, live.view.page); }

async function renderPdf(docId, page) {
  const canvas = $("canvas"), placeholder = $("placeholder"), stage = $("stage"), scroller = $("scroller") || stage;
  const sheet = $("sheet");
  const doc = docId !== null && docId !== undefined ? docById(docId) : null;
  const token = ++renderToken;
  if (!doc || !doc.url || !canvas) {
    if (sheet) sheet.hidden = true;
    if (canvas) canvas.hidden = true;
    if (placeholder) placeholder.hidden = false;
    if (stage) delete stage.dataset.loading;
    shownPage = "";
    shown.drawn = null;
    emit("drawn");
    return;
  }
  const { fit, factor } = live.zoom;
  const wanted = `${doc.id}:${page}:${scroller.clientWidth}x${scroller.clientHeight}:${fit}:${factor}:${window.devicePixelRatio || 1}`;
  // Presence, floor and agenda updates redraw the viewer too: leave an unchanged page alone.
  if (wanted === shownPage && !canvas.hidden) { delete stage.dataset.loading; return; }
  try {
    // Another document than the one on the canvas: its title is already shown above the old page,
    // so say it is coming (a large file takes a moment on a busy room's Wi-Fi).
    const switching = canvas.dataset.documentId !== String(doc.id);
    if (switching) stage.dataset.loading = "true";
    const pdf = await pdfFor(doc);
    const pdfPage = await pdf.getPage(Math.min(page, pdf.numPages));
    if (token !== renderToken) return;
    const room = isDisplay ? 24 : 8;  // the projector keeps a thin dark frame round the page
    const scale = fitScale(pdfPage, scroller.clientWidth - room, scroller.clientHeight - room, fit) * factor;
    const drawn = await drawPage(pdfPage, scale);
    if (token !== renderToken) return;
    const samePage = canvas.dataset.documentId === String(doc.id) && canvas.dataset.page === String(pdfPage.pageNumber);
    // The swap: the drawn page, its marks and its frame in the same task, before the next paint.
    showDrawn(canvas, drawn);
    if (sheet) { sheet.style.transform = ""; sheet.hidden = false; }
    shownPage = wanted;
    // What the canvas shows, for the page's own checks and diagnostics.
    canvas.dataset.documentId = String(doc.id);
    canvas.dataset.page = String(pdfPage.pageNumber);
    canvas.hidden = false;
    if (placeholder) placeholder.hidden = true;
    shown.drawn = drawn;
    shown.documentId = doc.id;
    emit("drawn");
    // A new page starts at its top (zoomed in, the reader pans from there); a re-zoom keeps its place.
    if (!samePage) scroller.scrollTop = 0;
    if (token === renderToken) delete stage.dataset.loading;
  } catch (error) {
    delete stage.dataset.loading;
    pdfCache.delete(doc.id);
    shownPage = "";
    canvas.hidden = true;
    if (sheet) sheet.hidden = true;
    if (placeholder) placeholder.hidden = false;
  }
}

// ---- zoom, pinch and pan --------------------------------------------------------------------

function renderZoomControls() {
  const fitButton = $("fit");
  if (!fitButton) return;
  const { fit, factor } = live.zoom;
  // The button offers the other fit; after a zoom it returns to the whole page.
  const offer = fit === "page" && factor === 1 ? "width" : "page";
  fitButton.dataset.offer = offer;
  fitButton.textContent = offer === "width" ? T.fit_width : T.fit_page;
  fitButton.title = fitButton.textContent;
  const zoomIn = $("zoom-in"), zoomOut = $("zoom-out");
  if (zoomIn) zoomIn.disabled = factor >= MAX_ZOOM;
  if (zoomOut) zoomOut.disabled = factor <= MIN_ZOOM;
  const stage = $("stage");
  if (stage) stage.dataset.zoom = fit === "page" && factor === 1 ? "fit" : "zoomed";
}

export function setZoom(factor, fit = live.zoom.fit) {
  live.zoom = { fit, factor: Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, Math.round(factor * 100) / 100)) };
  renderZoomControls();
  renderPdf(live.view.document_id, live.view.page);
}

function bindGestures() {
  const scroller = $("scroller"), sheet = $("sheet");
  if (!scroller || !sheet || isDisplay) return;
  let pinch = null, swipe = null;
  const distance = (touches) => Math.hypot(touches[0].clientX - touches[1].clientX, touches[0].clientY - touches[1].clientY);
  scroller.addEventListener("touchstart", (e) => {
    if (e.touches.length === 2) {
      pinch = { d: distance(e.touches), factor: live.zoom.factor, ratio: 1 };
      swipe = null;
    } else if (e.touches.length === 1 && !document.body.classList.contains("is-highlighting")) {
      swipe = { x: e.touches[0].clientX, y: e.touches[0].clientY, t: Date.now() };
    }
  }, { passive: true });
  scroller.addEventListener("touchmove", (e) => {
    if (!pinch || e.touches.length !== 2) return;
    e.preventDefault();
    pinch.ratio = distance(e.touches) / pinch.d;
    // A preview until the page drawn at the new size takes its place (the swap resets it).
    sheet.style.transform = `scale(${pinch.ratio})`;
  }, { passive: false });
  scroller.addEventListener("touchend", (e) => {
    if (pinch && e.touches.length < 2) {
      const done = pinch;
      pinch = null;
      if (Math.abs(done.ratio - 1) > 0.05) setZoom(done.factor * done.ratio);
      else sheet.style.transform = "";
      return;
    }
    if (!swipe || e.touches.length) return;
    const touch = e.changedTouches[0];
    const dx = touch.clientX - swipe.x, dy = touch.clientY - swipe.y;
    const fitsWidth = scroller.scrollWidth <= scroller.clientWidth + 2;
    // Swipe to turn pages, unless the page is wider than the screen (then a swipe pans it).
    if (fitsWidth && Math.abs(dx) > 60 && Math.abs(dx) > Math.abs(dy) * 1.5 && Date.now() - swipe.t < 800) {
      turn(dx < 0 ? 1 : -1);
    }
    swipe = null;
  });
  // Ctrl + wheel (and a trackpad's pinch) zooms too.
  scroller.addEventListener("wheel", (e) => {
    if (!e.ctrlKey) return;
    e.preventDefault();
    setZoom(live.zoom.factor * (e.deltaY < 0 ? 1.1 : 1 / 1.1));
  }, { passive: false });
}

// ---- wiring ---------------------------------------------------------------------------

on("snapshot", renderViewer);
on("page", renderViewer);
on("status", renderViewer);  // presenting stops with the session

bind("prev", () => turn(-1));
bind("next", () => turn(1));
bind("follow", followPresenter);
bind("zoom-in", () => setZoom(live.zoom.factor * 1.25));
bind("zoom-out", () => setZoom(live.zoom.factor / 1.25));
bind("fit", (event) => setZoom(1, event.currentTarget.dataset.offer || "page"));
document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, select, textarea, dialog")) return;
  // Zoomed, the focused page scrolls with the arrow keys, and pans sideways when wider than the stage.
  const scroller = $("scroller");
  const panning = scroller && event.target === scroller && scroller.scrollWidth > scroller.clientWidth + 2;
  if ((event.key === "ArrowRight" && !panning) || event.key === "PageDown") turn(1);
  if ((event.key === "ArrowLeft" && !panning) || event.key === "PageUp") turn(-1);
  if (!isDisplay && (event.key === "+" || event.key === "=")) setZoom(live.zoom.factor * 1.25);
  if (!isDisplay && event.key === "-") setZoom(live.zoom.factor / 1.25);
});
bindGestures();
// The page follows the size of its stage: a turned tablet, a folded rail, a resized window.
let resizeTimer = null;
function onResize() {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => live.snap && renderPdf(live.view.document_id, live.view.page), 80);
}
const observed = $("scroller") || $("stage");
if (observed && "ResizeObserver" in window) new ResizeObserver(onResize).observe(observed);
else window.addEventListener("resize", onResize);
