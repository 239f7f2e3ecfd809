//! HTML to raw blocks: site furniture dropped, blocks in document order.
//!
//! The markup is read in one pass over the tokens of `html5gum` (a WHATWG tokenizer)
//! with a stack of open elements that closes what HTML closes implicitly (a `<p>` at the
//! next block, an `<li>` at the next item, table cells and rows): the text and block
//! boundaries of a tree builder, without building the tree (html5ever's tree building
//! was most of the time spent on HTML).

use crate::blocks::{Hint, RawBlock};
use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Emitter, ForwardingEmitter};
use regex::Regex;
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
fn furniture_attribute(tag: &StartTag, inside_main: bool) -> bool {
    [&tag.class, &tag.id].iter().any(|value| {
        let Some(value) = value else {
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

fn is_furniture(tag: &StartTag, inside_main: bool) -> bool {
    let name = tag.name.as_str();
    if SKIPPED.contains(&name) {
        return true;
    }
    if (name == "header" || name == "footer") && !inside_main {
        return true;
    }
    if tag.aria_hidden.as_deref() == Some("true") {
        return true;
    }
    if let Some(role) = &tag.role {
        let role = role.to_ascii_lowercase();
        if matches!(
            role.as_str(),
            "navigation" | "search" | "dialog" | "alertdialog"
        ) || (!inside_main && matches!(role.as_str(), "banner" | "contentinfo"))
        {
            return true;
        }
    }
    furniture_attribute(tag, inside_main)
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

#[derive(Default)]
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
        if memchr::memchr(b'\n', self.buffer.as_bytes()).is_none() {
            // One line (no <br>): the common case.
            let line = self.buffer.trim();
            if !FURNITURE_TEXT.is_match(line) {
                let lines = vec![line.to_string()];
                self.blocks.push(RawBlock { hint, lines });
            }
            self.buffer.clear();
            return;
        }
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

/// Deeper than this, markup is read by the flat, linear scanner instead of the walk with
/// its stack of open elements. Real report pages nest a few dozen levels.
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

/// The text of the page's `<title>` element, if it has one in its first 64 KiB.
pub(crate) fn title(source: &str) -> Option<String> {
    // The opening tag is found by a small regex and the text read up to the next tag: a
    // capture of up to 500 characters in the regex made a large automaton, costlier to
    // build and run than the page's own tokenizing.
    static OPEN_TITLE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)<title\b[^>]*>").unwrap());
    let head = &source[..source.floor_char_boundary(64 << 10)];
    let raw = OPEN_TITLE.find_iter(head).find_map(|open| {
        let rest = &head[open.end()..];
        let text = &rest[..rest.find('<')?];
        let close = rest.as_bytes()[text.len()..].get(..8)?;
        (close.eq_ignore_ascii_case(b"</title>") && (1..=500).contains(&text.chars().count()))
            .then_some(text)
    })?;
    let title = decode_entities(raw)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!title.is_empty()).then_some(title)
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

/// Elements other than the [`BLOCK`] ones that a `<p>` ends before (it is closed
/// implicitly before every block but the parts of a table, `<body>` and `<html>`).
const CLOSES_P_TOO: &[&str] = &["dialog", "dir", "form", "hgroup", "menu", "nav"];

/// Block elements that do not end a `<p>`.
const LEAVES_P_OPEN: &[&str] = &[
    "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "body", "html",
];

/// Elements whose content a search for an open element does not leave (HTML's default
/// scope; a `<p>` is also not looked for outside a `<button>`).
const SCOPE: &[&str] = &[
    "html", "table", "td", "th", "caption", "object", "template", "marquee",
];

/// What may stand in `<head>`: any other element ends it, as in a browser.
const HEAD_CONTENT: &[&str] = &[
    "title", "meta", "link", "script", "style", "noscript", "base", "template",
];

/// Elements HTML closes implicitly, grouped by what closes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    /// `<p>`: closed by the next block.
    Paragraph,
    /// `<li>`: closed by the next item of its list.
    ListItem,
    /// `<dt>`, `<dd>`: closed by the next term or description.
    Definition,
    /// `<td>`, `<th>`: closed by the next cell.
    Cell,
    /// `<tr>`: closed by the next row.
    Row,
    /// `<thead>`, `<tbody>`, `<tfoot>`: closed by the next section of the table.
    TableSection,
}

const GROUPS: usize = 6;

/// What the walk needs to know of an element name, looked up once per tag.
#[derive(Debug, Clone, Copy, Default)]
struct Kind {
    block: bool,
    void: bool,
    skipped: bool,
    heading: bool,
    closes_p: bool,
    scope: bool,
    in_head: bool,
    group: Option<Group>,
}

impl Kind {
    /// Ends the search for the element of an inline end tag (HTML's "special" elements).
    fn special(self) -> bool {
        self.block || self.skipped || self.scope || self.void
    }
}

/// FNV-1a: tag names are a few bytes, too short for a general-purpose hash to pay off.
#[derive(Default)]
struct NameHasher(u64);

impl std::hash::Hasher for NameHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100000001b3);
        }
    }
}

