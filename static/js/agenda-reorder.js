// Drag-to-reorder of agenda items (the up/down buttons work without it).
(function () {
  "use strict";
  var list = document.getElementById("agenda-list");
  if (!list || !list.dataset.reorderUrl || !window.Sortable) return;

  // The items slide aside as one is dragged, unless the user asked for reduced motion (ecabinet.css).
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  window.Sortable.create(list, {
    handle: ".drag-handle",
    animation: still ? 0 : 150,
    onEnd: function () {
      var ids = Array.prototype.map.call(list.querySelectorAll(":scope > [data-item-id]"), function (li) {
        return parseInt(li.dataset.itemId, 10);
      });
      window.ecabinetFetch(list.dataset.reorderUrl, {method: "PUT", body: JSON.stringify({item_ids: ids})})
        .then(function (response) {
          if (!response.ok) throw new Error("reorder failed");
          list.querySelectorAll(".agenda-item__no").forEach(function (badge, index) {
            badge.textContent = index + 1;
          });
        })
        .catch(function () { window.location.reload(); });
    }
  });
})();
