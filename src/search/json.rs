//! Writing the index's JSON by hand: its files hold every page's text again (tens of
//! megabytes on a large site), and copying a string's plain runs whole, eight bytes checked
//! at a time, is about twice as fast as `serde_json`, which looks at every byte. The output
//! is what `serde_json` writes for the same values.

/// One lane per byte of a `u64`.
const LANES: u64 = u64::MAX / 255;

/// The high bit of each byte lane set where that byte needs escaping in a JSON string (a
/// control byte, `"` or `\`); exact in whether any is set, which is all it is used for.
fn escape_lanes(x: u64) -> u64 {
    let below = |y: u64, n: u8| y.wrapping_sub(LANES * u64::from(n)) & !y & (LANES * 0x80);
    below(x, 0x20)
        | below(x ^ (LANES * u64::from(b'"')), 1)
        | below(x ^ (LANES * u64::from(b'\\')), 1)
}

/// Eight bytes as an integer; a short chunk (the end of a string) is padded with spaces,
/// which need no escaping.
fn word(chunk: &[u8]) -> u64 {
    let mut bytes = [b' '; 8];
    bytes[..chunk.len()].copy_from_slice(chunk);
    u64::from_le_bytes(bytes)
}

/// Appends `s` as a JSON string, quotes included. Runs of bytes that need no escaping (all
/// of most strings) are checked eight bytes at a time and copied whole.
pub(super) fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    // `bytes[plain..]` is not yet copied.
    let mut plain = 0;
    let mut blocks = bytes.chunks_exact(32);
    let mut at = 0;
    for block in &mut blocks {
        let lanes = block.chunks_exact(8).fold(0, |acc, eight| acc | escape_lanes(word(eight)));
        if lanes != 0 {
            for eight in block.chunks_exact(8) {
                if escape_lanes(word(eight)) != 0 {
                    escape_chunk(out, bytes, at, eight.len(), &mut plain);
                }
                at += 8;
            }
        } else {
            at += 32;
        }
    }
    for chunk in blocks.remainder().chunks(8) {
        if escape_lanes(word(chunk)) != 0 {
            escape_chunk(out, bytes, at, chunk.len(), &mut plain);
        }
        at += chunk.len();
    }
    out.extend_from_slice(&bytes[plain..]);
    out.push(b'"');
}

/// Escapes what needs it among `bytes[at..at + len]`, first copying the plain bytes before
/// each escape.
fn escape_chunk(out: &mut Vec<u8>, bytes: &[u8], at: usize, len: usize, plain: &mut usize) {
    for (i, &b) in bytes.iter().enumerate().skip(at).take(len) {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..0x20 => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[*plain..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let hex = |n: u8| HEX[usize::from(n)];
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', hex(b >> 4), hex(b & 15)]);
        } else {
            out.extend_from_slice(escape);
        }
        *plain = i + 1;
    }
}

/// Appends `a,b` (after a comma when `comma`), the numbers in decimal: the bulk of a term
/// shard, so written with one copy rather than three.
pub(super) fn number_pair(out: &mut Vec<u8>, comma: bool, a: u32, b: u32) {
    // Written backwards from the end: 10 digits each, a comma between and one before.
    let mut buf = [0u8; 22];
    let mut at = digits(&mut buf, 22, b) - 1;
    buf[at] = b',';
    at = digits(&mut buf, at, a);
    if comma {
        at -= 1;
        buf[at] = b',';
    }
    out.extend_from_slice(&buf[at..]);
}

/// Writes `n` in decimal into `buf`, ending before `end`; returns where it starts.
fn digits(buf: &mut [u8], mut end: usize, mut n: u32) -> usize {
    loop {
        end -= 1;
        buf[end] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return end;
        }
    }
}

/// Appends the strings of `items` as a JSON array.
pub(super) fn strings<'a>(out: &mut Vec<u8>, items: impl IntoIterator<Item = &'a str>) {
    out.push(b'[');
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, item);
    }
    out.push(b']');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> String {
        let mut out = Vec::new();
        string(&mut out, s);
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn escapes_as_serde_json_does() {
        for s in [
            "",
            "plain text",
            "a \"quoted\" \\ path",
            "tab\there\nnew\r\u{8}\u{c}\u{1}\u{1f}\u{7f}",
            "Étiquette — “curly” 日本",
        ] {
            assert_eq!(json(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn number_pairs_are_decimal() {
        let mut out = Vec::new();
        number_pair(&mut out, false, 0, 7);
        number_pair(&mut out, true, 42, 4096);
        number_pair(&mut out, true, u32::MAX, 10);
        assert_eq!(String::from_utf8(out).unwrap(), "0,7,42,4096,4294967295,10");
    }

    proptest::proptest! {
        #[test]
        fn any_string_escapes_as_serde_json_does(s in "(\\PC|[\\x00-\\x1f\"\\\\]){0,40}") {
            proptest::prop_assert_eq!(json(&s), serde_json::to_string(&s).unwrap());
        }
    }
}
