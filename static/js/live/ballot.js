// Ballots in the live room (voting domain), on every screen: the tablet's voting sheet, the room's
// "x/y have voted", and the result on tablets, the console and the room display. The console's
// controls are in ballot-console.js. State comes from the join snapshot (open_ballots,
// closed_ballots) and the `ballot` / `ballot_result` events; a ballot seen closed stays closed.
import { cfg, call, el, fmt, live, on, socket, isDisplay } from "./room.js";

const B = JSON.parse(document.getElementById("ballot-config").textContent);
export const S = B.strings;
export const ballots = new Map();   // id -> the latest `ballot` payload (with counts for organisers)
export const results = new Map();   // id -> the `ballot_result` payload
const closed = new Set();
const receipts = new Map();         // id -> this tablet's tracking code (memory only: shown once)
const dismissed = new Set();        // results the user put away
const hooks = [];
export function onBallots(handler) { hooks.push(handler); }
function changed() { render(); hooks.forEach((handler) => handler()); }

export function ballotUrl(id) { return B.ballot_url.replace("{id}", id); }
export const config = B;

function merge(payload) {
  const id = payload.ballot_id;
  if (closed.has(id) && payload.status === "open") return;   // a late coalesced update
  if (payload.status === "closed") closed.add(id);
  const previous = ballots.get(id) || {};
  const next = Object.assign({}, previous, payload);
  // An organiser hears two copies of each moment: their own, with the counts and who has not voted,
  // and the room's, with how many have voted only. The room's copy never replaces the organiser's
  // figures while the ballot is open: the count shown always goes with the list shown beside it,
  // even when the room's copy of a later moment comes first.
  if (!("counts" in payload) && previous.counts && payload.status !== "closed") {
    next.voted_count = previous.voted_count; next.counts = previous.counts; next.not_voted = previous.not_voted;
  }
  ballots.set(id, next);
}

on("snapshot", () => {
  const snap = live.snap;
  ballots.clear();
  (snap.closed_ballots || []).forEach((result) => { results.set(result.ballot_id, result); closed.add(result.ballot_id); });
  (snap.open_ballots || []).forEach((ballot) => merge(Object.assign({ status: "open" }, ballot)));
  changed();
});
socket.on("ballot", (payload) => {
  if (payload.meeting_id !== cfg.meeting_id) return;
  const known = ballots.get(payload.ballot_id);
  merge(payload);
  if (payload.status === "open" && !isDisplay && (!known || known.eligible === undefined)) learnMyPart(payload.ballot_id);
  changed();
});

