// Copies the front-end libraries installed by `npm ci` into static/vendor/
// (git-ignored): nothing third-party is committed to the repository.
import { cpSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const vendor = join(root, "static", "vendor");

const copies = [
  ["pdfjs-dist/build/pdf.min.mjs", "pdfjs/pdf.min.mjs"],
  ["pdfjs-dist/build/pdf.worker.min.mjs", "pdfjs/pdf.worker.min.mjs"],
  ["pdfjs-dist/legacy/build/pdf.min.mjs", "pdfjs/legacy/pdf.min.mjs"],
  ["pdfjs-dist/legacy/build/pdf.worker.min.mjs", "pdfjs/legacy/pdf.worker.min.mjs"],
  ["pdfjs-dist/cmaps", "pdfjs/cmaps"],
  ["pdfjs-dist/standard_fonts", "pdfjs/standard_fonts"],
  ["socket.io-client/dist/socket.io.min.js", "socket.io/socket.io.min.js"],
  ["sortablejs/Sortable.min.js", "sortablejs/Sortable.min.js"],
  ["@fontsource/be-vietnam-pro/files", "fonts/be-vietnam-pro"],
];

rmSync(vendor, { recursive: true, force: true });
for (const [from, to] of copies) {
  const source = join(modules, from);
  if (!existsSync(source)) {
    console.error(`missing ${from}: run "npm ci" first`);
    process.exit(1);
  }
  mkdirSync(dirname(join(vendor, to)), { recursive: true });
  cpSync(source, join(vendor, to), { recursive: true });
}
// Quiet on success: `make setup` prints only warnings and errors.
