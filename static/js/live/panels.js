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
  $all("status-badge").forEach((node) => {
    node.className = `badge badge--${now}`;
    node.textContent = (T.statuses || {})[now] || now;
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

let agendaScrolledTo = undefined; // the current item last brought into view in the agenda
function renderAgenda() {
  const list = $("agenda");
  if (!list) return;
  const control = list.classList.contains("live-agenda--control") && live.snap.can_chair && status() === "live";
  const currentId = currentItemId();
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
// The item under discussion: none once the session is over.
function currentItemId() { return isOver() ? null : live.snap.agenda.current_item_id; }

function documentGroups() {
  const items = live.snap.agenda.items;
  const known = new Set(items.map((item) => item.id));
  const docs = live.snap.documents || [];
  const general = docs.filter((d) => d.agenda_item_id === null || !known.has(d.agenda_item_id));
  const groups = general.length ? [{ item: null, docs: general }] : [];
  const currentId = currentItemId();
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
  const currentId = currentItemId();
  const groups = documentGroups();
  const key = JSON.stringify([currentId, live.view.document_id, live.presenter.document_id,
    groups.map((g) => [g.item && g.item.id, g.item && g.item.title, g.docs.map((d) => [d.id, d.title, d.page_count, d.late])])]);
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
      // Added or replaced inside the body's lead time before the session (documents.events: `late`).
      const late = doc.late ? el("span", { class: "badge badge--warning badge--plain live-doc__late", title: T.late_document }, T.sent_late) : null;
      return el("li", {},
        el("button", {
          class: "live-doc" + (open ? " is-open" : ""), type: "button", "data-document-id": doc.id,
          "aria-current": open ? "true" : null,
          onclick: () => { openDocument(doc.id); showViewer(); },
        },
        el("span", { class: "live-doc__title" }, doc.title),
        meta || onScreen || secret || late ? el("span", { class: "live-doc__meta" },
          secret ? el("span", { class: "live-doc__secret" }, secret) : null, late,
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

on("snapshot", () => { renderStrip(); renderAgenda(); renderDocuments(); renderPresence(); renderFloor(); });
on("status", () => { renderStrip(); renderAgenda(); renderDocuments(); renderPresence(); renderFloor(); });
on("agenda", () => { renderAgenda(); renderDocuments(); renderStrip(); });
on("view", () => renderDocuments());
on("presence", renderPresence);
on("floor", renderFloor);
on("directory", () => { renderPresence(); renderFloor(); });

export { renderPresence, renderFloor, renderStatus };
