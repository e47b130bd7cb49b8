// Page rendering with PDF.js, shared by the document reader and the live screens (member tablet,
// chair console, room display). A page is always drawn off screen and then copied onto the
// visible canvas in one step: resizing a visible canvas clears it, and drawing into it while it is
// shown would flash a blank or half-drawn page on every turn (tests/e2e/canvas.py watches that).
// Over the canvas lies the page's text (PDF.js's text layer, transparent, at the place of the drawn
// glyphs): a screen reader reads the page and a finger can select its words.

let loading = null;

/** PDF.js, loaded once per page: the modern build, or the legacy one for older tablets.
 *  `urls` names {lib, worker, legacyLib?, legacyWorker?}. */
export function loadPdfjs(urls) {
  if (!loading) {
    loading = (async () => {
      const modern = typeof Promise.withResolvers === "function" || !urls.legacyLib;
      const lib = await import(modern ? urls.lib : urls.legacyLib);
      lib.GlobalWorkerOptions.workerSrc = modern ? urls.worker : urls.legacyWorker;
      return lib;
    })();
    loading.catch(() => { loading = null; });
  }
  return loading;
}

/** Open a document. No eval: the pages' Content-Security-Policy forbids it (PDF.js then draws
 *  glyphs without compiling them to functions, which is slower only for unusual fonts). */
export function openPdf(lib, source) {
  return lib.getDocument({ isEvalSupported: false, rangeChunkSize: 262144, ...source }).promise;
}

/** The scale at which `page` fits a box of width × height CSS pixels: the whole page ("page"),
 *  or its width ("width"). */
export function fitScale(page, width, height, fit = "page") {
  const base = page.getViewport({ scale: 1 });
  const byWidth = width / base.width;
  const byHeight = height / base.height;
  return Math.max(0.1, fit === "width" ? byWidth : Math.min(byWidth, byHeight));
}

/** Draw `page` at `scale` (CSS pixels) on a new off-screen canvas, sharp on high-density screens,
 *  with its text layer. Returns {page, viewport, canvas, text, width, height} (width and height in
 *  CSS pixels; text is null when the page's text could not be read: the page still shows). */
export async function drawPage(page, scale) {
  const viewport = page.getViewport({ scale });
  const ratio = window.devicePixelRatio || 1;
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.floor(viewport.width * ratio));
  canvas.height = Math.max(1, Math.floor(viewport.height * ratio));
  const transform = ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : null;
  const [, text] = await Promise.all([page.render({ canvas, viewport, transform }).promise,
                                      buildTextLayer(page, viewport).catch(() => null)]);
  return { page, viewport, canvas, text, width: Math.floor(viewport.width), height: Math.floor(viewport.height) };
}

/** The page's text as transparent, positioned text of the same size as the drawn page (the CSS of
 *  .pdf-text in ecabinet.css sizes it from --total-scale-factor). */
async function buildTextLayer(page, viewport) {
  const lib = await loading;  // loadPdfjs ran before any page could be opened
  const layer = document.createElement("div");
  layer.className = "pdf-text";
  layer.style.setProperty("--total-scale-factor", String(viewport.scale));
  await new lib.TextLayer({ textContentSource: page.streamTextContent(), container: layer, viewport }).render();
  return layer;
}

/** Put a drawn page on the visible canvas: resized, sized and painted in the same task, so the
 *  browser never paints it in between. Its text layer takes the place of the previous page's,
 *  just after the canvas (under the overlay of marks that may follow). */
export function showDrawn(target, drawn) {
  target.width = drawn.canvas.width;
  target.height = drawn.canvas.height;
  target.style.width = `${drawn.width}px`;
  target.style.height = `${drawn.height}px`;
  target.getContext("2d").drawImage(drawn.canvas, 0, 0);
  const previous = target.nextElementSibling && target.nextElementSibling.classList.contains("pdf-text")
    ? target.nextElementSibling : null;
  if (drawn.text && previous) previous.replaceWith(drawn.text);
  else if (drawn.text) target.after(drawn.text);
  else if (previous) previous.remove();
}
