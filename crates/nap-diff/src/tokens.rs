//! Word tokens, word-level diffs and block alignment shared by the change
//! list and the redline.

use serde::Serialize;
use similar::{capture_diff_slices, Algorithm, DiffOp};
use std::collections::HashMap;
use std::hash::Hash;
use std::ops::Range;

/// Splits text into tokens: runs of letters/digits (so "ë", "ç" stay inside
/// their word), runs of white space, and every other character on its own.
/// Concatenating the tokens gives the text back.
pub fn tokenize(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<u8> = None;
    for (i, c) in s.char_indices() {
        let class = char_class(c);
        if let Some(p) = prev {
            // Punctuation never groups: "," and "." are separate edits.
            if p != class || class == PUNCT {
                out.push(&s[start..i]);
                start = i;
            }
        }
        prev = Some(class);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

const WORD: u8 = 0;
const SPACE: u8 = 1;
const PUNCT: u8 = 2;

fn char_class(c: char) -> u8 {
    // Combining marks keep a decomposed "e\u{308}" inside its word even if
    // text ever arrives un-normalized.
    if c.is_alphanumeric() || ('\u{300}'..='\u{36f}').contains(&c) {
        WORD
    } else if c.is_whitespace() {
        SPACE
    } else {
        PUNCT
    }
}

pub(crate) fn is_space(token: &str) -> bool {
    !token.is_empty() && token.chars().all(char::is_whitespace)
}

/// What a piece of a word diff is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PieceKind {
    Equal,
    Deleted,
    Inserted,
}

/// A run of text in a word diff. Equal + Deleted pieces give the old text;
/// Equal + Inserted pieces give the new text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Piece {
    pub kind: PieceKind,
    pub text: String,
}

/// A stretch of two token sequences: equal, or changed (old tokens replaced
/// by new tokens; either side may be empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Equal {
        old: Range<usize>,
        new: Range<usize>,
    },
    Change {
        old: Range<usize>,
        new: Range<usize>,
    },
}

/// Diffs two token sequences and tidies the result for readers: a
/// white-space-only equal stretch between two changes is folded into one
/// change, so "[-a b-]{+c d+}" reads as one edit rather than "[-a-]{+c+} [-b-]{+d+}".
pub(crate) fn segments<K: Hash + Eq>(
    old: &[K],
    new: &[K],
    old_is_space: impl Fn(usize) -> bool,
) -> Vec<Seg> {
    let mut segs: Vec<Seg> = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, old, new) {
        let (o, n) = (op.old_range(), op.new_range());
        let seg = match op {
            DiffOp::Equal { .. } => Seg::Equal { old: o, new: n },
            _ => Seg::Change { old: o, new: n },
        };
        // Adjacent changes (a delete then an insert) become one.
        match (segs.last_mut(), &seg) {
            (Some(Seg::Change { old: po, new: pn }), Seg::Change { old: o2, new: n2 }) => {
                po.end = o2.end;
                pn.end = n2.end;
            }
            _ => segs.push(seg),
        }
    }
    // Fold change, space, change into a single change.
    let mut out: Vec<Seg> = Vec::with_capacity(segs.len());
    let mut i = 0;
    while i < segs.len() {
        let seg = segs[i].clone();
        if let (Some(Seg::Change { old: po, new: pn }), Seg::Equal { old, .. }) =
            (out.last_mut(), &seg)
        {
            let all_space = old.clone().all(&old_is_space);
            if all_space {
                if let Some(Seg::Change { old: o3, new: n3 }) = segs.get(i + 1) {
                    po.end = o3.end;
                    pn.end = n3.end;
                    i += 2;
                    continue;
                }
            }
        }
        out.push(seg);
        i += 1;
    }
    out
}

