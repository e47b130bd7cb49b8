// The room page's frame on the tablet and the console. Landscape: the side rails fold away so the
// page can grow. Portrait: the panels are drawers over the page, opened from the same buttons and
// closed by the scrim, Escape, the button again, or opening a document. The strip's height is kept
// in --live-strip-h: the drawers start below it.
import { $, $all, live, on } from "./room.js";
import { redraw } from "./viewer.js";

const layout = document.querySelector(".live-layout");
const portrait = window.matchMedia("(max-width: 900px)");
const scrim = $("scrim");
const folded = { start: false, end: false };  // landscape: rails folded away by the member
let drawer = null;                             // portrait: the drawer open ("start", "end") or null

function sideOf(button) {
  const rail = document.getElementById(button.getAttribute("aria-controls"));
  return rail ? rail.dataset.rail : null;
}

function render() {
  if (!layout) return;
  const drawers = portrait.matches;
  $all("rail-toggle").forEach((button) => {
    const side = sideOf(button);
    button.setAttribute("aria-expanded", String(drawers ? drawer === side : !folded[side]));
  });
  for (const side of ["start", "end"]) {
    layout.classList.toggle(`is-${side}-folded`, !drawers && folded[side]);
    layout.classList.toggle(`is-${side}-open`, drawers && drawer === side);
  }
  if (scrim) scrim.hidden = !(drawers && drawer);
}

// A drawer that opens takes the focus (a keyboard or a screen reader lands in it, not behind the
// scrim); closed by Escape, the scrim or its button, it gives the focus back to the button.
let opener = null;

function focusDrawer(side, button) {
  const rail = layout && layout.querySelector(`[data-rail="${side}"]`);
  // The end rail lays its panels out one by one in portrait (display: contents): its drawer is one of them.
  const target = rail && (rail.querySelector(".live-end-drawer") || rail);
  if (!target) return;
  opener = button;
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus({ preventScroll: true });
}

export function closeDrawers({ refocus = false } = {}) {
  if (drawer === null) return;
  drawer = null;
  render();
  if (refocus && opener && document.contains(opener)) opener.focus({ preventScroll: true });
  opener = null;
}

$all("rail-toggle").forEach((button) => {
  button.addEventListener("click", () => {
    const side = sideOf(button);
    if (!side) return;
    if (portrait.matches) {
      if (drawer === side) { closeDrawers({ refocus: true }); return; }
      drawer = side;
      render();
      focusDrawer(side, button);
      return;
    }
    folded[side] = !folded[side];
    if (live.snap) redraw();
    render();
  });
});
if (scrim) scrim.addEventListener("click", () => closeDrawers({ refocus: true }));
document.addEventListener("keydown", (event) => { if (event.key === "Escape") closeDrawers({ refocus: true }); });
portrait.addEventListener("change", () => { drawer = null; render(); });
on("document-opened", () => closeDrawers());
render();

const strip = document.querySelector(".live-strip");
if (strip && "ResizeObserver" in window) {
  new ResizeObserver(() => {
    document.documentElement.style.setProperty("--live-strip-h", `${Math.ceil(strip.getBoundingClientRect().height)}px`);
  }).observe(strip);
}
