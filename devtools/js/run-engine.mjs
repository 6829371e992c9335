// Runs the edition's real search engine (overrides/assets/javascripts/
// search-engine.js, as the built site serves it) in Node against a built site's
// files, for the relevance benchmark (devtools/relevance.py). Node has no page:
// fetch reads the site's files, and document.baseURI is the site's root.
//
//   node run-engine.mjs SITE < queries.json > results.json
// queries.json: ["query", ...]; results.json: [{"urls": [...], "suggestion": ...}]
// with the first LIMIT result URLs of each query, relative to the site's root.
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import path from "node:path";

const LIMIT = 10;
const site = path.resolve(process.argv[2]);
const root = pathToFileURL(site + "/");
globalThis.document = { baseURI: root.href };
globalThis.fetch = async (url) => {
  const file = new URL(url).pathname;
  try {
    const body = await readFile(decodeURIComponent(file), "utf8");
    return { ok: true, status: 200, json: async () => JSON.parse(body) };
  } catch {
    return { ok: false, status: 404, json: async () => null };
  }
};

const engine = await import(new URL("assets/javascripts/search-engine.js", root).href);
await engine.options({ bundlePath: new URL("search-index/", root).href, baseUrl: "/" });
await engine.init();

let input = "";
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const query of JSON.parse(input)) {
  const found = await engine.search(query, {});
  const urls = [];
  for (const result of found.results.slice(0, LIMIT)) urls.push((await result.data()).url);
  out.push({ urls, suggestion: found.suggestion || null, count: found.results.length });
}
process.stdout.write(JSON.stringify(out));
