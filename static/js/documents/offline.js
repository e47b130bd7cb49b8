// Session page: "download for offline reading" and which documents are already on this tablet.
(function () {
  "use strict";
  var card = document.getElementById("documents");
  if (!card) return;
  var button = card.querySelector("[data-offline-download]");
  var status = card.querySelector("[data-offline-status]");
  if (!button || !status) return;
  var rows = Array.prototype.slice.call(card.querySelectorAll(".doc-row[data-file-url]"));
  function say(key, values) {
    var message = status.dataset["text" + key.charAt(0).toUpperCase() + key.slice(1)] || "";
    status.textContent = message.replace(/%\((\w+)\)s/g, function (_m, name) { return values ? values[name] : ""; });
  }
  if (!("serviceWorker" in navigator) || !("caches" in window)) {
    say("unsupported");
    button.disabled = true;
    return;
  }
  function mark() {
    return caches.open("ecabinet-documents-v1").then(function (cache) {
      return Promise.all(rows.map(function (row) {
        return cache.match(row.dataset.fileUrl).then(function (hit) {
          row.querySelector(".doc-offline").hidden = !hit;
          return !!hit;
        });
      }));
    }).then(function (found) {
      var done = found.filter(Boolean).length;
      if (done === rows.length && rows.length) say("done", {total: rows.length});
      else if (done) say("partial", {done: done, total: rows.length});
      return done;
    });
  }
  navigator.serviceWorker.register(card.dataset.swUrl, {scope: "/meetings/"}).catch(function () {});
  navigator.serviceWorker.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type === "progress") { say("busy", {done: data.done, total: data.total}); mark(); }
    if (data.type === "finished") {
      button.disabled = false;
      mark().then(function (done) { if (done < rows.length) say("failed"); });
    }
  });
  button.addEventListener("click", function () {
    button.disabled = true;
    say("busy", {done: 0, total: rows.length});
    fetch(card.dataset.offlineManifest, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (manifest) {
        return navigator.serviceWorker.ready.then(function (registration) {
          registration.active.postMessage({
            type: "download",
            files: manifest.documents.map(function (d) { return d.file_url; }),
            pages: manifest.pages.concat(manifest.assets || [], manifest.documents.map(function (d) { return d.read_url; }), manifest.api),
          });
        });
      })
      .catch(function () { button.disabled = false; say("failed"); });
  });
  mark();
})();
