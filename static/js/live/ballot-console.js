// The chair's and secretary's ballot panel in the console: prepare, open (with a reason when there
// is no quorum), watch the count fill in and who has not voted, record a vote by hand (secretary,
// with a confirmation), close (chair; a tied secret ballot asks for the chair's deciding choice);
// the result. Everything goes through the JSON API (voting/api.py); the room hears it from the server.
import { csrfToken, el, fmt, live, nameOf, on, toast } from "./room.js";
import { S, ballotUrl, ballots, config, onBallots, resultCard, results, ruleLabel } from "./ballot.js";

let list = [];            // GET /meetings/<id>/ballots
let overrideFor = null;   // the ballot waiting for a reason to open without quorum
let castingFor = null;    // the tied secret ballot waiting for the chair's deciding choice
let hand = null;          // {ballotId, userId, choice, state: "checking"|"confirm"|"refused", message}

async function api(method, url, body) {
  const response = await fetch(url, {
    method, credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, data };
}

async function refresh() {
  const reply = await api("GET", config.ballots_url);
  if (reply.ok) { list = reply.data.ballots; render(); }
}

const panel = el("section", { class: "card live-panel ballot-panel", "data-ballot-panel": "", "aria-labelledby": "ballots-h" });
const rail = document.querySelector('[data-rail="end"]') || document.querySelector("main");
rail.prepend(panel);

// Where the panel sits: at the top of the end rail; on a portrait screen, where the page needs the
// height, in the attendance drawer, unless a ballot is open (then docked under the page, where the
// chair watches the count fill in).
const portrait = window.matchMedia("(max-width: 900px)");
function place() {
  const drawer = document.querySelector(".live-end-drawer");
  const open = list.some((ballot) => ballot.status === "open");
  const home = portrait.matches && drawer && !open ? drawer : rail;
  if (panel.parentElement !== home) home.prepend(panel);
}
portrait.addEventListener("change", place);

function field(label, input) {
  return el("label", { class: "field ballot-form__field" }, el("span", { class: "field__label" }, label), input);
}

// A refused ballot keeps what was typed; the reason goes under the field it is about, which gets the cursor.
function clearErrors(form) {
  form.querySelectorAll(".field__error").forEach((node) => node.remove());
  form.querySelectorAll(".field--invalid").forEach((node) => node.classList.remove("field--invalid"));
  form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
}

function showError(input, message) {
  const box = input.closest(".field");
  const error = el("span", { class: "field__error", id: `ballot-${input.name}-error` }, message);
  box.classList.add("field--invalid");
  box.append(error);
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", error.id);
  input.focus();
}

function prepareForm() {
  const items = (live.snap && live.snap.agenda.items) || [];
  const form = el("form", { class: "ballot-form stack-s", "data-ballot-form": "", novalidate: true },
    field(S.question, el("textarea", { name: "question", rows: "2", required: true, maxlength: "2000" })),
    field(S.item, el("select", { name: "agenda_item_id" }, el("option", { value: "" }, S.none),
      items.map((item) => el("option", { value: item.id, selected: item.id === live.snap.agenda.current_item_id },
        `${item.number}. ${item.title}`)))),
    field(S.rule, el("select", { name: "rule" }, el("option", { value: "" }, "—"),
      Object.keys(S.rules).map((rule) => el("option", { value: rule }, S.rules[rule])))),
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "secret" }), " ", S.secret_label),
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "allow_change" }), " ", S.allow_change),
    field(S.time_limit, el("input", { type: "number", name: "time_limit_s", min: "10", step: "10", inputmode: "numeric" })),
    el("button", { class: "btn btn--primary btn--block", type: "submit" }, S.save));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = form.elements;
    clearErrors(form);
    if (!f.question.value.trim()) { showError(f.question, S.question_required); return; }
    const body = { question: f.question.value, secret: f.secret.checked, allow_change: f.allow_change.checked };
    if (f.agenda_item_id.value) body.agenda_item_id = Number(f.agenda_item_id.value);
    if (f.rule.value) body.rule = f.rule.value;
    if (f.time_limit_s.value) body.time_limit_s = Number(f.time_limit_s.value);
    const reply = await api("POST", config.ballots_url, body);
    if (!reply.ok) {
      const error = reply.data.error || {};
      const input = error.details && error.details.field && f[error.details.field];
      if (input && input.closest && input.closest(".field")) showError(input, error.message || S.error);
      else toast(error.message || S.error);
      return;
    }
    form.reset();
    form.closest("details").open = false;
    refresh();
  });
  return el("details", { class: "ballot-prepare" }, el("summary", {}, S.prepare), form);
}

