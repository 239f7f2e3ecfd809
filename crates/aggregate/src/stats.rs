//! Counts kept through a run, and the council, council x theme and theme datasets built
//! from them at the end. Only counts are kept, grouped by council, folder and date, so
//! memory grows with the number of assessments, not with pages, sentences or text.

use crate::councils::Council;
use crate::output::{fixed, opt, share, StagedCsv};
use crate::run::{RunError, Tagged};
use extract::{Polarity, Tags, THEMES};
use ingest::{PageKind, QUALITY_STATEMENTS};
use std::collections::BTreeMap;
use std::path::Path;

/// Sentences by polarity: strength, shortfall, mixed, neutral.
pub type Counts = [u32; 4];

fn slot(p: Polarity) -> usize {
    match p {
        Polarity::Strength => 0,
        Polarity::Shortfall => 1,
        Polarity::Mixed => 2,
        Polarity::Neutral => 3,
    }
}

/// All sentences of a count.
pub fn sum(c: &Counts) -> usize {
    c.iter().map(|&x| x as usize).sum()
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

/// The columns of a count's fields (see [`count_fields`]), in every dataset that has them.
pub const COUNT_COLUMNS: [&str; 5] = [
    "sentences",
    "n_strength",
    "n_shortfall",
    "n_mixed",
    "n_neutral",
];

/// The fields of a count, in the order of [`COUNT_COLUMNS`].
pub fn count_fields(c: &Counts) -> [String; 5] {
    [
        sum(c).to_string(),
        c[0].to_string(),
        c[1].to_string(),
        c[2].to_string(),
        c[3].to_string(),
    ]
}

/// `(shortfall + mixed) / (strength + shortfall + mixed)`.
pub fn shortfall_share(c: &Counts) -> String {
    share((c[1] + c[2]) as usize, (c[0] + c[1] + c[2]) as usize)
}

/// The pages of one council in one folder with one publication date (or none), counted.
#[derive(Debug, Default)]
struct Assessment {
    council: Option<&'static Council>,
    council_name: String,
    published: String,
    overall_rating: Option<&'static str>,
    overall_percent: Option<u8>,
    /// Per quality statement (index into QUALITY_STATEMENTS): the score from its page,
    /// the score listed on the summary, and the page's sentence counts.
    scores: [Option<u8>; 9],
    listed: [Option<u8>; 9],
    per_qs: [Option<Counts>; 9],
    documents: usize,
    counts: Counts,
    /// Per theme (index into THEMES).
    themes: [Counts; THEMES.len()],
}

fn qs_index(slug: &str) -> usize {
    QUALITY_STATEMENTS
        .iter()
        .position(|q| q.slug == slug)
        .expect("a known quality statement")
}

impl Assessment {
    fn name(&self) -> &str {
        self.council
            .map_or(self.council_name.as_str(), |c| c.name.as_str())
    }
    fn gss(&self) -> &str {
        self.council.map_or("", |c| c.gss_code.as_str())
    }

    /// Fold another group of the same council into this one.
    fn merge(&mut self, other: Assessment) {
        self.documents += other.documents;
        add(&mut self.counts, &other.counts);
        for (total, c) in self.themes.iter_mut().zip(&other.themes) {
            add(total, c);
        }
        for i in 0..QUALITY_STATEMENTS.len() {
            if let Some(c) = other.per_qs[i] {
                add(self.per_qs[i].get_or_insert([0; 4]), &c);
            }
            self.scores[i] = self.scores[i].or(other.scores[i]);
            self.listed[i] = self.listed[i].or(other.listed[i]);
        }
        self.overall_rating = self.overall_rating.or(other.overall_rating);
        self.overall_percent = self.overall_percent.or(other.overall_percent);
    }
}

/// (council key, folder, published date if the page states one)
type GroupKey = (String, String, Option<String>);

fn merge_into<K: Ord>(map: &mut BTreeMap<K, Assessment>, key: K, group: Assessment) {
    match map.entry(key) {
        std::collections::btree_map::Entry::Occupied(mut e) => e.get_mut().merge(group),
        std::collections::btree_map::Entry::Vacant(e) => {
            e.insert(group);
        }
    }
}

/// One page's contribution to the council datasets (see [`Aggregator::page`]).
pub struct PageCounts(GroupKey, Assessment);

/// Counts documents as they stream past. Files arrive folder by folder, so the pages of
/// one folder are grouped by council and date; when the next folder starts, a group with
/// no date of its own (QS pages) takes the date its council has in that folder (from the
/// summary or overview beside it) and joins that assessment. Groups whose folder has no
/// date wait for the end, where they take their council's only date, if it has one.
/// Memory follows the number of assessments, not of pages, sentences or text.
#[derive(Default)]
pub struct Aggregator {
    folder: Option<String>,
    /// This folder's pages: (council key, date if stated) -> counts
    in_folder: BTreeMap<(String, Option<String>), Assessment>,
    /// (council key, date) -> counts
    assessments: BTreeMap<(String, String), Assessment>,
    /// Undated groups from folders without a date for their council.
    pending: Vec<(String, Assessment)>,
}

impl Aggregator {
    /// What one page adds (computed where the page is processed): its group and counts;
    /// `None` for a page with no council to aggregate under.
    pub fn page(tagged: &Tagged, council: Option<&'static Council>) -> Option<PageCounts> {
        let doc = &tagged.document;
        let key = match (council, &doc.council) {
            (Some(c), _) => c.gss_code.clone(),
            (None, Some(name)) => format!("name:{name}"),
            (None, None) => return None,
        };
        let path = doc.path.split('#').next().unwrap_or(&doc.path);
        let folder = Path::new(path)
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let mut page = Assessment {
            council,
            council_name: doc.council.clone().unwrap_or_default(),
            published: doc.published.clone().unwrap_or_default(),
            documents: 1,
            counts: polarity_counts(&tagged.tags),
            ..Assessment::default()
        };
        for t in &tagged.tags {
            for theme in &t.themes {
                if let Some(i) = THEMES.iter().position(|x| x == theme) {
                    page.themes[i][slot(t.polarity)] += 1;
                }
            }
        }
        if let Some(qs) = doc.quality_statement {
            let i = qs_index(qs.slug);
            page.per_qs[i] = Some(page.counts);
            page.scores[i] = doc.score;
        }
        for l in &doc.listed_scores {
            let slot = &mut page.listed[qs_index(l.quality_statement.slug)];
            *slot = slot.or(Some(l.score));
        }
        if doc.kind == PageKind::Summary {
            page.overall_rating = doc.overall_rating;
            page.overall_percent = doc.overall_percent;
        }
        Some(PageCounts((key, folder, doc.published.clone()), page))
    }

    /// Fold a page's counts into its group.
    pub fn add(&mut self, PageCounts((council, folder, date), page): PageCounts) {
        if self.folder.as_deref() != Some(folder.as_str()) {
            self.end_folder();
            self.folder = Some(folder);
        }
        merge_into(&mut self.in_folder, (council, date), page);
    }

    /// Settle the groups of the folder just finished.
    fn end_folder(&mut self) {
        let groups = std::mem::take(&mut self.in_folder);
        let mut dates: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (council, date) in groups.keys() {
            if let Some(date) = date.as_deref() {
                let list = dates.entry(council).or_default();
                if !list.contains(&date) {
                    list.push(date);
                }
            }
        }
        let resolved: Vec<Option<String>> = groups
            .keys()
            .map(|(council, date)| {
                date.clone().or_else(|| {
                    dates
                        .get(council.as_str())
                        .filter(|d| d.len() == 1)
                        .map(|d| d[0].to_string())
                })
            })
            .collect();
        for (((council, _), mut group), date) in groups.into_iter().zip(resolved) {
            match date {
                Some(date) => {
                    group.published = date.clone();
                    merge_into(&mut self.assessments, (council, date), group);
                }
                None => self.pending.push((council, group)),
            }
        }
    }

    /// The assessments, sorted by council name and date.
    fn finish(mut self) -> Vec<Assessment> {
        self.end_folder();
        // Each council's only date, if it has exactly one.
        let mut only_date: BTreeMap<String, Option<String>> = BTreeMap::new();
        for (council, date) in self.assessments.keys() {
            only_date
                .entry(council.clone())
                .and_modify(|d| *d = None)
                .or_insert_with(|| Some(date.clone()));
        }
        for (council, mut group) in std::mem::take(&mut self.pending) {
            let date = only_date
                .get(&council)
                .cloned()
                .flatten()
                .unwrap_or_default();
            group.published = date.clone();
            merge_into(&mut self.assessments, (council, date), group);
        }
        let assessments = self.assessments;
        let mut list: Vec<Assessment> = assessments.into_values().collect();
        list.sort_by(|a, b| (a.name(), &a.published).cmp(&(b.name(), &b.published)));
        list
    }
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
    columns.push("documents".to_string());
    columns.extend(COUNT_COLUMNS.map(str::to_string));
    columns.push("shortfall_share".to_string());
    columns.extend(qs_slugs().map(|s| format!("shortfall_share_{s}")));
    columns
}

pub fn council_theme_columns() -> Vec<&'static str> {
    [
        &["council", "gss_code", "published", "theme_id"][..],
        &COUNT_COLUMNS,
        &["theme_share", "shortfall_share", "log_odds", "log_odds_z"],
    ]
    .concat()
}

