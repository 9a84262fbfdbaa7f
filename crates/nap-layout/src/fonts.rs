//! The embedded faces, shaping with a per-layout cache, and the handling of
//! characters the faces lack.

use crate::FaceId;
use nap_fonts::{Face, Family};
use rustybuzz::{Face as BFace, UnicodeBuffer};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

/// The face for an id: 0..4 serif, 4..8 sans; +1 bold, +2 italic.
pub fn face_of(id: FaceId) -> Face {
    Face {
        family: if id & 4 == 0 {
            Family::Serif
        } else {
            Family::Sans
        },
        bold: id & 1 != 0,
        italic: id & 2 != 0,
    }
}

pub fn face_id(face: Face) -> FaceId {
    (if face.family == Family::Sans { 4 } else { 0 })
        | u8::from(face.bold)
        | (u8::from(face.italic) << 1)
}

/// A shaped piece of text. Advances and offsets are in em (font units / upem).
#[derive(Debug)]
pub struct Shaped {
    pub glyphs: Vec<SGlyph>,
    pub width: f32,
    /// Characters the face lacks (reported again when the cache is hit, so
    /// fonts reused for another part of a document report what they meet
    /// there: see [`Fonts::take_report`]).
    missing: Vec<char>,
}

#[derive(Debug, Clone, Copy)]
pub struct SGlyph {
    pub id: u16,
    pub adv: f32,
    pub dx: f32,
    pub dy: f32,
    /// Byte offset of the glyph's cluster in the shaped text.
    pub cluster: u32,
}

pub struct Metrics {
    /// Ascender and descender (positive, em).
    pub ascent: f32,
    pub descent: f32,
    pub space: f32,
    pub space_glyph: u16,
}

pub struct Fonts {
    faces: Vec<BFace<'static>>,
    pub metrics: Vec<Metrics>,
    cache: Vec<HashMap<Box<str>, Rc<Shaped>>>,
    /// Shape plans per face and script: building one reads the face's
    /// GSUB/GPOS feature lists, which cost as much as shaping a word.
    plans: Vec<Vec<(Option<rustybuzz::Script>, Rc<rustybuzz::ShapePlan>)>>,
    /// Glyph drawn for a character no face has, per face: (glyph, advance em).
    replacement: Vec<(u16, f32, char)>,
    /// Missing characters and the first text they were seen in.
    pub missing: BTreeMap<char, String>,
    /// The paragraph being shaped (for messages about missing characters).
    context: String,
    /// Whether [`Fonts::set_context`] was called yet.
    context_set: bool,
    /// Missing characters first met before any `set_context` call, with the
    /// text they were met in: their message names a paragraph laid out
    /// before (by other fonts, when a document is laid out in chunks).
    early: BTreeMap<char, String>,
}

/// What shaping part of a document learnt about missing characters, to be
/// merged in document order by [`Fonts::absorb`].
pub struct MissingReport {
    missing: BTreeMap<char, String>,
    early: BTreeMap<char, String>,
    /// The last context set, if any.
    context: Option<String>,
}

