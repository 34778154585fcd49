#!/usr/bin/env node
// Search benchmark: what a browser downloads per query (gzip, as a static host serves it)
// and how long a query takes once its files are loaded, against a built site.
//
//   node bench/search_bench.mjs public/ [query ...]
//
// The first query pays for the manifest; each later query loads only its own term shards
// and the page records of the results it shows (RESULTS, default 5 as in the list that
// appears while typing).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { SearchEngine } from "../static/assets/search-engine.js";

const site = process.argv[2];
if (!site) {
  console.error("usage: node bench/search_bench.mjs SITE_OUTPUT_DIR [query ...]");
  process.exit(2);
}
const queries = process.argv.slice(3).length
  ? process.argv.slice(3)
  : ["rotate certificates", "database replicas", "escalation", "kubernetes nodes", "verify backup checksum", "payments-api", "roll", "on-call schedules"];

let fetched = [];
const shown = Number(process.env.RESULTS ?? 5);
const engine = new SearchEngine("http://bench.invalid/search/manifest.json", async (url) => {
  const rel = new URL(url).pathname.slice(1);
  const bytes = readFileSync(path.join(site, rel));
  fetched.push({ rel, raw: bytes.length, gzip: gzipSync(bytes, { level: 6 }).length });
  return JSON.parse(bytes.toString("utf8"));
});

function files(dir) {
  let count = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = files(p);
      count += sub.count;
      bytes += sub.bytes;
    } else {
      count += 1;
      bytes += statSync(p).size;
    }
  }
  return { count, bytes };
}

const index = files(path.join(site, "search"));
console.log(`index: ${index.count} files, ${(index.bytes / 1e6).toFixed(1)} MB`);
const rows = [];
for (const [i, query] of queries.entries()) {
  fetched = [];
  const result = await engine.search(query);
  // The list as you type shows five results (the search page ten at a time).
  await engine.records(result.hits.slice(0, shown).map((h) => h.page));
  const kb = fetched.reduce((s, f) => s + f.gzip, 0) / 1024;
  // Query time with every file already loaded (what the user waits for after the network).
  const times = [];
  for (let r = 0; r < 20; r += 1) {
    const t0 = performance.now();
    await engine.search(query);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  rows.push({ query, first: i === 0, files: fetched.length, kb, ms: times[10], hits: result.total });
}
for (const r of rows) {
  console.log(
    `${r.first ? "first" : "later"}  ${JSON.stringify(r.query).padEnd(26)} ${String(r.hits).padStart(6)} hits  ` +
      `${String(r.files).padStart(3)} files  ${r.kb.toFixed(1).padStart(7)} KB gzip  ${r.ms.toFixed(2).padStart(7)} ms`,
  );
}
const later = rows.slice(1);
console.log(
  `first query ${rows[0].kb.toFixed(1)} KB; later queries at most ${Math.max(...later.map((r) => r.kb)).toFixed(1)} KB; ` +
    `query time at most ${Math.max(...rows.map((r) => r.ms)).toFixed(2)} ms`,
);
