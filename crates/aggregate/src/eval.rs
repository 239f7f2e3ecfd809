//! Scoring the tagger against a labelled file (`gold.tsv`: id, council_slug, page,
//! section, text, polarity, themes, source).

use crate::run::{tag_document, Tagged};
use extract::{EvidenceSource, Polarity, RuleSet};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

/// A labelled sentence.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct GoldRow {
    pub id: String,
    pub council_slug: String,
    pub page: String,
    #[serde(default)]
    pub section: String,
    pub text: String,
    pub polarity: String,
    #[serde(default)]
    pub themes: String,
    pub source: String,
}

/// One scored sentence.
#[derive(Debug, Clone)]
pub struct Scored {
    pub gold: GoldRow,
    pub polarity: Polarity,
    pub themes: Vec<&'static str>,
    pub evidence: EvidenceSource,
    pub rules: Vec<String>,
    /// Whether the sentence was found in its page (else tagged without context).
    pub found: bool,
}

/// Scores of a run of `eval`.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Metrics {
    pub sentences: usize,
    pub found_in_pages: usize,
    pub accuracy: f64,
    pub per_class: BTreeMap<String, (f64, f64, f64)>,
    pub macro_f1: f64,
    pub has_strength_f1: f64,
    pub has_shortfall_f1: f64,
    pub themes_micro_f1: f64,
    /// theme -> (precision, recall, F1, sentences the gold gives it)
    pub per_theme: BTreeMap<String, (f64, f64, f64, usize)>,
    pub evidence_accuracy: f64,
    /// gold -> predicted -> count
    pub confusion: BTreeMap<String, BTreeMap<String, usize>>,
}

/// Why an evaluation could not run.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{path}: {message}")]
    Gold { path: String, message: String },
}