impl Fonts {
    pub fn new() -> Fonts {
        let mut faces = Vec::with_capacity(8);
        let mut metrics = Vec::with_capacity(8);
        let mut replacement = Vec::with_capacity(8);
        for id in 0..8u8 {
            let bytes = nap_fonts::bytes(face_of(id));
            let face = BFace::from_slice(bytes, 0).expect("embedded font parses");
            let upem = face.units_per_em() as f32;
            let space_glyph = face.glyph_index(' ').map(|g| g.0).unwrap_or(0);
            let space = face
                .glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(space_glyph))
                .unwrap_or(0) as f32
                / upem;
            metrics.push(Metrics {
                ascent: face.ascender() as f32 / upem,
                descent: -(face.descender() as f32) / upem,
                space,
                space_glyph,
            });
            // A visible stand-in that every face has: the replacement
            // character if present, else the question mark.
            let rep = ['\u{FFFD}', '\u{25A1}', '?']
                .into_iter()
                .find_map(|c| face.glyph_index(c).map(|g| (g.0, c)))
                .unwrap_or((0, '?'));
            let rep_adv = face
                .glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(rep.0))
                .unwrap_or(0) as f32
                / upem;
            replacement.push((rep.0, rep_adv, rep.1));
            faces.push(face);
        }
        Fonts {
            faces,
            metrics,
            cache: (0..8).map(|_| HashMap::new()).collect(),
            plans: (0..8).map(|_| Vec::new()).collect(),
            replacement,
            missing: BTreeMap::new(),
            context: String::new(),
            context_set: false,
            early: BTreeMap::new(),
        }
    }

    /// Names the text that following shaping calls belong to.
    pub fn set_context(&mut self, text: &str) {
        self.context.clear();
        self.context.push_str(text);
        self.context_set = true;
    }

    /// The missing characters these fonts met, for [`Fonts::absorb`]; the
    /// fonts are left as new ones (with warm caches) for another part of
    /// the document.
    pub fn take_report(&mut self) -> MissingReport {
        let context = std::mem::take(&mut self.context);
        MissingReport {
            missing: std::mem::take(&mut self.missing),
            early: std::mem::take(&mut self.early),
            context: std::mem::replace(&mut self.context_set, false).then_some(context),
        }
    }

    /// Notes that `c` is missing, met shaping `text`.
    fn note_missing(&mut self, c: char, text: &str) {
        if !self.missing.contains_key(&c) {
            self.missing.insert(c, snippet(&self.context, text));
            if !self.context_set {
                self.early.insert(c, text.to_string());
            }
        }
    }

    /// Merges what other fonts met shaping the text that follows the text
    /// these fonts shaped, as if these fonts had shaped it all: a character
    /// keeps the first text it was seen in, and the context carries over.
    pub fn absorb(&mut self, r: MissingReport) {
        for (c, text) in r.missing {
            if self.missing.contains_key(&c) {
                continue;
            }
            // Met before the other fonts had a context: it was met in ours.
            let text = match r.early.get(&c) {
                Some(part) => snippet(&self.context, part),
                None => text,
            };
            self.missing.insert(c, text);
        }
        if let Some(context) = r.context {
            self.set_context(&context);
        }
    }

    pub fn has_char(&self, face: FaceId, c: char) -> bool {
        self.faces[face as usize].glyph_index(c).is_some()
    }

    /// Shapes `text` (no line breaks inside) in `face`; cached.
    pub fn shape(&mut self, face: FaceId, text: &str) -> Rc<Shaped> {
        if let Some(s) = self.cache[face as usize].get(text) {
            let s = s.clone();
            for &c in &s.missing {
                self.note_missing(c, text);
            }
            return s;
        }
        let bf = &self.faces[face as usize];
        let upem = bf.units_per_em() as f32;
        let mut buf = UnicodeBuffer::new();
        buf.push_str(text);
        buf.set_direction(rustybuzz::Direction::LeftToRight);
        buf.guess_segment_properties();
        buf.set_direction(rustybuzz::Direction::LeftToRight);
        // The very plan `rustybuzz::shape` would build for this buffer: its
        // script as guessed above (none when the text has only common
        // characters), no language, left to right, no features.
        let script = Some(buf.script()).filter(|s| *s != rustybuzz::script::UNKNOWN);
        let plans = &mut self.plans[face as usize];
        let plan = match plans.iter().find(|(s, _)| *s == script) {
            Some((_, p)) => p.clone(),
            None => {
                let p = Rc::new(rustybuzz::ShapePlan::new(
                    bf,
                    rustybuzz::Direction::LeftToRight,
                    script,
                    None,
                    &[],
                ));
                plans.push((script, p.clone()));
                p
            }
        };
        let out = rustybuzz::shape_with_plan(bf, &plan, buf);
        let (rep_id, rep_adv, rep_char) = self.replacement[face as usize];
        let mut glyphs = Vec::with_capacity(out.len());
        let mut missing = Vec::new();
        let mut width = 0.0;
        for (info, pos) in out.glyph_infos().iter().zip(out.glyph_positions()) {
            let mut g = SGlyph {
                id: info.glyph_id as u16,
                adv: pos.x_advance as f32 / upem,
                dx: pos.x_offset as f32 / upem,
                dy: pos.y_offset as f32 / upem,
                cluster: info.cluster,
            };
            if g.id == 0 {
                // Never draw .notdef (invisible in many viewers, forbidden in
                // PDF/A): draw a visible stand-in and report the character.
                let c = text[info.cluster as usize..].chars().next().unwrap_or(' ');
                self.note_missing(c, text);
                missing.push(c);
                let _ = rep_char;
                g.id = rep_id;
                g.adv = rep_adv;
                g.dx = 0.0;
                g.dy = 0.0;
            }
            width += g.adv;
            glyphs.push(g);
        }
        let shaped = Rc::new(Shaped {
            glyphs,
            width,
            missing,
        });
        self.cache[face as usize].insert(Box::from(text), shaped.clone());
        shaped
    }

    /// Width in points of `text` at `size`.
    pub fn width(&mut self, face: FaceId, size: f32, text: &str) -> f32 {
        self.shape(face, text).width * size
    }

    /// One glyph run of `text` (no wrapping).
    #[allow(clippy::too_many_arguments)]
    pub fn run(
        &mut self,
        face: FaceId,
        size: f32,
        text: &str,
        x: f32,
        y: f32,
        color: crate::Color,
        tag: crate::Tag,
    ) -> crate::GlyphRun {
        let shaped = self.shape(face, text);
        crate::GlyphRun {
            x,
            y,
            face,
            size,
            glyphs: glyphs_of(&shaped, 0..shaped.glyphs.len(), text.len(), 0, size),
            text: text.to_string(),
            color,
            tag,
            outlined: false,
            rotate: 0.0,
        }
    }
}