async function openBallot(ballot, reason) {
  const reply = await api("POST", `${ballotUrl(ballot.id)}/open`, reason ? { override_reason: reason } : {});
  if (reply.status === 409 && reply.data.error && reply.data.error.code === "no_quorum") {
    overrideFor = ballot.id; render(); return;
  }
  if (!reply.ok) { toast((reply.data.error && reply.data.error.message) || S.error); return; }
  overrideFor = null;
  refresh();
}

async function post(url, body) {
  const reply = await api("POST", url, body);
  if (!reply.ok) toast((reply.data.error && reply.data.error.message) || S.error);
  refresh();
  return reply;
}

async function closeBallot(ballot, castingChoice) {
  const reply = await api("POST", `${ballotUrl(ballot.id)}/close`, castingChoice ? { casting_choice: castingChoice } : {});
  if (reply.status === 409 && reply.data.error && reply.data.error.code === "casting_choice_required") {
    castingFor = ballot.id; render(); return;
  }
  castingFor = null;
  if (!reply.ok) toast((reply.data.error && reply.data.error.message) || S.error);
  refresh();
}

// A vote by hand: the rules that may refuse it first (the ballot still open, the member still without
// a vote: the ballot as the server has it now), then the confirmation, then the vote.
async function askHand(ballotId, userId, choice) {
  hand = { ballotId, userId, choice, state: "checking" };
  render();
  const reply = await api("GET", ballotUrl(ballotId));
  if (!hand || hand.ballotId !== ballotId || hand.userId !== userId) return;
  if (!reply.ok || reply.data.status !== "open") {
    hand = { ...hand, state: "refused", message: S.hand_refused_closed };
  } else if (!(reply.data.not_voted || []).includes(userId)) {
    hand = { ...hand, state: "refused", message: fmt(S.hand_refused_voted, { name: nameOf(userId) }) };
  } else {
    hand = { ...hand, state: "confirm" };
  }
  render();
}

async function recordHand() {
  const { ballotId, userId, choice } = hand;
  hand = null;
  await post(`${ballotUrl(ballotId)}/votes`, { user_id: userId, choice, by_hand: true });
}

// Who has not voted, in the order of the room's directory (protocol order, then Vietnamese names).
function inDirectoryOrder(userIds) {
  const people = (live.dir && live.dir.participants) || [];
  const place = new Map(people.map((person, index) => [person.user_id, index]));
  return userIds.slice().sort((a, b) => (place.get(a) ?? Infinity) - (place.get(b) ?? Infinity));
}

function handControls(item, userId) {
  if (!config.can_record_by_hand) return null;
  if (hand && hand.ballotId === item.id && hand.userId === userId) {
    const cancel = el("button", { class: "btn btn--compact", type: "button",
      onclick: () => { hand = null; render(); } }, S.cancel);
    if (hand.state === "checking") return el("span", { class: "ballot-notvoted__hand" }, S.hand_checking);
    if (hand.state === "refused") {
      return el("span", { class: "ballot-notvoted__hand ballot-notvoted__confirm", role: "alert" },
        el("span", {}, hand.message), cancel);
    }
    return el("span", { class: "ballot-notvoted__hand ballot-notvoted__confirm", "data-ballot-hand-confirm": userId },
      el("span", {}, fmt(S.hand_confirm, { name: nameOf(userId), choice: S[hand.choice] })),
      el("button", { class: `btn btn--compact btn--primary ballot-hand--${hand.choice}`, type: "button",
        "data-ballot-hand-record": "", onclick: recordHand }, S.hand_confirm_button),
      cancel);
  }
  return el("span", { class: "ballot-notvoted__hand" }, ["yes", "no", "abstain"].map((choice) =>
    el("button", { class: `btn btn--compact ballot-hand ballot-hand--${choice}`, type: "button",
      title: `${S.record_by_hand}: ${S[choice]}`, "data-ballot-hand": choice,
      onclick: () => askHand(item.id, userId, choice) }, S[choice])));
}

function liveCounts(item) {
  const live = ballots.get(item.id) || {};
  const counts = live.counts || item.counts || {};
  const notVoted = live.not_voted || item.not_voted || [];
  const voted = live.voted_count ?? item.voted_count ?? 0;
  // A member asked about who voted from their tablet meanwhile: the question goes with their row.
  if (hand && hand.ballotId === item.id && hand.state !== "refused" && !notVoted.includes(hand.userId)) hand = null;
  return el("div", { class: "ballot-live stack-s", "data-ballot-live": item.id },
    el("p", { class: "ballot-live__progress" }, fmt(S.progress, { voted, total: item.eligible_count })),
    el("div", { class: "ballot-result__counts" }, ["yes", "no", "abstain"].map((key) =>
      el("div", { class: `ballot-result__count ballot-result__count--${key}` },
        el("span", { class: "ballot-result__label" }, S[key]), el("strong", {}, String(counts[key] ?? 0))))),
    notVoted.length ? el("details", { class: "ballot-notvoted", open: notVoted.length <= 12 || Boolean(hand) },
      el("summary", {}, `${S.not_voted_list} (${notVoted.length})`),
      el("ul", { class: "ballot-notvoted__list" }, inDirectoryOrder(notVoted).map((userId) =>
        el("li", { class: "ballot-notvoted__row" }, el("span", {}, nameOf(userId)), handControls(item, userId))))) : null);
}

