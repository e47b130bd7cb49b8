// The minutes and notice pages follow the session's minutes while they are finalised and signed:
// the server's `minutes` push (to each reader's own sockets) says how they stand now, and when that
// is not what this page shows, a bar says what changed (first of all: "your turn to sign") and
// offers to reload. The page is never reloaded under the reader's hands.
(function () {
  "use strict";
  var bar = document.getElementById("minutes-follow");
  if (!bar || !window.io) return;
  var meetingId = Number(bar.dataset.meetingId);
  var userId = Number(bar.dataset.userId);
  var shown = {status: bar.dataset.status, version: Number(bar.dataset.version), signed: Number(bar.dataset.signed)};
  var device = window.ecabinetDevice;

  function message(now) {
    if (now.turn_user_id === userId) return bar.dataset.yourTurn;
    if (now.complete) return bar.dataset.complete;
    if (now.status !== shown.status) return bar.dataset.finalised;
    if (now.signed !== shown.signed) return bar.dataset.signedText;
    return bar.dataset.order;
  }

  var heard = null;      // the state the bar speaks of
  var dismissed = null;  // the state the reader said "not now" to

  function apply(now) {
    if (!now || now.meeting_id !== meetingId) return;
    heard = now.status + ":" + now.signers_version;
    if (heard === shown.status + ":" + shown.version || heard === dismissed) {
      bar.hidden = true;
      return;
    }
    bar.querySelector("[data-follow-text]").textContent = message(now);
    bar.hidden = false;
  }

  // At every connection, the first included: what was pushed while this page loaded, or while its
  // connection was down, is asked for.
  function refresh() {
    fetch(bar.dataset.signersApi, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        var signed = data.signers.filter(function (s) { return s.signed; }).length;
        var turn = data.signers.filter(function (s) { return s.turn; })[0];
        apply({meeting_id: meetingId, status: data.final ? "final" : "draft", signers_version: data.signers_version,
               signed: signed, complete: data.complete, turn_user_id: turn ? turn.user_id : null});
      })
      .catch(function () { /* offline: the next connection asks again */ });
  }

  bar.querySelector("[data-follow-reload]").addEventListener("click", function () { window.location.reload(); });
  // Not now: the bar goes until there is news again.
  bar.querySelector("[data-follow-dismiss]").addEventListener("click", function () {
    dismissed = heard;
    bar.hidden = true;
  });

  var socket = window.io({transports: ["websocket", "polling"]});
  socket.on("connect", refresh);
  socket.on("connect_error", function (error) {
    if (device && error && error.data && error.data.code === "not_authenticated") device.signOut();
  });
  socket.on("disconnect", function (reason) { if (device && reason === "io server disconnect") device.check(); });
  socket.on("minutes", apply);
})();