// The room's `ballot` says nothing about the caller: a checked-in member with a vote shows the
// sheet at once (the server decides on the vote), and the ballot's own answer (eligible, voted,
// my vote) follows, spread over a moment so that a full room does not ask all at once.
function likelyVoter() {
  const snap = live.snap;
  if (!snap || !snap.can_vote) return false;
  const state = snap.presence && snap.presence.attendance[String(cfg.user_id)];
  return state === "present" || state === "present_online";
}
function learnMyPart(ballotId) {
  const ballot = ballots.get(ballotId);
  if (ballot && ballot.eligible === undefined) ballot.eligible = likelyVoter();
  setTimeout(async () => {
    try {
      const response = await fetch(ballotUrl(ballotId), { credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      const current = ballots.get(ballotId);
      if (!current || current.status !== "open") return;
      current.eligible = data.eligible;
      current.voted = data.voted || current.voted;
      if (data.my_vote) current.my_vote = data.my_vote;
      changed();
    } catch (_e) { /* the sheet stays as it is; the server decides on the vote */ }
  }, 500 + Math.random() * 2500);
}
socket.on("ballot_result", (payload) => {
  if (payload.meeting_id !== cfg.meeting_id) return;
  results.set(payload.ballot_id, payload);
  closed.add(payload.ballot_id);
  const ballot = ballots.get(payload.ballot_id);
  if (ballot) ballot.status = "closed";
  changed();
  if (receipts.has(payload.ballot_id)) checkReceipt(payload.ballot_id);
});

export function openBallot() {
  return Array.from(ballots.values()).find((b) => b.status === "open" && !closed.has(b.ballot_id)) || null;
}
export function latestResult() {
  const all = Array.from(results.values());
  return all.length ? all.reduce((a, b) => (a.ballot_id > b.ballot_id ? a : b)) : null;
}
export function ruleLabel(rule) { return S.rules[rule] || rule; }

// ---- the result card (every screen) -------------------------------------------------------------

export function resultCard(result, { onClose } = {}) {
  const counts = result.counts || {};
  const passed = result.result === "passed";
  const row = (key) => el("div", { class: `ballot-result__count ballot-result__count--${key}` },
    el("span", { class: "ballot-result__label" }, S[key]), el("strong", {}, String(counts[key] ?? 0)));
  return el("section", { class: "ballot-result", "data-ballot-result": result.ballot_id, role: "status" },
    el("div", { class: "ballot-result__head" },
      el("span", { class: `ballot-result__badge ballot-result__badge--${passed ? "passed" : "failed"}` },
        passed ? S.passed : S.failed),
      el("span", { class: "ballot-result__meta" },
        `${result.secret ? S.secret : S.open_vote} · ${ruleLabel(result.rule)} · ${S.members}: ${result.member_total}`),
      onClose ? el("button", { class: "btn btn--compact ballot-result__close", type: "button", onclick: onClose,
        "aria-label": S.close }, "×") : null),
    el("p", { class: "ballot-result__question" }, result.question || ""),
    el("div", { class: "ballot-result__counts" }, ["yes", "no", "abstain", "not_voted"].map(row)),
    result.override_reason ? el("p", { class: "ballot-result__note" }, fmt(S.override, { reason: result.override_reason })) : null,
    result.tie_outcome ? el("p", { class: "ballot-result__note", "data-ballot-tie": result.tie_outcome },
      fmt(S.tie_outcomes[result.tie_outcome], { choice: result.casting_choice === "yes" ? S.passed : S.failed })) : null,
    el("p", { class: "ballot-result__note", "data-ballot-receipt-check": result.ballot_id, hidden: true }));
}

async function checkReceipt(ballotId) {
  // The voter's side of a secret ballot: their code in the published list, with the choice counted.
  const code = receipts.get(ballotId);
  try {
    const response = await fetch(ballotUrl(ballotId), { credentials: "same-origin" });
    const data = await response.json();
    const entry = (data.trackers || []).find((t) => t.tracker === code);
    document.querySelectorAll(`[data-ballot-receipt-check="${ballotId}"]`).forEach((node) => {
      node.hidden = !entry;
      if (entry) node.textContent = fmt(S.receipt_counted, { code, choice: S[entry.choice] });
    });
  } catch (_e) { /* the result stands without the check */ }
}

// ---- the voting sheet (tablet) ------------------------------------------------------------------

const sheet = el("aside", { class: "ballot-sheet", "data-ballot-sheet": "", hidden: true, "aria-live": "polite" });
// Over the bottom of the presented page, inside its column: the agenda and the floor beside it stay
// readable. The room display has no such column: there the sheet lies over the whole screen's foot.
(document.querySelector(".live-viewer") || document.body).append(sheet);
let picked = null, pickedFor = null, collapsed = false, sending = false, lastError = null;

function voteButtons(ballot) {
  return el("div", { class: "ballot-sheet__choices" }, ["yes", "no", "abstain"].map((choice) =>
    el("button", { class: `ballot-choice ballot-choice--${choice}`, type: "button", "data-choice": choice,
      onclick: () => { picked = choice; pickedFor = ballot.ballot_id; lastError = null; render(); } }, S[choice])));
}

async function confirmVote(ballot) {
  if (sending) return;
  sending = true;
  render();
  const ack = await call("vote", { ballot_id: ballot.ballot_id, choice: picked });
  sending = false;
  if (ack.ok) {
    ballot.voted = true;
    ballot.my_vote = ack.receipt ? { receipt: ack.receipt } : { choice: picked };
    if (ack.receipt) receipts.set(ballot.ballot_id, ack.receipt);
    picked = null;
    lastError = null;
  } else {
    lastError = (ack.error && ack.error.message) || S.error;
    if (ack.error && ack.error.code === "already_voted") { ballot.voted = true; picked = null; }
  }
  render();
}

function progressText(ballot) {
  return fmt(S.progress, { voted: ballot.voted_count ?? 0, total: ballot.eligible_count ?? 0 });
}

// What the sheet shows, but for the count: while it stays the same, a progress update (several a
// second while the room votes) changes only the count, so a finger on a choice never loses its button.
let shownKey = null;

function sheetKey(ballot, result) {
  if (ballot) {
    return JSON.stringify(["open", ballot.ballot_id, ballot.question, ballot.secret, ballot.eligible, ballot.voted,
      ballot.my_vote || null, picked, pickedFor, sending, lastError, collapsed, receipts.get(ballot.ballot_id) || null]);
  }
  return JSON.stringify(["result", result ? result.ballot_id : null, result ? dismissed.has(result.ballot_id) : null]);
}

function renderSheet() {
  const ballot = openBallot();
  const result = latestResult();
  const key = sheetKey(ballot, result);
  if (key === shownKey) {
    const progress = sheet.querySelector("[data-ballot-progress]");
    if (ballot && progress) progress.textContent = progressText(ballot);
    return;
  }
  shownKey = key;
  sheet.replaceChildren();
  if (ballot) {
    const mine = ballot.eligible && !ballot.voted;
    sheet.hidden = false;
    sheet.dataset.state = mine ? (picked && pickedFor === ballot.ballot_id ? "confirm" : "vote") : "waiting";
    sheet.classList.toggle("ballot-sheet--collapsed", collapsed && !mine);
    const head = el("div", { class: "ballot-sheet__head" },
      el("span", { class: "ballot-sheet__kind" }, `${S.vote_title} · ${ballot.secret ? S.secret : S.open_vote}`),
      el("span", { class: "ballot-sheet__progress", "data-ballot-progress": "" }, progressText(ballot)),
      mine ? null : el("button", { class: "btn btn--compact", type: "button",
        onclick: () => { collapsed = !collapsed; render(); } }, collapsed ? S.show : S.hide));
    sheet.append(head);
    if (collapsed && !mine) return;
    sheet.append(el("p", { class: "ballot-sheet__question" }, ballot.question));
    if (mine && !(picked && pickedFor === ballot.ballot_id)) sheet.append(voteButtons(ballot));
    else if (mine) {
      sheet.append(el("div", { class: "ballot-sheet__confirm" },
        el("p", { class: "ballot-sheet__picked" }, S.your_choice, " ",
          el("strong", { class: `ballot-picked--${picked}` }, S[picked])),
        el("div", { class: "ballot-sheet__actions" },
          el("button", { class: "btn btn--primary btn--large ballot-confirm", type: "button", disabled: sending,
            "data-ballot-confirm": "", onclick: () => confirmVote(ballot) }, S.confirm),
          el("button", { class: "btn btn--large", type: "button", onclick: () => { picked = null; render(); } }, S.change))));
    } else if (ballot.voted) {
      const receipt = receipts.get(ballot.ballot_id) || (ballot.my_vote && ballot.my_vote.receipt);
      sheet.append(el("p", { class: "ballot-sheet__done", "data-ballot-voted": "" }, S.voted,
        ballot.my_vote && ballot.my_vote.choice ? " " + fmt(S.voted_as, { choice: S[ballot.my_vote.choice] }) : ""));
      if (receipt) {
        sheet.append(el("div", { class: "ballot-receipt" }, el("span", {}, S.receipt),
          el("code", { class: "ballot-receipt__code", "data-ballot-receipt": "" }, receipt)));
      }
    } else if (!isDisplay && cfg.mode === "tablet") {
      sheet.append(el("p", { class: "ballot-sheet__note" }, S.not_eligible));
    }
    if (lastError) sheet.append(el("p", { class: "ballot-sheet__error", role: "alert" }, lastError));
    return;
  }
  collapsed = false;
  if (result && !dismissed.has(result.ballot_id)) {
    sheet.hidden = false;
    sheet.dataset.state = "result";
    sheet.classList.remove("ballot-sheet--collapsed");
    sheet.append(resultCard(result, { onClose: () => { dismissed.add(result.ballot_id); render(); } }));
    if (receipts.has(result.ballot_id)) checkReceipt(result.ballot_id);
    return;
  }
  sheet.hidden = true;
}

function render() {
  if (cfg.mode === "console") return;   // the console shows ballots in its own panel
  renderSheet();
  sheet.classList.toggle("ballot-sheet--display", isDisplay);
}

if (cfg.mode === "console") import("./ballot-console.js");
