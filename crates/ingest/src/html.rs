//! HTML to raw blocks with `scraper`: site furniture dropped, blocks in document order.

use crate::blocks::{Hint, RawBlock};
use ego_tree::iter::Edge;
use regex::Regex;
use scraper::{node::Element, Html, Node};
use std::sync::LazyLock;

/// Elements whose whole subtree is never report text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "head", "title", "nav", "form", "button", "select",
    "textarea", "iframe", "svg", "canvas", "dialog", "object", "embed", "input", "label", "menu",
];

/// Elements that start and end a block.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "aside",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "blockquote",
    "pre",
    "hr",
    "figure",
    "figcaption",
    "address",
    "body",
    "html",
    "header",
    "footer",
    "details",
    "summary",
    "fieldset",
    "center",
];

/// Class or id words that mark site furniture wherever they are. Words are matched whole
/// (or with an "s"), so report content with classes such as `social-care` is kept; the
/// joined forms (`socialshare`, `sharelinks`) catch sharing widgets.
const FURNITURE_WORDS: &[&str] = &[
    "cookie",
    "cookies",
    "breadcrumb",
    "breadcrumbs",
    "skip",
    "skiplink",
    "feedback",
    "socialshare",
    "sharelinks",
    "sharethis",
    "socialmedia",
    "socialicons",
    "nav",
    "navigation",
    "navbar",
    "menu",
    "sidebar",
    "newsletter",
    "updated",
    "sronly",
    "visuallyhidden",
    "consent",
    "helpful",
    "printpage",
    "printlink",
    "backtotop",
];

/// Class or id words that mark furniture only outside the main content.
const OUTER_WORDS: &[&str] = &["header", "footer", "masthead", "topbar", "banner"];

static FURNITURE_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:page last updated|last updated|was this page (?:helpful|useful)|is this page useful|report a problem|print this page|share this page|back to top|skip to (?:main )?content|accept (?:all |additional )?cookies|reject (?:all |additional )?cookies|we use (?:some )?(?:essential )?cookies|cookies on |you can change your cookie|give feedback|tell us what you think)",
    )
    .unwrap()
});

/// Whether a class or id word marks furniture: one of [`FURNITURE_WORDS`] (or it with
/// one more letter), or outside the main content one of [`OUTER_WORDS`]. ASCII case is
/// ignored.
fn furniture_word(word: &str, inside_main: bool) -> bool {
    FURNITURE_WORDS.iter().any(|f| {
        word.len() >= f.len()
            && word.len() <= f.len() + 1
            && word.as_bytes()[..f.len()].eq_ignore_ascii_case(f.as_bytes())
    }) || (!inside_main && OUTER_WORDS.iter().any(|o| word.eq_ignore_ascii_case(o)))
}

/// Whether the element's class or id words mark it as furniture: each word split at
/// spaces, hyphens, underscores and dots, and the whole value without hyphens and
/// underscores ("sr-only", "visually-hidden", "back-to-top" as one word too).
fn furniture_attribute(element: &Element, inside_main: bool) -> bool {
    ["class", "id"].iter().any(|name| {
        let Some(value) = element.attr(name) else {
            return false;
        };
        let separator = |c: char| c.is_whitespace() || matches!(c, '-' | '_' | '.');
        value
            .split(separator)
            .any(|word| !word.is_empty() && furniture_word(word, inside_main))
            || (value.contains(['-', '_'])
                && furniture_word(&value.replace(['-', '_'], ""), inside_main))
    })
}

fn is_furniture(element: &Element, inside_main: bool) -> bool {
    let name = element.name();
    if SKIPPED.contains(&name) {
        return true;
    }
    if (name == "header" || name == "footer") && !inside_main {
        return true;
    }
    if element.attr("aria-hidden") == Some("true") {
        return true;
    }
    if let Some(role) = element.attr("role") {
        let role = role.to_ascii_lowercase();
        if matches!(
            role.as_str(),
            "navigation" | "search" | "dialog" | "alertdialog"
        ) || (!inside_main && matches!(role.as_str(), "banner" | "contentinfo"))
        {
            return true;
        }
    }
    furniture_attribute(element, inside_main)
}

