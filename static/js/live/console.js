// The chair and secretariat console: the presented page with the floor queue beside (landscape)
// or below it (portrait), the agenda, documents, presenter and session controls in a rail, and
// the secretariat's attendance dialog.
import { $, T, act, call, el, live, on, bind, setText } from "./room.js";
import "./viewer.js";
import { attendance, renderPresence } from "./panels.js";
import "./layout.js";
import "./notes.js";
import "./search.js";

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
    if (ack.ok) { live.snap.presence = ack.presence; renderPresence(); $("attendance-dialog").close(); }
    else { const box = $("att-error"); box.textContent = ack.error.message; box.hidden = false; }
  });
}

// ---- wiring ---------------------------------------------------------------------------

attendance.open = openAttendance;
on("snapshot", renderPresenterControls);
on("page", renderPresenterControls);
on("directory", renderPresenterControls);
on("status", renderPresenterControls);

bind("next-item", () => act("next_item", {}));
bind("presenter-apply", () => {
  const select = $("presenter-select");
  if (select) act("set_presenter", { user_id: Number(select.value) });
});
