// The member tablet: the presented page first; the member's own actions (check in, ask for the
// floor), private notes and highlights while following; the panels in rails (landscape) or
// drawers (portrait), the member's own actions staying under the page.
import { $, T, act, fmt, ME, isOver, live, on, bind } from "./room.js";
import "./viewer.js";
import { renderFloor, renderPresence } from "./panels.js";
import "./layout.js";
import "./notes.js";
import "./search.js";

function renderMe() {
  if (!live.snap) return;
  if (isOver()) {
    // Ended: nothing to check in to, no floor to ask for, nobody speaking ("you have the floor" goes).
    ["check-in", "checked-in", "floor-request", "floor-withdraw", "floor-status"].forEach((name) => {
      const node = $(name);
      if (node) node.hidden = true;
    });
    return;
  }
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

on("snapshot", renderMe);
on("presence", renderMe);
on("floor", renderMe);
on("directory", renderMe);
on("status", renderMe);

bind("check-in", async () => { const ack = await act("check_in", {}); if (ack.ok) { live.snap.presence = ack.presence; renderPresence(); renderMe(); } });
bind("floor-request", async () => { const ack = await act("floor_request", {}); if (ack.ok) { live.snap.floor = ack.floor; renderFloor(); renderMe(); } });
bind("floor-withdraw", async () => { const ack = await act("floor_withdraw", {}); if (ack.ok) { live.snap.floor = ack.floor; renderFloor(); renderMe(); } });