/// Word-level diff of two texts.
pub fn word_diff(old: &str, new: &str) -> Vec<Piece> {
    let (ot, nt) = (tokenize(old), tokenize(new));
    let mut pieces: Vec<Piece> = Vec::new();
    let mut push = |kind: PieceKind, toks: &[&str]| {
        if toks.is_empty() {
            return;
        }
        let text: String = toks.concat();
        match pieces.last_mut() {
            Some(p) if p.kind == kind => p.text.push_str(&text),
            _ => pieces.push(Piece { kind, text }),
        }
    };
    for seg in segments(&ot, &nt, |i| is_space(ot[i])) {
        match seg {
            Seg::Equal { new, .. } => push(PieceKind::Equal, &nt[new]),
            Seg::Change { old, new } => {
                push(PieceKind::Deleted, &ot[old]);
                push(PieceKind::Inserted, &nt[new]);
            }
        }
    }
    pieces
}

/// How alike two texts are, 0.0–1.0: the Dice coefficient of their word
/// multisets (white space and punctuation ignored).
pub fn similarity(a: &str, b: &str) -> f64 {
    Bag::new(a).dice(&Bag::new(b))
}

/// A text's words with their counts, built once per text so that scoring
/// every candidate pair in an alignment stays cheap.
pub(crate) struct Bag<'a> {
    words: HashMap<&'a str, usize>,
    n: usize,
}

impl<'a> Bag<'a> {
    pub(crate) fn new(s: &'a str) -> Bag<'a> {
        let mut words: HashMap<&str, usize> = HashMap::new();
        let mut n = 0;
        for t in tokenize(s) {
            if t.chars().next().is_some_and(|c| char_class(c) == WORD) {
                *words.entry(t).or_insert(0) += 1;
                n += 1;
            }
        }
        Bag { words, n }
    }

    pub(crate) fn dice(&self, other: &Bag) -> f64 {
        if self.n + other.n == 0 {
            return 1.0;
        }
        let (small, large) = if self.words.len() <= other.words.len() {
            (self, other)
        } else {
            (other, self)
        };
        let common: usize = small
            .words
            .iter()
            .map(|(w, c)| (*c).min(large.words.get(w).copied().unwrap_or(0)))
            .sum();
        2.0 * common as f64 / (self.n + other.n) as f64
    }
}

/// Beyond this many candidate pairs in one unmatched stretch, alignment
/// falls back to pairing by position (keeps hostile inputs linear-ish).
const MAX_DP_CELLS: usize = 250_000;

/// Aligns two sequences into monotone pairs (old index, new index): items
/// with equal keys first (a Myers diff), then, inside each changed stretch,
/// the pairing that maximizes the summed `score` (None = may not pair).
pub(crate) fn align<K: Hash + Eq>(
    old_keys: &[K],
    new_keys: &[K],
    score: impl Fn(usize, usize) -> Option<f64>,
) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for seg in segments(old_keys, new_keys, |_| false) {
        match seg {
            Seg::Equal { old, new } => pairs.extend(old.zip(new)),
            Seg::Change { old, new } => pairs.extend(align_by_score(old, new, &score)),
        }
    }
    pairs
}

