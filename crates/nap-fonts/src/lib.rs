//! The fonts shipped inside the binary: Noto Serif (body text) and Noto Sans
//! (headings, figures), each in regular, bold, italic and bold italic, under
//! the SIL Open Font License (`assets/fonts/OFL.txt`). Full Albanian coverage
//! (ë, ç, Ë, Ç) and the Latin, Greek and Cyrillic scripts.

/// Serif or sans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    Serif,
    Sans,
}

/// One face of a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Face {
    pub family: Family,
    pub bold: bool,
    pub italic: bool,
}

macro_rules! font {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../assets/fonts/",
            $name
        ))
    };
}

static SERIF: [&[u8]; 4] = [
    font!("NotoSerif-Regular.ttf"),
    font!("NotoSerif-Bold.ttf"),
    font!("NotoSerif-Italic.ttf"),
    font!("NotoSerif-BoldItalic.ttf"),
];
static SANS: [&[u8]; 4] = [
    font!("NotoSans-Regular.ttf"),
    font!("NotoSans-Bold.ttf"),
    font!("NotoSans-Italic.ttf"),
    font!("NotoSans-BoldItalic.ttf"),
];

/// The TrueType bytes of a face.
pub fn bytes(face: Face) -> &'static [u8] {
    let idx = usize::from(face.bold) + 2 * usize::from(face.italic);
    match face.family {
        Family::Serif => SERIF[idx],
        Family::Sans => SANS[idx],
    }
}

/// Every face, for loading into a font database (e.g. for SVG rendering).
pub fn all() -> impl Iterator<Item = (Face, &'static [u8])> {
    [Family::Serif, Family::Sans]
        .into_iter()
        .flat_map(|family| {
            [(false, false), (true, false), (false, true), (true, true)]
                .into_iter()
                .map(move |(bold, italic)| {
                    let face = Face {
                        family,
                        bold,
                        italic,
                    };
                    (face, bytes(face))
                })
        })
}

/// Family names as the font files declare them (for SVG `font-family` and DOCX).
pub const SERIF_NAME: &str = "Noto Serif";
pub const SANS_NAME: &str = "Noto Sans";

/// Whether the body font (Noto Serif) has a glyph for `c`. The four faces
/// and Noto Sans cover the same characters, so this is the question "will
/// this character print, or become a replacement mark?".
pub fn has_glyph(c: char) -> bool {
    use std::sync::OnceLock;
    /// Characters below this are answered from a table made once: the
    /// check runs over every character of the inputs (millions in a large
    /// plan), and the cmap lookup it saves was a visible part of a build.
    const TABLE: usize = 0x800;
    static LOW: OnceLock<[u64; TABLE / 64]> = OnceLock::new();
    let i = c as usize;
    if i < TABLE {
        let low = LOW.get_or_init(|| {
            let mut bits = [0u64; TABLE / 64];
            for (j, word) in bits.iter_mut().enumerate() {
                for b in 0..64 {
                    if char::from_u32((j * 64 + b) as u32).is_some_and(cmap_has) {
                        *word |= 1 << b;
                    }
                }
            }
            bits
        });
        low[i / 64] & (1 << (i % 64)) != 0
    } else {
        cmap_has(c)
    }
}

/// [`has_glyph`] straight from the body face's character map.
fn cmap_has(c: char) -> bool {
    use std::sync::OnceLock;
    static FACE: OnceLock<Option<ttf_parser::Face<'static>>> = OnceLock::new();
    FACE.get_or_init(|| {
        ttf_parser::Face::parse(
            bytes(Face {
                family: Family::Serif,
                bold: false,
                italic: false,
            }),
            0,
        )
        .ok()
    })
    .as_ref()
    .is_some_and(|f| f.glyph_index(c).is_some())
}

#[cfg(test)]
mod tests {
    #[test]
    fn albanian_is_covered_and_emoji_is_not() {
        for c in "ëçËÇ€–“”«»".chars() {
            assert!(super::has_glyph(c), "{c}");
        }
        for c in ['😀', '中', 'ع'] {
            assert!(!super::has_glyph(c), "{c}");
        }
    }

    #[test]
    fn the_table_answers_as_the_character_map_does() {
        let mut covered = 0;
        for c in (0..0x900u32).filter_map(char::from_u32) {
            assert_eq!(
                super::has_glyph(c),
                super::cmap_has(c),
                "U+{:04X}",
                c as u32
            );
            covered += usize::from(super::has_glyph(c));
        }
        // Latin, Greek and Cyrillic print; not every code point does.
        assert!(covered > 1000 && covered < 0x900, "{covered}");
    }

    #[test]
    fn every_face_is_a_truetype_file() {
        for (_, b) in super::all() {
            assert_eq!(&b[..4], &[0, 1, 0, 0], "TrueType magic");
        }
    }
}
