//! The project's table of the 153 English councils with adult social care duties
//! (`data/councils.csv`: official name, short name, GSS code, region, type, and the name
//! variants reports use), and resolving a report's council name to one of them.

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

/// The council table with its lookup keys.
pub struct Councils {
    pub all: Vec<Council>,
    by_full: HashMap<String, usize>,
    by_core: HashMap<String, usize>,
}

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
        for (index, council) in all.iter().enumerate() {
            let names = [&council.name, &council.short_name]
                .into_iter()
                .chain(&council.variants);
            for name in names {
                by_full.insert(full_key(name), index);
                let core = core_key(name);
                if !core.is_empty() {
                    let owners = core_owners.entry(core).or_default();
                    if !owners.contains(&index) {
                        owners.push(index);
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
        Councils {
            all,
            by_full,
            by_core,
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

    #[test]
    fn unknown_names_do_not_resolve() {
        assert_eq!(gss("Northvale County Council"), None);
        assert_eq!(gss("Council"), None);
        assert_eq!(gss(""), None);
    }
}
