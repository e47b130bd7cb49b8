// The live panels the screens share: the status strip and its timers, the agenda, the session's
// documents, attendance and quorum, and the floor. Each renders from room.js's state and hooks;
// a screen shows the panels its template has (a missing element is simply not rendered).
import {
  $, $all, T, act, cfg, clock, currentItem, el, emit, fmt, isDisplay, isOver, live, nameOf, on, serverNow, setText,
  status,
} from "./room.js";
import { openDocument } from "./viewer.js";

// The session's lifecycle where every screen shows it: the status badge, "the session has ended"
// in place of the current item, and the console's start or end button for the status it is in.
function renderStatus() {
  const now = status();
  // Members read "today / live now / ended", the secretariat the workflow's label (live.views: status_words).
  const [key, label] = (cfg.status_words || {})[now] || [now, (T.statuses || {})[now] || now];
  $all("status-badge").forEach((node) => {
    node.className = `badge badge--${key}`;
    node.textContent = label;
  });
  $all("ended").forEach((node) => { node.hidden = !isOver(); });
  $all("session-action").forEach((node) => { node.hidden = node.dataset.status !== now; });
  document.body.dataset.meetingStatus = now;
}

function renderStrip() {
  renderStatus();
  const item = isOver() ? null : currentItem();
  const box = $("strip-item");
  if (box) box.hidden = !item;
  setText("strip-item-title", item ? `${item.number}. ${item.title}` : "");
  tick();
}

// The clocks run only while the session is live: an ended session's timers stop where they are not.
function tick() {
  if (!live.snap) return;
  const running = status() === "live";
  const item = currentItem();
  const started = running && live.snap.agenda.item_started_at ? Date.parse(live.snap.agenda.item_started_at) : null;
  $all("strip-timer").forEach((node) => {
    if (!item || !started) { node.textContent = ""; return; }
    const elapsed = serverNow() - started;
    const planned = (item.duration_minutes || 0) * 60000;
    node.textContent = planned ? `${clock(elapsed)} / ${clock(planned)}` : clock(elapsed);
    node.classList.toggle("is-over", planned > 0 && elapsed > planned);
    node.title = planned && elapsed > planned ? T.overrun : T.elapsed;
  });
  $all("speaking-timer").forEach((node) => {
    const since = running && live.snap.floor.speaking_since ? Date.parse(live.snap.floor.speaking_since) : null;
    node.textContent = since ? clock(serverNow() - since) : "";
  });
}
setInterval(tick, 1000);

// The console's "next item": off on the last item, before the session starts and for whoever may not chair.
function renderNextItem() {
  const nextButton = $("next-item");
  if (!nextButton) return;
  const items = live.snap.agenda.items;
  const last = items.length && items[items.length - 1].id === currentItemId();
  nextButton.disabled = !live.snap.can_chair || !items.length || last || live.snap.meeting.status !== "live";
}

// The agenda with each item's documents under it, in one list (the tablet's and the console's), so
// that no title is listed twice and reading ahead or back needs no other page; the documents of no
// item follow the agenda. The item under discussion is marked, and brought into view when the
// session moves on. On the console, the chair moves the session to an item by tapping its heading.
// The item under discussion: none once the session is over.
function currentItemId() { return isOver() ? null : live.snap.agenda.current_item_id; }

function documentGroups() {
  const items = live.snap.agenda.items;
  const known = new Set(items.map((item) => item.id));
  const docs = live.snap.documents || [];
  const groups = items.map((item) => ({ item, docs: docs.filter((d) => d.agenda_item_id === item.id) }));
  const general = docs.filter((d) => d.agenda_item_id === null || !known.has(d.agenda_item_id));
  if (general.length) groups.push({ item: null, docs: general });
  return groups;
}

// A document that bears its item's own title is named by its kind under it ("Tờ trình"), as on the
// session page (documents.models.Document.title_under).
const comparable = (text) => (text || "").normalize("NFC").replace(/\s+/g, " ").trim().toLocaleLowerCase("vi")
  .replace(/[\s.:;,\-–—]+$/, "");
function titleUnder(doc, item) {
  return item && comparable(doc.title) === comparable(item.title) ? ((T.kinds || {})[doc.kind] || doc.title) : doc.title;
}

