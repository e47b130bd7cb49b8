// Upload page: several files at once, one request each, a progress bar per file.
(function () {
  "use strict";
  var root = document.getElementById("upload");
  if (!root) return;
  var text = JSON.parse(document.getElementById("upload-strings").textContent);
  var list = document.getElementById("upload-list");
  var template = document.getElementById("file-row");
  var input = document.getElementById("file-input");
  var dropzone = document.getElementById("dropzone");
  var start = document.getElementById("upload-start");
  var summary = document.getElementById("upload-summary");
  var maxBytes = parseInt(root.dataset.maxBytes, 10);
  var accepted = root.dataset.accept.split(",");
  var rows = [];

  function format(message, values) {
    return message.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; }).replace("%%", "%");
  }
  function size(bytes) {
    // The page's language decides the separators: 1,5 MB in Vietnamese, 1.5 MB in English.
    var number = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en" : "vi",
      {minimumFractionDigits: 1, maximumFractionDigits: 1});
    return bytes >= 1048576 ? number.format(bytes / 1048576) + " MB" : Math.ceil(bytes / 1024) + " KB";
  }
  function defaults() {
    var values = {};
    root.querySelectorAll("[data-default]").forEach(function (el) { values[el.dataset.default] = el.value; });
    return values;
  }
  function titleFrom(name) {
    return name.replace(/\.[^.]+$/, "").replace(/[_]+/g, " ").trim();
  }
  function setStatus(row, state, message) {
    row.el.dataset.state = state;
    row.el.querySelector("[data-status]").textContent = message;
  }
  function refresh() {
    var pending = rows.filter(function (r) { return r.state === "waiting" || r.state === "failed"; });
    start.disabled = pending.length === 0 || rows.some(function (r) { return r.state === "uploading"; });
  }

  function add(file) {
    var el = template.content.firstElementChild.cloneNode(true);
    var row = {file: file, el: el, state: "waiting"};
    el.querySelector("[data-name]").textContent = file.name;
    el.querySelector("[data-size]").textContent = size(file.size);
    el.querySelector('[data-field="title"]').value = titleFrom(file.name);
    var d = defaults();
    el.querySelector('[data-field="kind"]').value = d.kind;
    el.querySelector('[data-field="agenda_item_id"]').value = d.agenda_item_id;
    var classification = el.querySelector('[data-field="classification"]');
    var guests = el.querySelector(".upload-row__guests");
    classification.addEventListener("change", function () { guests.hidden = classification.value === "normal"; });
    el.querySelector("[data-remove]").addEventListener("click", function () {
      if (row.state === "uploading") return;
      rows.splice(rows.indexOf(row), 1);
      el.remove();
      refresh();
    });
    var ext = "." + file.name.split(".").pop().toLowerCase();
    if (accepted.indexOf(ext) < 0) {
      row.state = "invalid";
      setStatus(row, "failed", text.wrong_type);
    } else if (file.size > maxBytes) {
      row.state = "invalid";
      setStatus(row, "failed", text.too_large);
    } else {
      setStatus(row, "waiting", text.waiting);
    }
    rows.push(row);
    list.appendChild(el);
    refresh();
  }

  function send(row) {
    return new Promise(function (resolve) {
      var form = new FormData();
      row.el.querySelectorAll("[data-field]").forEach(function (field) {
        form.append(field.dataset.field, field.type === "checkbox" ? (field.checked ? "true" : "false") : field.value);
      });
      form.append("file", row.file, row.file.name);
      var xhr = new XMLHttpRequest();
      var bar = row.el.querySelector(".progress__bar");
      var progress = row.el.querySelector(".progress");
      row.state = "uploading";
      row.el.querySelectorAll("[aria-invalid]").forEach(function (f) { f.removeAttribute("aria-invalid"); });
      row.el.querySelectorAll(".field--invalid").forEach(function (f) { f.classList.remove("field--invalid"); });
      row.el.querySelectorAll("input, select").forEach(function (f) { f.disabled = true; });
      setStatus(row, "uploading", format(text.uploading, {percent: 0}));
      xhr.upload.addEventListener("progress", function (event) {
        if (!event.lengthComputable) return;
        var percent = Math.round(event.loaded / event.total * 100);
        bar.style.width = percent + "%";
        progress.setAttribute("aria-valuenow", percent);
        setStatus(row, "uploading", percent < 100 ? format(text.uploading, {percent: percent}) : text.checking);
      });
      xhr.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
        if (xhr.status === 201) {
          row.state = "done";
          bar.style.width = "100%";
          setStatus(row, "done", format(text.done, {pages: body.page_count}));
        } else {
          row.state = "failed";
          row.el.querySelectorAll("input, select").forEach(function (f) { f.disabled = false; });
          setStatus(row, "failed", text.failed + ": " + ((body.error && body.error.message) || xhr.statusText));
          // A refusal about one of the row's fields (its title, say): that field is marked, with the
          // reason in the row's status, and keeps what was typed.
          var named = body.error && body.error.details && body.error.details.field;
          var input = named && row.el.querySelector('[data-field="' + named + '"]');
          if (input) {
            input.setAttribute("aria-invalid", "true");
            input.closest(".field") && input.closest(".field").classList.add("field--invalid");
          }
        }
        resolve();
      });
      xhr.addEventListener("error", function () {
        row.state = "failed";
        row.el.querySelectorAll("input, select").forEach(function (f) { f.disabled = false; });
        setStatus(row, "failed", text.network);
        resolve();
      });
      xhr.open("POST", root.dataset.endpoint);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRFToken", document.querySelector('meta[name="csrf-token"]').content);
      xhr.send(form);
    });
  }

  function uploadAll() {
    var queue = rows.filter(function (r) { return r.state === "waiting" || r.state === "failed"; });
    start.disabled = true;
    summary.textContent = "";
    var next = function () {
      var row = queue.shift();
      return row ? send(row).then(next) : Promise.resolve();
    };
    Promise.all([next(), next()]).then(function () {
      var failed = rows.some(function (r) { return r.state === "failed" || r.state === "invalid"; });
      summary.textContent = failed ? text.some_failed : text.all_done;
      refresh();
    });
  }

  input.addEventListener("change", function () {
    Array.prototype.forEach.call(input.files, add);
    input.value = "";
  });
  ["dragenter", "dragover"].forEach(function (name) {
    dropzone.addEventListener(name, function (e) { e.preventDefault(); dropzone.classList.add("is-over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    dropzone.addEventListener(name, function () { dropzone.classList.remove("is-over"); });
  });
  dropzone.addEventListener("drop", function (e) {
    e.preventDefault();
    Array.prototype.forEach.call(e.dataTransfer.files, add);
  });
  root.querySelectorAll("[data-default]").forEach(function (el) {
    el.addEventListener("change", function () {
      rows.forEach(function (row) {
        if (row.state === "waiting") row.el.querySelector('[data-field="' + el.dataset.default + '"]').value = el.value;
      });
    });
  });
  start.addEventListener("click", uploadAll);
})();
