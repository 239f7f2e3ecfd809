//! Per-document counts kept through a run, and the council, council x theme and theme
//! datasets built from them at the end. Only counts are kept, never sentences, so memory
//! grows with the number of documents, not with their text.

use crate::councils::Council;
use crate::output::{opt, share, StagedCsv};
use crate::run::{RunError, Tagged};
use extract::{Polarity, Tags, THEMES};
use ingest::{PageKind, QUALITY_STATEMENTS};
use std::collections::BTreeMap;
use std::path::Path;

/// Sentences by polarity: strength, shortfall, mixed, neutral.
pub type Counts = [usize; 4];

fn slot(p: Polarity) -> usize {
    match p {
        Polarity::Strength => 0,
        Polarity::Shortfall => 1,
        Polarity::Mixed => 2,
        Polarity::Neutral => 3,
    }
}

pub fn polarity_counts(tags: &[Tags]) -> Counts {
    let mut counts = [0; 4];
    for t in tags {
        counts[slot(t.polarity)] += 1;
    }
    counts
}

fn add(a: &mut Counts, b: &Counts) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

/// `(shortfall + mixed) / (strength + shortfall + mixed)`.
fn shortfall_share(c: &Counts) -> String {
    share(c[1] + c[2], c[0] + c[1] + c[2])
}

/// What a run keeps of one document.
#[derive(Debug, Clone)]
pub struct DocStats {
    pub folder: String,
    pub kind: PageKind,
    /// Canonical council (from the table) when the page's name resolves.
    pub council: Option<&'static Council>,
    /// The name as the page writes it.
    pub council_name: Option<String>,
    pub published: Option<String>,
    pub qs_slug: Option<&'static str>,
    pub score: Option<u8>,
    pub overall_rating: Option<&'static str>,
    pub overall_percent: Option<u8>,
    pub listed_scores: Vec<(&'static str, u8)>,
    pub counts: Counts,
    /// Per theme (index into [`THEMES`]): sentences by polarity.
    pub themes: [Counts; THEMES.len()],
}

impl DocStats {
    pub fn new(tagged: &Tagged, council: Option<&'static Council>) -> DocStats {
        let doc = &tagged.document;
        let mut themes = [[0; 4]; THEMES.len()];
        for t in &tagged.tags {
            for theme in &t.themes {
                if let Some(i) = THEMES.iter().position(|x| x == theme) {
                    themes[i][slot(t.polarity)] += 1;
                }
            }
        }
        let path = doc.path.split('#').next().unwrap_or(&doc.path);
        DocStats {
            folder: std::path::Path::new(path)
                .parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            kind: doc.kind,
            council,
            council_name: doc.council.clone(),
            published: doc.published.clone(),
            qs_slug: doc.quality_statement.map(|q| q.slug),
            score: doc.score,
            overall_rating: doc.overall_rating,
            overall_percent: doc.overall_percent,
            listed_scores: doc
                .listed_scores
                .iter()
                .map(|l| (l.quality_statement.slug, l.score))
                .collect(),
            counts: polarity_counts(&tagged.tags),
            themes,
        }
    }

