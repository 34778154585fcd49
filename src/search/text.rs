//! Text analysis for search: Unicode word boundaries (UAX #29), case folding, accent folding
//! (NFKD with combining marks removed), Snowball English stemming and stop words.
//!
//! The browser repeats the first three steps on the query (`Intl.Segmenter`, `normalize`,
//! `toLowerCase`) but never stems: the index maps every surface word to its stem group, so
//! `returned` finds what `returns` finds. This module owns that vocabulary and nothing else.

use std::collections::HashMap;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_segmentation::UnicodeSegmentation;

/// Words too common to tell pages apart (Snowball's English list, shortened). They are left
/// out of body and heading postings; titles keep them, so a query of only stop words
/// ("how to") still finds pages by title.
pub(crate) const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

pub(crate) fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// Folds one word: lower case, and accents removed (`Étiquette` -> `etiquette`).
pub(crate) fn fold(word: &str) -> String {
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    word.nfkd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).collect()
}

/// The longest word that is a search term, in bytes: anything longer is a hash or a URL.
const MAX_WORD_BYTES: usize = 40;

/// Calls `f` with each word of `text` (not folded), in order. Words are what UAX #29 calls
/// words that contain a letter or a digit. ASCII text takes a fast path that follows the same
/// rules; anything else goes through `unicode-segmentation`.
pub(crate) fn for_each_word<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    if text.is_ascii() {
        ascii_words(text, |word, _| f(word));
    } else {
        text.unicode_words().filter(|w| w.len() <= MAX_WORD_BYTES).for_each(f);
    }
}

/// Byte classes of the ASCII word rules, for the punctuation between two runs of word bytes
/// (the runs themselves, letters, digits and `_`, are found by [`byte_lanes`]).
const LETTER: u8 = 1;
const DIGIT: u8 = 2;
/// `.` and `'` (MidNumLet): join two letters or two digits.
const MID_NUM_LET: u8 = 4;
/// `:` (MidLetter): joins two letters.
const MID_LETTER: u8 = 8;
/// `,` and `;` (MidNum): join two digits.
const MID_NUM: u8 = 16;

/// The class of every byte (all 256, so that indexing needs no bounds check; bytes of
/// non-ASCII text never reach it).
const CLASS: [u8; 256] = {
    let mut class = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        class[b] = if c.is_ascii_alphabetic() {
            LETTER
        } else if c.is_ascii_digit() {
            DIGIT
        } else {
            match c {
                b'.' | b'\'' => MID_NUM_LET,
                b':' => MID_LETTER,
                b',' | b';' => MID_NUM,
                _ => 0,
            }
        };
        b += 1;
    }
    class
};

/// One lane per byte of a `u64`.
const LANES: u64 = u64::MAX / 255;

/// For eight ASCII bytes, the high bit of each byte lane set where that byte is a letter, a
/// digit or `_` (a word byte), and where it is any other printable byte (punctuation, which
/// may join two words).
fn byte_lanes(x: u64) -> (u64, u64) {
    // Every byte is below 0x80, so adding less than 0x80 to each never carries into the
    // next: a lane's high bit then says whether the byte reached a bound. (Other bytes give
    // meaningless lanes, never an overflow.)
    let add = |y: u64, n: u8| y.wrapping_add(LANES * u64::from(n));
    let lower = x | (LANES * 0x20);
    let letter = add(lower, 0x80 - b'a') & !add(lower, 0x80 - b'z' - 1);
    let digit = add(x, 0x80 - b'0') & !add(x, 0x80 - b'9' - 1);
    let underscore = !add(x ^ (LANES * u64::from(b'_')), 0x7f);
    let word = (letter | digit | underscore) & (LANES * 0x80);
    let printable = add(x, 0x80 - b'!');
    (word, printable & !word & (LANES * 0x80))
}