type KindMap =
    std::collections::HashMap<&'static str, Kind, std::hash::BuildHasherDefault<NameHasher>>;

/// Every name the walk treats specially, with its kind (other elements are inline).
static KINDS: LazyLock<KindMap> = LazyLock::new(|| {
    let mut kinds = KindMap::default();
    let mut mark = |names: &[&'static str], set: fn(&mut Kind)| {
        for &name in names {
            set(kinds.entry(name).or_default());
        }
    };
    mark(BLOCK, |k| k.block = true);
    mark(VOID, |k| k.void = true);
    mark(SKIPPED, |k| k.skipped = true);
    mark(&["h1", "h2", "h3", "h4", "h5", "h6"], |k| k.heading = true);
    mark(BLOCK, |k| k.closes_p = true);
    mark(LEAVES_P_OPEN, |k| k.closes_p = false);
    mark(CLOSES_P_TOO, |k| k.closes_p = true);
    mark(SCOPE, |k| k.scope = true);
    mark(HEAD_CONTENT, |k| k.in_head = true);
    mark(&["p"], |k| k.group = Some(Group::Paragraph));
    mark(&["li"], |k| k.group = Some(Group::ListItem));
    mark(&["dt", "dd"], |k| k.group = Some(Group::Definition));
    mark(&["td", "th"], |k| k.group = Some(Group::Cell));
    mark(&["tr"], |k| k.group = Some(Group::Row));
    mark(&["thead", "tbody", "tfoot"], |k| {
        k.group = Some(Group::TableSection)
    });
    kinds
});

/// An element name, borrowed from [`KINDS`] when it is one the walk knows.
type Name = std::borrow::Cow<'static, str>;

fn kind_of(name: &str) -> (Name, Kind) {
    match KINDS.get_key_value(name) {
        Some((&known, &kind)) => (Name::Borrowed(known), kind),
        None => (Name::Owned(name.to_string()), Kind::default()),
    }
}

/// A start tag and the attributes that decide whether it is furniture.
#[derive(Debug, Default)]
struct StartTag {
    name: String,
    class: Option<String>,
    id: Option<String>,
    role: Option<String>,
    aria_hidden: Option<String>,
}

/// Elements that look like furniture but are kept when they hold a report heading: a
/// button in the content that holds a heading (an accordion's section title), and a page
/// header that holds the h1 (copies without `<main>` put the "`<council>`: local authority
/// assessment" title there).
fn wanted_heading(name: &str, inside_main: bool) -> Option<fn(&str) -> bool> {
    match name {
        "button" if inside_main => Some(|n| matches!(hint_of(n), Hint::Heading(_))),
        "header" => Some(|n| n == "h1"),
        _ => None,
    }
}

/// What to restore if a furniture element that may hold a heading turns out not to.
struct Tentative {
    blocks: usize,
    buffer: String,
    hints: Vec<Hint>,
    wanted: fn(&str) -> bool,
    found: bool,
}

struct Open {
    name: Name,
    kind: Kind,
    /// This element's start flushed the buffer and pushed a hint.
    block: bool,
    main: bool,
    /// This element starts a skipped subtree.
    skip: bool,
    tentative: Option<Box<Tentative>>,
}

/// How far down the open elements a search for an implicitly closed element or the
/// element of an end tag looks: far enough for any real page, and bounded so that each tag
/// costs little whatever the markup.
const SEARCH_REACH: usize = 128;