fn hint_of(name: &str) -> Hint {
    match name {
        "h1" => Hint::Heading(1),
        "h2" => Hint::Heading(2),
        "h3" => Hint::Heading(3),
        "h4" => Hint::Heading(4),
        "h5" => Hint::Heading(5),
        "h6" => Hint::Heading(6),
        "li" | "dt" | "dd" => Hint::ListItem,
        "td" | "th" => Hint::TableCell,
        _ => Hint::Paragraph,
    }
}

struct Collector {
    blocks: Vec<RawBlock>,
    buffer: String,
    hints: Vec<Hint>,
}

impl Collector {
    fn flush(&mut self) {
        if self.buffer.trim().is_empty() {
            self.buffer.clear();
            return;
        }
        let hint = *self.hints.last().unwrap_or(&Hint::Paragraph);
        // A blank line (two <br>) inside one element separates blocks, as in text.
        let buffer = std::mem::take(&mut self.buffer);
        for part in buffer.split("\n\n") {
            let lines: Vec<String> = part
                .split('\n')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            if lines.is_empty() || (lines.len() == 1 && FURNITURE_TEXT.is_match(&lines[0])) {
                continue;
            }
            self.blocks.push(RawBlock { hint, lines });
        }
    }
}

/// Deeper than this, html5ever's tree building slows down with the square of the depth
/// (every new element checks the whole stack of open elements), so such markup is read by
/// the flat, linear scanner instead. Real report pages nest a few dozen levels.
pub(crate) const MAX_TREE_DEPTH: usize = 1_000;

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