    /// The council this document aggregates under: its GSS code, or its name as written.
    fn council_key(&self) -> Option<String> {
        match (self.council, &self.council_name) {
            (Some(c), _) => Some(c.gss_code.clone()),
            (None, Some(name)) => Some(format!("name:{name}")),
            (None, None) => None,
        }
    }
}

/// One council assessment: the pages of one council with one publication date.
#[derive(Debug, Default)]
struct Assessment {
    council: Option<&'static Council>,
    council_name: String,
    published: String,
    overall_rating: Option<&'static str>,
    overall_percent: Option<u8>,
    scores: BTreeMap<&'static str, u8>,
    listed: BTreeMap<&'static str, u8>,
    documents: usize,
    counts: Counts,
    per_qs: BTreeMap<&'static str, Counts>,
    themes: Vec<Counts>,
}

impl Assessment {
    fn name(&self) -> &str {
        self.council
            .map_or(self.council_name.as_str(), |c| c.name.as_str())
    }
    fn gss(&self) -> &str {
        self.council.map_or("", |c| c.gss_code.as_str())
    }
}

/// Group documents into assessments. A page with no date of its own (QS pages) takes the
/// date of the summary or overview of the same council in its folder, or the council's
/// only date in the corpus; pages of one council with different dates are different
/// assessments.
fn assessments(docs: &[DocStats]) -> Vec<Assessment> {
    let mut dates_by_folder: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut dates_by_council: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in docs {
        if let (Some(key), Some(date)) = (d.council_key(), &d.published) {
            for list in [
                dates_by_folder
                    .entry((key.clone(), d.folder.clone()))
                    .or_default(),
                dates_by_council.entry(key).or_default(),
            ] {
                if !list.contains(date) {
                    list.push(date.clone());
                }
            }
        }
    }
    let only = |dates: Option<&Vec<String>>| dates.filter(|d| d.len() == 1).map(|d| d[0].clone());
    let mut groups: BTreeMap<(String, String), Assessment> = BTreeMap::new();
    for d in docs {
        let Some(key) = d.council_key() else { continue };
        let date = d
            .published
            .clone()
            .or_else(|| only(dates_by_folder.get(&(key.clone(), d.folder.clone()))))
            .or_else(|| only(dates_by_council.get(&key)))
            .unwrap_or_default();
        let a = groups
            .entry((key, date.clone()))
            .or_insert_with(|| Assessment {
                council: d.council,
                council_name: d.council_name.clone().unwrap_or_default(),
                published: date,
                themes: vec![[0; 4]; THEMES.len()],
                ..Assessment::default()
            });
        a.documents += 1;
        add(&mut a.counts, &d.counts);
        for (total, c) in a.themes.iter_mut().zip(&d.themes) {
            add(total, c);
        }
        if let Some(slug) = d.qs_slug {
            add(a.per_qs.entry(slug).or_default(), &d.counts);
            if let Some(score) = d.score {
                a.scores.entry(slug).or_insert(score);
            }
        }
        for (slug, score) in &d.listed_scores {
            a.listed.entry(slug).or_insert(*score);
        }
        if d.kind == PageKind::Summary {
            a.overall_rating = a.overall_rating.or(d.overall_rating);
            a.overall_percent = a.overall_percent.or(d.overall_percent);
        }
    }
    let mut list: Vec<Assessment> = groups.into_values().collect();
    list.sort_by(|a, b| (a.name(), &a.published).cmp(&(b.name(), &b.published)));
    list
}

/// Weighted log-odds of a theme for one council against the rest of the corpus, with an
/// informative Dirichlet prior from the whole corpus (Monroe, Colaresi and Quinn 2008):
/// returns (delta, z). `y_i`: the council's count, `n_i`: its total over themes; `y`,
/// `n`: the same over the corpus (prior alpha_w = y, alpha_0 = n).
pub fn weighted_log_odds(y_i: f64, n_i: f64, y: f64, n: f64) -> Option<(f64, f64)> {
    if y <= 0.0 || n <= 0.0 {
        return None;
    }
    let (alpha_w, alpha_0) = (y, n);
    let y_j = y - y_i;
    let n_j = n - n_i;
    let omega_i = ((y_i + alpha_w) / (n_i + alpha_0 - y_i - alpha_w)).ln();
    let omega_j = ((y_j + alpha_w) / (n_j + alpha_0 - y_j - alpha_w)).ln();
    let delta = omega_i - omega_j;
    let variance = 1.0 / (y_i + alpha_w) + 1.0 / (y_j + alpha_w);
    (delta.is_finite() && variance > 0.0).then(|| (delta, delta / variance.sqrt()))
}

fn qs_slugs() -> impl Iterator<Item = &'static str> {
    QUALITY_STATEMENTS.iter().map(|q| q.slug)
}

