//! Albanian hyphenation (Knuth–Liang patterns from TeX hyph-utf8, through the
//! `hyphenation` crate).

use hyphenation::{Hyphenator, Language, Load, Standard};
use std::collections::HashMap;

static SQ: &[u8] = include_bytes!("../data/sq.standard.bincode");

pub struct Hyph {
    dict: Option<Standard>,
    cache: HashMap<Box<str>, Vec<usize>>,
}

impl Hyph {
    pub fn new() -> Hyph {
        let dict = Standard::from_reader(Language::Albanian, &mut &SQ[..]).ok();
        Hyph {
            dict,
            cache: HashMap::new(),
        }
    }

    /// Byte offsets inside `word` where it may be hyphenated. Words shorter
    /// than six letters are never split (too little gain, ugly pieces).
    pub fn breaks(&mut self, word: &str) -> Vec<usize> {
        let Some(dict) = &self.dict else {
            return Vec::new();
        };
        if word.chars().count() < 6 || !word.chars().all(char::is_alphabetic) {
            return Vec::new();
        }
        if let Some(b) = self.cache.get(word) {
            return b.clone();
        }
        let lower = word.to_lowercase();
        // Lower-casing keeps byte offsets only when lengths match (always for
        // the Albanian alphabet); otherwise don't hyphenate.
        let b = if lower.len() == word.len() {
            dict.hyphenate(&lower).breaks
        } else {
            Vec::new()
        };
        self.cache.insert(Box::from(word), b.clone());
        b
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn albanian_patterns_are_loaded() {
        let mut h = super::Hyph::new();
        let mut hyphenated = |w: &str| {
            let mut parts = Vec::new();
            let mut last = 0;
            for i in h.breaks(w) {
                parts.push(w[last..i].to_string());
                last = i;
            }
            parts.push(w[last..].to_string());
            parts.join("-")
        };
        assert_eq!(hyphenated("përmbledhje"), "për-mbledh-je");
        assert_eq!(hyphenated("transparencës"), "trans-pa-ren-cës");
    }
}
