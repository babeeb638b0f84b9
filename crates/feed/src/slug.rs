//! Slugs: the ASCII file names of per-place and per-tag feeds.
//!
//! A slug is the name transliterated to ASCII (`Москва` → `moskva`, `São Paulo` → `sao-paulo`),
//! lower case, with runs of anything else turned into one `-`. Names that share a slug are told
//! apart deterministically: the name first in code-point order keeps the plain slug, the others
//! get a suffix from a hash of the name itself, which no other name can change.

use std::collections::BTreeMap;

/// A slug for each of `names`, unique among them.
pub(crate) fn unique_slugs<'a>(names: impl Iterator<Item = &'a str>) -> BTreeMap<&'a str, String> {
    let mut by_slug: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for name in names {
        by_slug.entry(slug(name)).or_default().push(name);
    }
    let mut slugs = BTreeMap::new();
    for (slug, mut names) in by_slug {
        names.sort_unstable();
        for (index, name) in names.into_iter().enumerate() {
            let unique = if index == 0 {
                slug.clone()
            } else {
                format!("{slug}-{:08x}", fnv1a(name) as u32)
            };
            slugs.insert(name, unique);
        }
    }
    slugs
}

/// `St. Petersburg` → `st-petersburg`; never empty.
pub(crate) fn slug(name: &str) -> String {
    let ascii = deunicode::deunicode(name).to_ascii_lowercase();
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() { format!("x{:08x}", fnv1a(name) as u32) } else { slug }
}

/// FNV-1a, 64 bits: a fixed, portable hash (std's hashers are seeded per process).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Москва"), "moskva");
        assert_eq!(slug("St. Petersburg"), "st-petersburg");
        assert_eq!(slug("N'Djamena"), "n-djamena");
        assert_eq!(slug("São Paulo"), "sao-paulo");
        assert_eq!(slug("Central Asia & <Europe>"), "central-asia-europe");
        assert_eq!(slug("☃"), "snowman");
        assert_eq!(slug("!!!"), "xca866be2");
    }

    #[test]
    fn collisions_are_resolved_by_the_names_alone() {
        let slugs = unique_slugs(["Sao Paulo", "São Paulo", "Kyiv"].into_iter());
        assert_eq!(slugs["Kyiv"], "kyiv");
        assert_eq!(slugs["Sao Paulo"], "sao-paulo");
        assert_eq!(slugs["São Paulo"], "sao-paulo-4fdfd5ee");
        // Another name does not move an existing suffix.
        let more = unique_slugs(["São Paulo", "SAO PAULO", "Sao Paulo"].into_iter());
        assert_eq!(more["São Paulo"], slugs["São Paulo"]);
    }
}