/// The walk over the tokens: an open-element stack and the blocks collected so far.
#[derive(Default)]
struct Walker {
    collector: Collector,
    stack: Vec<Open>,
    /// Open elements of each [`Group`], so a search runs only when one is open.
    open_in_group: [usize; GROUPS],
    /// Open elements that start a skipped subtree (text is collected when none is open).
    skipping: usize,
    /// Open furniture elements waiting for a heading.
    tentatives: usize,
    main_depth: usize,
    /// The markup nests deeper than [`MAX_TREE_DEPTH`]: the walk stopped.
    too_deep: bool,
    tag: StartTag,
    in_start_tag: bool,
    /// The start tag attribute being read, if it is one of those `StartTag` keeps.
    attribute: Option<Attribute>,
}

/// The attributes that decide whether an element is furniture.
#[derive(Clone, Copy)]
enum Attribute {
    Class,
    Id,
    Role,
    AriaHidden,
}

/// Text of a token: the tokenizer reads a `&str`, so its strings are UTF-8 but for
/// pathological character references.
fn utf8(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

impl Walker {
    fn event(&mut self, event: CallbackEvent<'_>) {
        if self.too_deep {
            return;
        }
        match event {
            CallbackEvent::OpenStartTag { name } => {
                self.tag.name.clear();
                self.tag.name.push_str(&utf8(name));
                self.tag.class = None;
                self.tag.id = None;
                self.tag.role = None;
                self.tag.aria_hidden = None;
                self.in_start_tag = true;
            }
            CallbackEvent::AttributeName { name } if self.in_start_tag => {
                // The tokenizer lowercases attribute names.
                self.attribute = match name {
                    b"class" => Some(Attribute::Class),
                    b"id" => Some(Attribute::Id),
                    b"role" => Some(Attribute::Role),
                    b"aria-hidden" => Some(Attribute::AriaHidden),
                    _ => None,
                };
            }
            CallbackEvent::AttributeValue { value } if self.in_start_tag => {
                let slot = match self.attribute {
                    Some(Attribute::Class) => &mut self.tag.class,
                    Some(Attribute::Id) => &mut self.tag.id,
                    Some(Attribute::Role) => &mut self.tag.role,
                    Some(Attribute::AriaHidden) => &mut self.tag.aria_hidden,
                    None => return,
                };
                // The first of repeated attributes counts.
                if slot.is_none() {
                    *slot = Some(utf8(value).into_owned());
                }
            }
            CallbackEvent::CloseStartTag { self_closing } => {
                self.in_start_tag = false;
                let tag = std::mem::take(&mut self.tag);
                self.open(&tag, self_closing);
                self.tag = tag;
            }
            CallbackEvent::EndTag { name } => {
                self.in_start_tag = false;
                // Well-formed markup closes the element last opened: its name needs no
                // decoding.
                if name != b"br"
                    && self
                        .stack
                        .last()
                        .is_some_and(|open| open.name.as_bytes() == name)
                {
                    self.pop_to(self.stack.len() - 1);
                } else {
                    self.close(&utf8(name));
                }
            }
            CallbackEvent::String { value } => self.text(&utf8(value)),
            _ => {}
        }
    }

    /// Index of the nearest open element that `wanted` picks, among the `reach` nearest,
    /// unless one that `stops` picks (or a scope boundary) comes first.
    fn find(
        &self,
        reach: usize,
        wanted: impl Fn(&Open) -> bool,
        stops: impl Fn(&Open) -> bool,
    ) -> Option<usize> {
        let from_top = self
            .stack
            .iter()
            .rev()
            .take(reach)
            .position(|open| wanted(open) || stops(open) || open.kind.scope)?;
        let index = self.stack.len() - 1 - from_top;
        wanted(&self.stack[index]).then_some(index)
    }

    /// Close the nearest open element of a group, unless an element `stops` picks comes
    /// first; whether one was closed.
    fn close_group(&mut self, group: Group, stops: impl Fn(&Open) -> bool) -> bool {
        if self.open_in_group[group as usize] == 0 {
            return false;
        }
        match self.find(SEARCH_REACH, |open| open.kind.group == Some(group), stops) {
            Some(index) => {
                self.pop_to(index);
                true
            }
            None => false,
        }
    }

    fn pop_to(&mut self, index: usize) {
        while self.stack.len() > index {
            let open = self.stack.pop().expect("the stack is longer than index");
            self.closed(open);
        }
    }

    fn open(&mut self, tag: &StartTag, self_closing: bool) {
        let (name, mut kind) = kind_of(&tag.name);
        // `<path/>` in an SVG, `<x/>`: an element HTML does not know ends where it starts
        // when written self-closing (`<div/>` still opens a div, as in a browser).
        if self_closing && !KINDS.contains_key(&*name) {
            kind.void = true;
        }
        // What HTML closes implicitly before this element.
        if self.skipping > 0 && !kind.in_head {
            // Anything but head content ends an open <head>.
            let head = self.find(MAX_TREE_DEPTH, |o| o.skip && o.name == "head", |_| false);
            if let Some(head) = head {
                self.pop_to(head);
            }
        }
        if kind.closes_p {
            self.close_group(Group::Paragraph, |o| o.name == "button");
        }
        match kind.group {
            Some(Group::ListItem) => {
                self.close_group(Group::ListItem, |o| matches!(&*o.name, "ul" | "ol"));
            }
            Some(Group::Definition) => {
                self.close_group(Group::Definition, |o| o.name == "dl");
            }
            Some(Group::Cell) => {
                self.close_group(Group::Cell, |o| o.name == "tr");
            }
            Some(Group::Row) => {
                self.close_group(Group::Row, |o| o.kind.group == Some(Group::TableSection));
            }
            Some(Group::TableSection) => {
                self.close_group(Group::TableSection, |_| false);
            }
            Some(Group::Paragraph) | None => {}
        }
        if kind.heading && self.stack.last().is_some_and(|o| o.kind.heading) {
            self.pop_to(self.stack.len() - 1);
        }
        // A furniture element waiting for a heading keeps its content if this is one.
        if self.tentatives > 0 {
            for open in &mut self.stack {
                if let Some(t) = open.tentative.as_mut() {
                    t.found |= (t.wanted)(&name);
                }
            }
        }
        let inside_main = self.main_depth > 0;
        let mut open = Open {
            name,
            kind,
            block: false,
            main: false,
            skip: false,
            tentative: None,
        };
        if self.skipping > 0 {
            // Inside a skipped subtree: only tracked, so its end is found.
        } else if is_furniture(tag, inside_main) {
            match wanted_heading(&open.name, inside_main) {
                Some(wanted) => {
                    self.tentatives += 1;
                    open.tentative = Some(Box::new(Tentative {
                        blocks: self.collector.blocks.len(),
                        buffer: self.collector.buffer.clone(),
                        hints: self.collector.hints.clone(),
                        wanted,
                        found: false,
                    }));
                    self.enter(tag, &mut open);
                }
                None => {
                    open.skip = true;
                    self.skipping += 1;
                }
            }
        } else {
            self.enter(tag, &mut open);
        }
        if kind.void {
            // A void element ends where it starts.
            self.closed(open);
            return;
        }
        if let Some(group) = kind.group {
            self.open_in_group[group as usize] += 1;
        }
        self.stack.push(open);
        self.too_deep = self.stack.len() > MAX_TREE_DEPTH;
    }

    /// The effects of entering a collected element.
    fn enter(&mut self, tag: &StartTag, open: &mut Open) {
        if matches!(&*open.name, "main" | "article") || tag.role.as_deref() == Some("main") {
            self.main_depth += 1;
            open.main = true;
        }
        if open.name == "br" {
            self.collector.buffer.push('\n');
        } else if open.kind.block {
            self.collector.flush();
            self.collector.hints.push(hint_of(&open.name));
            open.block = true;
        }
    }

    /// The effects of leaving an element.
    fn closed(&mut self, open: Open) {
        if let Some(group) = open.kind.group.filter(|_| !open.kind.void) {
            self.open_in_group[group as usize] -= 1;
        }
        if open.skip {
            self.skipping -= 1;
            return;
        }
        if open.block {
            self.collector.flush();
            self.collector.hints.pop();
        }
        if open.main {
            self.main_depth -= 1;
        }
        if let Some(t) = open.tentative {
            self.tentatives -= 1;
            if !t.found {
                // Furniture after all: as if it had never been there.
                self.collector.blocks.truncate(t.blocks);
                self.collector.buffer = t.buffer;
                self.collector.hints = t.hints;
            }
        }
    }

    /// An end tag that does not close the element last opened (see [`Walker::event`]).
    fn close(&mut self, name: &str) {
        let (_, kind) = kind_of(name);
        if name == "br" {
            // `</br>` is read as `<br>`.
            let br = StartTag {
                name: "br".into(),
                ..StartTag::default()
            };
            self.open(&br, false);
            return;
        }
        if name == "p" {
            if !self.close_group(Group::Paragraph, |o| o.name == "button") && self.skipping == 0 {
                // An end tag with no paragraph open stands for an empty paragraph.
                self.collector.flush();
            }
            return;
        }
        let found = if kind.heading {
            // Any heading ends at any heading end tag.
            self.find(SEARCH_REACH, |open| open.kind.heading, |_| false)
        } else if kind.skipped {
            // The end of a skipped subtree is looked for however much is left open in it,
            // so the rest of the page is never lost.
            self.find(MAX_TREE_DEPTH, |open| open.name == name, |_| false)
        } else if kind.special() {
            self.find(SEARCH_REACH, |open| open.name == name, |_| false)
        } else {
            self.find(SEARCH_REACH, |open| open.name == name, |o| o.kind.special())
        };
        if let Some(index) = found {
            self.pop_to(index);
        }
    }

    fn text(&mut self, text: &str) {
        if self.skipping > 0 {
            return;
        }
        push_collapsed(&mut self.collector.buffer, text);
    }
}

/// Append a text run to `buffer` with each run of whitespace as one space, and none at the
/// start of the buffer or after a space or line break.
fn push_collapsed(buffer: &mut String, text: &str) {
    if text.is_ascii() {
        push_ascii_collapsed(buffer, text);
    } else {
        push_unicode_collapsed(buffer, text);
    }
}

fn push_unicode_collapsed(buffer: &mut String, text: &str) {
    if text.chars().all(char::is_whitespace) {
        if !buffer.is_empty() && !buffer.ends_with([' ', '\n']) {
            buffer.push(' ');
        }
        return;
    }
    let mut first = true;
    for word in text.split_whitespace() {
        let glue = !first || text.starts_with(char::is_whitespace);
        if glue && !buffer.is_empty() && !buffer.ends_with([' ', '\n']) {
            buffer.push(' ');
        }
        buffer.push_str(word);
        first = false;
    }
    if text.ends_with(char::is_whitespace) {
        buffer.push(' ');
    }
}

/// [`push_collapsed`] for ASCII text, byte by byte.
fn push_ascii_collapsed(buffer: &mut String, text: &str) {
    // The ASCII characters `char::is_whitespace` accepts.
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r');
    let bytes = text.as_bytes();
    let mut any_word = false;
    let mut i = 0;
    while i < bytes.len() {
        if is_space(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !is_space(bytes[i]) {
            i += 1;
        }
        if start > 0 && !buffer.is_empty() && !buffer.ends_with([' ', '\n']) {
            buffer.push(' ');
        }
        buffer.push_str(&text[start..i]);
        any_word = true;
    }
    let space_after = if any_word {
        bytes.last().is_some_and(|&b| is_space(b))
    } else {
        !buffer.is_empty() && !buffer.ends_with([' ', '\n'])
    };
    if space_after {
        buffer.push(' ');
    }
}

/// An emitter that reports no parse errors: the tokenizer then skips its per-character
/// validation, which would only find errors that are ignored anyway.
struct Quiet<E>(E);

impl<E: Emitter> ForwardingEmitter for Quiet<E> {
    type Token = E::Token;
    fn inner(&mut self) -> &mut impl Emitter<Token = Self::Token> {
        &mut self.0
    }
    fn should_emit_errors(&mut self) -> bool {
        false
    }
}

/// Parse HTML into raw blocks in one pass over its tokens; markup nested deeper than
/// [`MAX_TREE_DEPTH`] goes to the flat scanner.
pub(crate) fn raw_blocks(source: &str) -> Vec<RawBlock> {
    let mut walker = Walker::default();
    let mut emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, _: html5gum::Span<()>| {
        walker.event(event);
        None::<()>
    });
    // Script, style and other raw-text elements switch the tokenizer's state, as a tree
    // builder would.
    emitter.naively_switch_states(true);
    for _ in html5gum::Tokenizer::new_with_emitter(source, Quiet(emitter)) {}
    if walker.too_deep {
        return flat_raw_blocks(source);
    }
    walker.pop_to(0);
    walker.collector.flush();
    walker.collector.blocks
}

#[cfg(test)]
mod tests {

    #[test]
    fn ascii_text_runs_collapse_as_unicode_ones_do() {
        let pieces = [
            "", " ", "a", "bc", "\t", "\n", "\x0B", "\x0C", "\r", "  ", "x y", ".", "\x1F",
        ];
        let mut state: u32 = 7;
        for _ in 0..20_000 {
            let mut next = |n: usize| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (state >> 16) as usize % n
            };
            let buffer: String = ["", "x", "x ", "x\n"][next(4)].to_string();
            let text: String = (0..next(6)).map(|_| pieces[next(pieces.len())]).collect();
            let (mut ascii, mut unicode) = (buffer.clone(), buffer);
            super::push_ascii_collapsed(&mut ascii, &text);
            super::push_unicode_collapsed(&mut unicode, &text);
            assert_eq!(ascii, unicode, "text {text:?}");
        }
    }
    use super::*;

    #[test]
    fn the_title_is_read_as_the_one_regex_with_a_capture_read_it() {
        let spec = Regex::new(r"(?is)<title\b[^>]*>([^<]{1,500})</title>").unwrap();
        let long = format!("<title>{}</title>", "é".repeat(501));
        let longest = format!("<title>{}</title>", "é".repeat(500));
        for html in [
            "<html><head><title>Care Quality Commission</title>",
            "<TITLE lang=\"en\">\n  Spaced \n out </Title >",
            "<title></title><title>Second &amp; last</title>",
            "<titles>no</titles><title>yes</title>",
            "<title>unclosed",
            "<title>nested <b>tag</b></title><title>next</title>",
            "<title>cut</titl",
            "<title\n data-x='a'>multi\nline</TITLE>",
            "<title>   </title>",
            &long,
            &longest,
            "no title at all",
        ] {
            let expected = spec
                .captures(html)
                .map(|c| {
                    decode_entities(&c[1])
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .filter(|t| !t.is_empty());
            assert_eq!(title(html), expected, "in {html:?}");
        }
    }

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
    fn elements_html_closes_implicitly_end_their_blocks() {
        assert_eq!(
            lines("<ul><li>One<li>Two</ul><p>A<p>B<div>C</div>"),
            ["One", "Two", "A", "B", "C"]
        );
        assert_eq!(
            lines("<table><tr><td>a<td>b<tr><th>c</table><dl><dt>T<dd>D</dl>"),
            ["a", "b", "c", "T", "D"]
        );
        let hints: Vec<Hint> = raw_blocks("<ul><li>One<li>Two</ul>")
            .iter()
            .map(|b| b.hint)
            .collect();
        assert_eq!(hints, [Hint::ListItem, Hint::ListItem]);
    }

    #[test]
    fn a_head_left_open_ends_at_the_body() {
        assert_eq!(
            lines("<html><head><title>Title</title><meta charset=utf-8><body><p>Text</p>"),
            ["Text"]
        );
        assert_eq!(lines("<head><script>x</script><p>Text"), ["Text"]);
    }

    #[test]
    fn stray_end_tags_are_ignored() {
        assert_eq!(
            lines("<p>one</span> two</div> three</p>"),
            ["one two three"]
        );
        assert_eq!(lines("<p>a</p></p><p>b</li></ul>"), ["a", "b"]);
        assert_eq!(lines("<div>a</p>b</div>"), ["a", "b"]);
    }

    #[test]
    fn self_closing_svg_shapes_do_not_stay_open() {
        // Left open, 1,200 shapes would be nesting too deep for the walk, and the flat
        // scanner keeps the navigation.
        let icons = "<path d='M0'/>".repeat(1_200);
        let html = format!("<nav>Menu</nav><main><svg>{icons}</svg><p>Staff were kind.</p></main>");
        assert_eq!(lines(&html), ["Staff were kind."]);
    }

    #[test]
    fn a_skipped_element_ends_however_much_is_left_open_in_it() {
        let html = format!(
            "<nav>{}</nav><p>Waits were long.</p>",
            "<span>menu".repeat(300)
        );
        assert_eq!(lines(&html), ["Waits were long."]);
    }

    #[test]
    fn deep_nesting_goes_to_the_flat_scanner_and_keeps_the_text() {
        let html = format!(
            "<p>Before.</p>{}deep <b>text</b>{}<p>After &amp; done.</p>",
            "<div>".repeat(200_000),
            "</div>".repeat(200_000)
        );
        assert_eq!(lines(&html), ["Before.", "deep text", "After & done."]);
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
