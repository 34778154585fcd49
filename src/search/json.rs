//! Writing the index's JSON by hand: its files hold every page's text again (tens of
//! megabytes on a large site), and copying a string's plain runs whole, eight bytes checked
//! at a time, is several times faster than escaping it byte by byte. The output is what
//! `serde_json` writes for the same values.

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

/// Bytes checked at once for anything to escape.
const BLOCK: usize = 32;

/// Appends `s` as a JSON string, quotes included.
pub fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    // `bytes[plain..i]` is checked and not yet copied.
    let (mut plain, mut i) = (0, 0);
    while i < bytes.len() {
        while let Some(block) = bytes.get(i..i + BLOCK) {
            let lanes = block.chunks_exact(8).fold(0, |acc, eight| {
                acc | escape_lanes(u64::from_le_bytes(eight.try_into().unwrap_or_default()))
            });
            if lanes != 0 {
                break;
            }
            i += BLOCK;
        }
        for &b in &bytes[i..(i + BLOCK).min(bytes.len())] {
            let escape: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0x08 => b"\\b",
                0x0c => b"\\f",
                0..0x20 => b"",
                _ => {
                    i += 1;
                    continue;
                }
            };
            out.extend_from_slice(&bytes[plain..i]);
            if escape.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let hex = |n: u8| HEX[usize::from(n)];
                out.extend_from_slice(&[b'\\', b'u', b'0', b'0', hex(b >> 4), hex(b & 15)]);
            } else {
                out.extend_from_slice(escape);
            }
            i += 1;
            plain = i;
        }
    }
    out.extend_from_slice(&bytes[plain..]);
    out.push(b'"');
}

/// Appends the strings of `items` as a JSON array.
pub fn strings<'a>(out: &mut Vec<u8>, items: impl IntoIterator<Item = &'a str>) {
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

    proptest::proptest! {
        #[test]
        fn any_string_escapes_as_serde_json_does(s in "(\\PC|[\\x00-\\x1f\"\\\\]){0,40}") {
            proptest::prop_assert_eq!(json(&s), serde_json::to_string(&s).unwrap());
        }
    }
}
