// The minutes' signing panel: the secretary's editor of the signing order, the PIN dialog of the
// signer whose turn it is, and the verifier's report. The PIN is read from the field, the field is
// emptied at once, and it is sent in one request: it is never stored, nor kept in the page.
(function () {
  "use strict";
  var panel = document.getElementById("signing");
  if (!panel) return;

  var strings = JSON.parse(document.getElementById("minutes-strings").textContent);
  var data = JSON.parse(document.getElementById("signing-data").textContent);

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  // dd/mm/yyyy HH:MM in Vietnam time, whatever the device's zone.
  var parts = new Intl.DateTimeFormat("en-GB", {timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit",
    year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23"});
  function when(iso) {
    if (!iso) return "—";
    var p = {};
    parts.formatToParts(new Date(iso)).forEach(function (part) { p[part.type] = part.value; });
    return p.day + "/" + p.month + "/" + p.year + " " + p.hour + ":" + p.minute;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function errorMessage(response, body) {
    if (body && body.error && body.error.message) return body.error.message;
    return strings.sign_network + " (" + response.status + ")";
  }

  function readJson(response) {
    return response.json().catch(function () { return null; }).then(function (body) {
      return {response: response, body: body};
    });
  }

  // -- the PIN dialog --------------------------------------------------------

  var dialog = document.getElementById("sign-dialog");
  var opener = document.getElementById("sign-open");
  if (dialog && opener) {
    var form = document.getElementById("sign-form");
    var pinInput = document.getElementById("sign-pin");
    var field = document.getElementById("sign-field");
    var error = document.getElementById("sign-error");
    var progress = document.getElementById("sign-progress");
    var submit = document.getElementById("sign-submit");
    var cancel = document.getElementById("sign-cancel");
    var busy = false;

    var showError = function (message) {
      error.textContent = message;
      error.hidden = !message;
      field.classList.toggle("field--invalid", !!message);
      if (message) pinInput.setAttribute("aria-invalid", "true");
      else pinInput.removeAttribute("aria-invalid");
    };
    var setBusy = function (value) {
      busy = value;
      progress.hidden = !value;
      submit.disabled = value;
      cancel.disabled = value;
      pinInput.disabled = value;
    };

    opener.addEventListener("click", function () {
      showError("");
      pinInput.value = "";
      dialog.showModal();
      pinInput.focus();
    });
    cancel.addEventListener("click", function () {
      pinInput.value = "";
      dialog.close();
    });
    dialog.addEventListener("cancel", function (event) {
      if (busy) event.preventDefault();  // Escape does not hide a signature being made
      else pinInput.value = "";
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) return;
      var pin = pinInput.value;
      pinInput.value = "";  // gone from the page before the request leaves
      if (!pin) {
        showError(strings.pin_required);
        pinInput.focus();
        return;
      }
      showError("");
      setBusy(true);
      var request = window.ecabinetFetch(panel.dataset.signApi, {method: "POST", body: JSON.stringify({pin: pin})});
      pin = null;
      request.then(readJson).then(function (result) {
        if (result.response.ok) {
          var done = document.getElementById("sign-done");
          done.textContent = strings.signed_now;
          done.hidden = false;
          dialog.close();
          window.location.reload();
          return;
        }
        setBusy(false);
        showError(errorMessage(result.response, result.body));
        pinInput.focus();
      }).catch(function () {
        setBusy(false);
        showError(strings.sign_network);
        pinInput.focus();
      });
    });
  }

  // -- the signing order editor (the secretary) -------------------------------

  var editor = document.getElementById("order-editor");
  var orderOpen = document.getElementById("order-open");
  if (editor && orderOpen) {
    var list = document.getElementById("order-list");
    var candidate = document.getElementById("order-candidate");
    var titleInput = document.getElementById("order-title");
    var orderError = document.getElementById("order-error");
    var saveButton = document.getElementById("order-save");
    var order = [];

    var reset = function () {
      order = data.signers.map(function (s) {
        return s.kind === "extra"
          ? {user_id: s.user_id, full_name: s.full_name, title: s.signs_as || ""}
          : {role: s.kind, full_name: s.full_name, capacity: s.capacity};
      });
    };
    var showOrderError = function (message) {
      orderError.textContent = message || "";
      orderError.hidden = !message;
    };
    var icons = document.getElementById("order-icons").content;
    var iconButton = function (label, name, handler, disabled) {
      var button = el("button", "btn btn--ghost btn--compact order-list__button");
      button.appendChild(icons.querySelector('[data-icon="' + name + '"] svg').cloneNode(true));
      button.type = "button";
      button.setAttribute("aria-label", label);
      button.title = label;
      button.disabled = !!disabled;
      button.addEventListener("click", handler);
      return button;
    };
    var move = function (index, delta) {
      var target = index + delta;
      var moved = order.splice(index, 1)[0];
      order.splice(target, 0, moved);
      render();
      var buttons = list.children[target].querySelectorAll("button");
      var again = buttons[delta < 0 ? 0 : 1];
      (again && !again.disabled ? again : buttons[0]).focus();
    };
    var syncCandidates = function () {
      var chosen = {};
      order.forEach(function (entry) { if (entry.user_id) chosen[entry.user_id] = true; });
      Array.prototype.forEach.call(candidate.options, function (option) {
        if (option.value) option.hidden = option.disabled = !!chosen[option.value];
      });
    };
    var render = function () {
      list.textContent = "";
      order.forEach(function (entry, index) {
        var item = el("li", "order-list__item");
        item.appendChild(el("span", "signer__no", String(index + 1)));
        var who = el("div", "order-list__who");
        who.appendChild(el("div", "signer__name", entry.full_name));
        if (entry.role) {
          who.appendChild(el("div", "muted small", entry.capacity));
        } else {
          var input = el("input", "input order-list__title");
          input.type = "text";
          input.maxLength = 120;
          input.value = entry.title;
          input.setAttribute("aria-label", strings.capacity + " · " + entry.full_name);
          input.addEventListener("input", function () { entry.title = input.value; });
          who.appendChild(input);
        }
        item.appendChild(who);
        var tools = el("div", "order-list__tools");
        tools.appendChild(iconButton(strings.move_up + " · " + entry.full_name, "up",
                                     function () { move(index, -1); }, index === 0));
        tools.appendChild(iconButton(strings.move_down + " · " + entry.full_name, "down",
                                     function () { move(index, 1); }, index === order.length - 1));
        if (!entry.role) {
          tools.appendChild(iconButton(strings.remove + " · " + entry.full_name, "remove", function () {
            order.splice(index, 1);
            render();
          }));
        }
        item.appendChild(tools);
        list.appendChild(item);
      });
      syncCandidates();
    };

    candidate.addEventListener("change", function () {
      var option = candidate.options[candidate.selectedIndex];
      if (option && option.value && !titleInput.value) titleInput.value = option.dataset.title || "";
    });
    document.getElementById("order-add").addEventListener("click", function () {
      var option = candidate.options[candidate.selectedIndex];
      if (!option || !option.value) {
        showOrderError(strings.choose_signer);
        candidate.focus();
        return;
      }
      showOrderError("");
      order.push({user_id: parseInt(option.value, 10), full_name: option.textContent.split(" — ")[0],
                  title: titleInput.value || option.dataset.title || ""});
      candidate.value = "";
      titleInput.value = "";
      render();
    });
    orderOpen.addEventListener("click", function () {
      reset();
      render();
      showOrderError("");
      editor.hidden = false;
      orderOpen.hidden = true;
      list.querySelector("button:not([disabled])").focus();
    });
    document.getElementById("order-cancel").addEventListener("click", function () {
      editor.hidden = true;
      orderOpen.hidden = false;
      orderOpen.focus();
    });
    editor.addEventListener("submit", function (event) {
      event.preventDefault();
      saveButton.disabled = true;
      var payload = order.map(function (entry) {
        return entry.role ? {role: entry.role} : {user_id: entry.user_id, title: entry.title};
      });
      window.ecabinetFetch(panel.dataset.signersApi, {method: "PUT", body: JSON.stringify({signers: payload})})
        .then(readJson).then(function (result) {
          if (result.response.ok) {
            window.location.reload();
            return;
          }
          saveButton.disabled = false;
          showOrderError(fmt(strings.order_failed, {message: errorMessage(result.response, result.body)}));
        }).catch(function () {
          saveButton.disabled = false;
          showOrderError(fmt(strings.order_failed, {message: strings.sign_network}));
        });
    });
  }

  // -- the verifier's report ---------------------------------------------------

  var verification = document.getElementById("verification");
  if (!verification) return;

  function yesNo(value, good) {
    var ok = good === undefined ? value : value === good;
    return el("span", "badge " + (ok ? "badge--success" : "badge--live"), value ? strings.yes : strings.no);
  }

  function row(dl, term, value) {
    dl.appendChild(el("dt", null, term));
    var dd = el("dd");
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = value;
    dl.appendChild(dd);
  }

  function renderReport(report) {
    verification.setAttribute("aria-busy", "false");
    var loading = document.getElementById("verification-loading");
    if (loading) loading.remove();
    var verdict = el("p", "verdict", null);
    verdict.id = "verdict";
    var missing = (report.missing_signers || []).map(function (m) { return m.full_name; });
    var givenValid = report.signatures.length && report.signatures.every(function (s) { return s.valid; });
    var structural = (report.reasons || []).filter(function (r) { return r.code !== "incomplete"; });
    if (report.valid) {
      verdict.classList.add("verdict--valid");
      verdict.textContent = strings.verdict_valid;
    } else if (!report.signatures.length && !structural.length) {
      verdict.textContent = strings.verdict_none;
    } else if (givenValid && !structural.length && missing.length) {
      verdict.classList.add("verdict--waiting");
      verdict.textContent = fmt(strings.verdict_waiting, {names: missing.join(", ")});
    } else {
      verdict.classList.add("verdict--invalid");
      verdict.textContent = strings.verdict_invalid;
    }
    verification.appendChild(verdict);
    structural.forEach(function (reason) { verification.appendChild(el("p", "field__error u-m0", reason.message)); });

    report.signatures.forEach(function (s, index) {
      var card = el("article", "signature-report");
      card.dataset.field = s.field || "";
      var head = el("h4", "signature-report__title", (index + 1) + ". " + (s.signer || "—") + " ");
      head.appendChild(el("span", "badge " + (s.valid ? "badge--success" : "badge--live"),
                          s.valid ? strings.valid : strings.not_valid));
      if (s.certified) {
        head.appendChild(document.createTextNode(" "));
        head.appendChild(el("span", "badge badge--plain", strings.certifies));
      }
      card.appendChild(head);
      var dl = el("dl", "kv");
      row(dl, strings.subject, s.subject || "—");
      row(dl, strings.issuer, s.issuer || "—");
      row(dl, strings.signing_time, when(s.signing_time));
      row(dl, strings.timestamp, s.timestamp ? when(s.timestamp.time) + " · " + s.timestamp.tsa : strings.no_timestamp);
      row(dl, strings.intact, yesNo(s.intact));
      row(dl, strings.trusted, yesNo(s.trusted));
      row(dl, strings.modified_after, yesNo(s.modified_after, false));
      card.appendChild(dl);
      (s.reasons || []).forEach(function (reason) { card.appendChild(el("p", "field__error u-m0", reason.message)); });
      verification.appendChild(card);
    });
  }

  window.ecabinetFetch(panel.dataset.verificationApi, {method: "GET"}).then(readJson).then(function (result) {
    if (!result.response.ok) throw new Error(errorMessage(result.response, result.body));
    renderReport(result.body);
  }).catch(function (problem) {
    verification.setAttribute("aria-busy", "false");
    var loading = document.getElementById("verification-loading");
    if (loading) loading.remove();
    verification.appendChild(el("p", "field__error", fmt(strings.verification_failed, {message: problem.message})));
  });
})();
