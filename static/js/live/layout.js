// The room page's frame on the tablet and the console: the side rails fold away (landscape) so
// the page can grow, or the buttons lead to the panels below the page (portrait). The strip's
// height is kept in --live-strip-h for the portrait layout, where the page takes the rest.
import { $all, live } from "./room.js";
import { redraw } from "./viewer.js";

const layout = document.querySelector(".live-layout");
const portrait = window.matchMedia("(max-width: 900px)");

function setRail(button, open) {
  const rail = document.getElementById(button.getAttribute("aria-controls"));
  if (!rail || !layout) return;
  button.setAttribute("aria-expanded", String(open));
  layout.classList.toggle(`is-${rail.dataset.rail}-folded`, !open);
}

$all("rail-toggle").forEach((button) => {
  button.addEventListener("click", () => {
    const rail = document.getElementById(button.getAttribute("aria-controls"));
    if (!rail) return;
    if (portrait.matches) {
      // Below the page: go there (and the page stays one tap away, at the top).
      rail.scrollIntoView({ behavior: "smooth", block: "start" });
      return;
    }
    setRail(button, button.getAttribute("aria-expanded") !== "true");
    if (live.snap) redraw();
  });
});

const strip = document.querySelector(".live-strip");
if (strip && "ResizeObserver" in window) {
  new ResizeObserver(() => {
    document.documentElement.style.setProperty("--live-strip-h", `${Math.ceil(strip.getBoundingClientRect().height)}px`);
  }).observe(strip);
}
