// Small page behaviours shared by every page; no framework.
(function () {
  "use strict";

  // Forms with data-confirm ask before they submit (delete, end session...), but only once nothing that
  // would refuse the form is left: a form with data-require-checked (its message) needs a ticked choice,
  // said in its [data-form-error] box without asking anything. Rules only the server knows are checked
  // when the page is drawn (the button is then disabled with the reason beside it).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.getAttribute) return;
    var missing = form.getAttribute("data-require-checked");
    if (missing && !form.querySelector("input[type=radio]:checked, input[type=checkbox]:checked")) {
      event.preventDefault();
      var box = form.querySelector("[data-form-error]");
      if (box) {
        box.textContent = missing;
        box.hidden = false;
        if (!box.hasAttribute("tabindex")) box.setAttribute("tabindex", "-1");
        box.scrollIntoView({block: "center"});
        box.focus({preventScroll: true});
      }
      return;
    }
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // Read-only fields to copy from (the room display link) select their text when focused.
  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field.matches && field.matches("input[data-select-on-focus], textarea[data-select-on-focus]")) field.select();
  });

  // File pickers (templates/_macros.html file_picker): the chosen file's name, in place of "No file chosen".
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-file-name]")) return;
    var name = document.getElementById(input.getAttribute("data-file-name"));
    if (!name) return;
    name.textContent = input.files.length
      ? Array.prototype.map.call(input.files, function (file) { return file.name; }).join(", ")
      : name.getAttribute("data-empty");
  });

  // "Back to the previous page" (error pages): the browser's own back, which brings a form back with what
  // was typed in it; the link's address is the way back for a page opened without history.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-history-back]");
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  // A refused form comes back with its errors next to the fields: open what hides the first one (a
  // closed <details>), bring it into view and put the cursor in its field. Else an error message of the
  // last action (a flash), which a page anchor (#agenda) may have scrolled out of view.
  // Not once the user has started on the page before it finished loading (a tap, a key, a date
  // picker opened): taking their focus away then would close what they opened.
  var userActed = false;
  function noteAction() { userActed = true; }
  document.addEventListener("pointerdown", noteAction, {capture: true, once: true});
  document.addEventListener("keydown", noteAction, {capture: true, once: true});
  function showFirstError() {
    if (userActed) return;
    var target = document.querySelector(".field--invalid, .form-errors:not([hidden])") ||
      document.querySelector(".flash--error");
    if (!target) return;
    for (var node = target.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    var input = target.querySelector("input:not([type=hidden]), select, textarea");
    if (!target.classList.contains("field--invalid")) input = null;  // a message for the whole form
    target.scrollIntoView({block: "center"});
    if (input) {
      input.focus({preventScroll: true});
    } else {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus({preventScroll: true});
    }
  }
  // After the browser's own scroll to a page anchor, which comes with the load.
  if (document.readyState === "complete") showFirstError();
  else window.addEventListener("load", function () { window.requestAnimationFrame(showFirstError); });

  // Menus (the account menu, the session's "Manage" menu, a row's actions) close when tapping
  // elsewhere or on Escape (focus back on their button), and one opening closes the others.
  var MENUS = "details.user-menu[open], details.menu[open]";
  document.addEventListener("click", function (event) {
    document.querySelectorAll(MENUS).forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll(MENUS).forEach(function (menu) {
      var hadFocus = menu.contains(document.activeElement);
      menu.removeAttribute("open");
      if (hadFocus) menu.querySelector("summary").focus();
    });
  });

  // The skip link moves the keyboard focus, not only the view, to the content: a region that is
  // not focusable of its own becomes so until the focus leaves it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.skip-link");
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    if (!target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
      target.classList.add("is-skip-target");
      target.addEventListener("blur", function () {
        target.removeAttribute("tabindex");
        target.classList.remove("is-skip-target");
      }, {once: true});
    }
    target.focus();
  });

  // A control that hides itself or is redrawn (Check in, Request the floor, Follow the presenter,
  // a row that leaves a list) would drop the keyboard focus to the page body, and a screen reader
  // would start again from the top. The focus goes instead to the control's stand-in (the selector
  // in data-focus-next), else to the nearest control of the same group, else to the group itself.
  var FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), " +
                  "select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";
  var lastFocused = null, lastAncestors = [];

  function usable(node) {
    return node && node.isConnected && !node.disabled && !node.closest("[hidden], [inert]") &&
           node.getClientRects().length > 0;
  }

  document.addEventListener("focusin", function (event) {
    lastFocused = event.target;
    lastAncestors = [];
    for (var node = event.target.parentElement; node && node !== document.body; node = node.parentElement) {
      if (node.matches("section, aside, form, dialog, nav, li, [role=dialog], [role=group], main, header")) {
        lastAncestors.push(node);
      }
    }
  });

  // A tap or click elsewhere lets the focus go on purpose; the control it reaches, if any, is
  // recorded again by focusin.
  document.addEventListener("pointerdown", function () { lastFocused = null; }, true);

  // A list drawn again holds a new copy of the control: the same tag with the same data-live,
  // data-action and data-*-id attributes (or id).
  function twin(lost) {
    var keys = Array.prototype.filter.call(lost.attributes, function (attribute) {
      return /^data-(live|action|[a-z-]*id)$/.test(attribute.name);
    });
    if (lost.isConnected || (!keys.length && !lost.id)) return null;
    var selector = lost.tagName.toLowerCase() + (lost.id ? "#" + CSS.escape(lost.id) : "") +
      keys.map(function (attribute) { return "[" + attribute.name + '="' + CSS.escape(attribute.value) + '"]'; }).join("");
    var found = document.querySelector(selector);
    return usable(found) ? found : null;
  }

  function standIn(lost) {
    var named = lost.getAttribute("data-focus-next");
    var picked = twin(lost) || (named && document.querySelector(named));
    if (usable(picked)) return picked;
    for (var i = 0; i < lastAncestors.length; i++) {
      var group = lastAncestors[i];
      if (!usable(group)) continue;
      var candidates = Array.prototype.filter.call(group.querySelectorAll(FOCUSABLE), usable);
      // the next control after the lost one in reading order, else the one before it
      var after = candidates.filter(function (node) {
        return lost.isConnected && (lost.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING);
      });
      if (after.length || candidates.length) return after[0] || candidates[candidates.length - 1];
      if (!group.hasAttribute("tabindex")) group.setAttribute("tabindex", "-1");
      return group;
    }
    return null;
  }

  var rescuing = false;
  function rescueFocus() {
    rescuing = false;
    var active = document.activeElement;
    if (!lastFocused || (active && active !== document.body) || usable(lastFocused)) return;
    var target = standIn(lastFocused);
    if (target) target.focus();
  }
  new MutationObserver(function () {
    if (!rescuing) { rescuing = true; setTimeout(rescueFocus, 0); }
  }).observe(document.documentElement, {subtree: true, childList: true, attributes: true,
                                        attributeFilter: ["hidden", "disabled", "class", "open", "inert"]});

  // fetch() with the CSRF header, for page scripts that call the JSON API with the session cookie.
  window.ecabinetFetch = function (url, options) {
    options = options || {};
    var token = document.querySelector('meta[name="csrf-token"]');
    options.headers = Object.assign({"Content-Type": "application/json", "Accept": "application/json"},
                                    options.headers || {});
    if (token) options.headers["X-CSRFToken"] = token.content;
    options.credentials = "same-origin";
    return fetch(url, options);
  };
})();