/// Up to ~30 characters either side of `part` inside `context`.
fn snippet(context: &str, part: &str) -> String {
    let Some(at) = context.find(part) else {
        return part.to_string();
    };
    let before: Vec<char> = context[..at].chars().rev().take(30).collect();
    let after: String = context[at + part.len()..].chars().take(30).collect();
    let mut s: String = before.into_iter().rev().collect();
    s.push_str(part);
    s.push_str(&after);
    s
}

/// Converts shaped glyphs `gl` (of a text whose shaped part is `text_len`
/// bytes long) into positioned glyphs whose ranges are shifted by `offset`.
pub fn glyphs_of(
    shaped: &Shaped,
    gl: std::ops::Range<usize>,
    text_len: usize,
    offset: isize,
    size: f32,
) -> Vec<crate::Glyph> {
    let mut out = Vec::with_capacity(gl.len());
    glyphs_into(&mut out, shaped, gl, text_len, offset, size);
    out
}

/// [`glyphs_of`] appending to `out`: a line's run collects its words'
/// glyphs without a temporary vector per word.
pub fn glyphs_into(
    out: &mut Vec<crate::Glyph>,
    shaped: &Shaped,
    gl: std::ops::Range<usize>,
    text_len: usize,
    offset: isize,
    size: f32,
) {
    let gs = &shaped.glyphs[gl.clone()];
    out.reserve(gs.len());
    for (i, g) in gs.iter().enumerate() {
        let start = g.cluster as usize;
        // The cluster ends where the next different cluster starts (LTR).
        let end = shaped.glyphs[gl.start + i + 1..]
            .iter()
            .map(|n| n.cluster as usize)
            .find(|&c| c > start)
            .unwrap_or(text_len)
            .max(start);
        out.push(crate::Glyph {
            id: g.id,
            advance: g.adv * size,
            dx: g.dx * size,
            dy: g.dy * size,
            range: (start as isize + offset) as u32..(end as isize + offset) as u32,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    enum Step {
        Context(&'static str),
        Shape(&'static str),
    }

    fn play(fonts: &mut Fonts, steps: &[Step]) {
        for s in steps {
            match s {
                Step::Context(t) => fonts.set_context(t),
                Step::Shape(t) => {
                    fonts.shape(0, t);
                }
            }
        }
    }

    #[test]
    fn absorbed_reports_are_what_one_fonts_would_report() {
        use Step::*;
        let steps = [
            Shape("Para 🙂 kontekstit"),
            Context("Hyrje me kod 字 brenda dhe më shumë tekst pas tij."),
            Shape("Hyrje"),
            Shape("kod 字 brenda"),
            Shape("😀"),
            Context("Dy 😀 dhe 中 këtu."),
            Shape("中"),
            Shape("😀"),
            Shape("x 中 y"),
            Context("Tre"),
            Shape("Tre 🙃"),
        ];
        let mut one = Fonts::new();
        play(&mut one, &steps);
        assert_eq!(
            one.missing.keys().collect::<String>(),
            "中字😀🙂🙃",
            "the test needs characters the fonts lack"
        );
        // Named with its paragraph, not only the text shaped.
        assert_eq!(
            one.missing[&'字'],
            "Hyrje me kod 字 brenda dhe më shumë tekst pas tij."
        );
        // Every way of cutting the steps into pieces shaped by fonts of their
        // own, merged in order.
        let n = steps.len();
        for cuts in 0u32..1 << (n - 1) {
            let mut pieces = Vec::new();
            let mut start = 0;
            for i in 1..=n {
                if i == n || cuts & (1 << (i - 1)) != 0 {
                    pieces.push(&steps[start..i]);
                    start = i;
                }
            }
            // Each piece by new fonts, or all by one (warm caches), in
            // document order or backwards; reports merged in order.
            for way in 0..3 {
                let mut reports: Vec<Option<MissingReport>> = pieces.iter().map(|_| None).collect();
                let mut reused = Fonts::new();
                let order: Vec<usize> = if way == 2 {
                    (0..pieces.len()).rev().collect()
                } else {
                    (0..pieces.len()).collect()
                };
                for i in order {
                    let mut fresh = Fonts::new();
                    let f = if way == 0 { &mut fresh } else { &mut reused };
                    play(f, pieces[i]);
                    reports[i] = Some(f.take_report());
                }
                let mut merged = Fonts::new();
                for r in reports {
                    merged.absorb(r.unwrap());
                }
                assert_eq!(merged.missing, one.missing, "cuts {cuts:b}, way {way}");
                assert_eq!(merged.context, one.context, "cuts {cuts:b}, way {way}");
            }
        }
    }
}