fn align_by_score(
    old: Range<usize>,
    new: Range<usize>,
    score: &impl Fn(usize, usize) -> Option<f64>,
) -> Vec<(usize, usize)> {
    let (n, m) = (old.len(), new.len());
    if n == 0 || m == 0 {
        return Vec::new();
    }
    if n * m > MAX_DP_CELLS {
        return old
            .zip(new)
            .filter(|&(i, j)| score(i, j).is_some())
            .collect();
    }
    // best[i][j]: best total for old[i..] and new[j..].
    let w = m + 1;
    let mut best = vec![0.0f64; (n + 1) * w];
    let mut take = vec![false; (n + 1) * w];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let skip = best[(i + 1) * w + j].max(best[i * w + j + 1]);
            let (mut v, mut t) = (skip, false);
            if let Some(s) = score(old.start + i, new.start + j) {
                let with = s + best[(i + 1) * w + j + 1];
                if with > skip {
                    v = with;
                    t = true;
                }
            }
            best[i * w + j] = v;
            take[i * w + j] = t;
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut pairs = Vec::new();
    while i < n && j < m {
        if take[i * w + j] {
            pairs.push((old.start + i, new.start + j));
            i += 1;
            j += 1;
        } else if best[(i + 1) * w + j] >= best[i * w + j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn albanian_letters_stay_inside_words() {
        assert_eq!(
            tokenize("Çështja e përgjegjshmërisë, 2020–2022"),
            vec![
                "Çështja",
                " ",
                "e",
                " ",
                "përgjegjshmërisë",
                ",",
                " ",
                "2020",
                "–",
                "2022"
            ]
        );
        assert_eq!(tokenize("e\u{308}shte"), vec!["e\u{308}shte"]);
        assert_eq!(tokenize(""), Vec::<&str>::new());
        assert_eq!(tokenize("a  ..b"), vec!["a", "  ", ".", ".", "b"]);
    }

    fn project(pieces: &[Piece], keep: PieceKind) -> String {
        pieces
            .iter()
            .filter(|p| p.kind == PieceKind::Equal || p.kind == keep)
            .map(|p| p.text.as_str())
            .collect()
    }

    #[test]
    fn word_diff_marks_only_the_changed_word() {
        let d = word_diff(
            "Hartimi i planeve të integritetit",
            "Miratimi i planeve të integritetit",
        );
        assert_eq!(
            d,
            vec![
                Piece {
                    kind: PieceKind::Deleted,
                    text: "Hartimi".into()
                },
                Piece {
                    kind: PieceKind::Inserted,
                    text: "Miratimi".into()
                },
                Piece {
                    kind: PieceKind::Equal,
                    text: " i planeve të integritetit".into()
                },
            ]
        );
        // A changed diacritic is a changed word, not a split word.
        let d = word_diff("çështje kyçe", "çeshtje kyçe");
        assert_eq!(d[0].text, "çështje");
        assert_eq!(d[1].text, "çeshtje");
    }

    #[test]
    fn word_diff_projects_back_to_both_texts() {
        let cases = [
            ("", "Tekst i ri"),
            ("Tekst i vjetër", ""),
            ("a b c d e", "a x c y e z"),
            (
                "Rritja e transparencës në prokurime.",
                "Rritja e llogaridhënies dhe transparencës në prokurimet publike!",
            ),
        ];
        for (old, new) in cases {
            let d = word_diff(old, new);
            assert_eq!(project(&d, PieceKind::Inserted), new);
            assert_eq!(project(&d, PieceKind::Deleted), old);
        }
    }

    #[test]
    fn adjacent_word_changes_read_as_one_edit() {
        let d = word_diff("deri në fund të vitit 2021", "deri në mes të vitit 2022");
        let kinds: Vec<_> = d.iter().map(|p| (p.kind, p.text.as_str())).collect();
        assert!(kinds.contains(&(PieceKind::Deleted, "fund")));
        assert!(kinds.contains(&(PieceKind::Inserted, "2022")));
        let d = word_diff("një dy tre", "katër pesë gjashtë");
        assert_eq!(d.len(), 2, "{d:?}");
    }

    #[test]
    fn similarity_scores() {
        assert_eq!(similarity("a b c", "a b c"), 1.0);
        assert_eq!(similarity("a b", "c d"), 0.0);
        assert!((similarity("a b c d", "a b c e") - 0.75).abs() < 1e-9);
        assert_eq!(similarity("", ""), 1.0);
    }

    #[test]
    fn align_pairs_equal_keys_then_best_scores() {
        let old = ["h1", "p-old", "x", "h2"];
        let new = ["h1", "new-first", "p-new", "h2"];
        let pairs = align(&old, &new, |i, j| {
            (old[i].starts_with('p') && new[j].starts_with('p')).then_some(0.9)
        });
        assert_eq!(pairs, vec![(0, 0), (1, 2), (3, 3)]);
    }
}