fn tag_name(rest: &str) -> &str {
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The deepest element nesting of the markup, counted in one linear pass over the tags.
pub(crate) fn nesting_depth(source: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut rest = source;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        if let Some(closing) = rest.strip_prefix('/') {
            if closing.starts_with(|c: char| c.is_ascii_alphabetic()) {
                depth = depth.saturating_sub(1);
            }
        } else if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let name = tag_name(rest);
            let end = rest.find('>').unwrap_or(rest.len());
            let void = VOID.iter().any(|v| v.eq_ignore_ascii_case(name));
            if !void && !rest[..end].ends_with('/') {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
    }
    deepest
}

/// Decode the character references of a text run (the flat scanner's job only; the tree
/// parser decodes them itself).
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[..rest.len().min(12)].find(';');
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                "ndash" => Some('–'),
                "mdash" => Some('—'),
                "rsquo" => Some('’'),
                "lsquo" => Some('‘'),
                "ldquo" => Some('“'),
                "rdquo" => Some('”'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Linear fallback for pathological markup: tags are scanned, not built into a tree;
/// scripts, styles and the head are skipped; block tags break blocks, `<br>` breaks lines.
fn flat_raw_blocks(source: &str) -> Vec<RawBlock> {
    const SKIP_CONTENT: &[&str] = &[
        "script", "style", "noscript", "template", "head", "title", "svg",
    ];
    let mut collector = Collector {
        blocks: Vec::new(),
        buffer: String::new(),
        hints: Vec::new(),
    };
    let mut rest = source;
    loop {
        let (text, after) = match rest.find('<') {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let decoded = decode_entities(text);
        for word in decoded.split_whitespace() {
            if !collector.buffer.is_empty() && !collector.buffer.ends_with([' ', '\n']) {
                collector.buffer.push(' ');
            }
            collector.buffer.push_str(word);
        }
        let Some(after) = after else { break };
        let end = after.find('>').map_or(after.len(), |e| e + 1);
        let (closing, body) = match after.strip_prefix('/') {
            Some(b) => (true, b),
            None => (false, after),
        };
        let name = tag_name(body).to_ascii_lowercase();
        rest = &after[end.min(after.len())..];
        if name.is_empty() {
            continue;
        }
        if !closing && SKIP_CONTENT.contains(&name.as_str()) {
            // Jump to the matching end tag, compared without case, in one forward pass.
            rest = rest
                .match_indices("</")
                .find(|(i, _)| tag_name(&rest[i + 2..]).eq_ignore_ascii_case(&name))
                .map_or("", |(i, _)| &rest[i..]);
            continue;
        }
        if name == "br" {
            collector.buffer.push('\n');
        } else if BLOCK.contains(&name.as_str()) {
            collector.flush();
            if closing {
                collector.hints.pop();
            } else {
                collector.hints.push(hint_of(&name));
            }
        }
    }
    collector.flush();
    collector.blocks
}

/// Elements that look like furniture but hold report headings, so are kept: a button in
/// the content that holds a heading (an accordion's section title), and a page header that
/// holds the h1 (copies without `<main>` put the "`<council>`: local authority assessment"
/// title there).
fn holds_content_heading(node: ego_tree::NodeRef<Node>, name: &str, inside_main: bool) -> bool {
    let holds = |wanted: fn(&str) -> bool| {
        node.descendants()
            .any(|d| d.value().as_element().is_some_and(|e| wanted(e.name())))
    };
    match name {
        "button" if inside_main => holds(|n| matches!(hint_of(n), Hint::Heading(_))),
        "header" => holds(|n| n == "h1"),
        _ => false,
    }
}

/// Parse HTML into raw blocks. Iterative, so any nesting depth is fine; markup nested
/// deeper than [`MAX_TREE_DEPTH`] goes to the linear flat scanner.
pub(crate) fn raw_blocks(source: &str) -> Vec<RawBlock> {
    if nesting_depth(source) > MAX_TREE_DEPTH {
        return flat_raw_blocks(source);
    }
    let document = Html::parse_document(source);
    let mut collector = Collector {
        blocks: Vec::new(),
        buffer: String::new(),
        hints: Vec::new(),
    };
    let mut skipping: Option<ego_tree::NodeId> = None;
    let mut main_depth = 0usize;
    for edge in document.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Element(element) => {
                        let name = element.name();
                        if is_furniture(element, main_depth > 0)
                            && !holds_content_heading(node, name, main_depth > 0)
                        {
                            skipping = Some(node.id());
                            continue;
                        }
                        if name == "main"
                            || name == "article"
                            || element.attr("role") == Some("main")
                        {
                            main_depth += 1;
                        }
                        if name == "br" {
                            collector.buffer.push('\n');
                        } else if BLOCK.contains(&name) {
                            collector.flush();
                            collector.hints.push(hint_of(name));
                        }
                    }
                    Node::Text(text) => {
                        let text: &str = text;
                        if text.chars().all(char::is_whitespace) {
                            if !collector.buffer.is_empty()
                                && !collector.buffer.ends_with([' ', '\n'])
                            {
                                collector.buffer.push(' ');
                            }
                        } else {
                            let mut first = true;
                            for word in text.split_whitespace() {
                                let glue = !first || text.starts_with(char::is_whitespace);
                                if glue
                                    && !collector.buffer.is_empty()
                                    && !collector.buffer.ends_with([' ', '\n'])
                                {
                                    collector.buffer.push(' ');
                                }
                                collector.buffer.push_str(word);
                                first = false;
                            }
                            if text.ends_with(char::is_whitespace) {
                                collector.buffer.push(' ');
                            }
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(id) = skipping {
                    if id == node.id() {
                        skipping = None;
                    }
                    continue;
                }
                if let Node::Element(element) = node.value() {
                    let name = element.name();
                    if BLOCK.contains(&name) {
                        collector.flush();
                        collector.hints.pop();
                    }
                    if name == "main" || name == "article" || element.attr("role") == Some("main") {
                        main_depth = main_depth.saturating_sub(1);
                    }
                }
            }
        }
    }
    collector.flush();
    collector.blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(html: &str) -> Vec<String> {
        raw_blocks(html)
            .into_iter()
            .map(|b| b.lines.join("|"))
            .collect()
    }

    #[test]
    fn furniture_is_dropped_and_content_kept_in_order() {
        let html = r#"<html><head><title>T</title><script>var x=1;</script></head><body>
            <div class="cookie-banner"><p>We use cookies</p></div>
            <header class="site-header"><nav><a href="/">Home</a></nav></header>
            <ol class="breadcrumbs"><li>Home</li></ol>
            <main><h1>Example Council: local authority assessment</h1>
            <p>First &amp; second.</p><ul><li>One</li><li>Two</li></ul></main>
            <p>Page last updated: 1 May 2025</p>
            <footer><p>Copyright</p></footer></body></html>"#;
        assert_eq!(
            lines(html),
            [
                "Example Council: local authority assessment",
                "First & second.",
                "One",
                "Two"
            ]
        );
    }

    #[test]
    fn a_page_header_holding_the_title_is_kept() {
        let html = r#"<body><header class="page-header"><h1>X Council: local authority assessment</h1></header>
            <header class="site-header"><a>Logo</a><nav><a>Home</a></nav></header><p>Staff were kind.</p></body>"#;
        assert_eq!(
            lines(html),
            ["X Council: local authority assessment", "Staff were kind."]
        );
    }

    #[test]
    fn accordion_headings_in_buttons_are_kept_but_plain_buttons_are_not() {
        let html = r#"<main><button class="accordion"><h3>Front door</h3></button><p>Waits were short.</p>
            <button>Show all sections</button></main>"#;
        assert_eq!(lines(html), ["Front door", "Waits were short."]);
    }

    #[test]
    fn content_classes_that_look_like_furniture_words_are_kept() {
        let html = r#"<main><div class="hero-banner"><h1>X Council: local authority assessment</h1></div>
            <section class="social-care-findings"><p>Staff were kind.</p></section>
            <div class="share-links"><a>Share on X</a></div></main>"#;
        assert_eq!(
            lines(html),
            ["X Council: local authority assessment", "Staff were kind."]
        );
    }

    #[test]
    fn br_breaks_lines_and_double_br_breaks_blocks() {
        let html = "<div>Front door<br><br>People were seen<br>quickly.<br><br>Next</div>";
        assert_eq!(
            lines(html),
            ["Front door", "People were seen|quickly.", "Next"]
        );
    }

    #[test]
    fn inline_markup_does_not_split_words() {
        assert_eq!(
            lines("<p>It was <strong>very</strong> good<em>ly</em> done.</p>"),
            ["It was very goodly done."]
        );
    }

    #[test]
    fn deep_nesting_goes_to_the_flat_scanner_and_keeps_the_text() {
        let html = format!(
            "<p>Before.</p>{}deep <b>text</b>{}<p>After &amp; done.</p>",
            "<div>".repeat(200_000),
            "</div>".repeat(200_000)
        );
        assert_eq!(nesting_depth(&html), 200_001);
        assert_eq!(lines(&html), ["Before.", "deep text", "After & done."]);
    }

    #[test]
    fn nesting_depth_ignores_void_and_self_closing_elements() {
        assert_eq!(nesting_depth("<div><br><img src=x/><p>a</p></div>"), 2);
    }

    #[test]
    fn the_flat_scanner_skips_scripts_and_decodes_entities() {
        let got: Vec<String> =
            flat_raw_blocks("<script>if (a < b) {}</script><p>Caf&#233; &ndash; &#x41;&nbsp;b</p>")
                .into_iter()
                .map(|b| b.lines.join("|"))
                .collect();
        assert_eq!(got, ["Café – A b"]);
    }
}
