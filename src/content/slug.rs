//! Slugs: lower-case ASCII words joined by `-`, used for URLs, heading ids and for comparing
//! wikilink targets with page names (`[[Core plugins]]` finds `Core plugins.md`).

use deunicode::deunicode_char;

/// `"Pick, Pack & Ship"` -> `"pick-pack-ship"`; `"Étiquette"` -> `"etiquette"`.
///
/// Letters are transliterated to ASCII, every run of other characters becomes one `-`, and
/// leading and trailing dashes are dropped. The result may be empty (a title of only
/// punctuation); callers decide what to do then.
pub(crate) fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            push(&mut out, &mut dash, c.to_ascii_lowercase());
        } else if c.is_ascii() {
            dash = true;
        } else {
            match deunicode_char(c) {
                Some(ascii) if ascii.bytes().any(|b| b.is_ascii_alphanumeric()) => {
                    for a in ascii.chars() {
                        if a.is_ascii_alphanumeric() {
                            push(&mut out, &mut dash, a.to_ascii_lowercase());
                        } else {
                            dash = true;
                        }
                    }
                }
                _ => dash = true,
            }
        }
    }
    out
}

fn push(out: &mut String, dash: &mut bool, c: char) {
    if *dash && !out.is_empty() {
        out.push('-');
    }
    *dash = false;
    out.push(c);
}

/// Turns a folder or file name into a title when the page has none: `cycle-counting` ->
/// `Cycle counting`, `sales_channels` -> `Sales channels`.
pub(crate) fn title_from_name(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        let cases = [
            ("Pick, Pack & Ship", "pick-pack-ship"),
            ("Refund rules", "refund-rules"),
            ("Step 3: Pack", "step-3-pack"),
            ("  --Leading and trailing--  ", "leading-and-trailing"),
            ("Étiquette", "etiquette"),
            ("Straße", "strasse"),
            ("KPIs", "kpis"),
            ("WISMO (where is my order?)", "wismo-where-is-my-order"),
            ("Core plugins", "core-plugins"),
            ("100% accuracy", "100-accuracy"),
            ("日本", "ri-ben"),
            ("🚀 Launch", "rocket-launch"),
            ("\u{2063}", ""),
            ("", ""),
        ];
        for (text, slug) in cases {
            assert_eq!(slugify(text), slug, "{text:?}");
        }
    }

    #[test]
    fn titles_from_names() {
        assert_eq!(title_from_name("cycle-counting"), "Cycle counting");
        assert_eq!(title_from_name("sales_channels"), "Sales channels");
        assert_eq!(title_from_name("FAQ"), "FAQ");
    }
}
