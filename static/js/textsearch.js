// Searching the text of a PDF page without minding diacritics, shared by the document reader and
// the live viewer. "ngan sach" finds "ngân sách", "dau tu" finds "Đầu tư", whatever the case and
// whether the PDF or the keyboard wrote the letters composed (NFC) or decomposed (NFD). A match is
// mapped back to the characters of the page's own text, so that what is highlighted is exactly
// the words found.

// Combining marks: the accents and tone marks that NFD separates from their letters.
const MARK = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/;
const SPACE = /\s/;

function foldCodePoint(ch) {
  if (ch === "đ" || ch === "Đ") return "d";
  let out = "";
  for (const part of ch.normalize("NFD").toLowerCase()) if (!MARK.test(part)) out += part;
  return out;
}

/** The text folded for matching, and for each folded character where it came from in `text`:
 *  {text, starts, ends} with text.slice(starts[k], ends[k]) the source of folded character k.
 *  Runs of white space fold to one space; marks fold into the letter before them. */
export function fold(text) {
  let folded = "";
  const starts = [], ends = [];
  let i = 0;
  for (const ch of text) {
    const next = i + ch.length;
    if (SPACE.test(ch)) {
      if (folded && folded[folded.length - 1] !== " ") { folded += " "; starts.push(i); ends.push(next); }
    } else if (MARK.test(ch)) {
      // A decomposed accent belongs to the letter before it: highlight it with that letter.
      for (let k = ends.length - 1; k >= 0 && ends[k] === i; k--) ends[k] = next;
    } else {
      for (const out of foldCodePoint(ch)) { folded += out; starts.push(i); ends.push(next); }
    }
    i = next;
  }
  return {text: folded, starts, ends};
}

/** What a query looks for: folded, trimmed, spaces collapsed ("" matches nothing). */
export function foldQuery(query) { return fold(String(query || "")).text.trim(); }

/** Every match of `query` on a page whose text is PDF.js's `items` ({str, hasEOL}). A match is a
 *  list of pieces {item, start, end}: the characters [start, end) of items[item].str. A match may
 *  run over several items (a line broken in two, a word split by the PDF). */
export function findInItems(items, query) {
  const needle = foldQuery(query);
  if (!needle) return [];
  let joined = "";
  const bounds = items.map((item) => {
    const start = joined.length;
    joined += item.str || "";
    const end = joined.length;
    // Items are joined with a space only where the PDF ends a line: other items are pieces of
    // the same run of text (PDF.js splits at font changes, even inside a word).
    if (item.hasEOL) joined += " ";
    return [start, end];
  });
  const hay = fold(joined);
  const matches = [];
  for (let at = hay.text.indexOf(needle); at >= 0; at = hay.text.indexOf(needle, at + needle.length)) {
    const from = hay.starts[at], to = hay.ends[at + needle.length - 1];
    const pieces = [];
    bounds.forEach(([a, b], index) => {
      const start = Math.max(a, from), end = Math.min(b, to);
      if (end > start) pieces.push({item: index, start: start - a, end: end - a});
    });
    if (pieces.length) matches.push(pieces);
  }
  return matches;
}

let measureContext = null;

/** The box of the characters [start, end) of a PDF.js text item, in viewport pixels:
 *  {left, top, width, height}. The item's own width is shared out among its characters in
 *  proportion to their widths in the item's font family (as PDF.js's text layer does). */
export function pieceBox(item, start, end, viewport, styles) {
  const str = item.str || "";
  let from = 0, to = 1;
  if (str.length && (start > 0 || end < str.length)) {
    measureContext = measureContext || document.createElement("canvas").getContext("2d");
    const style = (styles && styles[item.fontName]) || {};
    measureContext.font = `100px ${style.fontFamily || "sans-serif"}`;
    const whole = measureContext.measureText(str).width || 1;
    from = measureContext.measureText(str.slice(0, start)).width / whole;
    to = measureContext.measureText(str.slice(0, end)).width / whole;
  }
  const [a, b, c, d, e, f] = item.transform;
  // The run's direction and its height in text space (a rotated page or a vertical line too).
  const length = Math.hypot(a, b) || 1;
  const ux = a / length, uy = b / length;
  const height = item.height || Math.hypot(c, d);
  const x1 = e + ux * item.width * from, y1 = f + uy * item.width * from;
  const x2 = e + ux * item.width * to, y2 = f + uy * item.width * to;
  // The glyphs stand on the baseline: the box goes up by the text height (a little below it too,
  // for the descenders and the Vietnamese marks under letters).
  const corners = [[x1, y1], [x2, y2], [x1 - uy * height, y1 + ux * height], [x2 - uy * height, y2 + ux * height],
                   [x1 + uy * height * 0.25, y1 - ux * height * 0.25], [x2 + uy * height * 0.25, y2 - ux * height * 0.25]]
    .map(([x, y]) => viewport.convertToViewportPoint(x, y));
  const xs = corners.map((p) => p[0]), ys = corners.map((p) => p[1]);
  const left = Math.min(...xs), top = Math.min(...ys);
  return {left, top, width: Math.max(...xs) - left, height: Math.max(...ys) - top};
}

/** The boxes of every match on a page, one list of boxes per match (in match order). */
export function matchBoxes(content, matches, viewport) {
  return matches.map((pieces) => pieces
    .filter((piece) => (content.items[piece.item].str || "").slice(piece.start, piece.end).trim())
    .map((piece) => pieceBox(content.items[piece.item], piece.start, piece.end, viewport, content.styles)));
}
