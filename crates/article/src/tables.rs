//! The data tables behind datelines: a gazetteer of the places datelines name, their regions
//! and countries, and the news agencies with every spelling of their names.
//!
//! The tables are tab-separated text files in `crates/article/data/`, curated for this project
//! (see the header of each file), compiled into the binary with `include_str!` and indexed once,
//! on first use, into hash maps keyed by a normalised spelling: lower case, inner whitespace
//! collapsed, a trailing dot dropped, and accents folded (`Brasília` and `Brasilia` are one key).
//! Lookups return `'static` entries; nothing here is ever iterated in hash order, so output that
//! depends on the tables is deterministic.

use std::{collections::HashMap, sync::OnceLock};

/// A place of the gazetteer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PlaceEntry {
    /// The canonical English name (`Moscow`).
    pub(crate) name: &'static str,
    /// The canonical English name of its country (`Russia`), if the table gives one.
    pub(crate) country: Option<&'static str>,
}

/// A region (a US state, a Russian region, a province) or a country, as datelines name them
/// after a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RegionEntry {
    /// The canonical English name (`Massachusetts`, `Leningrad Region`, `Ukraine`).
    pub(crate) name: &'static str,
    /// The canonical English name of its country, the region itself when it is a country.
    pub(crate) country: Option<&'static str>,
    /// Whether the entry is a country rather than a region inside one.
    pub(crate) is_country: bool,
}

/// The gazetteer entry for a place name in any of its spellings.
pub(crate) fn place(name: &str) -> Option<PlaceEntry> {
    let tables = tables();
    tables.places.get(&key(name)).map(|&index| tables.place_entries[index])
}

/// The region or country a dateline names after its place (`Mass.`, `Ukraine`, `Ленинградская
/// область`).
pub(crate) fn region(name: &str) -> Option<RegionEntry> {
    let tables = tables();
    tables.regions.get(&key(name)).map(|&index| tables.region_entries[index])
}

/// The canonical name of a news agency in any of its spellings (`ТАСС` → `TASS`, `Reuter` →
/// `Reuters`).
pub(crate) fn agency(name: &str) -> Option<&'static str> {
    let tables = tables();
    tables.agencies.get(&key(name)).map(|&index| tables.agency_names[index])
}

const PLACES: &str = include_str!("../data/places.tsv");
const REGIONS: &str = include_str!("../data/regions.tsv");
const COUNTRIES: &str = include_str!("../data/countries.tsv");
const AGENCIES: &str = include_str!("../data/agencies.tsv");

struct Tables {
    place_entries: Vec<PlaceEntry>,
    places: HashMap<String, usize>,
    region_entries: Vec<RegionEntry>,
    regions: HashMap<String, usize>,
    agency_names: Vec<&'static str>,
    agencies: HashMap<String, usize>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(build)
}

/// The rows of a table: tab-separated fields, `#` comment lines and blank lines skipped.
fn rows(table: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    table
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| line.split('\t').map(str::trim).collect())
}

/// A table's aliases column: `|`-separated, empty for none.
fn aliases(field: Option<&&'static str>) -> impl Iterator<Item = &'static str> {
    field.copied().unwrap_or("").split('|').map(str::trim).filter(|alias| !alias.is_empty())
}

fn build() -> Tables {
    // Countries by code and by every name; the first row to claim a key keeps it.
    let mut country_by_code: HashMap<&str, &'static str> = HashMap::new();
    let mut region_entries = Vec::new();
    let mut regions = HashMap::new();
    let insert = |map: &mut HashMap<String, usize>, name: &str, index: usize| {
        map.entry(key(name)).or_insert(index);
    };
    for row in rows(COUNTRIES) {
        let (Some(&name), Some(&code)) = (row.first(), row.get(1)) else { continue };
        country_by_code.insert(code, name);
        let index = region_entries.len();
        region_entries.push(RegionEntry { name, country: Some(name), is_country: true });
        insert(&mut regions, name, index);
        insert(&mut regions, code, index);
        for alias in aliases(row.get(2)) {
            insert(&mut regions, alias, index);
        }
    }
    let country = |code: Option<&&str>| code.and_then(|code| country_by_code.get(code).copied());
    // Regions come after countries, so `Georgia` the country keeps its key.
    for row in rows(REGIONS) {
        let Some(&name) = row.first() else { continue };
        let index = region_entries.len();
        region_entries.push(RegionEntry { name, country: country(row.get(1)), is_country: false });
        insert(&mut regions, name, index);
        for alias in aliases(row.get(2)) {
            insert(&mut regions, alias, index);
        }
    }
    let mut place_entries = Vec::new();
    let mut places = HashMap::new();
    for row in rows(PLACES) {
        let Some(&name) = row.first() else { continue };
        let index = place_entries.len();
        place_entries.push(PlaceEntry { name, country: country(row.get(1)) });
        insert(&mut places, name, index);
        for alias in aliases(row.get(3)) {
            insert(&mut places, alias, index);
        }
    }
    let mut agency_names = Vec::new();
    let mut agencies = HashMap::new();
    for row in rows(AGENCIES) {
        let Some(&name) = row.first() else { continue };
        let index = agency_names.len();
        agency_names.push(name);
        insert(&mut agencies, name, index);
        for alias in aliases(row.get(3)) {
            insert(&mut agencies, alias, index);
        }
    }
    Tables { place_entries, places, region_entries, regions, agency_names, agencies }
}

/// The lookup key of a name: lower case, accents folded, whitespace collapsed, without a
/// trailing dot (`Mass.` and `mass` are one key, as are `São Paulo` and `SAO PAULO`).
pub(crate) fn key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = false;
    for c in name.trim().trim_end_matches('.').chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        for lower in c.to_lowercase() {
            match fold(lower) {
                Some(folded) => out.push_str(folded),
                None => out.push(lower),
            }
        }
    }
    out
}

/// The unaccented spelling of a lower-case letter, for the letters of European place names.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'ç' | 'ć' | 'ĉ' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ğ' | 'ģ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ķ' => "k",
        'ł' | 'ľ' | 'ĺ' | 'ļ' => "l",
        'ñ' | 'ń' | 'ň' | 'ņ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'ŕ' | 'ř' => "r",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'ť' | 'ţ' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ё' => "е",
        '’' => "'",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn tables_are_well_formed() {
        let tables = super::tables();
        assert!(tables.place_entries.len() >= 800, "{} places", tables.place_entries.len());
        assert!(tables.agency_names.len() >= 30, "{} agencies", tables.agency_names.len());
        for (table, columns) in
            [(super::PLACES, 4), (super::REGIONS, 3), (super::COUNTRIES, 3), (super::AGENCIES, 5)]
        {
            for row in super::rows(table) {
                assert_eq!(row.len(), columns, "{row:?}");
                assert!(!row[0].is_empty(), "{row:?}");
            }
        }
        assert_eq!(super::place("МОСКВА").map(|entry| entry.name), Some("Moscow"));
        assert_eq!(super::region("Mass.").map(|entry| entry.name), Some("Massachusetts"));
        assert_eq!(super::agency("ТАСС"), Some("TASS"));
    }

    #[test]
    fn keys() {
        assert_eq!(super::key("  SÃO   Paulo "), "sao paulo");
        assert_eq!(super::key("Mass."), "mass");
        assert_eq!(super::key("Ёлкино"), "елкино");
    }
}
