// opsbook search: the query engine. Plain ES module, no dependencies, no DOM: it loads the
// static index that `opsbook build` writes (docs/search-index.md) and ranks pages with
// BM25F. Only the files a query needs are fetched: the manifest once, then the term shards
// of the words typed and the page records of the results shown.

const segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter("en", { granularity: "word" }) : null;
const encoder = new TextEncoder();

/** Folds text as the indexer does: NFKD, combining marks removed, lower case. */
export function fold(text) {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Word segments of `text`: `{ word, index }` for each UAX #29 word with a letter or digit. */
export function segments(text) {
  const out = [];
  if (segmenter) {
    for (const s of segmenter.segment(text)) {
      if (s.isWordLike && /[\p{L}\p{N}]/u.test(s.segment)) out.push({ word: s.segment, index: s.index });
    }
  } else {
    for (const m of text.matchAll(/[\p{L}\p{N}_]+(?:['.:][\p{L}\p{N}_]+)*/gu)) out.push({ word: m[0], index: m.index });
  }
  return out;
}

/** The folded words of a query or a text, as the indexer splits them. */
export function words(text) {
  return segments(text)
    .map((s) => s.word)
    .filter((w) => encoder.encode(w).length <= 40)
    .map(fold);
}

/** The query's words, and whether the last one is still being typed (a prefix). */
export function parseQuery(query) {
  const terms = words(query);
  const typing = terms.length > 0 && /[\p{L}\p{N}_]$/u.test(query);
  return { terms, prefixLast: typing };
}

/** Decodes a flat postings list into `{ page, tf: [title, headings, body] }`. */
export function decodePostings(flat) {
  const out = [];
  let page = 0;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    page += flat[i];
    const counts = flat[i + 1];
    out.push({ page, tf: [Math.floor(counts / 4096), Math.floor(counts / 64) % 64, counts % 64] });
  }
  return out;
}

/** BM25F for one page and one stem group. */
export function bm25f(manifest, posting, df) {
  const n = manifest.count;
  let tfw = 0;
  for (let f = 0; f < 3; f += 1) {
    const tf = posting.tf[f];
    if (!tf) continue;
    const len = manifest.len[posting.page * 3 + f];
    const avg = manifest.avg[f] || 1;
    tfw += (manifest.weights[f] * tf) / (1 - manifest.b[f] + (manifest.b[f] * len) / avg);
  }
  const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
  return (idf * tfw * (manifest.k1 + 1)) / (manifest.k1 + tfw);
}

/** The key of the shard holding `word`: the longest key that is a prefix of it. */
export function shardKey(keys, word) {
  let best = null;
  for (const key of keys) {
    if (word.startsWith(key) && (best === null || key.length > best.length)) best = key;
  }
  return best;
}

const PREFIX_FACTOR = 0.5;
const MAX_PREFIX_SHARDS = 3;

export class SearchEngine {
  /**
   * @param {string} manifestUrl absolute URL of search/manifest.json
   * @param {(url: string) => Promise<any>} fetchJson
   */
  constructor(manifestUrl, fetchJson = (url) => fetch(url).then((r) => (r.ok ? r.json() : Promise.reject(new Error(`${r.status} ${url}`))))) {
    this.manifestUrl = manifestUrl;
    this.fetchJson = fetchJson;
    this.manifest = null;
    this.files = new Map();
  }

  /** Loads (once) a file of the index, relative to the manifest. */
  file(path) {
    if (!this.files.has(path)) {
      const url = new URL(path, this.manifestUrl).toString();
      const promise = this.fetchJson(url);
      promise.catch(() => this.files.delete(path));
      this.files.set(path, promise);
    }
    return this.files.get(path);
  }

  async load() {
    if (!this.manifest) {
      this.manifest = await this.file("manifest.json");
      this.keys = Object.keys(this.manifest.shards);
      this.stop = new Set(this.manifest.stop);
    }
    return this.manifest;
  }

  /** Stem groups matching one query word: `{ stem, flat, df, factor, words }` (`flat` is
   * the group's postings as stored; see `decodePostings`). */
  async match(word, prefix) {
    const m = await this.load();
    const paths = new Set();
    const exactKey = shardKey(this.keys, word);
    if (exactKey !== null) paths.add(m.shards[exactKey]);
    if (prefix && word.length >= 2) {
      // Longer keys that start with the word hold words it is a prefix of.
      const longer = this.keys.filter((k) => k.length > word.length && k.startsWith(word));
      if (longer.length <= MAX_PREFIX_SHARDS) for (const k of longer) paths.add(m.shards[k]);
    }
    const groups = new Map();
    for (const shard of await Promise.all([...paths].map((p) => this.file(p)))) {
      // Every surface word of a group, so that results highlight `returned` for `returns`.
      const forms = new Map();
      for (const [surface, g] of Object.entries(shard.words)) {
        if (!forms.has(g)) forms.set(g, []);
        forms.get(g).push(surface);
      }
      for (const [surface, g] of Object.entries(shard.words)) {
        const exact = surface === word;
        if (!exact && !(prefix && word.length >= 2 && surface.startsWith(word))) continue;
        const group = shard.groups[g];
        const factor = exact ? 1 : PREFIX_FACTOR;
        const seen = groups.get(group.stem);
        if (!seen) {
          groups.set(group.stem, { stem: group.stem, flat: group.p, factor, words: forms.get(g) });
        } else {
          seen.factor = Math.max(seen.factor, factor);
        }
      }
    }
    return [...groups.values()].map((g) => ({ ...g, df: g.flat.length / 2 }));
  }

  /**
   * Runs a query. Returns `{ hits, total, facets, words, any }`: hits sorted by score (best
   * first), each `{ page, score }` and a value index per filter of `FILTER_KEYS`; `facets`
   * counts the hits per value of each filter (before the filters); `words` are the surface words that
   * matched (for highlighting); `any` is true when no page had every word.
   */
  async search(query, filters = {}) {
    const m = await this.load();
    const { terms, prefixLast } = parseQuery(query);
    let required = terms.map((t, i) => ({ word: t, prefix: prefixLast && i === terms.length - 1 }));
    const content = required.filter((t) => !this.stop.has(t.word) || t.prefix);
    if (content.length > 0) required = content;
    if (required.length === 0) return { hits: [], total: 0, facets: emptyFacets(), words: [], any: false };

    const perTerm = await Promise.all(required.map((t) => this.match(t.word, t.prefix)));
    // Dense arrays over all pages: no allocation per posting, however common the word.
    const n = m.count;
    const total = new Float64Array(n);
    const termCount = new Uint8Array(n);
    const termBest = new Float64Array(n);
    const touched = [];
    const matched = new Set();
    const { weights, b, avg, len, k1 } = m;
    for (const groups of perTerm) {
      const seen = [];
      for (const g of groups) {
        g.words.forEach((w) => matched.add(w));
        const flat = g.flat;
        const idf = Math.log(1 + (n - g.df + 0.5) / (g.df + 0.5));
        let page = 0;
        for (let i = 0; i + 1 < flat.length; i += 2) {
          page += flat[i];
          const counts = flat[i + 1];
          const tf0 = Math.floor(counts / 4096);
          const tf1 = Math.floor(counts / 64) % 64;
          const tf2 = counts % 64;
          const base = page * 3;
          let tfw = 0;
          if (tf0) tfw += (weights[0] * tf0) / (1 - b[0] + (b[0] * len[base]) / (avg[0] || 1));
          if (tf1) tfw += (weights[1] * tf1) / (1 - b[1] + (b[1] * len[base + 1]) / (avg[1] || 1));
          if (tf2) tfw += (weights[2] * tf2) / (1 - b[2] + (b[2] * len[base + 2]) / (avg[2] || 1));
          const score = ((idf * tfw * (k1 + 1)) / (k1 + tfw)) * g.factor;
          if (termBest[page] === 0) seen.push(page);
          if (score > termBest[page]) termBest[page] = score;
        }
      }
      // A page's score for this word is the best of the groups the word matches.
      for (const page of seen) {
        if (termCount[page] === 0) touched.push(page);
        total[page] += termBest[page];
        termCount[page] += 1;
        termBest[page] = 0;
      }
    }
    let candidates = touched.filter((p) => termCount[p] === required.length);
    const any = candidates.length === 0;
    if (any) candidates = touched;
    const hits = candidates.map((page) => {
      const hit = { page, score: total[page] * (any ? termCount[page] / required.length : 1) };
      // Indexes older than the review and coverage filters have none: every page is "".
      for (const key of FILTER_KEYS) hit[key] = m[key]?.[page] ?? 0;
      return hit;
    });
    hits.sort((a, b) => b.score - a.score || a.page - b.page);
    const facets = emptyFacets();
    for (const h of hits) for (const key of FILTER_KEYS) facets[key][h[key]] = (facets[key][h[key]] ?? 0) + 1;
    const filtered = hits.filter((h) => FILTER_KEYS.every((key) => filters[key] == null || h[key] === filters[key]));
    return { hits: filtered, total: filtered.length, facets, words: [...matched], any };
  }

  /** The page records of the given page numbers, in the same order. */
  async records(pages) {
    const m = await this.load();
    const shardOf = (page) => {
      let lo = 0;
      let hi = m.record_starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (m.record_starts[mid] <= page) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    const needed = [...new Set(pages.map(shardOf))];
    const loaded = new Map();
    await Promise.all(needed.map(async (i) => loaded.set(i, await this.file(m.records[i]))));
    return pages.map((page) => {
      const shard = loaded.get(shardOf(page));
      return shard.pages[page - shard.first];
    });
  }
}

/**
 * The filters a search takes, each a per-page array of the manifest: top-level section,
 * owner, status, and for live processes their review state ("Overdue", "Due soon", ...) and
 * coverage ("One person", "Backed up", "No owner").
 */
export const FILTER_KEYS = ["section", "owner", "status", "review", "coverage"];

function emptyFacets() {
  return Object.fromEntries(FILTER_KEYS.map((key) => [key, {}]));
}

/**
 * An excerpt of `text` around the first of `words` (folded surface words), as segments
 * `{ text, mark }`. When none occurs, the start of the text.
 */
export function excerpt(text, matchWords, radius = 90) {
  if (!text) return [];
  const wanted = new Set(matchWords);
  const marks = [];
  for (const s of segments(text)) {
    if (wanted.has(fold(s.word))) marks.push([s.index, s.index + s.word.length]);
  }
  let start = 0;
  let end = Math.min(text.length, radius * 2);
  if (marks.length > 0) {
    start = Math.max(0, marks[0][0] - radius);
    end = Math.min(text.length, marks[0][1] + radius);
    // Start and end on word boundaries.
    if (start > 0) {
      const space = text.indexOf(" ", start);
      if (space !== -1 && space < marks[0][0]) start = space + 1;
    }
    if (end < text.length) {
      const space = text.lastIndexOf(" ", end);
      if (space > marks[0][1]) end = space;
    }
  } else if (end < text.length) {
    const space = text.lastIndexOf(" ", end);
    if (space > 0) end = space;
  }
  const out = [];
  if (start > 0) out.push({ text: "… ", mark: false });
  let pos = start;
  for (const [a, b] of marks) {
    if (b <= start || a >= end) continue;
    if (a > pos) out.push({ text: text.slice(pos, a), mark: false });
    out.push({ text: text.slice(Math.max(a, pos), b), mark: true });
    pos = b;
  }
  if (pos < end) out.push({ text: text.slice(pos, end), mark: false });
  if (end < text.length) out.push({ text: " …", mark: false });
  return out;
}

/**
 * The block of a page record where `matchWords` (folded surface words) occur most: 0 is the
 * text before the first heading, `k` the heading `k - 1` and the text under it. Ties go to
 * the earlier block; 0 when no word occurs.
 */
export function bestBlock(record, matchWords) {
  const wanted = new Set(matchWords);
  const count = (text) => (text ? segments(text).filter((s) => wanted.has(fold(s.word))).length : 0);
  let best = 0;
  let most = 0;
  record.blocks.forEach((text, k) => {
    const n = count(text) + (k > 0 ? count(record.headings[k - 1]?.[1]) : 0);
    if (n > most) {
      most = n;
      best = k;
    }
  });
  return best;
}

/** The URL a hit opens: the page, at the heading of its best block when there is one. */
export function hitUrl(record, block) {
  const heading = block > 0 ? record.headings[block - 1] : null;
  return heading ? `${record.url}#${encodeURIComponent(heading[0])}` : record.url;
}
