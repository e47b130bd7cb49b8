// Search in the document on screen, on the member tablet and the console. Accents and case do not
// matter ("ngan sach" finds "ngân sách"); the words found are highlighted on the page. Stepping to
// a match on another page browses there (the presenter presents it: the room follows).
import { $, T, amPresenter, bind, docById, fmt, live, on } from "./room.js";
import { browse, pdfFor, present, shown } from "./viewer.js";
import { findInItems, matchBoxes } from "../textsearch.js";

const bar = $("search"), input = $("search-input"), hits = $("hits"), toggleButton = $("search-toggle");
const search = { query: "", documentId: null, matches: [], index: -1, token: 0 };
// The text of each page, once per document and page: {promise, value} (value once it came).
const texts = new Map();

function setStatus(text) { const node = $("search-status"); if (node) node.textContent = text || ""; }

function textOf(documentId, page) {
  const key = `${documentId}:${page.pageNumber}`;
  if (!texts.has(key)) {
    const entry = { value: null };
    entry.promise = page.getTextContent().then((content) => { entry.value = content; return content; });
    entry.promise.catch(() => texts.delete(key));
    texts.set(key, entry);
  }
  return texts.get(key);
}

function clearResults() {
  search.matches = [];
  search.index = -1;
  search.documentId = null;
  paintHits();
}

async function run(query) {
  const token = ++search.token;
  search.query = query.trim();
  clearResults();
  const docId = live.view.document_id;
  if (!search.query) { setStatus(""); return; }
  const doc = docId === null || docId === undefined ? null : docById(docId);
  if (!doc || !doc.url) { setStatus(T.search_no_document); return; }
  setStatus(T.searching);
  try {
    const pdf = await pdfFor(doc);
    const found = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const content = await textOf(doc.id, await pdf.getPage(n)).promise;
      if (token !== search.token) return;  // a newer search, or the bar closed
      findInItems(content.items, search.query).forEach((_match, index) => found.push({ page: n, index }));
    }
    search.documentId = doc.id;
    search.matches = found;
  } catch (_error) {
    if (token === search.token) setStatus(T.error);
    return;
  }
  if (!search.matches.length) { setStatus(T.search_none); return; }
  // From the page on screen onwards: the reader is usually looking for what comes next.
  const after = search.matches.findIndex((match) => match.page >= live.view.page);
  search.index = (after >= 0 ? after : 0) - 1;
  step(1);
}

function step(direction) {
  const count = search.matches.length;
  if (!count) return;
  search.index = (search.index + direction + count) % count;
  const match = search.matches[search.index];
  setStatus(fmt(T.search_result_of, { index: search.index + 1, count }));
  if (live.view.document_id === search.documentId && live.view.page === match.page) paintHits();
  else if (amPresenter()) present(search.documentId, match.page);
  else browse(search.documentId, match.page);
}

// The marks of the page on the canvas: cleared at once when another page is drawn, then placed
// over the words found (in the same task when the page's text is already known).
let paintToken = 0;
function paintHits() {
  if (!hits) return;
  const token = ++paintToken;
  const drawn = shown.drawn;
  if (!search.matches.length || !drawn || shown.documentId !== search.documentId) { hits.replaceChildren(); return; }
  const entry = textOf(shown.documentId, drawn.page);
  const place = (content) => {
    if (token !== paintToken) return;
    const number = drawn.page.pageNumber;
    const current = search.matches[search.index];
    const marks = [];
    matchBoxes(content, findInItems(content.items, search.query), drawn.viewport).forEach((boxes, index) => {
      const isCurrent = current && current.page === number && current.index === index;
      for (const box of boxes) {
        const mark = document.createElement("div");
        mark.className = isCurrent ? "live-hit live-hit--current" : "live-hit";
        Object.assign(mark.style, { left: `${box.left}px`, top: `${box.top}px`, width: `${box.width}px`, height: `${box.height}px` });
        marks.push(mark);
      }
    });
    hits.replaceChildren(...marks);
    hits.dataset.page = String(number);
    const currentMark = hits.querySelector(".live-hit--current");
    if (currentMark) currentMark.scrollIntoView({ block: "nearest", inline: "nearest" });
  };
  if (entry.value) place(entry.value);
  else { hits.replaceChildren(); entry.promise.then(place).catch(() => {}); }
}

function open(force) {
  if (!bar) return;
  const show = force ?? bar.hidden;
  bar.hidden = !show;
  if (toggleButton) toggleButton.setAttribute("aria-pressed", String(show));
  if (show) { input.focus(); input.select(); return; }
  search.token += 1;  // a search still running stops
  search.query = "";
  clearResults();
  setStatus("");
  if (toggleButton) toggleButton.focus();
}

if (bar && input) {
  bar.addEventListener("submit", (event) => {
    event.preventDefault();
    // Enter again on the same words goes to the next match, as a browser's find does.
    const same = input.value.trim() === search.query && search.matches.length
      && search.documentId === live.view.document_id;
    if (same) step(1); else run(input.value);
  });
  bar.addEventListener("keydown", (event) => { if (event.key === "Escape") { event.preventDefault(); open(false); } });
  bind("search-toggle", () => open());
  bind("search-close", () => open(false));
  bind("search-next", () => (search.matches.length ? step(1) : run(input.value)));
  bind("search-prev", () => step(-1));
  on("drawn", paintHits);
  // Another document on screen (the presenter moved on): search it for the same words.
  on("view", () => {
    if (bar.hidden || !search.query) return;
    const docId = live.view.document_id;
    if (search.documentId !== null && docId !== search.documentId) run(search.query);
  });
  on("documents", () => { texts.clear(); });
}
