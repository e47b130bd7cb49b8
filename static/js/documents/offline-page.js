// The page the service worker shows when the network is gone: says why this page cannot open, and
// lists the documents the signed-in user has on this device (none when nobody is signed in).
(function () {
  "use strict";
  var root = document.getElementById("offline");
  if (!root) return;
  var text = JSON.parse(document.getElementById("offline-strings").textContent);
  var fmt = function (message, values) {
    return message.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  };
  var $ = function (selector) { return root.querySelector(selector); };

  if (new RegExp(root.dataset.livePattern).test(location.pathname)) {
    $("[data-offline-live]").hidden = false;
    $("[data-offline-page]").hidden = true;
  }

  function retry() {
    if (navigator.onLine) location.reload();
    else $("[data-offline-state]").textContent = text.still_offline;
  }
  $("[data-offline-retry]").addEventListener("click", retry);
  window.addEventListener("online", function () { location.reload(); });

  function ask(message) {
    if (!("serviceWorker" in navigator) || !navigator.serviceWorker.controller) return Promise.resolve(null);
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      var timer = setTimeout(function () { resolve(null); }, 5000);
      channel.port1.onmessage = function (event) { clearTimeout(timer); resolve(event.data); };
      navigator.serviceWorker.controller.postMessage(message, [channel.port2]);
    });
  }

  function el(tag, cls, content) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  // dd/mm/yyyy in Vietnam time, whatever the tablet's own zone and language.
  var dayParts = new Intl.DateTimeFormat("en-GB", {timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit",
    year: "numeric"});
  function date(iso) {
    var p = {};
    dayParts.formatToParts(new Date(iso)).forEach(function (part) { p[part.type] = part.value; });
    return p.day + "/" + p.month + "/" + p.year;
  }

  function render(held) {
    if (!held || !held.owner) {
      $("[data-offline-signed-out]").hidden = false;
      $("[data-offline-page]").hidden = true;
      return;
    }
    $("[data-offline-copies]").hidden = false;
    var list = $("[data-offline-list]");
    var shown = 0;
    held.meetings.forEach(function (meeting) {
      var documents = meeting.documents.filter(function (d) { return d.held; });
      if (!documents.length) return;
      var group = el("div", "doc-group");
      var title = el("div", "doc-group__title", meeting.title);
      if (meeting.starts_at) title.appendChild(el("span", "muted", " · " + fmt(text.starts, {date: date(meeting.starts_at)})));
      group.appendChild(title);
      var ul = el("ul", "list");
      documents.forEach(function (d) {
        var li = el("li", "doc-row");
        var main = el("div", "doc-row__main");
        var link = el("a", "doc-row__title", d.title);
        link.href = d.read_url;
        main.appendChild(link);
        var meta = el("div", "meta doc-row__meta");
        if (d.item) meta.appendChild(el("span", "", fmt(text.item, {number: d.item})));
        meta.appendChild(el("span", "", fmt(text.pages, {num: d.pages})));
        if (d.confidential) meta.appendChild(el("span", "badge badge--confidential badge--plain", text.confidential));
        main.appendChild(meta);
        var actions = el("div", "doc-row__actions");
        var read = el("a", "btn btn--primary", text.read);
        read.href = d.read_url;
        actions.appendChild(read);
        li.append(main, actions);
        ul.appendChild(li);
        shown += 1;
      });
      group.appendChild(ul);
      list.appendChild(group);
    });
    $("[data-offline-none]").hidden = shown > 0;
  }

  ask({type: "holdings"}).then(render);
})();
