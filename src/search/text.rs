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
pub const STOP_WORDS: &[&str] = &[
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

pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// Folds one word: lower case, and accents removed (`Étiquette` -> `etiquette`).
pub fn fold(word: &str) -> String {
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
pub fn for_each_word<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    let mut term = |word: &'a str| {
        if word.len() <= MAX_WORD_BYTES {
            f(word);
        }
    };
    if text.is_ascii() {
        AsciiWords::new(text).for_each(&mut term);
    } else {
        text.unicode_words().for_each(&mut term);
    }
}

/// Byte classes of the ASCII word rules.
const LETTER: u8 = 1;
const DIGIT: u8 = 2;
/// `_` (ExtendNumLet): joins anything, but is not a word on its own.
const JOIN: u8 = 4;
/// `.` and `'` (MidNumLet): join two letters or two digits.
const MID_NUM_LET: u8 = 8;
/// `:` (MidLetter): joins two letters.
const MID_LETTER: u8 = 16;
/// `,` and `;` (MidNum): join two digits.
const MID_NUM: u8 = 32;
const WORD: u8 = LETTER | DIGIT | JOIN;

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
                b'_' => JOIN,
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

/// UAX #29 word boundaries for ASCII: letters and digits join (WB5, WB8-10), `_` joins
/// anything (WB13a/b), `.` and `'` join two letters or two digits (MidNumLet, WB6/7,
/// WB11/12), `:` joins two letters (MidLetter) and `,` `;` join two digits (MidNum).
struct AsciiWords<'a> {
    /// ASCII text, so that every byte offset is a character boundary.
    text: &'a str,
    pos: usize,
}

impl<'a> AsciiWords<'a> {
    /// The words of `text`, which must be ASCII (checked in debug builds).
    fn new(text: &'a str) -> Self {
        debug_assert!(text.is_ascii());
        AsciiWords { text, pos: 0 }
    }
}

fn class(b: u8) -> u8 {
    CLASS[usize::from(b)]
}

impl<'a> Iterator for AsciiWords<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let t = self.text.as_bytes();
        loop {
            while self.pos < t.len() && class(t[self.pos]) & WORD == 0 {
                self.pos += 1;
            }
            if self.pos >= t.len() {
                return None;
            }
            let start = self.pos;
            let mut i = start + 1;
            let mut kinds = class(t[start]);
            loop {
                if i < t.len() && class(t[i]) & WORD != 0 {
                    kinds |= class(t[i]);
                    i += 1;
                    continue;
                }
                if i + 1 < t.len() {
                    let (prev, mid, next) = (class(t[i - 1]), class(t[i]), class(t[i + 1]));
                    let shared = prev & next & (LETTER | DIGIT);
                    let joins = match mid {
                        MID_NUM_LET => shared != 0,
                        MID_LETTER => shared & LETTER != 0,
                        MID_NUM => shared & DIGIT != 0,
                        _ => false,
                    };
                    if joins {
                        i += 2;
                        continue;
                    }
                }
                break;
            }
            self.pos = i;
            // A run of underscores is not a word (it has no letter or digit).
            if kinds & (LETTER | DIGIT) != 0 {
                return self.text.get(start..i);
            }
        }
    }
}

/// Stems words, remembering every word it has seen (a site repeats its vocabulary).
pub struct StemCache {
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
    pub fn stem(&mut self, word: &str) -> &str {
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
            let fast: Vec<&str> = AsciiWords::new(text).collect();
            let reference: Vec<&str> = text.unicode_words().collect();
            assert_eq!(fast, reference, "{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_ascii_fast_path_agrees_on_any_ascii_text(text in "[a-zA-Z0-9 .,;:'_/-]{0,200}") {
            let fast: Vec<&str> = AsciiWords::new(&text).collect();
            let reference: Vec<&str> = text.unicode_words().collect();
            proptest::prop_assert_eq!(fast, reference);
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
