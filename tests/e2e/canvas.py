"""Browser-test helpers shared by the live tablet and the document reader: watching a canvas."""


# Watches a canvas on every animation frame (run just before the browser paints) until stopped,
# and notes each frame in which a page turn would show no page: the canvas hidden or empty,
# cleared (transparent), or blank white; or, where the page has a frame or an overlay (the
# document reader), these disagree with the canvas in size or in the page they belong to.
WATCH_CANVAS = """([canvasSelector, frameSelector, overlaySelector, pageKey]) => {
  const probe = document.createElement("canvas");
  probe.width = 120; probe.height = 170;
  const ctx = probe.getContext("2d", { willReadFrequently: true });
  const watch = { frames: 0, bad: [], pages: [], widths: [], ink: 0, running: true };
  const look = () => {
    if (!watch.running) return;
    requestAnimationFrame(look);
    watch.frames += 1;
    const canvas = document.querySelector(canvasSelector);
    const page = canvas ? `${canvas.dataset.documentId || ""}:${canvas.dataset[pageKey] || ""}` : "";
    if (watch.pages[watch.pages.length - 1] !== page) watch.pages.push(page);
    const problems = [];
    const box = canvas && canvas.getBoundingClientRect();
    if (!canvas || canvas.hidden || canvas.closest("[hidden]") || getComputedStyle(canvas).visibility !== "visible") {
      problems.push("hidden");
    } else if (!canvas.width || !canvas.height || box.width < 50 || box.height < 50) {
      problems.push("empty");
    } else {
      ctx.clearRect(0, 0, probe.width, probe.height);
      ctx.drawImage(canvas, 0, 0, probe.width, probe.height);
      const data = ctx.getImageData(0, 0, probe.width, probe.height).data;
      let clear = 0, ink = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] < 250) clear += 1;
        else if (data[i] < 250 || data[i + 1] < 250 || data[i + 2] < 250) ink += 1;
      }
      watch.ink = ink;
      if (clear) problems.push(`cleared ${clear}`);
      if (!ink) problems.push("white");
      const width = Math.round(box.width);
      if (watch.widths[watch.widths.length - 1] !== width) watch.widths.push(width);
      const frame = frameSelector && document.querySelector(frameSelector);
      if (frame) {
        const outer = frame.getBoundingClientRect();
        if (Math.abs(outer.width - box.width) > 1.5 || Math.abs(outer.height - box.height) > 1.5) {
          problems.push(`frame ${Math.round(outer.width)}x${Math.round(outer.height)} != ${width}x${Math.round(box.height)}`);
        }
      }
      const overlay = overlaySelector && document.querySelector(overlaySelector);
      if (overlay && overlay.dataset[pageKey] !== canvas.dataset[pageKey]) {
        problems.push(`overlay of page ${overlay.dataset[pageKey]}`);
      }
    }
    if (problems.length) watch.bad.push(`frame ${watch.frames} (${page}): ${problems.join(", ")}`);
  };
  window.__canvasWatch = watch;
  requestAnimationFrame(look);
}"""
STOP_WATCH = """() => { const watch = window.__canvasWatch; watch.running = false;
  return { frames: watch.frames, bad: watch.bad, pages: watch.pages, widths: watch.widths, ink: watch.ink }; }"""


def watch_canvas(page, canvas, frame=None, overlay=None, page_key="page"):
    """Start watching the visible canvas of `page`, frame by frame (see WATCH_CANVAS); the canvas
    names the page it shows in its data-<page_key> attribute (dataset key), and so does the overlay."""
    page.evaluate(WATCH_CANVAS, [canvas, frame, overlay, page_key])


def stop_watching(page):
    """Stop, and return what the frames showed: bad frames, the pages in turn, the widths."""
    page.wait_for_timeout(250)  # a few more frames after the last page arrived
    watched = page.evaluate(STOP_WATCH)
    assert watched["frames"] > 10, watched      # the frame loop ran
    assert watched["ink"] > 0, watched          # and it tells a drawn page from a blank one
    return watched
