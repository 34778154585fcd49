//! The search index stage: the site's pages in, static JSON files out (`docs/search-index.md`).
//!
//! Each page is analysed in parallel from the plain text and headings the Markdown stage
//! already produced; postings accumulate per stem group and are written as term shards that
//! are split by the first characters of the surface words and kept under a size limit.
//! Page records (what a result shows) are grouped in reading order. The stage hands
//! [`OutputFile`]s to a sink like the renderers do, so the atomic commit and the dev server
//! get the index too; a build runs it beside page rendering (see `build::commit`). Output is
//! deterministic: sorted maps, no clocks.

mod json;
pub(crate) mod layout;
pub(crate) mod text;

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::ops::Range;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::config::Config;
use crate::content::{Page, PageId, Site};
use crate::governance::{Governance, ReviewState};
use crate::output::OutputFile;
use text::{StemCache, is_stop_word};

pub(crate) const FORMAT: u32 = 2;
/// BM25F field weights and length normalisation: title (and tags), headings, body. K1 is
/// high because it saturates the weighted sum of the fields: at 1.2 one title match scored
/// nearly as much as a page can, so a page whose title names the query word ranked with any
/// page that mentions it a few times (measured by tests/js/relevance.test.mjs).
pub(crate) const WEIGHTS: [f64; 3] = [8.0, 3.0, 1.0];
pub(crate) const B: [f64; 3] = [0.5, 0.6, 0.75];
pub(crate) const K1: f64 = 4.0;
/// A term shard is split into longer prefixes when its JSON would exceed this.
const SHARD_BYTES: usize = 64 * 1024;
const MAX_KEY_CHARS: usize = 8;
/// Page records are grouped until their text reaches this.
const RECORD_BYTES: usize = 36 * 1024;
const TF_CAP: u32 = 63;

/// One page's occurrences of one stem group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Posting {
    page: u32,
    /// Term frequencies, packed: body + 64 × headings + 4096 × title.
    counts: u32,
}

/// The postings of all pages: per stem, the surface words of each stem, and field lengths.
struct Merged {
    by_stem: FxHashMap<String, Vec<Posting>>,
    words: FxHashMap<String, String>,
    lens: Vec<(u32, [u32; 3])>,
}

/// What the analysis of a run of pages accumulates. Stems are interned per accumulator,
/// so counting a word allocates nothing once the word has been seen.
#[derive(Default)]
struct Postings {
    /// Folded word -> stem id.
    word_ids: FxHashMap<String, u32>,
    /// The same for ASCII words of up to 16 bytes, keyed by their lower-cased bytes packed
    /// into an integer: most words take this path, which neither copies nor compares strings.
    short_ids: KeyTable,
    /// Stem -> stem id.
    stem_ids: FxHashMap<String, u32>,
    stems: Vec<String>,
    /// Per stem id: the fields it is counted in, one bit each (stop words: the title only).
    fields: Vec<u8>,
    /// Stem id -> postings.
    lists: Vec<Vec<Posting>>,
    lens: Vec<(u32, [u32; 3])>,
    cache: StemCache,
    /// Per stem id: its term frequencies in the current page.
    tallies: Vec<Tally>,
    /// The stem ids met in the current page are `touched[..met]`; the vector always has room
    /// for one more than there are stems, so recording one never checks for space.
    touched: Vec<u32>,
    met: usize,
    buffer: String,
}

impl Postings {
    fn merge(parts: Vec<Postings>) -> Merged {
        let mut by_stem: FxHashMap<String, Vec<Posting>> = FxHashMap::default();
        let mut words: FxHashMap<String, String> = FxHashMap::default();
        let mut lens = Vec::new();
        for part in parts {
            for (word, id) in part.word_ids {
                words.entry(word).or_insert_with(|| part.stems[id as usize].clone());
            }
            // Runs come in page order, so appending keeps every list sorted by page.
            for (stem, list) in part.stems.into_iter().zip(part.lists) {
                if list.is_empty() {
                    continue;
                }
                match by_stem.entry(stem) {
                    Entry::Occupied(mut entry) => entry.get_mut().extend(list),
                    Entry::Vacant(entry) => {
                        entry.insert(list);
                    }
                }
            }
            lens.extend(part.lens);
        }
        Merged { by_stem, words, lens }
    }

