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

/// Class or id words that mark site furniture wherever they are.
const FURNITURE_WORDS: &[&str] = &[
    "cookie",
    "cookies",
    "breadcrumb",
    "breadcrumbs",
    "skip",
    "skiplink",
    "feedback",
    "share",
    "social",
    "nav",
    "navigation",
    "navbar",
    "menu",
    "sidebar",
    "newsletter",
    "updated",
    "sronly",
    "visuallyhidden",
    "banner",
    "consent",
    "survey",
    "helpful",
    "print",
    "backtotop",
];

/// Class or id words that mark furniture only outside the main content.
const OUTER_WORDS: &[&str] = &["header", "footer", "masthead", "topbar"];

static FURNITURE_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:page last updated|last updated|was this page (?:helpful|useful)|is this page useful|report a problem|print this page|share this page|back to top|skip to (?:main )?content|accept (?:all |additional )?cookies|reject (?:all |additional )?cookies|we use (?:some )?(?:essential )?cookies|cookies on |you can change your cookie|give feedback|tell us what you think)",
    )
    .unwrap()
});

fn words(value: &str) -> impl Iterator<Item = String> + '_ {
    value
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_' || c == '.')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
}

fn attribute_words(element: &Element) -> Vec<String> {
    let mut out = Vec::new();
    for name in ["class", "id"] {
        if let Some(value) = element.attr(name) {
            out.extend(words(value));
            // "sr-only", "visually-hidden", "back-to-top" as one word too
            out.push(value.to_ascii_lowercase().replace(['-', '_'], ""));
        }
    }
    out
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
    let words = attribute_words(element);
    words.iter().any(|w| {
        FURNITURE_WORDS
            .iter()
            .any(|f| w == f || (w.starts_with(f) && w.len() <= f.len() + 1))
            || (!inside_main && OUTER_WORDS.contains(&w.as_str()))
    })
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

/// Parse HTML into raw blocks. Iterative, so any nesting depth is fine.
pub(crate) fn raw_blocks(source: &str) -> Vec<RawBlock> {
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
                        if is_furniture(element, main_depth > 0) {
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
    fn deep_nesting_does_not_overflow_the_stack() {
        let html = format!("{}text{}", "<div>".repeat(5_000), "</div>".repeat(5_000));
        assert_eq!(lines(&html), ["text"]);
    }
}
