// Session page: "download for offline reading" and which documents are already on this tablet for
// the user signed in (the service worker keeps each user's copies apart: device.js, sw.js).
(function () {
  "use strict";
  // The documents sit under their agenda items; the offline bar below the agenda names the manifest.
  var card = document.querySelector("[data-offline-manifest]");
  var device = window.ecabinetDevice;
  if (!card || !device) return;
  var button = card.querySelector("[data-offline-download]");
  var status = card.querySelector("[data-offline-status]");
  if (!button || !status) return;
  var rows = Array.prototype.slice.call(document.querySelectorAll(".doc-row[data-file-url]"));
  function say(key, values) {
    var message = status.dataset["text" + key.charAt(0).toUpperCase() + key.slice(1)] || "";
    status.textContent = message.replace(/%\((\w+)\)s/g, function (_m, name) { return values ? values[name] : ""; });
  }
  if (!device.supported || !device.owner) {
    say("unsupported");
    button.disabled = true;
    return;
  }
  function mark() {
    return device.heldFiles().then(function (held) {
      var done = 0;
      rows.forEach(function (row) {
        var hit = held.has(row.dataset.fileUrl);
        row.querySelector(".doc-offline").hidden = !hit;
        if (hit) done += 1;
      });
      if (done === rows.length && rows.length) say("done", {total: rows.length});
      else if (done) say("partial", {done: done, total: rows.length});
      return done;
    });
  }
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
    device.ready
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        registration.active.postMessage({type: "download", manifest_url: card.dataset.offlineManifest});
      })
      .catch(function () { button.disabled = false; say("failed"); });
  });
  // What the server allows may have changed since the last visit: mark after the device caught up.
  device.sync().then(mark, mark);
})();