fn key(text: &str) -> String {
    text.replace(['’', '‘'], "'")
        .replace(['“', '”'], "\"")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Read a gold file.
pub fn read_gold(path: &Path) -> Result<Vec<GoldRow>, EvalError> {
    let err = |message: String| EvalError::Gold {
        path: path.display().to_string(),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .quoting(false)
        .from_path(path)
        .map_err(|e| err(e.to_string()))?;
    reader
        .deserialize()
        .enumerate()
        .map(|(i, row)| row.map_err(|e| err(format!("line {}: {e}", i + 2))))
        .collect()
}

/// A tagged page and where each of its sentences is, by normalised text.
type IndexedPage = (Tagged, HashMap<String, usize>);

/// Tag every gold sentence in the context of its page.
pub fn score(gold: &[GoldRow], pages: &Path, rules: &RuleSet) -> Vec<Scored> {
    let mut cache: HashMap<(String, String), Option<IndexedPage>> = HashMap::new();
    gold.iter()
        .map(|row| {
            let entry = cache
                .entry((row.council_slug.clone(), row.page.clone()))
                .or_insert_with(|| {
                    let path = pages
                        .join(&row.council_slug)
                        .join(format!("{}.txt", row.page));
                    let bytes = std::fs::read(&path).ok()?;
                    let doc = ingest::parse(&path.display().to_string(), &bytes).ok()?;
                    let tagged = tag_document(rules, doc);
                    let index = tagged
                        .document
                        .sentences()
                        .enumerate()
                        .map(|(i, s)| (key(tagged.document.sentence_text(s)), i))
                        .collect();
                    Some((tagged, index))
                });
            let found = entry.as_ref().and_then(|(tagged, index)| {
                index.get(&key(&row.text)).map(|&i| tagged.tags[i].clone())
            });
            let (tags, found) = match found {
                Some(t) => (t, true),
                None => (rules.tag(&row.text, &extract::Context::default()), false),
            };
            let rule_ids = tags.rule_ids(rules).map(str::to_string).collect();
            Scored {
                gold: row.clone(),
                polarity: tags.polarity,
                themes: tags.themes,
                evidence: tags.evidence,
                rules: rule_ids,
                found,
            }
        })
        .collect()
}

fn f1(tp: usize, fp: usize, fn_: usize) -> (f64, f64, f64) {
    let p = if tp + fp == 0 {
        0.0
    } else {
        tp as f64 / (tp + fp) as f64
    };
    let r = if tp + fn_ == 0 {
        0.0
    } else {
        tp as f64 / (tp + fn_) as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

pub fn metrics(scored: &[Scored]) -> Metrics {
    let n = scored.len();
    let mut m = Metrics {
        sentences: n,
        ..Metrics::default()
    };
    if n == 0 {
        return m;
    }
    m.found_in_pages = scored.iter().filter(|s| s.found).count();
    let gold_pol = |s: &Scored| Polarity::parse(&s.gold.polarity).unwrap_or(Polarity::Neutral);
    m.accuracy = scored.iter().filter(|s| gold_pol(s) == s.polarity).count() as f64 / n as f64;
    let mut f1s = Vec::new();
    for class in Polarity::ALL {
        let tp = scored
            .iter()
            .filter(|s| gold_pol(s) == class && s.polarity == class)
            .count();
        let fp = scored
            .iter()
            .filter(|s| gold_pol(s) != class && s.polarity == class)
            .count();
        let fn_ = scored
            .iter()
            .filter(|s| gold_pol(s) == class && s.polarity != class)
            .count();
        let prf = f1(tp, fp, fn_);
        f1s.push(prf.2);
        m.per_class.insert(class.as_str().to_string(), prf);
    }
    m.macro_f1 = f1s.iter().sum::<f64>() / f1s.len() as f64;
    let has = |p: Polarity, target: Polarity| p == target || p == Polarity::Mixed;
    for (target, slot) in [
        (Polarity::Strength, &mut m.has_strength_f1),
        (Polarity::Shortfall, &mut m.has_shortfall_f1),
    ] {
        let tp = scored
            .iter()
            .filter(|s| has(gold_pol(s), target) && has(s.polarity, target))
            .count();
        let fp = scored
            .iter()
            .filter(|s| !has(gold_pol(s), target) && has(s.polarity, target))
            .count();
        let fn_ = scored
            .iter()
            .filter(|s| has(gold_pol(s), target) && !has(s.polarity, target))
            .count();
        *slot = f1(tp, fp, fn_).2;
    }
    // theme -> (true positives, false positives, false negatives)
    let mut by_theme: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for s in scored {
        let gold = gold_themes(s);
        let got: BTreeSet<&str> = s.themes.iter().copied().collect();
        for &theme in gold.union(&got) {
            let counts = by_theme.entry(theme).or_default();
            match (gold.contains(theme), got.contains(theme)) {
                (true, true) => counts.0 += 1,
                (false, true) => counts.1 += 1,
                _ => counts.2 += 1,
            }
        }
    }
    // Micro-averaged: the themes' counts summed.
    let (tp, fp, fn_) = by_theme.values().fold((0, 0, 0), |(tp, fp, fn_), c| {
        (tp + c.0, fp + c.1, fn_ + c.2)
    });
    m.themes_micro_f1 = f1(tp, fp, fn_).2;
    m.per_theme = by_theme
        .into_iter()
        .map(|(theme, (tp, fp, fn_))| {
            let (p, r, f) = f1(tp, fp, fn_);
            (theme.to_string(), (p, r, f, tp + fn_))
        })
        .collect();
    m.evidence_accuracy = scored
        .iter()
        .filter(|s| EvidenceSource::parse(&s.gold.source) == Some(s.evidence))
        .count() as f64
        / n as f64;
    for s in scored {
        *m.confusion
            .entry(s.gold.polarity.clone())
            .or_default()
            .entry(s.polarity.as_str().to_string())
            .or_default() += 1;
    }
    m
}

/// The themes the gold file gives a sentence.
fn gold_themes(s: &Scored) -> BTreeSet<&str> {
    s.gold
        .themes
        .split([',', ';'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect()
}

/// A section of the report listing the sentences `wrong` describes a mistake in
/// (`id mistake | text`).
fn list_wrong(
    out: &mut String,
    title: &str,
    scored: &[Scored],
    wrong: impl Fn(&Scored) -> Option<String>,
) {
    let _ = writeln!(out, "\n{title}:");
    for s in scored {
        if let Some(mistake) = wrong(s) {
            let _ = writeln!(out, "{} {mistake} | {}", s.gold.id, s.gold.text);
        }
    }
}

/// A readable report: the figures, the confusion matrix and the sentences got wrong.
pub fn report(scored: &[Scored], m: &Metrics, show_errors: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "sentences            {} ({} found in their pages)",
        m.sentences, m.found_in_pages
    );
    let _ = writeln!(out, "polarity accuracy    {:.3}", m.accuracy);
    let _ = writeln!(out, "macro-F1             {:.3}", m.macro_f1);
    let _ = writeln!(out, "has-strength F1      {:.3}", m.has_strength_f1);
    let _ = writeln!(out, "has-shortfall F1     {:.3}", m.has_shortfall_f1);
    let _ = writeln!(out, "themes micro-F1      {:.3}", m.themes_micro_f1);
    let _ = writeln!(out, "evidence accuracy    {:.3}", m.evidence_accuracy);
    let _ = writeln!(out, "\nclass       precision  recall   F1");
    for (class, (p, r, f)) in &m.per_class {
        let _ = writeln!(out, "{class:<11} {p:>9.3}  {r:>6.3}  {f:>5.3}");
    }
    let _ = writeln!(
        out,
        "\ntheme                        precision  recall   F1  gold"
    );
    for (theme, (p, r, f, support)) in &m.per_theme {
        let _ = writeln!(
            out,
            "{theme:<28} {p:>9.3}  {r:>6.3}  {f:>5.3}  {support:>4}"
        );
    }
    let _ = writeln!(out, "\nconfusion (rows gold, columns predicted)");
    let classes: Vec<&str> = Polarity::ALL.iter().map(|p| p.as_str()).collect();
    let _ = writeln!(
        out,
        "{:<11} {}",
        "",
        classes
            .iter()
            .map(|c| format!("{c:>10}"))
            .collect::<String>()
    );
    for gold in &classes {
        let row = m.confusion.get(*gold);
        let cells: String = classes
            .iter()
            .map(|c| format!("{:>10}", row.and_then(|r| r.get(*c)).copied().unwrap_or(0)))
            .collect();
        let _ = writeln!(out, "{gold:<11} {cells}");
    }
    if show_errors {
        list_wrong(&mut out, "wrong polarity", scored, |s| {
            (Polarity::parse(&s.gold.polarity) != Some(s.polarity)).then(|| {
                format!(
                    "gold={} got={} rules={}",
                    s.gold.polarity,
                    s.polarity.as_str(),
                    s.rules.join(";")
                )
            })
        });
        list_wrong(&mut out, "wrong evidence source", scored, |s| {
            (EvidenceSource::parse(&s.gold.source) != Some(s.evidence))
                .then(|| format!("gold={} got={}", s.gold.source, s.evidence.as_str()))
        });
        list_wrong(&mut out, "wrong themes", scored, |s| {
            let gold = gold_themes(s);
            let got: BTreeSet<&str> = s.themes.iter().copied().collect();
            (gold != got).then(|| {
                let missing: Vec<&str> = gold.difference(&got).copied().collect();
                let extra: Vec<&str> = got.difference(&gold).copied().collect();
                format!("missing={} extra={}", missing.join(","), extra.join(","))
            })
        });
    }
    out
}

/// How the prose agrees with the scores: across the quality statement pages of a corpus,
/// the Spearman correlation between each page's shortfall share and its score, and the
/// mean shortfall share per score.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ScoreAgreement {
    /// QS pages with a score and at least one judged sentence.
    pub pages: usize,
    pub spearman: Option<f64>,
    /// (score, pages, mean shortfall share)
    pub by_score: Vec<(u8, usize, f64)>,
}

/// Average ranks (1-based), ties sharing the mean of their positions.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = rank;
        }
        i = j + 1;
    }
    ranks
}

/// Spearman's rank correlation; `None` with fewer than two points or no variation.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 2 {
        return None;
    }
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = rx.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = ry.iter().map(|b| (b - my).powi(2)).sum();
    (vx > 0.0 && vy > 0.0).then(|| cov / (vx * vy).sqrt())
}