function castingPrompt(item) {
  return el("div", { class: "ballot-casting stack-s", role: "alert", "data-ballot-casting": item.id },
    el("p", { class: "ballot-casting__title" }, S.casting_title),
    el("div", { class: "ballot-item__actions" },
      el("button", { class: "btn btn--primary", type: "button", "data-ballot-casting-choice": "yes",
        onclick: () => closeBallot(item, "yes") }, S.passed),
      el("button", { class: "btn btn--danger", type: "button", "data-ballot-casting-choice": "no",
        onclick: () => closeBallot(item, "no") }, S.failed),
      el("button", { class: "btn btn--compact", type: "button", onclick: () => { castingFor = null; render(); } },
        S.cancel)));
}

function ballotRow(item) {
  const row = el("li", { class: `ballot-item ballot-item--${item.status}`, "data-ballot-id": item.id },
    el("div", { class: "ballot-item__head" },
      el("span", { class: "badge badge--plain" }, S[`status_${item.status}`]),
      el("span", { class: "ballot-item__kind" }, `${item.secret ? S.secret : S.open_vote} · ${ruleLabel(item.rule)}`)),
    el("p", { class: "ballot-item__question" }, item.question));
  if (item.status === "draft") {
    row.append(el("div", { class: "ballot-item__actions" },
      config.can_run ? el("button", { class: "btn btn--primary", type: "button", "data-ballot-open": item.id,
        onclick: () => openBallot(item) }, S.open) : el("span", { class: "ballot-item__note" }, S.chair_runs),
      el("button", { class: "btn btn--compact", type: "button",
        onclick: () => api("DELETE", ballotUrl(item.id)).then(refresh) }, S.delete)));
    if (overrideFor === item.id) {
      const input = el("input", { type: "text", name: "override_reason", maxlength: "1000", required: true });
      const form = el("form", { class: "ballot-override stack-s" }, el("p", { class: "ballot-sheet__error" }, S.no_quorum),
        input, el("button", { class: "btn btn--danger", type: "submit" }, S.open));
      form.addEventListener("submit", (event) => { event.preventDefault(); openBallot(item, input.value); });
      row.append(form);
    }
  } else if (item.status === "open") {
    row.append(liveCounts(item));
    if (!config.can_run) row.append(el("p", { class: "ballot-item__note" }, S.chair_runs));
    else if (castingFor === item.id) row.append(castingPrompt(item));
    else {
      row.append(el("button", { class: "btn btn--danger btn--block btn--large", type: "button",
        "data-ballot-close": item.id, onclick: () => closeBallot(item) }, S.close_vote));
    }
  } else {
    const result = results.get(item.id) || Object.assign({ ballot_id: item.id }, item);
    row.append(resultCard(result));
  }
  return row;
}

// The open ballot first (the count the chair watches), then those prepared, then the results.
const ORDER = { open: 0, draft: 1, closed: 2 };
function ordered() {
  return list.slice().sort((a, b) => (ORDER[a.status] - ORDER[b.status]) || (b.id - a.id));
}

// The form is built once per snapshot (its agenda) and kept across renders: counts arrive several
// times a second while a ballot is open, and a question being typed must not be lost.
let form = null;
function render() {
  if (!form && live.snap) form = prepareForm();
  panel.replaceChildren(
    el("div", { class: "live-panel__head" }, el("h2", { id: "ballots-h" }, S.ballots),
      el("a", { class: "btn btn--compact", href: config.csv_url, download: "" }, S.export)),
    el("div", { class: "live-panel__body stack-s" },
      el("ol", { class: "ballot-items" }, ordered().map(ballotRow)), form));
  place();
}

let pending = null;
function refreshSoon() { clearTimeout(pending); pending = setTimeout(refresh, 300); }
on("snapshot", () => { form = null; refresh(); });
onBallots(() => {
  // Counts arrive with the events; a change of status needs the list again.
  const statuses = new Map(list.map((b) => [b.id, b.status]));
  const stale = Array.from(ballots.values()).some((b) => statuses.get(b.ballot_id) !== b.status)
    || Array.from(results.keys()).some((id) => statuses.get(id) !== "closed");
  if (stale) refreshSoon(); else render();
});
render();
// Loaded on demand (ballot.js): the room's first snapshot may have come before this module, so the
// list is fetched now as well as at every snapshot.
refresh();
