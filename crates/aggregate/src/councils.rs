//! The project's table of the 153 English councils with adult social care duties
//! (`data/councils.csv`: official name, short name, GSS code, region, type, and the name
//! variants reports use), and resolving a report's council name to one of them; for a page
//! with no title line, inferring its council from the folder it sits in or the names in its
//! text.

use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};
use std::collections::HashMap;
use std::sync::LazyLock;

/// One council of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Council {
    /// Official name, e.g. "Wirral Borough Council".
    pub name: String,
    /// Common short name, e.g. "Wirral".
    pub short_name: String,
    pub gss_code: String,
    pub region: String,
    /// `county`, `unitary`, `metropolitan district`, `london borough` or `city of london`.
    pub la_type: String,
    pub variants: Vec<String>,
}

const TABLE: &str = include_str!("../data/councils.csv");

/// Words that do not tell councils apart ("Metropolitan Borough of Wirral" = "Wirral").
const GENERIC: &[&str] = &[
    "council",
    "borough",
    "city",
    "county",
    "metropolitan",
    "royal",
    "london",
    "district",
    "of",
    "the",
    "corporation",
    "unitary",
    "authority",
    "and",
];

fn words(name: &str) -> Vec<String> {
    let lower = name
        .to_lowercase()
        .replace('&', " and ")
        .replace(['’', '\''], "");
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn full_key(name: &str) -> String {
    words(name).join(" ")
}

fn core_key(name: &str) -> String {
    words(name)
        .into_iter()
        .filter(|w| !GENERIC.contains(&w.as_str()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Words that join the parts of a name ("Telford and Wrekin", "Isles of Scilly"): left out
/// of core keys, kept in the slugs of some report addresses.
const JOINING: &[&str] = &["and", "of", "the", "with"];

/// A name without the words that do not tell councils apart, but with those that join its
/// parts ("Council of the Isles of Scilly": "isles of scilly").
fn joined_key(name: &str) -> String {
    let kept: Vec<String> = words(name)
        .into_iter()
        .filter(|w| JOINING.contains(&w.as_str()) || !GENERIC.contains(&w.as_str()))
        .collect();
    let joining = |w: &String| JOINING.contains(&w.as_str());
    let start = kept.iter().position(|w| !joining(w)).unwrap_or(kept.len());
    let end = kept
        .iter()
        .rposition(|w| !joining(w))
        .map_or(start, |i| i + 1);
    kept[start..end].join(" ")
}

/// What a report address's slug may stand for: itself, and, when it abbreviates, its
/// longer forms: a compass point as a capital ("WBerkshire": West Berkshire) and a
/// council's kind at the end ("leicestercity", "derbyshirecc").
fn slug_forms(slug: &str) -> Vec<String> {
    let mut forms = vec![slug.to_string()];
    let bytes = slug.as_bytes();
    if bytes.len() > 2 && bytes[0].is_ascii_uppercase() && bytes[1].is_ascii_uppercase() {
        let point = match bytes[0] {
            b'N' => Some("north"),
            b'S' => Some("south"),
            b'E' => Some("east"),
            b'W' => Some("west"),
            _ => None,
        };
        if let Some(point) = point {
            forms.push(format!("{point}{}", &slug[1..]));
        }
    }
    const KINDS: &[&str] = &[
        "citycouncil",
        "countycouncil",
        "council",
        "city",
        "county",
        "cc",
        "mbc",
        "bc",
    ];
    for form in forms.clone() {
        let lower = form.to_ascii_lowercase();
        if let Some(kind) = KINDS
            .iter()
            .find(|k| lower.len() > k.len() + 2 && lower.ends_with(*k))
        {
            forms.push(lower[..lower.len() - kind.len()].to_string());
        }
    }
    forms
}

/// The council table with its lookup keys.
pub struct Councils {
    pub all: Vec<Council>,
    by_full: HashMap<String, usize>,
    by_core: HashMap<String, usize>,
    /// Every council's names as written in report text (case matters), and whose each is.
    names: AhoCorasick,
    name_owner: Vec<usize>,
}

/// Where the council of a page with no title line was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inferred {
    /// A folder the page sits in is named after the council ("barnet/equity.txt",
    /// "stockton-on-tees-0325/...").
    Folder(String),
    /// The council is named in the text this many times, more than any other.
    Text(usize),
}

/// The council part of a folder named after a report's address: what comes before its
/// "-MMYY" ("stocktonontees-1025", "gateshead-0325-summary"), or the whole name.
fn slug_name(folder: &str) -> &str {
    let bytes = folder.as_bytes();
    (0..bytes.len())
        .find(|&at| {
            bytes[at] == b'-'
                && bytes.len() >= at + 5
                && bytes[at + 1..at + 5].iter().all(u8::is_ascii_digit)
                && bytes.get(at + 5).is_none_or(|&b| b == b'-')
        })
        .map_or(folder, |at| &folder[..at])
}

/// The position of the first ASCII capital in `bytes` from `from`. Eight bytes are tested
/// at a time (a byte-by-byte search was most of the work of inferring a council from a
/// page's text): with their high bits cleared no byte carries into the next when 0x3F or
/// 0x25 is added to each, so the high bit of the sums says "at least 'A'" and "past 'Z'".
fn next_capital(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = ONES * 0x80;
    let mut at = from;
    while let Some(word) = bytes.get(at..at + 8) {
        let x = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let low = x & !HIGH;
        let capitals = (low + ONES * (0x80 - b'A' as u64))
            & !(low + ONES * (0x80 - b'Z' as u64 - 1))
            & !x
            & HIGH;
        if capitals != 0 {
            return Some(at + capitals.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    bytes
        .get(at..)?
        .iter()
        .position(u8::is_ascii_uppercase)
        .map(|offset| at + offset)
}

/// The fewest mentions of a council that make it a page's council.
const MIN_MENTIONS: usize = 2;

static COUNCILS: LazyLock<Councils> = LazyLock::new(|| Councils::parse(TABLE));

impl Councils {
    /// The built-in table.
    pub fn builtin() -> &'static Councils {
        &COUNCILS
    }

    fn parse(table: &str) -> Councils {
        let mut reader = csv::Reader::from_reader(table.as_bytes());
        let all: Vec<Council> = reader
            .records()
            .map(|r| {
                let r = r.expect("data/councils.csv is valid CSV");
                Council {
                    name: r[0].to_string(),
                    short_name: r[1].to_string(),
                    gss_code: r[2].to_string(),
                    region: r[3].to_string(),
                    la_type: r[4].to_string(),
                    variants: r[5]
                        .split(';')
                        .filter(|v| !v.is_empty())
                        .map(str::to_string)
                        .collect(),
                }
            })
            .collect();
        let mut by_full = HashMap::new();
        let mut core_owners: HashMap<String, Vec<usize>> = HashMap::new();
        // Each name as written, once, and whose it is (for names in report text).
        let mut written: Vec<String> = Vec::new();
        let mut name_owner = Vec::new();
        for (index, council) in all.iter().enumerate() {
            let names = [&council.name, &council.short_name]
                .into_iter()
                .chain(&council.variants);
            for name in names {
                if !written.contains(name) {
                    written.push(name.clone());
                    name_owner.push(index);
                }
                by_full.insert(full_key(name), index);
                let core = core_key(name);
                if !core.is_empty() {
                    // Also with its words run together, as in the slugs of report
                    // addresses ("stocktonontees-1025"), which keep or drop the words
                    // that join a name's parts ("telfordandwrekin", "blackburndarwen").
                    let joined = joined_key(name);
                    let keys = [
                        core.replace(' ', ""),
                        joined.replace(' ', ""),
                        joined.split(' ').filter(|w| *w != "with").collect(),
                        core,
                    ];
                    for key in keys {
                        let owners = core_owners.entry(key).or_default();
                        if !owners.contains(&index) {
                            owners.push(index);
                        }
                    }
                }
            }
        }
        // A core key that two councils share identifies neither.
        let by_core = core_owners
            .into_iter()
            .filter(|(_, owners)| owners.len() == 1)
            .map(|(key, owners)| (key, owners[0]))
            .collect();
        let names = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .build(&written)
            .expect("council names build an automaton");
        Councils {
            all,
            by_full,
            by_core,
            names,
            name_owner,
        }
    }

    /// The council of a page whose title line is missing: the first of the two folders
    /// above it named after a council (a trailing "-MMYY" of the report's address is
    /// ignored), or else the council its text names most, at least twice and more than any
    /// other.
    pub fn infer(&self, path: &str, text: &str) -> Option<(&Council, Inferred)> {
        let folders = std::path::Path::new(path)
            .parent()
            .into_iter()
            .flat_map(|p| p.components().rev().take(2))
            .filter_map(|c| c.as_os_str().to_str());
        for folder in folders {
            let council = slug_forms(slug_name(folder))
                .iter()
                .find_map(|form| self.resolve(&form.replace(['-', '_'], " ")));
            if let Some(council) = council {
                return Some((council, Inferred::Folder(folder.to_string())));
            }
        }
        // Names start with a capital at the start of a word: only there is a name looked
        // for (a fiftieth of the positions of prose).
        let mut mentions: HashMap<usize, usize> = HashMap::new();
        let bytes = text.as_bytes();
        let mut from = 0;
        while let Some(at) = next_capital(bytes, from) {
            from = at + 1;
            if at > 0 && bytes[at - 1].is_ascii_alphanumeric() {
                continue;
            }
            let input = Input::new(text)
                .span(at..text.len())
                .anchored(Anchored::Yes);
            if let Some(m) = self.names.find(input) {
                if !bytes.get(m.end()).is_some_and(u8::is_ascii_alphanumeric) {
                    *mentions
                        .entry(self.name_owner[m.pattern().as_usize()])
                        .or_default() += 1;
                    from = m.end();
                }
            }
        }
        let mut counts: Vec<(usize, usize)> = mentions.into_iter().map(|(i, n)| (n, i)).collect();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        match counts.as_slice() {
            [(n, i), rest @ ..]
                if *n >= MIN_MENTIONS && rest.first().is_none_or(|(second, _)| second < n) =>
            {
                Some((&self.all[*i], Inferred::Text(*n)))
            }
            _ => None,
        }
    }

    /// Resolve a name as reports write it ("Metropolitan Borough of Wirral", "County
    /// Durham", "Royal Borough of Windsor & Maidenhead") to a council.
    pub fn resolve(&self, name: &str) -> Option<&Council> {
        self.by_full
            .get(&full_key(name))
            .or_else(|| self.by_core.get(&core_key(name)))
            .map(|&i| &self.all[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gss(name: &str) -> Option<&'static str> {
        Councils::builtin()
            .resolve(name)
            .map(|c| c.gss_code.as_str())
    }

    #[test]
    fn the_table_has_the_153_councils() {
        let councils = Councils::builtin();
        assert_eq!(councils.all.len(), 153);
        let mut codes: Vec<&str> = councils.all.iter().map(|c| c.gss_code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 153, "GSS codes are unique");
    }

    #[test]
    fn report_name_forms_resolve_to_one_council() {
        assert_eq!(gss("Metropolitan Borough of Wirral"), gss("Wirral Council"));
        assert!(gss("Metropolitan Borough of Wirral").is_some());
        assert_eq!(
            gss("Royal Borough of Windsor & Maidenhead"),
            gss("Windsor and Maidenhead")
        );
        assert!(gss("Royal Borough of Windsor & Maidenhead").is_some());
        assert_eq!(gss("County Durham"), gss("Durham County Council"));
        assert!(gss("County Durham").is_some());
        assert_eq!(
            gss("Stockton-on-Tees Borough Council"),
            gss("Stockton-on-Tees")
        );
        assert!(gss("Stockton-on-Tees Borough Council").is_some());
        assert_eq!(
            gss("Hammersmith and Fulham"),
            gss("London Borough of Hammersmith & Fulham")
        );
        assert_eq!(gss("City of London"), gss("City of London Corporation"));
        assert!(gss("City of London").is_some());
    }

    fn inferred(path: &str, text: &str) -> Option<(&'static str, Inferred)> {
        Councils::builtin()
            .infer(path, text)
            .map(|(c, how)| (c.short_name.as_str(), how))
    }

    #[test]
    fn a_page_without_a_title_line_takes_the_council_its_folder_is_named_after() {
        for (path, council, folder) in [
            ("reports/barnet/equity.txt", "Barnet", "barnet"),
            (
                "reports/hammersmith-and-fulham/equity.txt",
                "Hammersmith and Fulham",
                "hammersmith-and-fulham",
            ),
            // A report's address: its slug, then "-MMYY".
            (
                "stocktonontees-1025/theme1/equity.txt",
                "Stockton-on-Tees",
                "stocktonontees-1025",
            ),
            (
                "gateshead-0325-summary/page.txt",
                "Gateshead",
                "gateshead-0325-summary",
            ),
            (
                "stockton-on-tees-0325/theme1/equity.txt",
                "Stockton-on-Tees",
                "stockton-on-tees-0325",
            ),
        ] {
            assert_eq!(
                inferred(path, ""),
                Some((council, Inferred::Folder(folder.into()))),
                "{path}"
            );
        }
    }

    #[test]
    fn report_address_slugs_that_keep_joining_words_or_abbreviate_resolve() {
        for (slug, council) in [
            ("telfordandwrekin-1124", "Telford and Wrekin"),
            ("redcarandcleveland-0725", "Redcar and Cleveland"),
            (
                "bathandnortheastsomerset-0125",
                "Bath and North East Somerset",
            ),
            ("islesofscilly-0925", "Isles of Scilly"),
            ("blackburndarwen-0725", "Blackburn with Darwen"),
            ("WBerkshire-0524", "West Berkshire"),
            ("leicestercity-0725", "Leicester"),
            ("derbyshirecc-0824", "Derbyshire"),
            ("leicestershire-0325", "Leicestershire"),
        ] {
            let path = format!("{slug}/theme1/needs.txt");
            assert_eq!(
                inferred(&path, ""),
                Some((council, Inferred::Folder(slug.into()))),
                "{slug}"
            );
        }
        // A compass point is read only from a capital before a capital.
        assert_eq!(inferred("wberkshire-0524/needs.txt", ""), None);
    }

    #[test]
    fn a_page_without_a_title_line_or_council_folder_takes_the_council_its_text_names_most() {
        let text = "Leaders in Stockton-on-Tees knew the area. The Fairer Stockton on Tees \
                    framework and Team Stockton worked with Middlesbrough.";
        assert_eq!(
            inferred("downloads/page.txt", text),
            Some(("Stockton-on-Tees", Inferred::Text(3)))
        );
        // Named once, or no more often than another council: not enough to tell.
        assert_eq!(
            inferred("page.txt", "Leaders in Stockton-on-Tees knew."),
            None
        );
        assert_eq!(
            inferred("page.txt", "Wigan and Bolton. Wigan and Bolton again."),
            None
        );
        // A name inside a longer word is not a mention ("Kent" in "Kentish").
        assert_eq!(
            inferred("page.txt", "Kentish towns and Kentish towns."),
            None
        );
    }

    #[test]
    fn capitals_are_found_eight_bytes_at_a_time_as_one_at_a_time_finds_them() {
        let pieces: [&[u8]; 12] = [
            b"a",
            b"A",
            b"Z",
            b"@",
            b"[",
            b"z",
            b" ",
            b"\x7f",
            b"\xc3\x89",
            b"\xff",
            b"\xc1",
            b"`",
        ];
        let mut state: u32 = 11;
        for _ in 0..20_000 {
            let mut next = |n: usize| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (state >> 16) as usize % n
            };
            let bytes: Vec<u8> = (0..next(40))
                .flat_map(|_| pieces[next(pieces.len())].iter().copied())
                .collect();
            let from = next(bytes.len() + 1);
            let expected = bytes[from..]
                .iter()
                .position(u8::is_ascii_uppercase)
                .map(|offset| from + offset);
            assert_eq!(
                next_capital(&bytes, from),
                expected,
                "{bytes:?} from {from}"
            );
        }
    }

    #[test]
    fn unknown_names_do_not_resolve() {
        assert_eq!(gss("Northvale County Council"), None);
        assert_eq!(gss("Council"), None);
        assert_eq!(gss(""), None);
    }
}