    /// The stem id of a word (not yet folded).
    fn stem_id(&mut self, raw: &str) -> u32 {
        self.buffer.clear();
        if raw.is_ascii() {
            self.buffer.push_str(raw);
            self.buffer.make_ascii_lowercase();
        } else {
            self.buffer.push_str(&text::fold(raw));
        }
        if let Some(&id) = self.word_ids.get(self.buffer.as_str()) {
            return id;
        }
        let stem = self.cache.stem(&self.buffer);
        let id = match self.stem_ids.get(stem) {
            Some(&id) => id,
            None => {
                let stem = stem.to_string();
                let id = self.stems.len() as u32;
                self.stem_ids.insert(stem.clone(), id);
                self.fields.push(if is_stop_word(&stem) { 0b001 } else { 0b111 });
                self.stems.push(stem);
                self.lists.push(Vec::new());
                self.tallies.push(Tally::default());
                self.touched.resize(self.stems.len() + 1, 0);
                id
            }
        };
        self.word_ids.insert(self.buffer.clone(), id);
        id
    }

    /// The stem id of a word (not yet folded), by way of `short_ids` when it can.
    fn word_id(&mut self, raw: &str) -> u32 {
        match short_key(raw) {
            Some(key) => self.key_id(raw, key),
            None => self.stem_id(raw),
        }
    }

    /// The stem id of a short ASCII word whose lower-cased, packed bytes are `key`.
    fn key_id(&mut self, raw: &str, key: u128) -> u32 {
        if let Some(id) = self.short_ids.get(key) {
            return id;
        }
        let id = self.stem_id(raw);
        self.short_ids.insert(key, id);
        id
    }

    /// Analyses one page (number `page`) and adds its postings: the title is field 0, the
    /// headings field 1, and the text of every block field 2.
    fn add(&mut self, page: u32, [title, headings, blocks]: [&[&str]; 3]) {
        let mut lens = [0u32; 3];
        let fields = (title.iter().map(|t| (0, *t)))
            .chain(headings.iter().map(|h| (1, *h)))
            .chain(blocks.iter().map(|b| (2, *b)));
        for (field, text) in fields {
            if text.is_ascii() {
                text::ascii_words(text, |raw, packed| {
                    let id = match packed {
                        0 => self.word_id(raw),
                        bytes => self.key_id(raw, lower_packed(bytes)),
                    };
                    self.count(id, page, field, &mut lens);
                });
            } else {
                text::for_each_word(text, |raw| {
                    let id = self.word_id(raw);
                    self.count(id, page, field, &mut lens);
                });
            }
        }
        for &id in &self.touched[..self.met] {
            let tally = &mut self.tallies[id as usize];
            let [t, h, b] = tally.tf.map(|n| n.min(TF_CAP));
            // A stop word met only outside the title counts nowhere.
            if t + h + b > 0 {
                self.lists[id as usize].push(Posting { page, counts: b + 64 * h + 4096 * t });
            }
            tally.tf = [0; 3];
        }
        self.met = 0;
        self.lens.push((page, lens));
    }

    /// Counts one occurrence of stem `id` in `field` of the current page. Whether it counts
    /// and whether the page has met the stem before are data here, not branches: both are
    /// coin flips in running text, and a mispredicted branch costs more than the arithmetic.
    fn count(&mut self, id: u32, page: u32, field: usize, lens: &mut [u32; 3]) {
        let counted = u32::from(self.fields[id as usize] >> field & 1);
        let tally = &mut self.tallies[id as usize];
        let first = tally.seen_in != page + 1;
        tally.seen_in = page + 1;
        tally.tf[field] += counted;
        lens[field] += counted;
        self.touched[self.met] = id;
        self.met += usize::from(first);
    }
}