pub fn council_columns() -> Vec<String> {
    let mut columns: Vec<String> = [
        "council",
        "gss_code",
        "region",
        "la_type",
        "published",
        "overall_rating",
        "overall_percent",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    columns.extend(qs_slugs().map(str::to_string));
    columns.extend(
        [
            "documents",
            "sentences",
            "n_strength",
            "n_shortfall",
            "n_mixed",
            "n_neutral",
            "shortfall_share",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    columns.extend(qs_slugs().map(|s| format!("shortfall_share_{s}")));
    columns
}

pub const COUNCIL_THEME_COLUMNS: &[&str] = &[
    "council",
    "gss_code",
    "published",
    "theme_id",
    "sentences",
    "n_strength",
    "n_shortfall",
    "n_mixed",
    "n_neutral",
    "theme_share",
    "shortfall_share",
    "log_odds",
    "log_odds_z",
];

pub const THEME_COLUMNS: &[&str] = &[
    "theme_id",
    "councils",
    "sentences",
    "n_strength",
    "n_shortfall",
    "n_mixed",
    "n_neutral",
    "shortfall_share",
    "top_shortfall_councils",
];

/// Write councils.csv, council_themes.csv and themes.csv.
pub fn write_aggregates(dir: &Path, docs: &[DocStats]) -> Result<(), RunError> {
    let list = assessments(docs);

    let columns = council_columns();
    let header: Vec<&str> = columns.iter().map(String::as_str).collect();
    let mut councils = StagedCsv::create(dir, "councils.csv", &header)?;
    for a in &list {
        let mut row = vec![
            a.name().to_string(),
            a.gss().to_string(),
            opt(a.council.map(|c| c.region.as_str())),
            opt(a.council.map(|c| c.la_type.as_str())),
            a.published.clone(),
            opt(a.overall_rating),
            opt(a.overall_percent),
        ];
        row.extend(qs_slugs().map(|s| opt(a.scores.get(s).or(a.listed.get(s)))));
        let c = &a.counts;
        row.extend([
            a.documents.to_string(),
            c.iter().sum::<usize>().to_string(),
            c[0].to_string(),
            c[1].to_string(),
            c[2].to_string(),
            c[3].to_string(),
            shortfall_share(c),
        ]);
        row.extend(qs_slugs().map(|s| a.per_qs.get(s).map(shortfall_share).unwrap_or_default()));
        councils.row(&row)?;
    }
    councils.commit()?;

    // Theme mentions per assessment and over the corpus, for shares and log-odds.
    let mention_total = |t: &[Counts]| t.iter().map(|c| c.iter().sum::<usize>()).sum::<usize>();
    let corpus_theme: Vec<usize> = (0..THEMES.len())
        .map(|i| list.iter().map(|a| a.themes[i].iter().sum::<usize>()).sum())
        .collect();
    let corpus_total: usize = corpus_theme.iter().sum();
    let mut council_themes = StagedCsv::create(dir, "council_themes.csv", COUNCIL_THEME_COLUMNS)?;
    for a in &list {
        let sentences: usize = a.counts.iter().sum();
        let mentions = mention_total(&a.themes);
        for (i, theme) in THEMES.iter().enumerate() {
            let c = &a.themes[i];
            let n: usize = c.iter().sum();
            let odds = weighted_log_odds(
                n as f64,
                mentions as f64,
                corpus_theme[i] as f64,
                corpus_total as f64,
            );
            council_themes.row([
                a.name().to_string(),
                a.gss().to_string(),
                a.published.clone(),
                theme.to_string(),
                n.to_string(),
                c[0].to_string(),
                c[1].to_string(),
                c[2].to_string(),
                c[3].to_string(),
                share(n, sentences),
                shortfall_share(c),
                odds.map(|(d, _)| format!("{d:.4}")).unwrap_or_default(),
                odds.map(|(_, z)| format!("{z:.4}")).unwrap_or_default(),
            ])?;
        }
    }
    council_themes.commit()?;

    let mut themes = StagedCsv::create(dir, "themes.csv", THEME_COLUMNS)?;
    for (i, theme) in THEMES.iter().enumerate() {
        let mut total = [0; 4];
        let mut by_council: Vec<(f64, usize, &str)> = Vec::new();
        let mut councils_mentioning = 0;
        for a in &list {
            let c = &a.themes[i];
            add(&mut total, c);
            if c.iter().sum::<usize>() > 0 {
                councils_mentioning += 1;
            }
            let judged = c[0] + c[1] + c[2];
            if judged > 0 {
                by_council.push(((c[1] + c[2]) as f64 / judged as f64, judged, a.name()));
            }
        }
        by_council.sort_by(|x, y| y.0.total_cmp(&x.0).then(y.1.cmp(&x.1)).then(x.2.cmp(y.2)));
        let top = by_council
            .iter()
            .take(3)
            .map(|(s, _, name)| format!("{name} ({s:.2})"))
            .collect::<Vec<_>>()
            .join("; ");
        themes.row([
            theme.to_string(),
            councils_mentioning.to_string(),
            total.iter().sum::<usize>().to_string(),
            total[0].to_string(),
            total[1].to_string(),
            total[2].to_string(),
            total[3].to_string(),
            shortfall_share(&total),
            top,
        ])?;
    }
    themes.commit()
}

#[cfg(test)]
mod tests {
    use super::weighted_log_odds;

    #[test]
    fn a_theme_a_council_mentions_more_than_the_rest_has_positive_log_odds() {
        let (delta, z) = weighted_log_odds(30.0, 100.0, 40.0, 1000.0).unwrap();
        assert!(delta > 0.0 && z > 0.0);
        let (delta, _) = weighted_log_odds(1.0, 100.0, 100.0, 1000.0).unwrap();
        assert!(delta < 0.0);
    }

    #[test]
    fn an_unused_theme_has_no_log_odds() {
        assert_eq!(weighted_log_odds(0.0, 10.0, 0.0, 100.0), None);
    }
}
