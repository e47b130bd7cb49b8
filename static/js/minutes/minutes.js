// The minutes page: comparing revisions (everyone), and for the secretary the editor's autosave.
// Autosave sends PUT {base_revision, content} a moment after typing stops; a 409 stale_revision
// (someone else saved meanwhile) stops saving and shows both texts, and nothing typed is lost.
(function () {
  "use strict";
  var root = document.getElementById("minutes");
  if (!root) return;

  var api = root.dataset.api;
  var revision = parseInt(root.dataset.revision, 10) || 0;
  var editable = root.dataset.editable === "true";
  var strings = JSON.parse(document.getElementById("minutes-strings").textContent);
  var labels = JSON.parse(document.getElementById("minutes-labels").textContent);
  var DEBOUNCE_MS = 1200;
  var RETRY_MS = 5000;

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  // dd/mm/yyyy and 24-hour, in Vietnam time whatever the device's zone.
  var parts = new Intl.DateTimeFormat("en-GB", {timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit",
    year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23"});
  function when(iso) {
    var p = {};
    parts.formatToParts(new Date(iso)).forEach(function (part) { p[part.type] = part.value; });
    return {date: p.day + "/" + p.month + "/" + p.year, time: p.hour + ":" + p.minute};
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // -- comparison ------------------------------------------------------------

  var FIELD_NAMES = {discussion: "discussion", conclusion: "conclusion", state: "state", reason: "reason"};

  function label(path) {
    var bits = path.split(".");
    if (bits[0] === "summary" || bits[0] === "place") return strings[bits[0]];
    if (bits[0] === "items" && bits.length > 2) {
      var item = labels.items[bits[1]] || bits[1];
      var rest = bits.slice(2).join(".");
      return item + " · " + (FIELD_NAMES[rest] ? strings[FIELD_NAMES[rest]] : rest);
    }
    if (bits[0] === "attendance" && bits.length > 2) {
      var name = labels.people[bits[1]] || bits[1];
      var field = bits.slice(2).join(".");
      return name + " · " + (FIELD_NAMES[field] ? strings[FIELD_NAMES[field]] : field);
    }
    return path;
  }

  function shown(path, value) {
    if (value === null || value === undefined || value === "") return strings.empty;
    if (/\.state$/.test(path) && labels.attendance[value]) return labels.attendance[value];
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  }

  // Side by side: one row per changed field, the older text on the left.
  function renderDiff(target, changes, leftTitle, rightTitle) {
    target.textContent = "";
    if (!changes.length) {
      target.appendChild(el("p", "muted", strings.no_changes));
      return;
    }
    var head = el("div", "diff__row diff__head");
    head.appendChild(el("div", "diff__field", ""));
    head.appendChild(el("div", "diff__side", leftTitle));
    head.appendChild(el("div", "diff__side", rightTitle));
    target.appendChild(head);
    changes.forEach(function (change) {
      var row = el("div", "diff__row diff__row--" + change.change);
      row.dataset.path = change.path;
      row.appendChild(el("div", "diff__field", label(change.path) + " (" + strings[change.change] + ")"));
      row.appendChild(el("div", "diff__side diff__before", shown(change.path, change.before)));
      row.appendChild(el("div", "diff__side diff__after", shown(change.path, change.after)));
      target.appendChild(row);
    });
  }

  var compareForm = document.getElementById("compare-form");
  var compareResult = document.getElementById("compare-result");
  if (compareForm) {
    compareForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var a = compareForm.elements.a.value, b = compareForm.elements.b.value;
      window.ecabinetFetch(api + "/compare?a=" + encodeURIComponent(a) + "&b=" + encodeURIComponent(b))
        .then(function (response) { return response.json(); })
        .then(function (data) {
          // "offline" comes from the service worker, which cannot know the page's language: our own words.
          if (data.error) { compareResult.textContent = data.error.code === "offline" ? strings.offline : data.error.message; return; }
          renderDiff(compareResult, data.changes, fmt(strings.revision, {n: a}), fmt(strings.revision, {n: b}));
        });
    });
  }

  if (!editable) return;

  // -- the editor --------------------------------------------------------------

  var saveState = document.getElementById("save-state");
  var conflict = document.getElementById("conflict");
  var finaliseOpen = document.getElementById("finalise-open");
  var dialog = document.getElementById("finalise-dialog");
  var timer = null, inflight = null, dirty = false, blocked = false, theirs = null;

  function collect() {
    var content = {attendance: [], items: []};
    root.querySelectorAll("[data-field]").forEach(function (input) { content[input.dataset.field] = input.value; });
    root.querySelectorAll("tr[data-user-id]").forEach(function (row) {
      content.attendance.push({user_id: parseInt(row.dataset.userId, 10),
        state: row.querySelector('[data-attendance="state"]').value,
        reason: row.querySelector('[data-attendance="reason"]').value});
    });
    root.querySelectorAll("[data-item-id]").forEach(function (article) {
      var entry = {agenda_item_id: parseInt(article.dataset.itemId, 10)};
      article.querySelectorAll("[data-item]").forEach(function (box) { entry[box.dataset.item] = box.value; });
      content.items.push(entry);
    });
    return content;
  }

  // The editable fields of a content as flat paths, for showing my text against theirs.
  function editablePaths(content) {
    var out = {summary: content.summary || "", place: content.place || ""};
    (content.attendance || []).forEach(function (p) {
      out["attendance." + p.user_id + ".state"] = p.state;
      out["attendance." + p.user_id + ".reason"] = p.reason || "";
    });
    (content.items || []).forEach(function (i) {
      out["items." + i.agenda_item_id + ".discussion"] = i.discussion || "";
      out["items." + i.agenda_item_id + ".conclusion"] = i.conclusion || "";
    });
    return out;
  }

  // The editable fields as the server last had them: what "my edits" are measured against.
  var base = editablePaths(collect());

  function setState(text, kind) {
    saveState.textContent = text;
    saveState.dataset.state = kind || "";
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(save, delay === undefined ? DEBOUNCE_MS : delay);
  }

  function changed() {
    dirty = true;
    if (blocked) return;
    setState(strings.unsaved, "dirty");
    schedule();
  }

  root.addEventListener("input", function (event) {
    if (event.target.matches("[data-field], [data-attendance], [data-item]")) changed();
  });
  root.addEventListener("change", function (event) {
    if (event.target.matches("select[data-attendance]")) changed();
  });

  function refreshHistory(data) {
    var list = document.getElementById("revision-list");
    list.textContent = "";
    data.revisions.slice().reverse().forEach(function (r) {
      var li = el("li");
      li.appendChild(el("strong", "", fmt(strings.revision, {n: r.number})));
      var at = when(r.saved_at);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", "muted small", at.date + " " + at.time + " · " + (r.author ? r.author.full_name : "—")));
      list.appendChild(li);
    });
    document.getElementById("revision-count").textContent = data.revisions.length;
    document.getElementById("minutes-revision").textContent = fmt(strings.revision, {n: data.revision});
    ["a", "b"].forEach(function (name) {
      var select = compareForm.elements[name];
      select.textContent = "";
      data.revisions.forEach(function (r, index) {
        var option = el("option", "", String(r.number));
        option.value = r.number;
        option.selected = name === "b" ? index === data.revisions.length - 1 : index === data.revisions.length - 2;
        select.appendChild(option);
      });
    });
    compareForm.hidden = data.revisions.length < 2;
    if (finaliseOpen) finaliseOpen.disabled = !data.permissions.finalise;
  }

  function showConflict(current) {
    blocked = true;
    clearTimeout(timer);
    theirs = current;
    var at = when(current.saved_at);
    document.getElementById("conflict-text").textContent = fmt(strings.conflict, {
      n: current.number, time: at.time, date: at.date, name: current.author ? current.author.full_name : "—"});
    var mine = editablePaths(collect()), other = editablePaths(current.content), changes = [];
    Object.keys(mine).forEach(function (path) {
      if ((other[path] || "") !== (mine[path] || "")) {
        changes.push({path: path, change: "changed", before: other[path], after: mine[path]});
      }
    });
    renderDiff(document.getElementById("conflict-diff"), changes, fmt(strings.revision, {n: current.number}), strings.mine);
    conflict.hidden = false;
    setState(strings.not_saved, "error");
    conflict.scrollIntoView({block: "start"});
  }

  function save() {
    clearTimeout(timer);
    if (blocked) return Promise.resolve(false);
    if (inflight) { schedule(); return inflight; }
    var sent = collect();
    dirty = false;
    setState(strings.saving, "saving");
    inflight = window.ecabinetFetch(api, {method: "PUT", body: JSON.stringify({base_revision: revision, content: sent})})
      .then(function (response) {
        return response.json().then(function (data) { return {status: response.status, data: data}; });
      })
      .then(function (reply) {
        inflight = null;
        if (reply.status === 200) {
          revision = reply.data.revision;
          base = editablePaths(reply.data.content);
          root.dataset.revision = revision;
          setState(fmt(strings.saved_at, {time: when(reply.data.saved_at).time}), "saved");
          refreshHistory(reply.data);
          if (dirty) schedule();
          return true;
        }
        dirty = true;
        var error = reply.data.error || {};
        if (error.code === "stale_revision" && error.details && error.details.current) {
          showConflict(error.details.current);
        } else if (error.code === "minutes_final") {
          blocked = true;
          setState(error.message, "error");
        } else {
          setState(fmt(strings.save_failed, {message: error.message || reply.status}), "error");
        }
        return false;
      })
      .catch(function () {
        inflight = null;
        dirty = true;
        setState(strings.offline, "error");
        schedule(RETRY_MS);
        return false;
      });
    return inflight;
  }

  // Put flat path values back into the fields.
  function fill(values) {
    root.querySelectorAll("[data-field]").forEach(function (input) {
      if (input.dataset.field in values) input.value = values[input.dataset.field];
    });
    root.querySelectorAll("tr[data-user-id]").forEach(function (row) {
      ["state", "reason"].forEach(function (name) {
        var path = "attendance." + row.dataset.userId + "." + name;
        if (path in values) row.querySelector('[data-attendance="' + name + '"]').value = values[path] || "";
      });
    });
    root.querySelectorAll("[data-item-id]").forEach(function (article) {
      article.querySelectorAll("[data-item]").forEach(function (box) {
        var path = "items." + article.dataset.itemId + "." + box.dataset.item;
        if (path in values) box.value = values[path] || "";
      });
    });
  }

  function resolve(keepMine) {
    var mine = editablePaths(collect()), other = editablePaths(theirs.content), merged = {};
    Object.keys(other).forEach(function (path) {
      // My edits since the revision I started from win; everything else comes from theirs.
      var edited = keepMine && (mine[path] || "") !== (base[path] || "");
      merged[path] = edited ? mine[path] : other[path];
    });
    fill(merged);
    base = other;
    revision = theirs.number;
    root.dataset.revision = revision;
    conflict.hidden = true;
    blocked = false;
    if (keepMine) {
      save();
    } else {
      dirty = false;
      setState(fmt(strings.saved_at, {time: when(theirs.saved_at).time}), "saved");
    }
  }

  document.getElementById("conflict-keep-mine").addEventListener("click", function () { resolve(true); });
  document.getElementById("conflict-take-theirs").addEventListener("click", function () { resolve(false); });

  // New facts (a late check-in, another speaker, a closed ballot): save now, then show the page again.
  var factsRefresh = document.getElementById("facts-refresh");
  if (factsRefresh) {
    factsRefresh.addEventListener("click", function () {
      dirty = true;
      save().then(function (ok) { if (ok) window.location.reload(); });
    });
  }

  window.addEventListener("beforeunload", function (event) {
    if (dirty || inflight) { event.preventDefault(); event.returnValue = ""; }
  });

  if (finaliseOpen && dialog) {
    finaliseOpen.addEventListener("click", function () {
      // What the secretary sees is what gets frozen: save first, then ask.
      Promise.resolve(dirty ? save() : true).then(function (ok) {
        if (ok !== false && !blocked) dialog.showModal();
      });
    });
    document.getElementById("finalise-cancel").addEventListener("click", function () { dialog.close(); });
    document.getElementById("finalise-confirm").addEventListener("click", function () {
      window.ecabinetFetch(api + "/finalise", {method: "POST", body: JSON.stringify({base_revision: revision})})
        .then(function (response) {
          return response.json().then(function (data) { return {status: response.status, data: data}; });
        })
        .then(function (reply) {
          dialog.close();
          if (reply.status === 200) { dirty = false; window.location.reload(); return; }
          var error = reply.data.error || {};
          if (error.code === "stale_revision" && error.details && error.details.current) showConflict(error.details.current);
          else setState(fmt(strings.finalise_failed, {message: error.message || reply.status}), "error");
        });
    });
  }
})();