/// Stem ids by packed word (see [`short_key`]): open addressing with linear probing, kept at
/// most half full. The commonest few hundred words of a site make up most of its text and
/// are found at the first probe, for one multiplication and one comparison; a general hash
/// map (hashbrown with FxHash) spends about twice that on these keys.
#[derive(Default)]
struct KeyTable {
    /// 0 marks an empty slot: no word packs to 0.
    keys: Vec<u128>,
    ids: Vec<u32>,
    len: usize,
    /// 64 - log2(capacity): the slot of a key is the top bits of its hash.
    shift: u32,
}

impl KeyTable {
    fn slot(&self, key: u128) -> usize {
        let folded = (key as u64) ^ ((key >> 64) as u64).rotate_left(29);
        (folded.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    fn get(&self, key: u128) -> Option<u32> {
        if self.keys.is_empty() {
            return None;
        }
        let mask = self.keys.len() - 1;
        let mut i = self.slot(key);
        loop {
            match self.keys[i] {
                k if k == key => return Some(self.ids[i]),
                0 => return None,
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// Adds `key` (not 0, and not in the table yet).
    fn insert(&mut self, key: u128, id: u32) {
        debug_assert!(key != 0 && self.get(key).is_none());
        if (self.len + 1) * 2 > self.keys.len() {
            let capacity = (self.keys.len() * 2).max(1024);
            let keys = std::mem::replace(&mut self.keys, vec![0; capacity]);
            let ids = std::mem::replace(&mut self.ids, vec![0; capacity]);
            self.shift = 64 - capacity.trailing_zeros();
            self.len = 0;
            for (k, v) in keys.into_iter().zip(ids).filter(|(k, _)| *k != 0) {
                self.insert(k, v);
            }
        }
        let mask = self.keys.len() - 1;
        let mut i = self.slot(key);
        while self.keys[i] != 0 {
            i = (i + 1) & mask;
        }
        self.keys[i] = key;
        self.ids[i] = id;
        self.len += 1;
    }
}

/// An ASCII word of up to 16 bytes, lower-cased and packed into an integer (words never
/// contain a zero byte, so the padding cannot collide with a shorter word).
fn short_key(word: &str) -> Option<u128> {
    let x = pack(word.as_bytes())?;
    word.is_ascii().then(|| lower_packed(x))
}

/// Packed ASCII bytes (see [`short_key`]), lower-cased.
fn lower_packed(x: u128) -> u128 {
    const LANES: u128 = u128::MAX / 255; // 0x0101...01
    // Every byte is below 0x80, so adding less than 0x80 to each never carries into the
    // next: the high bit of a lane is set where the byte is >= b'A' and not > b'Z'.
    let at_least_a = x.wrapping_add(LANES * u128::from(0x80 - b'A'));
    let above_z = x.wrapping_add(LANES * u128::from(0x80 - b'Z' - 1));
    let upper = at_least_a & !above_z & (LANES * 0x80);
    x | (upper >> 2)
}

/// Up to 16 bytes as a little-endian integer, zero-padded. Two overlapping loads of the
/// widest size that fits do it without a variable-length copy (which costs a `memcpy` call
/// per word); the overlapping bytes are equal, so OR-ing the loads is exact.
fn pack(bytes: &[u8]) -> Option<u128> {
    fn load<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
        let mut out = [0u8; N];
        out.copy_from_slice(&bytes[at..at + N]);
        out
    }
    let n = bytes.len();
    Some(match n {
        0 => 0,
        1 => u128::from(bytes[0]),
        2..=3 => {
            let (lo, hi) =
                (u16::from_le_bytes(load(bytes, 0)), u16::from_le_bytes(load(bytes, n - 2)));
            u128::from(lo) | u128::from(hi) << (8 * (n - 2))
        }
        4..=7 => {
            let (lo, hi) =
                (u32::from_le_bytes(load(bytes, 0)), u32::from_le_bytes(load(bytes, n - 4)));
            u128::from(lo) | u128::from(hi) << (8 * (n - 4))
        }
        8..=16 => {
            let (lo, hi) =
                (u64::from_le_bytes(load(bytes, 0)), u64::from_le_bytes(load(bytes, n - 8)));
            u128::from(lo) | u128::from(hi) << (8 * (n - 8))
        }
        _ => return None,
    })
}

/// One stem's term frequencies in the page being analysed (title, headings, body), and the
/// page they are for (its number + 1, so that 0 is none).
#[derive(Clone, Copy, Default)]
struct Tally {
    tf: [u32; 3],
    seen_in: u32,
}

/// The text blocks of a page: the text before the first heading, then the text under each.
fn blocks_of(page: &Page) -> Vec<&str> {
    let doc = &page.doc;
    let mut blocks = vec![""; doc.headings.len() + 1];
    for block in &doc.blocks {
        if let Some(b) = blocks.get_mut(block.heading.map_or(0, |h| h + 1)) {
            *b = &block.text;
        }
    }
    blocks
}

/// The text of a page's three fields. Tags count with the title: an author chose them to
/// say what the page is about, as the title does. A description the author wrote counts
/// with the body (a page without one shows its first paragraph, which the body holds).
fn indexed_text<'p>(page: &'p Page, blocks: &[&'p str]) -> [Vec<&'p str>; 3] {
    let tags = page.meta.tags.iter().flatten().map(String::as_str);
    let description = page.meta.description.as_deref();
    [
        std::iter::once(page.title.as_str()).chain(tags).collect(),
        page.doc.headings.iter().map(|h| h.text.as_str()).collect(),
        blocks.iter().copied().chain(description).collect(),
    ]
}

fn hashed(dir: &str, stem: &str, bytes: &[u8]) -> String {
    let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes));
    format!("{dir}/{stem}.{}.json", &hash[..10])
}

/// A filter value as indexed: the empty string for none.
fn filter_value(value: Option<&str>) -> String {
    value.filter(|v| !v.trim().is_empty()).unwrap_or("").to_string()
}

/// One group of page records as JSON, written page by page:
/// `{"first": n, "pages": [{title, url, description, tags, headings, blocks}, ...]}`.
struct RecordWriter {
    out: Vec<u8>,
    pages: usize,
}

impl RecordWriter {
    /// A group whose first page is number `first` (in reading order), with room for about
    /// `bytes` of text.
    fn new(first: usize, bytes: usize) -> RecordWriter {
        let mut out = Vec::with_capacity(bytes + 64);
        out.extend_from_slice(b"{\"first\":");
        out.extend_from_slice(itoa::Buffer::new().format(first).as_bytes());
        out.extend_from_slice(b",\"pages\":[");
        RecordWriter { out, pages: 0 }
    }

    fn page(&mut self, cfg: &Config, page: &Page, blocks: &[&str]) {
        let out = &mut self.out;
        if self.pages > 0 {
            out.push(b',');
        }
        self.pages += 1;
        out.extend_from_slice(b"{\"title\":");
        json::string(out, &page.title);
        out.extend_from_slice(b",\"url\":");
        json::string(out, &cfg.base_url.url(&page.path));
        out.extend_from_slice(b",\"description\":");
        json::string(out, page.meta.description.as_deref().unwrap_or(&page.doc.summary));
        out.extend_from_slice(b",\"tags\":");
        json::strings(out, page.meta.tags.iter().flatten().map(String::as_str));
        out.extend_from_slice(b",\"headings\":[");
        for (j, h) in page.doc.headings.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            json::strings(out, [h.id.as_str(), h.text.as_str()]);
        }
        out.extend_from_slice(b"],\"blocks\":");
        json::strings(out, blocks.iter().copied());
        out.push(b'}');
    }

    fn finish(mut self) -> Vec<u8> {
        self.out.extend_from_slice(b"]}");
        self.out
    }
}

pub(crate) use layout::{MANIFEST, is_index_path};

/// Builds the search index and collects its files, sorted by path (the dev server, tests).
pub(crate) fn index_files(
    cfg: &Config,
    site: &Site,
    gov: &Governance,
    extra: &[Page],
) -> Vec<OutputFile> {
    let files = std::sync::Mutex::new(Vec::new());
    let _ = index(cfg, site, gov, extra, &|file| {
        files.lock().map_err(|_| std::io::Error::other("poisoned lock"))?.push(file);
        Ok(())
    });
    let mut files = files.into_inner().unwrap_or_default();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// Builds the search index of `site` and the generated pages `extra` (after the site's, in
/// the section filter under the first one's title), handing each file to `sink` as soon as it is made (the
/// page records hold every page's text again, so a large site never holds them all at
/// once): term shards and page records, in parallel, then `search/manifest.json`, which
/// names them. The first error `sink` returns stops the stage and is returned.
pub(crate) fn index(
    cfg: &Config,
    site: &Site,
    gov: &Governance,
    extra: &[Page],
    sink: &(dyn Fn(OutputFile) -> std::io::Result<()> + Sync),
) -> std::io::Result<()> {
    let mut timer = crate::timer::StageTimer::new();
    let order: &[PageId] = &site.order;
    let docs: Vec<&Page> = order.iter().map(|&id| &site.pages[id]).chain(extra.iter()).collect();
    // Page records go in groups of consecutive pages, about RECORD_BYTES of text each.
    let mut groups: Vec<(Range<usize>, usize)> = Vec::new();
    for (n, page) in docs.iter().enumerate() {
        let doc = &page.doc;
        let text = doc.blocks.iter().map(|b| b.text.len()).sum::<usize>()
            + doc.headings.iter().map(|h| h.text.len()).sum::<usize>()
            + 200;
        match groups.last_mut() {
            Some((pages, size)) if *size + text <= RECORD_BYTES => {
                pages.end = n + 1;
                *size += text;
            }
            _ => groups.push((n..n + 1, text)),
        }
    }
    // One run of groups per thread: each learns its own vocabulary (stemming every word it
    // meets), merged once, and writes the records of its pages in the same pass. Page
    // rendering runs beside the index and evens out the threads.
    let runs = rayon::current_num_threads().max(1);
    let run_len = groups.len().div_ceil(runs).max(1);
    let parts: Vec<(Postings, Vec<String>)> = groups
        .par_chunks(run_len)
        .enumerate()
        .map(|(run, groups)| {
            let mut acc = Postings::default();
            let mut names = Vec::with_capacity(groups.len());
            for (g, (pages, size)) in groups.iter().enumerate() {
                let mut records = RecordWriter::new(pages.start, *size);
                for n in pages.clone() {
                    let page = docs[n];
                    let blocks = blocks_of(page);
                    let [title, headings, body] = indexed_text(page, &blocks);
                    acc.add(n as u32, [&title, &headings, &body]);
                    records.page(cfg, page, &blocks);
                }
                let json = records.finish();
                let name = hashed(layout::RECORDS, &(run * run_len + g).to_string(), &json);
                sink(OutputFile::bytes(layout::output_path(&name), json))?;
                names.push(name);
            }
            Ok((acc, names))
        })
        .collect::<std::io::Result<_>>()?;
    let (parts, names): (Vec<Postings>, Vec<Vec<String>>) = parts.into_iter().unzip();
    let records: Vec<String> = names.into_iter().flatten().collect();
    let record_starts: Vec<usize> = groups.iter().map(|(pages, _)| pages.start).collect();
    timer.lap("  analyse+records");
    let Merged { by_stem, words: words_to_stems, lens: all_lens } = Postings::merge(parts);
    timer.lap("  merge");

    let count = docs.len();

    // Field lengths, and the filters of every page.
    let mut len = vec![[0u32; 3]; count];
    for (page, lens) in &all_lens {
        len[*page as usize] = *lens;
    }
    let avg: Vec<f64> = (0..3)
        .map(|f| {
            if count == 0 {
                0.0
            } else {
                len.iter().map(|l| f64::from(l[f])).sum::<f64>() / count as f64
            }
        })
        .map(|a| (a * 100.0).round() / 100.0)
        .collect();
    let top_section = |id: PageId| -> Option<&str> {
        let ancestors = site.ancestors(id);
        let top = if site.pages[id].is_index && site.sections[site.pages[id].section].depth == 1 {
            Some(id)
        } else {
            ancestors.get(1).copied()
        };
        top.map(|t| site.pages[t].title.as_str())
    };
    let extra_section = extra.first().map(|p| p.title.as_str());
    let values: Vec<[String; 5]> = docs
        .iter()
        .enumerate()
        .map(|(n, page)| {
            let meta = &page.meta;
            let section = match order.get(n) {
                Some(&id) => top_section(id),
                None => extra_section,
            };
            // Live processes: their review state and who can run them.
            let process = order.get(n).and_then(|&id| gov.process(id)).filter(|p| p.live);
            [
                filter_value(section),
                filter_value(meta.owner.as_deref()),
                filter_value(meta.status.map(|s| s.as_str())),
                filter_value(process.map(|p| match p.state {
                    ReviewState::Overdue => "Overdue",
                    ReviewState::DueSoon => "Due soon",
                    ReviewState::OnTime => "On time",
                    ReviewState::Never => "Never reviewed",
                })),
                filter_value(process.map(|p| match &p.owner {
                    None => "No owner",
                    Some(_) if p.backups.is_empty() => "One person",
                    Some(_) => "Backed up",
                })),
            ]
        })
        .collect();
    let mut lists: Vec<Vec<String>> = Vec::new();
    let mut indexes: Vec<Vec<u32>> = Vec::new();
    for f in 0..5 {
        let mut names: Vec<String> = values.iter().map(|v| v[f].clone()).collect();
        names.push(String::new());
        names.sort();
        names.dedup();
        let position: HashMap<&str, u32> =
            names.iter().enumerate().map(|(i, n)| (n.as_str(), i as u32)).collect();
        indexes.push(values.iter().map(|v| position[v[f].as_str()]).collect());
        lists.push(names);
    }

    timer.lap("  filters");
    // Term shards. Runs came in page order, so every postings list is sorted by page.
    let groups = by_stem;
    debug_assert!(groups.values().all(|list| list.is_sorted_by_key(|p| p.page)));
    let mut words_sorted: Vec<(&str, &str)> = words_to_stems
        .iter()
        .filter(|(_, stem)| groups.contains_key(stem.as_str()))
        .map(|(word, stem)| (word.as_str(), stem.as_str()))
        .collect();
    words_sorted.sort_unstable();
    let sizes: FxHashMap<&str, usize> = groups
        .iter()
        .map(|(stem, list)| (stem.as_str(), stem.len() + list.len() * 6 + 16))
        .collect();
    let mut shard_of_words: BTreeMap<String, Vec<(&str, &str)>> = BTreeMap::new();
    split_shards(&words_sorted, 1, &sizes, &mut shard_of_words);
    timer.lap("  split");
    let shards: BTreeMap<String, String> = shard_of_words
        .into_par_iter()
        .map(|(key, words)| {
            let json = shard_json(&words, &groups);
            let name = hashed(layout::TERMS, &key_file_stem(&key), &json);
            sink(OutputFile::bytes(layout::output_path(&name), json))?;
            Ok((key, name))
        })
        .collect::<std::io::Result<_>>()?;
    timer.lap("  shards");
    drop(groups);

    let manifest = serde_json::json!({
        "format": FORMAT,
        "count": count,
        "k1": K1,
        "weights": WEIGHTS,
        "b": B,
        "avg": avg,
        "len": len.iter().flatten().collect::<Vec<_>>(),
        "section": indexes[0],
        "owner": indexes[1],
        "status": indexes[2],
        "review": indexes[3],
        "coverage": indexes[4],
        "sections": lists[0],
        "owners": lists[1],
        "statuses": lists[2],
        "reviews": lists[3],
        "coverages": lists[4],
        "shards": shards,
        "records": records,
        "record_starts": record_starts,
        "stop": text::STOP_WORDS,
    });
    sink(OutputFile::bytes(MANIFEST, serde_json::to_vec(&manifest).unwrap_or_default()))
}

/// A shard key as a file name: characters outside `[a-z0-9]` are written as `_<hex>`.
fn key_file_stem(key: &str) -> String {
    let mut out = String::new();
    for c in key.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else {
            let _ = write!(out, "_{:x}", c as u32);
        }
    }
    out
}

fn prefix(word: &str, chars: usize) -> &str {
    match word.char_indices().nth(chars) {
        Some((i, _)) => &word[..i],
        None => word,
    }
}

/// Splits sorted `(word, stem)` pairs into shards keyed by their first `depth` characters,
/// splitting any shard over `SHARD_BYTES` one character deeper. Words no longer than a split
/// key stay under the shorter key.
fn split_shards<'a>(
    words: &[(&'a str, &'a str)],
    depth: usize,
    sizes: &FxHashMap<&str, usize>,
    out: &mut BTreeMap<String, Vec<(&'a str, &'a str)>>,
) {
    let mut buckets: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for &(word, stem) in words {
        buckets.entry(prefix(word, depth)).or_default().push((word, stem));
    }
    for (key, bucket) in buckets {
        let mut stems: Vec<&str> = bucket.iter().map(|(_, s)| *s).collect();
        stems.sort_unstable();
        stems.dedup();
        let size: usize = stems.iter().map(|s| sizes.get(s).copied().unwrap_or(0)).sum::<usize>()
            + bucket.iter().map(|(w, _)| w.len() + 8).sum::<usize>();
        let deeper = size > SHARD_BYTES
            && depth < MAX_KEY_CHARS
            && bucket.iter().any(|(w, _)| w.chars().count() > depth);
        if !deeper {
            out.entry(key.to_string()).or_default().extend(bucket);
            continue;
        }
        let (short, long): (Vec<_>, Vec<_>) =
            bucket.into_iter().partition(|(w, _)| w.chars().count() <= depth);
        if !short.is_empty() {
            out.entry(key.to_string()).or_default().extend(short);
        }
        split_shards(&long, depth + 1, sizes, out);
    }
}