let shownDocuments = "";       // what the list shows, to leave it alone on unrelated updates
let scrolledToItem = undefined; // the current item whose group was last brought into view
let scrolledToDocument = undefined; // the open document last brought into view
function renderDocuments() {
  const list = $("documents");
  renderNextItem();
  if (!list) return;
  const currentId = currentItemId();
  const control = list.classList.contains("live-docs--control") && live.snap.can_chair && status() === "live";
  const groups = documentGroups();
  const key = JSON.stringify([currentId, control, live.view.document_id, live.presenter.document_id,
    groups.map((g) => [g.item && [g.item.id, g.item.title, g.item.presenter, g.item.duration_minutes],
      g.docs.map((d) => [d.id, d.title, d.page_count, d.late])])]);
  if (key === shownDocuments && list.childElementCount) return;
  shownDocuments = key;
  if (!groups.length) {
    list.replaceChildren(el("li", { class: "live-empty" }, T.no_session_documents));
    return;
  }
  list.replaceChildren(...groups.map(({ item, docs }) => {
    const isCurrent = item !== null && item.id === currentId;
    const meta = item ? [item.presenter, item.duration_minutes ? fmt(T.planned, { minutes: item.duration_minutes }) : null]
      .filter(Boolean).join(" · ") : "";
    const body = [
      el("span", { class: "live-docs__no" + (item ? "" : " live-docs__no--general"), "aria-hidden": item ? null : "true" },
        item ? item.number : ""),
      el("span", { class: "live-docs__main" },
        isCurrent ? el("span", { class: "live-docs__now" }, T.under_discussion) : null,
        el("span", { class: "live-docs__item" }, item ? item.title : T.general_documents),
        meta ? el("span", { class: "live-docs__meta" }, meta) : null),
    ];
    const head = control && item && !isCurrent
      ? el("button", { class: "live-docs__head live-docs__head--go", type: "button", title: T.go_to_item,
        "data-item-id": item.id, onclick: () => act("set_item", { agenda_item_id: item.id }) }, body)
      : el("div", { class: "live-docs__head" }, body);
    const rows = docs.map((doc) => {
      const open = doc.id === live.view.document_id;
      // Where the presenter is, for a member reading another document (following, it is this one).
      const onScreen = doc.id === live.presenter.document_id && !open;
      const pages = doc.page_count ? fmt(T.pages, { n: doc.page_count }) : "";
      // Confidential documents say so where they are chosen (the file itself is watermarked per reader).
      const secret = (T.classification || {})[doc.classification] || null;
      // Added or replaced inside the body's lead time before the session (documents.events: `late`).
      const late = doc.late ? el("span", { class: "badge badge--warning badge--plain live-doc__late", title: T.late_document }, T.sent_late) : null;
      const title = titleUnder(doc, item);
      return el("li", {},
        el("button", {
          class: "live-doc" + (open ? " is-open" : ""), type: "button", "data-document-id": doc.id,
          "aria-current": open ? "true" : null,
          onclick: () => { openDocument(doc.id); showViewer(); },
        },
        // Named by its kind under an item of the same title; a screen reader hears the title too
        // (in the button's text, so that its name still holds what it shows).
        el("span", { class: "live-doc__title" }, title,
          title === doc.title ? null : el("span", { class: "visually-hidden" }, `: ${doc.title}`)),
        pages || onScreen || secret || late ? el("span", { class: "live-doc__meta" },
          secret ? el("span", { class: "live-doc__secret" }, secret) : null, late,
          pages, onScreen ? el("span", { class: "live-doc__screen" }, T.on_screen) : null) : null));
    });
    // The item under discussion says when it has nothing to read; the others just have no rows.
    if (!docs.length && isCurrent) rows.push(el("li", { class: "live-empty" }, T.no_documents));
    return el("li", {
      class: "live-docs__group" + (isCurrent ? " is-current" : "") + (item ? "" : " live-docs__group--general"),
      "data-item-id": item ? item.id : "general", "aria-current": isCurrent ? "step" : null,
    }, head, rows.length ? el("ul", { class: "live-docs__list" }, rows) : null);
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

// In portrait the list is a drawer over the page: opening a document closes it (layout.js).
function showViewer() { emit("document-opened"); }

// Scroll the list itself (it scrolls inside its panel, or its drawer in portrait), never the page.
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
          onclick: () => attendance.open && attendance.open(person) }), content));
      }
      return el("li", attrs, content);
    }));
  }
}

function renderFloor() {
  // An ended session has nobody speaking (the server closes the floor; this covers the moment before).
  const f = isOver() ? { speaking: null, queue: [] } : live.snap.floor;
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
      node.replaceChildren(el("div", { class: "live-empty" }, isDisplay ? "" : T.nobody_speaking));
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

// Opening a person's attendance (the console's secretariat) is the console's: it sets this.
export const attendance = { open: null };

on("snapshot", () => { renderStrip(); renderDocuments(); renderPresence(); renderFloor(); });
on("status", () => { renderStrip(); renderDocuments(); renderPresence(); renderFloor(); });
on("agenda", () => { renderDocuments(); renderStrip(); });
on("view", () => renderDocuments());
on("presence", renderPresence);
on("floor", renderFloor);
on("directory", () => { renderPresence(); renderFloor(); });

export { renderPresence, renderFloor, renderStatus };