/// Gathers the high bits of the eight lanes into one byte.
fn gather(lanes: u64) -> u64 {
    ((lanes >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// One bit per byte of `chunk` (up to 64 bytes): where the byte is a word byte, and where it
/// is punctuation (see [`byte_lanes`]).
fn chunk_bits(chunk: &[u8]) -> (u64, u64) {
    let mut padded = [0u8; 64];
    let bytes: &[u8] = if chunk.len() == 64 {
        chunk
    } else {
        padded[..chunk.len()].copy_from_slice(chunk);
        &padded
    };
    let (mut word, mut punct) = (0, 0);
    for (k, eight) in bytes.chunks_exact(8).enumerate() {
        let (w, p) = byte_lanes(u64::from_le_bytes(eight.try_into().unwrap_or_default()));
        word |= gather(w) << (8 * k);
        punct |= gather(p) << (8 * k);
    }
    (word, punct)
}

/// Whether the punctuation byte `mid` joins the bytes either side of it into one word.
fn joins(prev: u8, mid: u8, next: u8) -> bool {
    let shared = class(prev) & class(next) & (LETTER | DIGIT);
    match class(mid) {
        MID_NUM_LET => shared != 0,
        MID_LETTER => shared & LETTER != 0,
        MID_NUM => shared & DIGIT != 0,
        _ => false,
    }
}

/// UAX #29 word boundaries for ASCII text: letters and digits join (WB5, WB8-10), `_` joins
/// anything (WB13a/b), `.` and `'` join two letters or two digits (MidNumLet, WB6/7,
/// WB11/12), `:` joins two letters (MidLetter) and `,` `;` join two digits (MidNum). Calls
/// `f` with each word that has a letter or a digit.
///
/// The text is read 64 bytes at a time as bit masks: word bytes, and punctuation with a
/// word byte on both sides (the only bytes looked at one by one, to see whether they join).
/// A word then starts and ends where the joined mask changes.
///
/// With each word `f` also gets its bytes packed into an integer (see [`Packed`]), which
/// costs one load here, where the text around the word is at hand. Text that is not ASCII
/// gives wrong words (never a panic): callers check first.
pub(crate) fn ascii_words<'a>(text: &'a str, mut f: impl FnMut(&'a str, Packed)) {
    let t = text.as_bytes();
    let mut chunks = t.chunks(64).map(chunk_bits);
    let Some(mut current) = chunks.next() else { return };
    // The last byte of the previous chunk: a word byte, and a word byte once joined.
    let (mut carry, mut carry_joined) = (0u64, 0u64);
    let mut start = None;
    let mut base = 0;
    loop {
        let next = chunks.next();
        let (word, punct) = current;
        let next_first = next.map_or(0, |(w, _)| w & 1);
        let mut between = punct & (word << 1 | carry) & (word >> 1 | next_first << 63);
        let mut joined = word;
        while between != 0 {
            let bit = between.trailing_zeros();
            between &= between - 1;
            let p = base + bit as usize;
            let byte = |i: usize| t.get(i).copied().unwrap_or(0);
            if joins(byte(p - 1), byte(p), byte(p + 1)) {
                joined |= 1 << bit;
            }
        }
        let mut edges = joined ^ (joined << 1 | carry_joined);
        (carry, carry_joined) = (word >> 63, joined >> 63);
        while edges != 0 {
            let p = base + edges.trailing_zeros() as usize;
            edges &= edges - 1;
            match start.take() {
                None => start = Some(p),
                Some(s) => emit(text, s, p, &mut f),
            }
        }
        base += 64;
        match next {
            Some(n) => current = n,
            None => break,
        }
    }
    if let Some(s) = start {
        emit(text, s, t.len(), &mut f);
    }
}

/// A word's bytes as a little-endian integer, zero-padded, when it has at most 16 bytes and
/// the text has 16 bytes from its start (nearly always); otherwise 0, which no word packs
/// to.
pub(crate) type Packed = u128;

/// Calls `f` with `text[start..end]`, a run of word bytes, unless it is all underscores
/// (a word needs a letter or a digit) or longer than a search term.
fn emit<'a>(text: &'a str, start: usize, end: usize, f: &mut impl FnMut(&'a str, Packed)) {
    let t = text.as_bytes();
    let Some(run) = t.get(start..end) else { return };
    if run.is_empty()
        || run.len() > MAX_WORD_BYTES
        || run[0] == b'_' && run.iter().all(|&b| b == b'_')
    {
        return;
    }
    let packed = match t.get(start..start + 16) {
        Some(sixteen) if run.len() <= 16 => {
            let bytes = u128::from_le_bytes(sixteen.try_into().unwrap_or_default());
            bytes & (u128::MAX >> (8 * (16 - run.len())))
        }
        _ => 0,
    };
    if let Some(word) = text.get(start..end) {
        f(word, packed);
    }
}

fn class(b: u8) -> u8 {
    CLASS[usize::from(b)]
}

/// Stems words, remembering every word it has seen (a site repeats its vocabulary).
pub(crate) struct StemCache {
    stemmer: Stemmer,
    seen: HashMap<String, String>,
}

impl Default for StemCache {
    fn default() -> Self {
        StemCache { stemmer: Stemmer::create(Algorithm::English), seen: HashMap::new() }
    }
}

impl StemCache {
    /// The stem of a folded word. Numbers and stop words are their own stem.
    pub(crate) fn stem(&mut self, word: &str) -> &str {
        if !self.seen.contains_key(word) {
            let stem = if word.bytes().any(|b| b.is_ascii_digit()) || is_stop_word(word) {
                word.to_string()
            } else {
                self.stemmer.stem(word).into_owned()
            };
            self.seen.insert(word.to_string(), stem);
        }
        &self.seen[word]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of ASCII `text` by the fast path, overlong ones included.
    /// The words of ASCII `text` by the fast path, checking the packed bytes it gives.
    fn ascii(text: &str) -> Vec<&str> {
        let mut words = Vec::new();
        ascii_words(text, |w, packed| {
            if packed != 0 {
                let mut bytes = [0u8; 16];
                bytes[..w.len()].copy_from_slice(w.as_bytes());
                assert_eq!(packed, u128::from_le_bytes(bytes), "{w}");
            }
            words.push(w)
        });
        words
    }

    /// The words of `text` by `unicode-segmentation`, as long as a search term may be.
    fn reference(text: &str) -> Vec<&str> {
        text.unicode_words().filter(|w| w.len() <= MAX_WORD_BYTES).collect()
    }

    /// The folded search terms of `text`, as the index stage sees them.
    fn words(text: &str) -> Vec<String> {
        let mut words = Vec::new();
        for_each_word(text, |w| words.push(fold(w)));
        words
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOP_WORDS);
        assert!(is_stop_word("the") && is_stop_word("how") && !is_stop_word("returns"));
    }

    #[test]
    fn words_split_on_unicode_boundaries_and_fold() {
        let got: Vec<String> =
            words("Étiquette: Pick, Pack & Ship (3.5 kg) don't re-label SKU-001");
        assert_eq!(
            got,
            [
                "etiquette",
                "pick",
                "pack",
                "ship",
                "3.5",
                "kg",
                "don't",
                "re",
                "label",
                "sku",
                "001"
            ]
        );
        // Lower case as the browser's toLowerCase does it: ß stays ß.
        let got: Vec<String> = words("Straße naïve ＦＵＬＬ");
        assert_eq!(got, ["straße", "naive", "full"]);
        assert_eq!(words(&format!("{} ok", "x".repeat(41))), ["ok"], "overlong tokens are skipped");
        assert_eq!(words(&"é".repeat(21)), Vec::<String>::new(), "the limit counts bytes");
    }

    #[test]
    fn the_ascii_fast_path_agrees_with_unicode_segmentation() {
        let samples = [
            "Pick, Pack & Ship: 1,450 orders a day (3.5 kg) at 14:00.",
            "don't re-label SKU-001 e.g. U.S.A. a.b. 'quoted' it's 10,000.5 snake_case __x__ _",
            "a:b c:1 1:2 x.1 1.x 1,a a,1 a;b 1;2 ... ''a'' v2.0.1 http://example.com/a_b?c=d#e",
            "end. end' 'start x'y 3' '3 .5 5. ,5 5, a_ _a _1 1_ __",
        ];
        for text in samples {
            let fast = ascii(text);
            assert_eq!(fast, reference(text), "{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_ascii_fast_path_agrees_on_any_ascii_text(text in "[a-zA-Z0-9 .,;:'_/-]{0,200}") {
            proptest::prop_assert_eq!(ascii(&text), reference(&text));
        }

        #[test]
        fn the_ascii_fast_path_never_panics_on_other_text(text in "\\PC{0,150}") {
            let mut words = 0;
            ascii_words(&text, |_, _| words += 1);
            proptest::prop_assert!(words <= text.len());
        }

        #[test]
        fn the_ascii_fast_path_agrees_across_64_byte_chunks(
            text in "([a-zA-Z0-9_]{0,90}[ .,;:'\\x00-\\x1f\\x7f!-/]{1,3}){0,6}"
        ) {
            proptest::prop_assert_eq!(ascii(&text), reference(&text));
        }
    }

    #[test]
    fn stemming_groups_word_forms() {
        let mut cache = StemCache::default();
        let stems: Vec<String> = ["returns", "returned", "returning", "return"]
            .iter()
            .map(|w| cache.stem(w).to_string())
            .collect();
        assert!(stems.iter().all(|s| s == "return"), "{stems:?}");
        let one = cache.stem("fulfillment").to_string();
        assert_eq!(one, cache.stem("fulfillments"));
        assert_eq!(cache.stem("2026"), "2026");
        assert_eq!(cache.stem("the"), "the");
    }
}