/// One term shard as JSON.
fn shard_json(words: &[(&str, &str)], groups: &FxHashMap<String, Vec<Posting>>) -> Vec<u8> {
    let mut stems: Vec<&str> = words.iter().map(|(_, s)| *s).collect();
    stems.sort_unstable();
    stems.dedup();
    let lists: Vec<&[Posting]> =
        stems.iter().map(|s| groups.get(*s).map_or(&[][..], Vec::as_slice)).collect();
    let postings: usize = lists.iter().map(|l| l.len()).sum();
    let mut out = Vec::with_capacity(postings * 8 + words.len() * 16 + 64);
    let mut number = itoa::Buffer::new();
    out.extend_from_slice(b"{\"words\":{");
    for (i, (word, stem)) in words.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json::string(&mut out, word);
        out.push(b':');
        let group = stems.binary_search(stem).unwrap_or_default();
        out.extend_from_slice(number.format(group).as_bytes());
    }
    out.extend_from_slice(b"},\"groups\":[");
    for (i, (stem, list)) in stems.iter().zip(&lists).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"stem\":");
        json::string(&mut out, stem);
        out.extend_from_slice(b",\"p\":[");
        let mut last = 0;
        for (j, p) in list.iter().enumerate() {
            json::number_pair(&mut out, j > 0, p.page - last, p.counts);
            last = p.page;
        }
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b"]}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_keys_fold_case_and_tell_words_apart() {
        let key = |w| short_key(w).expect("a short ASCII word");
        assert_eq!(key("Returns"), key("returns"));
        assert_eq!(key("SKU-@[`{Z"), short_key("sku-@[`{z").unwrap());
        assert_ne!(key("return"), key("returns"));
        assert_ne!(key("a_b"), key("a b"));
        let bytes = |k: u128| k.to_le_bytes();
        assert_eq!(&bytes(key("AZaz09_.'"))[..9], b"azaz09_.'");
        assert_eq!(short_key("responsibilities"), Some(key("Responsibilities")));
        assert_eq!(short_key("responsibilitiesx"), None, "longer than 16 bytes");
        assert_eq!(short_key("étiquette"), None, "not ASCII");
    }

    proptest::proptest! {
        #[test]
        fn short_keys_lower_case_as_the_standard_library_does(word in "[\\x01-\\x7f]{0,16}") {
            let mut lower = [0u8; 16];
            lower[..word.len()].copy_from_slice(word.to_ascii_lowercase().as_bytes());
            proptest::prop_assert_eq!(short_key(&word), Some(u128::from_le_bytes(lower)));
        }
    }

    #[test]
    fn the_key_table_finds_what_it_holds_as_it_grows() {
        let mut table = KeyTable::default();
        assert_eq!(table.get(1), None);
        // Keys that differ only in their high half, or only in low bits, probe into each other.
        let keys: Vec<u128> =
            (1..5000u128).flat_map(|n| [n, n << 64, (n % 255 + 1) << 120 | n << 32]).collect();
        for (id, &key) in keys.iter().enumerate() {
            table.insert(key, id as u32);
        }
        for (id, &key) in keys.iter().enumerate() {
            assert_eq!(table.get(key), Some(id as u32));
        }
        assert_eq!(table.get(5001), None);
        assert_eq!(table.get(u128::MAX), None);
        assert!(table.keys.len() >= 2 * keys.len());
    }

    #[test]
    fn postings_count_fields() {
        let mut p = Postings::default();
        p.add(
            0,
            [
                &["Returns"],
                &["Refund rules", "Returned goods"],
                &[
                    "Intro about returns.",
                    "Refunds for returned items, returning customers.",
                    "Nothing.",
                ],
            ],
        );
        let Merged { by_stem, words, lens } = Postings::merge(vec![p]);
        let list = &by_stem["return"];
        assert_eq!(list.len(), 1);
        // title 1, headings 1 ("Returned"), body: "returns" in block 0, "returned" and "returning" in block 1.
        assert_eq!(list[0].counts, 3 + 64 + 4096);
        assert_eq!(lens, [(0, [1, 4, 8])]);
        assert_eq!(words["returned"], "return");
        assert!(!by_stem.contains_key("for"), "stop words stay out of the body");
    }

    #[test]
    fn stop_words_are_indexed_in_titles_only() {
        let mut p = Postings::default();
        p.add(0, [&["How to pack"], &[], &["how the packing works"]]);
        let Merged { by_stem, .. } = Postings::merge(vec![p]);
        assert_eq!(by_stem["how"][0].counts, 4096);
        assert_eq!(by_stem["pack"][0].counts, 4096 + 1);
    }

    #[test]
    fn shards_split_by_prefix_until_small_enough() {
        let words = vec![("alpha", "alpha"), ("alps", "alp"), ("beta", "beta"), ("b", "b")];
        let mut sizes = FxHashMap::default();
        sizes.insert("alpha", SHARD_BYTES);
        sizes.insert("alp", 10);
        sizes.insert("beta", 10);
        sizes.insert("b", 10);
        let mut out = BTreeMap::new();
        split_shards(&words, 2, &sizes, &mut out);
        let keys: Vec<&str> = out.keys().map(String::as_str).collect();
        // "al" is over the limit: it splits deeper until "alpha" is alone (it cannot split
        // further) and "alps" is small.
        assert_eq!(keys, ["alpha", "alps", "b", "be"]);
    }

    #[test]
    fn shard_json_delta_encodes_postings() {
        let mut groups = FxHashMap::default();
        groups.insert(
            "return".to_string(),
            vec![Posting { page: 3, counts: 4097 }, Posting { page: 4, counts: 65 }],
        );
        let json = shard_json(&[("returned", "return"), ("returns", "return")], &groups);
        assert_eq!(
            String::from_utf8(json).unwrap(),
            r#"{"words":{"returned":0,"returns":0},"groups":[{"stem":"return","p":[3,4097,1,65]}]}"#
        );
    }

    #[test]
    fn key_file_names_are_ascii() {
        assert_eq!(key_file_stem("re"), "re");
        assert_eq!(key_file_stem("ét"), "_e9t");
        assert_eq!(key_file_stem("3."), "3_2e");
    }
}
