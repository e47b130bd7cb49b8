// Every page tells this device's service worker who is signed in (the server's opaque owner key,
// empty when nobody is), so offline copies are kept per user and leave with that user's session.
// Also exposes window.ecabinetDevice for the pages that download, read or follow a session.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="ecabinet-device"]');
  var OWNED = /^ecabinet-(docs|pages):(.*)$/;
  var LEGACY = ["ecabinet-documents-v1", "ecabinet-pages-v1"];
  var supported = !!meta && "serviceWorker" in navigator && "caches" in window;
  var owner = meta && meta.content ? meta.content : null;
  var loginUrl = meta ? meta.dataset.loginUrl : "/login";
  var logoutPath = meta ? meta.dataset.logoutUrl : "/logout";

  // Without waiting for the worker too: a page that names another owner, or nobody, deletes every
  // other owner's copies itself (the worker may not control this page yet).
  function dropCopiesExcept(keep) {
    if (!("caches" in window)) return Promise.resolve();
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        var match = OWNED.exec(name);
        return (match && match[2] !== keep) || LEGACY.indexOf(name) >= 0;
      }).map(function (name) { return caches.delete(name); }));
    });
  }

  // A question to the worker, answered on a message port (null if it cannot answer in time).
  function ask(message, timeout) {
    if (!supported) return Promise.resolve(null);
    return navigator.serviceWorker.ready.then(function (registration) {
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        var timer = setTimeout(function () { resolve(null); }, timeout || 10000);
        channel.port1.onmessage = function (event) { clearTimeout(timer); resolve(event.data); };
        registration.active.postMessage(message, [channel.port2]);
      });
    });
  }

  function heldFiles() {
    if (!owner || !("caches" in window)) return Promise.resolve(new Set());
    var name = "ecabinet-docs:" + owner;
    // Looking must not create the cache (caches.open would) once the copies have left with a logout.
    return caches.has(name)
      .then(function (held) { return held ? caches.open(name).then(function (cache) { return cache.keys(); }) : []; })
      .then(function (requests) { return new Set(requests.map(function (r) { return new URL(r.url).pathname; })); });
  }

  var announced = Promise.resolve();
  var syncing = null;
  if (supported) {
    navigator.serviceWorker.register(meta.dataset.swUrl, {scope: "/"}).catch(function () {});
    announced = Promise.all([dropCopiesExcept(owner), ask({type: "owner", owner: owner})]);
  } else if (meta) {
    announced = dropCopiesExcept(owner);
  }

  var device = window.ecabinetDevice = {
    owner: owner,
    supported: supported,
    ready: announced,
    ask: ask,
    heldFiles: heldFiles,
    // Ask the server again what this user may still hold; what is no longer allowed is deleted.
    // Once per page load, and again on each (re)connection of a live socket (`again`).
    sync: function (again) {
      if (!owner || !supported || !navigator.onLine) return Promise.resolve(null);
      if (!syncing || again) syncing = announced.then(function () { return ask({type: "sync"}, 60000); });
      return syncing;
    },
    // The session ended (refused connection, revoked): delete everything, then the login page.
    signOut: function () {
      return Promise.all([dropCopiesExcept(null), ask({type: "owner", owner: null}, 3000)])
        .then(function () { location.assign(loginUrl); });
    },
    // After the server dropped a socket: is the session still valid here?
    check: function () {
      return fetch("/api/v1/me", {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { if (response.status === 401) return device.signOut(); })
        .catch(function () { /* offline: nothing to learn */ });
    },
  };

  if (owner) device.sync();

  // Logging out: the copies go before the request does (the worker does the same when it controls
  // the page, and keeps the logout for later when the network is down).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.action || new URL(form.action, location.href).pathname !== logoutPath || form.dataset.cleared) return;
    event.preventDefault();
    form.dataset.cleared = "1";
    Promise.all([dropCopiesExcept(null), ask({type: "owner", owner: null}, 3000)])
      .then(function () { form.submit(); }, function () { form.submit(); });
  });
})();
