//! A first pass over the document, before any XML is written: the headings
//! (with their outline numbers and bookmark names) that the table of
//! contents lists before the renderer reaches them, and the bookmark for
//! every id an internal link (`#id`) may point to.

use nap_doc::{Block, Inline, Revision};
use std::collections::{HashMap, HashSet};

/// Word refuses longer bookmark names.
const MAX_BOOKMARK: usize = 40;

/// One heading, in reading order.
#[derive(Debug, Clone)]
pub struct HeadingInfo {
    /// 1..=4.
    pub level: u8,
    /// "1.2." for numbered headings, empty otherwise: the number Word's
    /// outline list shows, computed the same way (see [`Outline::scan`]).
    pub number: String,
    /// The heading's text as it reads with all tracked changes accepted.
    pub text: String,
    pub bookmark: String,
    /// The estimated page ([`crate::pages`]), shown in the pre-filled TOC
    /// until the application updates the field.
    pub page: u32,
}

#[derive(Debug, Default)]
pub struct Outline {
    pub headings: Vec<HeadingInfo>,
    /// Bookmark name of each figure, in reading order.
    pub figures: Vec<String>,
    /// Heading or figure id → bookmark name (the first one wins on duplicates).
    pub anchors: HashMap<String, String>,
}

impl Outline {
    pub fn scan(blocks: &[Block]) -> Outline {
        let mut outline = Outline::default();
        let mut used = HashSet::new();
        // Word's outline list numbers, the same as the PDF's.
        let mut numbers = nap_doc::heading_numbers(blocks).into_iter();
        nap_doc::walk(blocks, &mut |block| match block {
            Block::Heading {
                level, id, content, ..
            } => {
                let level = (*level).clamp(1, 4);
                let number = numbers.next().unwrap_or_default();
                let bookmark = bookmark_name(id, &mut used);
                outline
                    .anchors
                    .entry(id.clone())
                    .or_insert_with(|| bookmark.clone());
                outline.headings.push(HeadingInfo {
                    level,
                    number,
                    text: accepted_text(content),
                    bookmark,
                    page: 1,
                });
            }
            Block::Figure(figure) => {
                let bookmark = bookmark_name(&figure.id, &mut used);
                outline
                    .anchors
                    .entry(figure.id.clone())
                    .or_insert_with(|| bookmark.clone());
                outline.figures.push(bookmark);
            }
            _ => {}
        });
        let levels: Vec<u8> = outline.headings.iter().map(|h| h.level).collect();
        let pages = crate::pages::estimate(blocks, &levels);
        for (heading, page) in outline.headings.iter_mut().zip(pages) {
            heading.page = page;
        }
        outline
    }
}

/// The text of `inlines` with deletions left out and line breaks as spaces:
/// what a TOC entry shows.
pub fn accepted_text(inlines: &[Inline]) -> String {
    let mut s = String::new();
    for inline in inlines {
        match inline {
            Inline::Text(span) if span.style.revision != Some(Revision::Deleted) => {
                s.push_str(&span.text)
            }
            Inline::Text(_) | Inline::Note(_) => {}
            Inline::LineBreak => s.push(' '),
        }
    }
    s
}

/// A Word bookmark name for `id`: ASCII letters, digits and `_`, starting
/// with a letter, at most 40 characters, unique among `used`.
pub fn bookmark_name(id: &str, used: &mut HashSet<String>) -> String {
    let mut base: String = id
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' => c,
            'ë' | 'é' | 'è' | 'ê' => 'e',
            'Ë' | 'É' | 'È' | 'Ê' => 'E',
            'ç' => 'c',
            'Ç' => 'C',
            _ => '_',
        })
        .collect();
    if !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
        base.insert_str(0, "h_");
    }
    base.truncate(MAX_BOOKMARK);
    let mut name = base.clone();
    let mut n = 2u32;
    while used.contains(&name) {
        let suffix = format!("_{n}");
        let keep = MAX_BOOKMARK - suffix.len();
        name = format!("{}{suffix}", &base[..base.len().min(keep)]);
        n += 1;
    }
    used.insert(name.clone());
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use nap_doc::{Block, Inline};

    fn heading(level: u8, id: &str, numbered: bool) -> Block {
        Block::Heading {
            level,
            id: id.into(),
            numbered,
            content: vec![Inline::plain(id)],
        }
    }

    #[test]
    fn bookmark_names_are_word_safe_and_unique() {
        let mut used = HashSet::new();
        assert_eq!(bookmark_name("angazhimi-1", &mut used), "angazhimi_1");
        assert_eq!(bookmark_name("angazhimi_1", &mut used), "angazhimi_1_2");
        assert_eq!(bookmark_name("1-hyrje", &mut used), "h_1_hyrje");
        assert_eq!(bookmark_name("çështje", &mut used), "ceshtje");
        assert_eq!(bookmark_name("", &mut used), "h_");
        let long = "a".repeat(60);
        let first = bookmark_name(&long, &mut used);
        let second = bookmark_name(&long, &mut used);
        assert_eq!(first.len(), 40);
        assert_eq!(second.len(), 40);
        assert!(second.ends_with("_2"));
    }

    #[test]
    fn numbers_follow_word_outline_rules() {
        let blocks = vec![
            heading(1, "a", true),
            heading(2, "b", true),
            heading(2, "c", true),
            heading(1, "shkurtime", false),
            heading(3, "d", true),
            heading(1, "e", true),
            heading(2, "f", true),
        ];
        let outline = Outline::scan(&blocks);
        let numbers: Vec<&str> = outline.headings.iter().map(|h| h.number.as_str()).collect();
        assert_eq!(numbers, ["1.", "1.1.", "1.2.", "", "1.2.1.", "2.", "2.1."]);
    }

    #[test]
    fn preorder_reaches_headings_in_lists_quotes_and_cells() {
        let nested = Block::Quote(vec![Block::List(nap_doc::List {
            ordered: false,
            start: 1,
            items: vec![vec![heading(3, "inner", false)]],
        })]);
        let blocks = vec![
            heading(1, "first", false),
            nested,
            heading(1, "last", false),
        ];
        let outline = Outline::scan(&blocks);
        let ids: Vec<&str> = outline.headings.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(ids, ["first", "inner", "last"]);
        assert_eq!(outline.anchors["inner"], "inner");
    }
}
