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
/** Statuses whose pages rank below the others that match as many query words. */
const DEMOTED = new Set(["deprecated", "draft"]);

/**
 * The edit distance of `a` and `b` (insertions, deletions, substitutions and swaps of two
 * neighbours, each 1), or `max + 1` when it is over `max`.
 */
export function editDistance(a, b, max) {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before = null;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    let least = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      row.push(d);
      least = Math.min(least, d);
    }
    if (least > max) return max + 1;
    before = prev;
    prev = row;
  }
  return Math.min(prev[b.length], max + 1);
}

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
      this.demoted = this.manifest.statuses.map((s) => DEMOTED.has(s));
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
   * A word of the index close to `word` (edit distance 1, or 2 for words of five letters or
   * more), from the shard that `word` itself is looked up in, so it costs no download:
   * the closest, then the one on the most pages. `null` when there is none.
   */
  async suggest(word) {
    const m = await this.load();
    const key = shardKey(this.keys, word);
    if (key === null || word.length < 3 || /\p{N}/u.test(word)) return null;
    const shard = await this.file(m.shards[key]);
    const max = word.length >= 5 ? 2 : 1;
    let best = null;
    for (const [surface, g] of Object.entries(shard.words)) {
      if (surface === word || this.stop.has(surface)) continue;
      const distance = editDistance(word, surface, max);
      if (distance > max) continue;
      const pages = shard.groups[g].p.length / 2;
      if (!best || distance < best.distance || (distance === best.distance && (pages > best.pages || (pages === best.pages && surface < best.word)))) {
        best = { word: surface, distance, pages };
      }
    }
    return best?.word ?? null;
  }

  /**
   * Runs a query. Returns `{ hits, total, full, facets, words, any, suggestion }`: `hits`
   * holds the pages with every query word first, then those with fewer; among pages with as
   * many words, active pages before deprecated and draft ones; then by score (best first).
   * Each hit is `{ page, score, matched }` (`matched`: how many query words the page has) and
   * a value index per filter of `FILTER_KEYS`. `full` counts the hits with every word.
   * `facets` counts, for each filter's values, the hits that the other active filters keep.
   * `words` are the surface words that matched (for highlighting); `any` is true when no
   * page had every word. `suggestion` is the query with each word that matched nothing
   * replaced by a close word of the index ("did you mean"), or `null`.
   */
  async search(query, filters = {}) {
    const m = await this.load();
    const { terms, prefixLast } = parseQuery(query);
    let required = terms.map((t, i) => ({ word: t, prefix: prefixLast && i === terms.length - 1 }));
    const content = required.filter((t) => !this.stop.has(t.word) || t.prefix);
    if (content.length > 0) required = content;
    if (required.length === 0) return { hits: [], total: 0, full: 0, facets: emptyFacets(), words: [], any: false, suggestion: null };

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
      // The groups a word matches share the idf of the commonest: a rare word that the word
      // typed is only a prefix of must not outweigh the word itself.
      const df = Math.max(0, ...groups.map((g) => g.df));
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (const g of groups) {
        g.words.forEach((w) => matched.add(w));
        const flat = g.flat;
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
    const hits = touched.map((page) => {
      // More query words first; among as many, active pages before deprecated and drafts.
      const hit = { page, score: total[page], matched: termCount[page], tier: termCount[page] * 2 + (this.demoted[m.status[page]] ? 0 : 1) };
      // Indexes older than the review and coverage filters have none: every page is "".
      for (const key of FILTER_KEYS) hit[key] = m[key]?.[page] ?? 0;
      return hit;
    });
    hits.sort((a, b) => b.tier - a.tier || b.score - a.score || a.page - b.page);
    // A filter's counts apply the other active filters, so each says what choosing it shows.
    const active = FILTER_KEYS.filter((key) => filters[key] != null);
    const facets = emptyFacets();
    const filtered = [];
    for (const h of hits) {
      let failed = null;
      let fails = 0;
      for (const key of active) {
        if (h[key] !== filters[key]) {
          failed = key;
          fails += 1;
        }
      }
      if (fails === 0) filtered.push(h);
      if (fails > 1) continue;
      for (const key of fails === 1 ? [failed] : FILTER_KEYS) facets[key][h[key]] = (facets[key][h[key]] ?? 0) + 1;
    }
    const full = filtered.filter((h) => h.matched === required.length).length;
    const suggestion = await this.suggestion(query, required, perTerm);
    return { hits: filtered, total: filtered.length, full, facets, words: [...matched], any: full === 0, suggestion };
  }

  /** The query with each of its words that matched nothing replaced by a close word. */
  async suggestion(query, required, perTerm) {
    const missing = required.filter((t, i) => perTerm[i].length === 0 && !this.stop.has(t.word));
    if (missing.length === 0) return null;
    const replace = new Map();
    for (const t of missing) {
      const close = await this.suggest(t.word);
      if (close) replace.set(t.word, close);
    }
    if (replace.size === 0) return null;
    let out = "";
    let pos = 0;
    for (const s of segments(query)) {
      const close = replace.get(fold(s.word));
      if (!close) continue;
      out += query.slice(pos, s.index) + close;
      pos = s.index + s.word.length;
    }
    return (out + query.slice(pos)).trim();
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
