// The search engine against an index the Rust side built (node --test, started from
// `cargo test`, which builds the sample site and sets OPSBOOK_TEST_SITE to its output).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  SearchEngine, fold, words, parseQuery, decodePostings, bm25f, shardKey, excerpt, hitUrl, bestBlock, editDistance,
} from "../../static/assets/search-engine.js";

const site = process.env.OPSBOOK_TEST_SITE;
const skip = site ? false : "set OPSBOOK_TEST_SITE to a built site (cargo test does)";

/** An engine that reads the built files and counts what it fetched. */
function engine() {
  const fetched = [];
  const e = new SearchEngine("http://test.invalid/search/manifest.json", async (url) => {
    const rel = new URL(url).pathname.replace(/^\//, "");
    fetched.push(rel);
    return JSON.parse(await readFile(path.join(site, rel), "utf8"));
  });
  e.fetched = fetched;
  return e;
}

async function titles(e, query, filters) {
  const result = await e.search(query, filters);
  const records = await e.records(result.hits.map((h) => h.page));
  return { result, records, titles: records.map((r) => r.title) };
}

test("folding and word splitting match the indexer", () => {
  assert.equal(fold("Étiquette ＦＵＬＬ"), "etiquette full");
  assert.deepEqual(words("Pick, Pack & Ship: 3.5 kg, don't"), ["pick", "pack", "ship", "3.5", "kg", "don't"]);
  assert.deepEqual(parseQuery("fulfil"), { terms: ["fulfil"], prefixLast: true });
  assert.deepEqual(parseQuery("fulfil "), { terms: ["fulfil"], prefixLast: false });
  assert.deepEqual(parseQuery("?!"), { terms: [], prefixLast: false });
});

test("postings decode deltas and packed field counts", () => {
  assert.deepEqual(decodePostings([3, 4097 + 64, 1, 5]), [
    { page: 3, tf: [1, 1, 1] },
    { page: 4, tf: [0, 0, 5] },
  ]);
});

test("BM25F weighs the title above headings above body", () => {
  const m = { count: 10, k1: 1.2, weights: [6, 3, 1], b: [0.5, 0.6, 0.75], avg: [3, 10, 100], len: [3, 10, 100] };
  const score = (tf) => bm25f(m, { page: 0, tf }, 2);
  assert.ok(score([1, 0, 0]) > score([0, 1, 0]));
  assert.ok(score([0, 1, 0]) > score([0, 0, 1]));
  // Hand-computed: idf = ln(1 + 8.5/2.5); tfw = 1 (body, average length); 2.2 * idf / 2.2.
  assert.ok(Math.abs(score([0, 0, 1]) - Math.log(1 + 8.5 / 2.5)) < 1e-12);
});

test("the longest shard key that is a prefix wins", () => {
  assert.equal(shardKey(["r", "re", "ret"], "return"), "ret");
  assert.equal(shardKey(["r", "re", "ret"], "rea"), "re");
  assert.equal(shardKey(["a"], "zebra"), null);
});

test("excerpts centre on the first match and mark every matching word", () => {
  const text = "Refunds go out within a day. ".repeat(8) + "Items returned damaged are inspected; returns over $200 need approval.";
  const parts = excerpt(text, ["returned", "returns"], 60);
  assert.deepEqual(parts.filter((p) => p.mark).map((p) => p.text), ["returned", "returns"]);
  assert.ok(parts[0].text.startsWith("…"), "the excerpt starts near the match");
  assert.equal(excerpt("", ["x"]).length, 0);
  assert.equal(hitUrl({ url: "/a/", headings: [["steps", "Steps"]] }, 1), "/a/#steps");
  assert.equal(hitUrl({ url: "/a/", headings: [] }, 0), "/a/");
});

test("a result links to the block where its words occur most, headings included", () => {
  const record = {
    headings: [["refunds", "Refunds"], ["other", "Other"]],
    blocks: ["Intro.", "A refund is due.", "Refund, refunds and more."],
  };
  // Block 1: heading "Refunds" + "refund" = 2; block 2: "Refund", "refunds" = 2; the tie goes
  // to the earlier block.
  assert.equal(bestBlock(record, ["refund", "refunds"]), 1);
  assert.equal(bestBlock(record, ["more"]), 2);
  assert.equal(bestBlock(record, ["absent"]), 0, "no match: the top of the page");
  assert.equal(bestBlock({ headings: [], blocks: ["Étiquette first."] }, ["etiquette"]), 0);
});

test("returns ranks the returns pages first and finds pages that only say returned", { skip }, async () => {
  const e = engine();
  const { records } = await titles(e, "returns");
  assert.ok(records.slice(0, 3).every((r) => r.url.includes("/returns/")), records.slice(0, 3).map((r) => r.url).join(", "));
  const urls = records.map((r) => r.url);
  assert.ok(urls.includes("/fulfillment/pick-pack-ship/"), "only says returned");
  assert.ok(urls.includes("/customer-service/wismo-tickets/"), "only says returned");
});

test("fulfil finds the fulfillment pages, and the last word is a prefix while typing", { skip }, async () => {
  const e = engine();
  const { records } = await titles(e, "fulfil");
  assert.ok(records.slice(0, 5).some((r) => r.url === "/fulfillment/"), records.slice(0, 5).map((r) => r.url).join(", "));
  // "fulf" is no word: it matches only as the prefix being typed.
  const { records: typing } = await titles(e, "fulf");
  assert.ok(typing.some((r) => r.url === "/fulfillment/"));
  assert.equal((await e.search("fulf ")).total, 0, "a finished word is not a prefix");
});

test("accents and case fold: Étiquette finds etiquette", { skip }, async () => {
  const e = engine();
  const { records, result } = await titles(e, "Étiquette");
  assert.equal(records[0].url, "/customer-service/escalation-matrix/");
  assert.ok(result.words.includes("etiquette"));
  const [record] = await e.records([result.hits[0].page]);
  assert.ok(bestBlock(record, result.words) > 0, "it links to the heading");
});

test("filters narrow to one owner and count the rest", { skip }, async () => {
  const e = engine();
  const m = await e.load();
  const all = await e.search("inventory");
  const owner = m.owners.indexOf("Sam Reyes");
  assert.ok(all.facets.owner[owner] > 0);
  const only = await e.search("inventory", { owner });
  assert.equal(only.total, all.facets.owner[owner]);
  assert.ok(only.hits.every((h) => m.owners[h.owner] === "Sam Reyes"));
});

test("pages with every word come first, then the best partial matches", { skip }, async () => {
  const e = engine();
  // Finished words (a space after each): no prefix matching, so each word's pages are plain.
  const pagesOf = async (q) => new Set((await e.search(q)).hits.map((h) => h.page));
  const refund = await pagesOf("refund ");
  const carrier = await pagesOf("carrier ");
  const both = await e.search("refund carrier ");
  assert.equal(both.any, false);
  const full = [...refund].filter((p) => carrier.has(p));
  assert.ok(full.length > 0 && full.length < refund.size);
  assert.equal(both.full, full.length);
  assert.deepEqual(new Set(both.hits.slice(0, both.full).map((h) => h.page)), new Set(full), "every word first");
  assert.deepEqual(new Set(both.hits.map((h) => h.page)), new Set([...refund, ...carrier]), "then pages with either");
  assert.ok(both.hits.slice(both.full).every((h) => h.matched === 1));
  const none = await e.search("refund zzzzzz");
  assert.equal(none.any, true, "no page has both: pages with either");
  assert.equal(none.full, 0);
  assert.deepEqual(new Set(none.hits.map((h) => h.page)), refund);
});

test("deprecated and draft pages rank below active pages that match as many words", { skip }, async () => {
  const e = engine();
  const m = await e.load();
  const demoted = (h) => ["deprecated", "draft"].includes(m.statuses[m.status[h.page]]);
  let checked = 0;
  for (const q of ["picking", "pick pack", "paper pick list", "batch"]) {
    const { hits } = await e.search(q);
    hits.forEach((h, i) => {
      const next = hits[i + 1];
      if (next && next.matched === h.matched) {
        assert.ok(!demoted(h) || demoted(next), `${q}: page ${h.page} (${m.statuses[m.status[h.page]]}) above page ${next.page}`);
      }
    });
    checked += hits.filter(demoted).length;
  }
  assert.ok(checked > 0, "the sample's deprecated page is among the results");
});

test("each filter's counts reflect the other active filters", { skip }, async () => {
  const e = engine();
  const m = await e.load();
  const section = m.sections.indexOf("Inventory");
  const all = await e.search("stock");
  const some = await e.search("stock", { section });
  assert.deepEqual(some.facets.section, all.facets.section, "a filter's own counts ignore it");
  const owners = Object.keys(some.facets.owner).map(Number);
  assert.ok(owners.length > 1);
  for (const owner of owners) {
    const both = await e.search("stock", { section, owner });
    assert.equal(some.facets.owner[owner], both.total, `owner ${m.owners[owner]}`);
  }
  // Choosing the owner keeps the section counts honest the other way round.
  const owner = owners.find((o) => o !== 0);
  const byOwner = await e.search("stock", { owner });
  for (const [value, count] of Object.entries(byOwner.facets.section)) {
    assert.equal(count, (await e.search("stock", { owner, section: Number(value) })).total);
  }
});

test("edit distance counts a swap of two neighbours as one edit", () => {
  for (const [a, b, d] of [
    ["inventroy", "inventory", 1], ["inventory", "inventory", 0], ["polcy", "policy", 1],
    ["refnud", "refund", 1], ["kitten", "sitting", 3], ["", "ab", 2], ["abc", "cba", 2],
  ]) {
    assert.equal(editDistance(a, b, 3), d, `${a} ${b}`);
    assert.equal(editDistance(b, a, 3), d, `${b} ${a}`);
  }
  assert.equal(editDistance("kitten", "sitting", 1), 2, "over the limit: limit + 1");
  assert.equal(editDistance("a", "abcdef", 2), 3);
});

test("a word that matches nothing gets a close word of the index, without another download", { skip }, async () => {
  const e = engine();
  const r = await e.search("inventroy");
  assert.equal(r.total, 0);
  assert.equal(r.suggestion, "inventory");
  // What the suggestion fetched is what looking the word up fetched anyway.
  const plain = engine();
  await plain.load();
  await plain.match("inventroy", true);
  assert.deepEqual(e.fetched, plain.fetched);
  assert.equal((await e.search("refund polcy")).suggestion, "refund policy", "words that match stay");
  assert.equal((await e.search("Refund  Polcy now")).suggestion, "Refund  policy now", "the query as typed, one word replaced");
  assert.equal((await e.search("refund policy")).suggestion, null, "every word matches");
  assert.equal((await e.search("zzzzzz")).suggestion, null, "nothing close");
  const suggested = await e.search((await e.search("invetnory counts ")).suggestion);
  assert.ok(suggested.total > 0, "the suggestion finds pages");
});

test("empty, punctuation-only and stop-word queries do not fail", { skip }, async () => {
  const e = engine();
  for (const q of ["", "   ", "?!.", "—", "%%%"]) {
    const r = await e.search(q);
    assert.equal(r.total, 0, q);
  }
  const stop = await e.search("how to");
  assert.ok(stop.total >= 0);
});

test("a query loads only the files it needs", { skip }, async () => {
  const e = engine();
  await titles(e, "etiquette");
  const shards = e.fetched.filter((f) => f.startsWith("search/t/"));
  const records = e.fetched.filter((f) => f.startsWith("search/r/"));
  const m = await e.load();
  assert.ok(shards.length <= 2, shards.join(", "));
  assert.ok(records.length < m.records.length, "not every record file");
});

test("filters find the overdue and the one-person processes", { skip }, async () => {
  // The sample site built on 2026-11-26 (SOURCE_DATE_EPOCH): wholesale orders are overdue
  // and held by Priya Raman alone; stock adjustments are overdue and backed up.
  const e = engine();
  const m = await e.load();
  const overdue = m.reviews.indexOf("Overdue");
  const alone = m.coverages.indexOf("One person");
  assert.ok(overdue > 0 && alone > 0, JSON.stringify([m.reviews, m.coverages]));
  const all = await e.search("stock");
  const late = await titles(e, "stock", { review: overdue });
  assert.equal(late.result.total, all.facets.review[overdue]);
  assert.ok(late.records.some((r) => r.url === "/inventory/stock-adjustments/"), late.titles.join(", "));
  assert.ok(!late.records.some((r) => r.url === "/inventory/reorder-points/"), "due soon, not overdue");
  const lateAlone = await titles(e, "stock", { review: overdue, coverage: alone });
  assert.ok(!lateAlone.records.some((r) => r.url === "/inventory/stock-adjustments/"), "it has a backup");
  const wholesale = await titles(e, "wholesale", { review: overdue, coverage: alone });
  assert.ok(wholesale.records.some((r) => r.url === "/sales-channels/wholesale-orders/"), wholesale.titles.join(", "));
  // Pages that are not processes have neither.
  const home = (await e.search("northwind")).hits;
  assert.ok(home.some((h) => h.review === 0 && h.coverage === 0));
});
