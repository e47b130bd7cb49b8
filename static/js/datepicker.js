// A small date picker for the dd/mm/yyyy boxes of ecabinet/core/datefields.py. The box stays a
// text box (typing a date is often quicker); the calendar button next to it opens a month grid in
// the page's language, Monday first. Keyboard: arrows move by day and week, Page Up/Down by month
// (with Shift by year), Home/End to the start and end of the week, Enter picks, Escape closes.
// Without this script the box still works: the server reads and checks what was typed.
(function () {
  "use strict";

  var ICON = '<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><rect x="3.5" y="5" width="17" height="15.5" rx="2"/>' +
    '<path d="M3.5 10h17M8 3v4M16 3v4"/></svg>';
  var ARROW_PREV = '<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M15 5l-7 7 7 7"/></svg>';
  var ARROW_NEXT = '<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M9 5l7 7-7 7"/></svg>';

  function two(n) { return String(n).padStart(2, "0"); }
  function write(day) { return two(day.getDate()) + "/" + two(day.getMonth() + 1) + "/" + day.getFullYear(); }
  function sameDay(a, b) {
    return a && b && a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  }
  function addDays(day, n) { return new Date(day.getFullYear(), day.getMonth(), day.getDate() + n); }
  function addMonths(day, n) {
    var target = new Date(day.getFullYear(), day.getMonth() + n, 1);
    var last = new Date(target.getFullYear(), target.getMonth() + 1, 0).getDate();
    return new Date(target.getFullYear(), target.getMonth(), Math.min(day.getDate(), last));
  }
  function mondayIndex(day) { return (day.getDay() + 6) % 7; }

  /** The date typed in the box (dd/mm/yyyy, also with - or .), or null. */
  function parse(text) {
    var m = /^\s*(\d{1,2})\s*[\/.\-]\s*(\d{1,2})\s*[\/.\-]\s*(\d{4})/.exec(text || "");
    if (!m) return null;
    var day = new Date(Number(m[3]), Number(m[2]) - 1, Number(m[1]));
    return day.getMonth() === Number(m[2]) - 1 ? day : null;
  }

  /** Today in Vietnam, whatever the device's own zone. */
  function today() {
    var p = {};
    new Intl.DateTimeFormat("en-GB", {timeZone: "Asia/Ho_Chi_Minh", year: "numeric", month: "numeric", day: "numeric"})
      .formatToParts(new Date()).forEach(function (part) { p[part.type] = Number(part.value); });
    return new Date(p.year, p.month - 1, p.day);
  }

  function make(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  var openPicker = null;  // one at a time

  function enhance(input) {
    var t = JSON.parse(input.dataset.datepicker);
    var wrapper = input.closest(".date-input") || input.parentNode;
    var label = input.labels && input.labels[0] ? input.labels[0].textContent.trim() : "";
    var button = make("button", "icon-btn date-input__pick");
    button.type = "button";
    button.innerHTML = ICON;
    button.title = t.open;
    button.setAttribute("aria-label", label ? t.open + ": " + label : t.open);
    button.setAttribute("aria-haspopup", "dialog");
    button.setAttribute("aria-expanded", "false");
    input.after(button);

    var panel = null, focusDay = null, chosen = null;

    function close(returnFocus) {
      if (!panel) return;
      panel.remove();
      panel = null;
      openPicker = null;
      button.setAttribute("aria-expanded", "false");
      document.removeEventListener("pointerdown", outside, true);
      if (returnFocus) button.focus();
    }

    function outside(event) { if (panel && !wrapper.contains(event.target)) close(false); }

    function pick(day) {
      input.value = write(day);
      input.dispatchEvent(new Event("input", {bubbles: true}));
      input.dispatchEvent(new Event("change", {bubbles: true}));
      close(false);
      input.focus();
    }

    // Under its box, moved sideways as far as needed to stay whole on a narrow screen.
    function placeInView() {
      var box = panel.getBoundingClientRect();
      var room = document.documentElement.clientWidth - 8;
      var shift = box.right > room ? room - box.right : 0;
      if (box.left + shift < 8) shift = 8 - box.left;
      panel.style.left = shift + "px";
    }

    function render(moveFocus) {
      var title = panel.querySelector(".datepicker__title");
      title.textContent = t.month_year.replace("%(month)s", t.months[focusDay.getMonth()])
        .replace("%(year)s", String(focusDay.getFullYear()));
      var body = panel.querySelector("tbody");
      body.replaceChildren();
      var first = new Date(focusDay.getFullYear(), focusDay.getMonth(), 1);
      var cursor = addDays(first, -mondayIndex(first));
      var now = today();
      for (var week = 0; week < 6; week++) {
        var row = make("tr");
        for (var d = 0; d < 7; d++) {
          var day = cursor;
          var cell = make("td");
          var dayButton = make("button", "datepicker__day", String(day.getDate()));
          dayButton.type = "button";
          dayButton.tabIndex = sameDay(day, focusDay) ? 0 : -1;
          dayButton.dataset.date = write(day);
          dayButton.setAttribute("aria-label", t.weekdays_long[mondayIndex(day)] + ", " + write(day));
          if (day.getMonth() !== focusDay.getMonth()) dayButton.classList.add("is-other-month");
          if (mondayIndex(day) === 6) dayButton.classList.add("is-sunday");
          if (sameDay(day, chosen)) dayButton.setAttribute("aria-pressed", "true");
          if (sameDay(day, now)) dayButton.setAttribute("aria-current", "date");
          dayButton.addEventListener("click", pick.bind(null, day));
          cell.appendChild(dayButton);
          row.appendChild(cell);
          cursor = addDays(cursor, 1);
        }
        body.appendChild(row);
        // Five rows are enough for most months: no empty sixth row of the next month.
        if (week >= 3 && cursor.getMonth() !== focusDay.getMonth()) break;
      }
      if (moveFocus) body.querySelector('[tabindex="0"]').focus();
    }

    function move(day) { focusDay = day; render(true); }

    function open() {
      if (openPicker) openPicker(false);
      chosen = parse(input.value);
      focusDay = chosen || today();
      panel = make("div", "datepicker");
      panel.setAttribute("role", "dialog");
      panel.setAttribute("aria-label", label ? t.open + ": " + label : t.open);
      var head = make("div", "datepicker__head");
      var prev = make("button", "icon-btn");
      prev.type = "button"; prev.innerHTML = ARROW_PREV; prev.title = t.previous; prev.setAttribute("aria-label", t.previous);
      var next = make("button", "icon-btn");
      next.type = "button"; next.innerHTML = ARROW_NEXT; next.title = t.next; next.setAttribute("aria-label", t.next);
      var title = make("div", "datepicker__title");
      title.setAttribute("aria-live", "polite");
      head.append(prev, title, next);
      var table = make("table", "datepicker__grid");
      var headRow = make("tr");
      t.weekdays.forEach(function (name, index) {
        var th = make("th", index === 6 ? "is-sunday" : "", name);
        th.scope = "col";
        th.abbr = t.weekdays_long[index];
        headRow.appendChild(th);
      });
      var thead = make("thead");
      thead.appendChild(headRow);
      table.append(thead, make("tbody"));
      var foot = make("div", "datepicker__foot");
      var todayButton = make("button", "btn btn--ghost", t.today);
      todayButton.type = "button";
      var closeButton = make("button", "btn btn--ghost", t.close);
      closeButton.type = "button";
      foot.append(todayButton, closeButton);
      panel.append(head, table, foot);
      wrapper.appendChild(panel);
      prev.addEventListener("click", function () { focusDay = addMonths(focusDay, -1); render(false); });
      next.addEventListener("click", function () { focusDay = addMonths(focusDay, 1); render(false); });
      todayButton.addEventListener("click", function () { pick(today()); });
      closeButton.addEventListener("click", function () { close(true); });
      // Tabbing away from the picker closes it (a click inside it moves the focus to nothing).
      panel.addEventListener("focusout", function (event) {
        if (event.relatedTarget && !wrapper.contains(event.relatedTarget)) close(false);
      });
      panel.addEventListener("keydown", function (event) {
        if (event.key === "Escape") { event.preventDefault(); close(true); return; }
        if (!event.target.classList.contains("datepicker__day")) return;
        var steps = {ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7};
        if (event.key in steps) move(addDays(focusDay, steps[event.key]));
        else if (event.key === "PageUp") move(addMonths(focusDay, event.shiftKey ? -12 : -1));
        else if (event.key === "PageDown") move(addMonths(focusDay, event.shiftKey ? 12 : 1));
        else if (event.key === "Home") move(addDays(focusDay, -mondayIndex(focusDay)));
        else if (event.key === "End") move(addDays(focusDay, 6 - mondayIndex(focusDay)));
        else return;
        event.preventDefault();
      });
      button.setAttribute("aria-expanded", "true");
      document.addEventListener("pointerdown", outside, true);
      openPicker = close;
      render(true);
      placeInView();
    }

    button.addEventListener("click", function () { if (panel) close(true); else open(); });
  }

  function start() { document.querySelectorAll("input[data-datepicker]").forEach(enhance); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