/// Score agreement over every report page under `pages`.
pub fn score_agreement(pages: &Path, rules: &RuleSet) -> ScoreAgreement {
    let inputs = crate::Inputs::collect(&[pages]);
    let mut points: Vec<(u8, f64)> = Vec::new();
    for path in &inputs.files {
        // Files that cannot be read or parsed have no score to compare.
        let Ok(pages) = crate::run::process(path, rules, &Default::default()) else {
            continue;
        };
        for tagged in pages {
            let doc = &tagged.document;
            let Some(score) = doc
                .score
                .filter(|_| doc.kind == ingest::PageKind::QualityStatement)
            else {
                continue;
            };
            let c = crate::stats::polarity_counts(&tagged.tags);
            let judged = c[0] + c[1] + c[2];
            if judged > 0 {
                points.push((score, (c[1] + c[2]) as f64 / judged as f64));
            }
        }
    }
    let scores: Vec<f64> = points.iter().map(|p| f64::from(p.0)).collect();
    let shares: Vec<f64> = points.iter().map(|p| p.1).collect();
    let mut by_score = Vec::new();
    for s in 1..=4u8 {
        let of: Vec<f64> = points.iter().filter(|p| p.0 == s).map(|p| p.1).collect();
        if !of.is_empty() {
            by_score.push((s, of.len(), of.iter().sum::<f64>() / of.len() as f64));
        }
    }
    ScoreAgreement {
        pages: points.len(),
        spearman: spearman(&shares, &scores),
        by_score,
    }
}

