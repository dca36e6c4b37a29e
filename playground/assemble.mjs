// Writes the playground's single page: the template (index.html) with the
// shipped rulesets, the files they import or name (rulesets/lib, rulesets/ext),
// their seeds and the WebAssembly module (base64) filled in.
// Usage: node assemble.mjs MODULE.wasm REPO_ROOT OUT.html
import { readFileSync, readdirSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const [wasmPath, root, out] = process.argv.slice(2);
if (!out) {
  console.error("usage: node assemble.mjs MODULE.wasm REPO_ROOT OUT.html");
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const names = (dir, ok) => (existsSync(dir) ? readdirSync(dir).filter(ok).sort() : []);
const text = (...p) => readFileSync(join(...p), "utf8");

const bundle = { rulesets: {}, files: {}, seeds: {} };
const rulesets = join(root, "rulesets");
for (const f of names(rulesets, (f) => f.endsWith(".six"))) {
  const name = f.slice(0, -".six".length);
  bundle.rulesets[name] = text(rulesets, f);
  // Seeds under the ruleset's name; an earlier period (X.previous.*) is not an example of its own.
  const seeds = join(root, "seeds", name);
  const data = (f) => /\.(ya?ml|json)$/.test(f) && !/\.previous\.[a-z]+$/.test(f);
  for (const s of names(seeds, data)) {
    (bundle.seeds[name] ??= {})[s] = text(seeds, s);
  }
}
// What a ruleset may import or run, by its path relative to the ruleset.
for (const [dir, ext] of [["lib", ".six"], ["ext", ".rhai"]]) {
  for (const f of names(join(rulesets, dir), (f) => f.endsWith(ext))) {
    bundle.files[`${dir}/${f}`] = text(rulesets, dir, f);
  }
}

// Inside <script>: no `</script>` or `<!--` may appear in the JSON.
const json = JSON.stringify(bundle).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
const wasm = readFileSync(wasmPath).toString("base64");
const template = text(here, "index.html");
for (const marker of ["__BUNDLE__", "__WASM_BASE64__"]) {
  if (template.split(marker).length !== 2) {
    console.error(`assemble: the template must hold ${marker} once`);
    process.exit(1);
  }
}
const page = template.split("__BUNDLE__").join(json).split("__WASM_BASE64__").join(wasm);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, page);
console.error(
  `assemble: ${out}: ${Object.keys(bundle.rulesets).length} rulesets, ` +
    `${Object.values(bundle.seeds).reduce((n, s) => n + Object.keys(s).length, 0)} seeds, ` +
    `${Object.keys(bundle.files).length} library files, ${(page.length / 1048576).toFixed(1)} MiB`,
);