pub fn theme_columns() -> Vec<&'static str> {
    [
        &["theme_id", "councils"][..],
        &COUNT_COLUMNS,
        &["shortfall_share", "top_shortfall_councils"],
    ]
    .concat()
}

/// Write councils.csv, council_themes.csv and themes.csv.
pub fn write_aggregates(dir: &Path, aggregator: Aggregator) -> Result<(), RunError> {
    let list = aggregator.finish();

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
        row.extend((0..QUALITY_STATEMENTS.len()).map(|i| opt(a.scores[i].or(a.listed[i]))));
        let c = &a.counts;
        row.push(a.documents.to_string());
        row.extend(count_fields(c));
        row.push(shortfall_share(c));
        row.extend(
            a.per_qs
                .iter()
                .map(|c| c.as_ref().map(shortfall_share).unwrap_or_default()),
        );
        councils.row(&row)?;
    }
    councils.commit()?;

    // Theme mentions per assessment and over the corpus, for shares and log-odds.
    let mention_total = |t: &[Counts]| t.iter().map(sum).sum::<usize>();
    let corpus_theme: Vec<usize> = (0..THEMES.len())
        .map(|i| list.iter().map(|a| sum(&a.themes[i])).sum())
        .collect();
    let corpus_total: usize = corpus_theme.iter().sum();
    let mut council_themes =
        StagedCsv::create(dir, "council_themes.csv", &council_theme_columns())?;
    for a in &list {
        let sentences = sum(&a.counts);
        let mentions = mention_total(&a.themes);
        for (i, theme) in THEMES.iter().enumerate() {
            let c = &a.themes[i];
            let n = sum(c);
            let odds = weighted_log_odds(
                n as f64,
                mentions as f64,
                corpus_theme[i] as f64,
                corpus_total as f64,
            );
            let head = [
                a.name().to_string(),
                a.gss().to_string(),
                a.published.clone(),
                theme.to_string(),
            ];
            council_themes.row(head.into_iter().chain(count_fields(c)).chain([
                share(n, sentences),
                shortfall_share(c),
                odds.map(|(d, _)| fixed(d, 4)).unwrap_or_default(),
                odds.map(|(_, z)| fixed(z, 4)).unwrap_or_default(),
            ]))?;
        }
    }
    council_themes.commit()?;

    let mut themes = StagedCsv::create(dir, "themes.csv", &theme_columns())?;
    for (i, theme) in THEMES.iter().enumerate() {
        let mut total = [0; 4];
        let mut by_council: Vec<(f64, usize, &str)> = Vec::new();
        let mut councils_mentioning = 0;
        for a in &list {
            let c = &a.themes[i];
            add(&mut total, c);
            if sum(c) > 0 {
                councils_mentioning += 1;
            }
            let judged = c[0] + c[1] + c[2];
            if judged > 0 {
                by_council.push((
                    (c[1] + c[2]) as f64 / judged as f64,
                    judged as usize,
                    a.name(),
                ));
            }
        }
        by_council.sort_by(|x, y| y.0.total_cmp(&x.0).then(y.1.cmp(&x.1)).then(x.2.cmp(y.2)));
        let top = by_council
            .iter()
            .take(3)
            .map(|(s, _, name)| format!("{name} ({})", fixed(*s, 2)))
            .collect::<Vec<_>>()
            .join("; ");
        let head = [theme.to_string(), councils_mentioning.to_string()];
        themes.row(
            head.into_iter()
                .chain(count_fields(&total))
                .chain([shortfall_share(&total), top]),
        )?;
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
