// Small page behaviours shared by every page; no framework.
(function () {
  "use strict";

  // Forms with data-confirm ask before they submit (delete, end session...).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // Read-only fields to copy from (the room display link) select their text when focused.
  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field.matches && field.matches("input[data-select-on-focus]")) field.select();
  });

  // Close the account menu when tapping elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });

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
