// Private notes and highlights on the page on screen, while following or browsing: the same notes
// as the document reader (/api/v1/documents/<id>/notes), shown over the page and in a panel.
import { $, T, bind, cfg, csrfToken, el, fmt, live, on } from "./room.js";
import { shown } from "./viewer.js";

const notes = { documentId: null, list: [], loading: null, highlight: false };
const panel = $("notes"), overlay = $("overlay"), sheet = $("sheet");

function notesUrl(documentId) { return cfg.notes_url.replace("{id}", String(documentId)); }

async function api(url, options = {}) {
  const response = await fetch(url, {
    credentials: "same-origin", ...options,
    headers: { "Accept": "application/json", "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
  });
  if (!response.ok) throw new Error(String(response.status));
  return response.status === 204 ? null : response.json();
}

function shownPage() { return shown.drawn ? shown.drawn.page.pageNumber : live.view.page; }

// The notes of the document on the canvas, fetched once per document.
function loadFor(documentId) {
  if (documentId === notes.documentId) return notes.loading;
  notes.documentId = documentId;
  notes.list = [];
  notes.loading = documentId === null ? Promise.resolve() : api(notesUrl(documentId))
    .then((data) => { if (notes.documentId === documentId) notes.list = data.notes || []; })
    .catch(() => { notes.list = []; })
    .then(() => { if (notes.documentId === documentId) { renderMarks(); renderList(); } });
  return notes.loading;
}

// The highlights of the page on the canvas, placed in the same task as the page is swapped in.
function renderMarks() {
  if (!overlay) return;
  const page = shownPage();
  overlay.replaceChildren(...notes.list.filter((n) => n.kind === "highlight" && n.page === page && n.rect).map((note) => {
    const [x, y, w, h] = note.rect;
    const mark = el("div", { class: `live-mark live-mark--${note.color || "yellow"}` });
    Object.assign(mark.style, { left: `${x * 100}%`, top: `${y * 100}%`, width: `${w * 100}%`, height: `${h * 100}%` });
    return mark;
  }));
  overlay.dataset.page = String(page);
}

function renderList() {
  if (!panel) return;
  const page = shownPage();
  const label = $("note-label");
  if (label) label.textContent = fmt(T.note_on_page, { page });
  const list = $("notes-list");
  const mine = notes.list;
  list.replaceChildren(...(mine.length ? mine.map((note) => el("li", { class: "live-notes__item" + (note.page === page ? " is-here" : "") },
    el("span", { class: "live-notes__text" },
      el("span", { class: "live-notes__page" }, fmt(T.note_page, { page: note.page }) + (note.kind === "highlight" ? ` · ${T.highlight}` : "")),
      note.text ? el("span", {}, note.text) : null),
    el("button", { class: "icon-btn icon-btn--danger", type: "button", title: T.delete, "aria-label": T.delete,
      onclick: () => removeNote(note) }, "×"))) : [el("li", { class: "live-empty" }, T.no_notes)]));
}

async function addNote(body) {
  const documentId = notes.documentId;
  const note = await api(notesUrl(documentId), { method: "POST", body: JSON.stringify(body) });
  if (notes.documentId !== documentId) return;
  notes.list.push(note);
  notes.list.sort((a, b) => a.page - b.page || a.id - b.id);
  renderMarks();
  renderList();
}

async function removeNote(note) {
  await api(`${notesUrl(note.document_id)}/${note.id}`, { method: "DELETE" }).catch(() => {});
  notes.list = notes.list.filter((n) => n.id !== note.id);
  renderMarks();
  renderList();
}

function setStatus(text) { const node = $("notes-status"); if (node) node.textContent = text || ""; }

function toggleHighlight(on) {
  notes.highlight = on;
  document.body.classList.toggle("is-highlighting", on);
  const button = $("highlight");
  if (button) button.setAttribute("aria-pressed", String(on));
  setStatus(on ? T.draw_highlight : "");
}

function togglePanel(force) {
  if (!panel) return;
  const open = force ?? panel.hidden;
  panel.hidden = !open;
  // The page moves aside for the panel (and is drawn again at the size left to it).
  const stage = $("stage");
  if (stage) stage.classList.toggle("has-notes", open);
  const button = $("notes-toggle");
  if (button) button.setAttribute("aria-pressed", String(open));
  if (!open) toggleHighlight(false);
  if (open) renderList();
}

// Drag across the page to highlight an area (one finger or the mouse; two fingers still pinch).
function bindHighlighting() {
  if (!sheet || !overlay) return;
  let drawing = null;
  sheet.addEventListener("pointerdown", (e) => {
    if (!notes.highlight || !e.isPrimary) return;
    const box = sheet.getBoundingClientRect();
    drawing = { x: e.clientX - box.left, y: e.clientY - box.top, mark: el("div", { class: "live-mark live-mark--yellow" }) };
    overlay.append(drawing.mark);
    sheet.setPointerCapture(e.pointerId);
    e.preventDefault();
  });
  sheet.addEventListener("pointermove", (e) => {
    if (!drawing) return;
    const box = sheet.getBoundingClientRect();
    const x = e.clientX - box.left, y = e.clientY - box.top;
    Object.assign(drawing.mark.style, { left: `${Math.min(x, drawing.x)}px`, top: `${Math.min(y, drawing.y)}px`,
      width: `${Math.abs(x - drawing.x)}px`, height: `${Math.abs(y - drawing.y)}px` });
    drawing.end = { x, y };
  });
  const end = () => {
    if (!drawing) return;
    const d = drawing;
    drawing = null;
    const box = sheet.getBoundingClientRect();
    toggleHighlight(false);
    if (!d.end || Math.abs(d.end.x - d.x) < 8 || Math.abs(d.end.y - d.y) < 6) { d.mark.remove(); return; }
    const rect = [Math.min(d.x, d.end.x) / box.width, Math.min(d.y, d.end.y) / box.height,
      Math.abs(d.end.x - d.x) / box.width, Math.abs(d.end.y - d.y) / box.height].map((v) => Math.min(1, Math.max(0, v)));
    addNote({ page: shownPage(), kind: "highlight", rect, color: "yellow" })
      .then(() => setStatus(T.note_saved))
      .catch(() => { d.mark.remove(); setStatus(T.note_failed); });
  };
  sheet.addEventListener("pointerup", end);
  sheet.addEventListener("pointercancel", end);
}

if (cfg.notes_url) {
  on("drawn", () => {
    if (shown.documentId !== notes.documentId) loadFor(shown.drawn ? shown.documentId : null);
    renderMarks();
    if (panel && !panel.hidden) renderList();
  });
  bind("notes-toggle", () => togglePanel());
  bind("notes-close", () => togglePanel(false));
  bind("highlight", () => toggleHighlight(!notes.highlight));
  const form = $("note-form");
  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = form.elements.text.value.trim();
      if (!text || notes.documentId === null) return;
      try {
        await addNote({ page: shownPage(), text });
        form.elements.text.value = "";
        setStatus(T.note_saved);
      } catch (_e) { setStatus(T.note_failed); }
    });
  }
  bindHighlighting();
}