/// A readable score-agreement section.
pub fn score_report(a: &ScoreAgreement) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "quality statement pages   {}", a.pages);
    match a.spearman {
        Some(rho) => {
            let _ = writeln!(out, "Spearman rho (shortfall share vs score)   {rho:.3}");
        }
        None => {
            let _ = writeln!(out, "Spearman rho (shortfall share vs score)   n/a");
        }
    }
    let _ = writeln!(out, "score  pages  mean shortfall share");
    for (s, n, mean) in &a.by_score {
        let _ = writeln!(out, "{s:>5}  {n:>5}  {mean:.3}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{metrics, spearman, GoldRow, Scored};
    use extract::{EvidenceSource, Polarity};

    fn scored(gold_themes: &str, got: &[&'static str]) -> Scored {
        Scored {
            gold: GoldRow {
                id: "S1".into(),
                council_slug: "c".into(),
                page: "p".into(),
                section: String::new(),
                text: "t".into(),
                polarity: "neutral".into(),
                themes: gold_themes.into(),
                source: "none".into(),
            },
            polarity: Polarity::Neutral,
            themes: got.to_vec(),
            evidence: EvidenceSource::None,
            rules: Vec::new(),
            found: true,
        }
    }

    #[test]
    fn each_theme_gets_precision_recall_and_its_gold_count() {
        let m = metrics(&[
            scored("workforce;finance", &["workforce"]),
            scored("workforce", &["workforce", "housing"]),
        ]);
        assert_eq!(m.per_theme["workforce"], (1.0, 1.0, 1.0, 2));
        // finance: given by the gold once, never found
        assert_eq!(m.per_theme["finance"], (0.0, 0.0, 0.0, 1));
        // housing: found once where the gold has none
        assert_eq!(m.per_theme["housing"], (0.0, 0.0, 0.0, 0));
        assert!((m.themes_micro_f1 - 2.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn spearman_of_perfectly_opposed_ranks_is_minus_one() {
        let rho = spearman(&[0.9, 0.5, 0.1], &[1.0, 2.0, 3.0]).unwrap();
        assert!((rho + 1.0).abs() < 1e-9);
    }

    #[test]
    fn ties_share_ranks() {
        let rho = spearman(&[0.5, 0.5, 0.1, 0.1], &[2.0, 2.0, 3.0, 3.0]).unwrap();
        assert!((rho + 1.0).abs() < 1e-9);
        assert_eq!(spearman(&[1.0, 1.0], &[1.0, 2.0]), None);
    }
}
