//! The reading context: the input folder, the diagnostics found so far, the
//! files read, and helpers that read typed fields out of JSON objects while
//! reporting every problem with its place.

use crate::json::{Kind, Member, Pos, Value};
use crate::text::{find_marker, normalize};
use nap_model::{Date, Diagnostic};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The largest JSON or Markdown file read.
pub const MAX_TEXT_FILE: u64 = 32 * 1024 * 1024;
/// The largest comments CSV file read (a consultation can gather hundreds of
/// thousands of rows).
pub const MAX_CSV_FILE: u64 = 512 * 1024 * 1024;
/// The most comments a plan may hold (all files together): 25,000 comments
/// make an annex of about 2,500 pages, and beyond that a build would take
/// minutes and gigabytes for a document no one can use.
pub const MAX_COMMENTS: usize = 25_000;

pub struct Ctx {
    pub root: PathBuf,
    root_canon: Option<PathBuf>,
    pub diags: Vec<Diagnostic>,
    pub files: Vec<crate::ReadFile>,
    pub final_rules: bool,
}

/// The outcome of reading one file.
pub enum Read {
    Missing,
    /// Refused or unreadable; the diagnostic is already recorded.
    Failed,
    Bytes(Vec<u8>),
}

/// Why [`Ctx::read_json`] gave no value (its diagnostic is recorded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonFile {
    Missing,
    Unreadable,
}

/// A text field: normalized, with where its value starts.
#[derive(Debug, Clone)]
pub struct Txt {
    pub s: String,
    pub pos: Pos,
}

/// A JSON object being read: which members were used, for the unknown-field warnings.
pub struct Obj<'v> {
    members: &'v [Member],
    index: HashMap<&'v str, usize>,
    pub pos: Pos,
    pub path: String,
    used: Vec<bool>,
}

impl<'v> Obj<'v> {
    /// The JSON path of a member, e.g. `[2].milestones[0].end`.
    pub fn field(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The member named `key`, marked as used; `null` counts as absent.
    pub fn take(&mut self, key: &str) -> Option<&'v Member> {
        let &i = self.index.get(key)?;
        self.used[i] = true;
        let m = &self.members[i];
        (m.value.kind != Kind::Null).then_some(m)
    }

    /// Where the value of member `key` is, when it is written `null`.
    pub fn null_at(&self, key: &str) -> Option<Pos> {
        let m = &self.members[*self.index.get(key)?];
        (m.value.kind == Kind::Null).then_some(m.value.pos)
    }
}

impl Ctx {
    pub fn new(root: &Path, final_rules: bool) -> Ctx {
        Ctx {
            root: root.to_path_buf(),
            root_canon: root.canonicalize().ok(),
            diags: Vec::new(),
            files: Vec::new(),
            final_rules,
        }
    }

    pub fn root_exists(&self) -> bool {
        self.root_canon.as_ref().is_some_and(|p| p.is_dir())
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    pub fn error_at(
        &mut self,
        file: &str,
        pos: Pos,
        field: &str,
        msg: impl Into<String>,
    ) -> &mut Diagnostic {
        // Column 0 stands for "no column" (CSV rows, whole lines).
        let mut d = Diagnostic::error(file, msg).at(pos.line, (pos.col > 0).then_some(pos.col));
        if !field.is_empty() {
            d = d.field(field);
        }
        self.diags.push(d);
        self.diags.last_mut().expect("just pushed")
    }

    pub fn warning_at(
        &mut self,
        file: &str,
        pos: Pos,
        field: &str,
        msg: impl Into<String>,
    ) -> &mut Diagnostic {
        self.error_at(file, pos, field, msg).severity = nap_model::Severity::Warning;
        self.diags.last_mut().expect("just pushed")
    }

    /// Whether `rel` resolves to a place inside the input folder; records an
    /// error when it is a link pointing outside.
    fn inside(&mut self, rel: &str, path: &Path) -> bool {
        let (Some(root), Ok(real)) = (&self.root_canon, path.canonicalize()) else {
            return true;
        };
        if real.starts_with(root) {
            return true;
        }
        self.push(
            Diagnostic::error(
                rel,
                "this is a symbolic link to a place outside the input folder; it is not read",
            )
            .hint("copy the file into the input folder instead of linking to it"),
        );
        false
    }

    /// Reads and parses the JSON file `rel`. A missing file records
    /// `missing`; a refused, unreadable or malformed one records its own
    /// diagnostic (the parser's line and column).
    pub fn read_json(&mut self, rel: &str, missing: Diagnostic) -> Result<Value, JsonFile> {
        let bytes = match self.read(rel, MAX_TEXT_FILE) {
            Read::Bytes(b) => b,
            Read::Missing => {
                self.push(missing);
                return Err(JsonFile::Missing);
            }
            Read::Failed => return Err(JsonFile::Unreadable),
        };
        crate::json::parse(&bytes).map_err(|e| {
            self.push(Diagnostic {
                line: Some(e.line),
                column: e.col,
                hint: e.hint,
                ..Diagnostic::error(rel, e.message)
            });
            JsonFile::Unreadable
        })
    }

    /// Reads `rel` (forward slashes, relative to the input folder) once,
    /// refusing links that lead outside the folder and files over `limit`.
    pub fn read(&mut self, rel: &str, limit: u64) -> Read {
        let path = self.root.join(rel);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            return Read::Missing;
        };
        if !self.inside(rel, &path) {
            return Read::Failed;
        }
        let meta = if meta.file_type().is_symlink() {
            match std::fs::metadata(&path) {
                Ok(m) => m,
                Err(_) => {
                    self.push(Diagnostic::error(rel, "this is a symbolic link to nothing"));
                    return Read::Failed;
                }
            }
        } else {
            meta
        };
        if !meta.is_file() {
            let what = if meta.is_dir() {
                "a folder"
            } else {
                "neither a file nor a folder (a pipe, socket or device)"
            };
            self.push(Diagnostic::error(
                rel,
                format!("this should be a file, but it is {what}"),
            ));
            return Read::Failed;
        }
        if meta.len() > limit {
            self.push(
                Diagnostic::error(
                    rel,
                    format!(
                        "the file is {} MiB, more than the limit of {} MiB",
                        meta.len().div_ceil(1024 * 1024),
                        limit / (1024 * 1024)
                    ),
                )
                .hint("split it into smaller files"),
            );
            return Read::Failed;
        }
        match std::fs::read(&path) {
            Ok(b) => {
                use sha2::Digest;
                self.files.push(crate::ReadFile {
                    path: PathBuf::from(rel),
                    sha256: sha2::Sha256::digest(&b).into(),
                });
                Read::Bytes(b)
            }
            Err(e) => {
                self.push(Diagnostic::error(
                    rel,
                    format!("the file cannot be read: {e}"),
                ));
                Read::Failed
            }
        }
    }

    /// The entries of folder `rel` (name, is a folder), sorted by name,
    /// without hidden files and office lock files. `None` when it does not exist.
    pub fn list_dir(&mut self, rel: &str) -> Option<Vec<(String, bool)>> {
        let path = self.root.join(rel);
        if !path.is_dir() || !self.inside(rel, &path) {
            return None;
        }
        let mut out = Vec::new();
        for e in std::fs::read_dir(&path).ok()?.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name.starts_with("~$") {
                continue;
            }
            out.push((name, e.path().is_dir()));
        }
        out.sort();
        Some(out)
    }

    /// `v` as an object, or an error saying what it is instead.
    pub fn obj<'v>(&mut self, file: &str, v: &'v Value, path: &str, what: &str) -> Option<Obj<'v>> {
        let Kind::Obj(members) = &v.kind else {
            self.error_at(
                file,
                v.pos,
                path,
                format!(
                    "{what} should be an object ({{ … }}), not {}",
                    v.type_name()
                ),
            );
            return None;
        };
        let mut index = HashMap::with_capacity(members.len());
        for (i, m) in members.iter().enumerate() {
            if let Some(&first) = index.get(m.key.as_str()) {
                let first: &Member = &members[first];
                let line = first.key_pos.line;
                let field = if path.is_empty() {
                    m.key.clone()
                } else {
                    format!("{path}.{}", m.key)
                };
                self.error_at(
                    file,
                    m.key_pos,
                    &field,
                    format!(
                        "`{}` is given twice in the same object (first on line {line})",
                        m.key
                    ),
                )
                .hint = Some("keep one of them".into());
            } else {
                index.insert(m.key.as_str(), i);
            }
        }
        Some(Obj {
            members,
            index,
            pos: v.pos,
            path: path.to_string(),
            used: vec![false; members.len()],
        })
    }

    /// Warns about every member of `o` that was not read, naming the field
    /// probably meant.
    pub fn finish(&mut self, file: &str, o: Obj<'_>, known: &[&str]) {
        for (m, used) in o.members.iter().zip(&o.used) {
            if *used || known.contains(&m.key.as_str()) {
                continue;
            }
            let field = o.field(&m.key);
            let hint = match suggest(&m.key, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the fields here are: {}", known.join(", ")),
            };
            self.warning_at(
                file,
                m.key_pos,
                &field,
                format!("unknown field `{}`; it is ignored", m.key),
            )
            .hint = Some(hint);
        }
    }

    /// A required member: an error at the object when it is absent, at the
    /// `null` when it is written so.
    pub fn required<'v>(&mut self, file: &str, o: &mut Obj<'v>, key: &str) -> Option<&'v Member> {
        let m = o.take(key);
        if m.is_none() {
            self.required_missing(file, o, key);
        }
        m
    }

    /// Reports the required member `key` of `o` as missing, or as `null`.
    pub fn required_missing(&mut self, file: &str, o: &Obj<'_>, key: &str) {
        let field = o.field(key);
        match o.null_at(key) {
            Some(pos) => {
                self.error_at(
                    file,
                    pos,
                    &field,
                    format!("the required field `{key}` is null"),
                )
                .hint = Some("write its value in place of null".into());
            }
            None => {
                self.error_at(
                    file,
                    o.pos,
                    &field,
                    format!("the required field `{key}` is missing"),
                );
            }
        }
    }

    /// A text member, normalized; numbers are taken as written. Required
    /// texts may not be empty.
    pub fn text(&mut self, file: &str, o: &mut Obj<'_>, key: &str, required: bool) -> Option<Txt> {
        let m = if required {
            self.required(file, o, key)?
        } else {
            o.take(key)?
        };
        let field = o.field(key);
        self.text_value(file, &m.value, &field, required)
    }

    pub fn text_value(
        &mut self,
        file: &str,
        v: &Value,
        field: &str,
        required: bool,
    ) -> Option<Txt> {
        let raw = match &v.kind {
            Kind::Str(s) => s.as_str(),
            Kind::Num(n) => n.as_str(),
            _ => {
                self.error_at(
                    file,
                    v.pos,
                    field,
                    format!("`{}` should be a text, not {}", last(field), v.type_name()),
                );
                return None;
            }
        };
        let s = normalize(raw);
        if s.is_empty() {
            if required {
                self.error_at(file, v.pos, field, format!("`{}` is empty", last(field)));
            }
            return None;
        }
        self.check_marker(file, v.pos, field, &s);
        crate::markdown::check_markdown(self, file, &s, v.pos, field);
        Some(Txt { s, pos: v.pos })
    }

    /// At `--final`, a TODO/TBD/xxx marker left in a text is an error.
    pub fn check_marker(&mut self, file: &str, pos: Pos, field: &str, s: &str) {
        if !self.final_rules {
            return;
        }
        if let Some((_, m)) = find_marker(s) {
            self.error_at(
                file,
                pos,
                field,
                format!("the text still holds the marker `{m}`"),
            )
            .hint = Some("finish the text before the final submission".into());
        }
    }

    /// A date member in any accepted form.
    pub fn date(
        &mut self,
        file: &str,
        o: &mut Obj<'_>,
        key: &str,
        required: bool,
    ) -> Option<(Date, Pos)> {
        let t = self.text(file, o, key, required)?;
        let field = o.field(key);
        self.parse_date(file, t.pos, &field, &t.s)
            .map(|d| (d, t.pos))
    }

    pub fn parse_date(&mut self, file: &str, pos: Pos, field: &str, s: &str) -> Option<Date> {
        match crate::dates::parse(s) {
            Ok(d) => Some(d),
            Err(crate::dates::DateProblem::Form) => {
                self.error_at(file, pos, field, format!("`{s}` is not a date"))
                    .hint = Some(crate::dates::DATE_FORMS.into());
                None
            }
            Err(crate::dates::DateProblem::Invalid(why)) => {
                self.error_at(
                    file,
                    pos,
                    field,
                    format!("`{s}` is not a valid date: {why}"),
                );
                None
            }
        }
    }

    /// A list member.
    pub fn list<'v>(
        &mut self,
        file: &str,
        o: &mut Obj<'v>,
        key: &str,
        required: bool,
    ) -> Option<&'v [Value]> {
        let m = if required {
            self.required(file, o, key)?
        } else {
            o.take(key)?
        };
        match &m.value.kind {
            Kind::Arr(items) => Some(items),
            _ => {
                let field = o.field(key);
                self.error_at(
                    file,
                    m.value.pos,
                    &field,
                    format!(
                        "`{key}` should be a list ([ … ]), not {}",
                        m.value.type_name()
                    ),
                );
                None
            }
        }
    }

    /// A list of texts (entries that are not texts are reported and skipped).
    pub fn text_list(&mut self, file: &str, o: &mut Obj<'_>, key: &str) -> Vec<Txt> {
        let field = o.field(key);
        let Some(items) = self.list(file, o, key, false) else {
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| self.text_value(file, v, &format!("{field}[{i}]"), false))
            .collect()
    }

    /// A true/false member.
    pub fn bool(&mut self, file: &str, o: &mut Obj<'_>, key: &str) -> Option<bool> {
        let m = o.take(key)?;
        match m.value.kind {
            Kind::Bool(b) => Some(b),
            _ => {
                let field = o.field(key);
                self.error_at(
                    file,
                    m.value.pos,
                    &field,
                    format!(
                        "`{key}` should be true or false, not {}",
                        m.value.type_name()
                    ),
                );
                None
            }
        }
    }
}

/// The last segment of a field path, for sentences (`[0].milestones[1].end` → `end`).
fn last(field: &str) -> &str {
    let s = field.rsplit('.').next().unwrap_or(field);
    match s.find('[') {
        Some(0) | None => s,
        Some(i) => &s[..i],
    }
}

/// The candidate closest to `word`, if one is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let cl = c.to_lowercase();
        let score = if cl == w {
            2.0
        } else {
            let lev = strsim::levenshtein(&w, &cl);
            let jw = strsim::jaro_winkler(&w, &cl);
            if (lev <= 2 && lev * 2 < w.len().max(cl.len())) || jw >= 0.88 {
                jw
            } else {
                continue;
            }
        };
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_close_or_nothing() {
        let known = ["title", "objective", "description", "milestones"];
        assert_eq!(
            suggest("objectve", known.iter().copied()),
            Some("objective")
        );
        assert_eq!(suggest("Title", known.iter().copied()), Some("title"));
        assert_eq!(
            suggest("milestone", known.iter().copied()),
            Some("milestones")
        );
        assert_eq!(suggest("budget", known.iter().copied()), None);
    }

    #[test]
    fn files_over_the_limit_are_refused_and_links_outside_too() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("in");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("plan.json"), vec![b' '; 3 * 1024 * 1024]).unwrap();
        let mut cx = Ctx::new(&root, false);
        assert!(matches!(
            cx.read("plan.json", 2 * 1024 * 1024),
            Read::Failed
        ));
        assert_eq!(
            cx.diags[0].message,
            "the file is 3 MiB, more than the limit of 2 MiB"
        );
        assert!(matches!(
            cx.read("plan.json", 4 * 1024 * 1024),
            Read::Bytes(_)
        ));
        assert!(matches!(cx.read("none.json", 1), Read::Missing));
        #[cfg(unix)]
        {
            std::fs::write(tmp.path().join("outside.md"), "x").unwrap();
            std::os::unix::fs::symlink(tmp.path().join("outside.md"), root.join("intro.md"))
                .unwrap();
            assert!(matches!(cx.read("intro.md", 1024), Read::Failed));
            let paths: Vec<&PathBuf> = cx.files.iter().map(|f| &f.path).collect();
            assert_eq!(paths, [&PathBuf::from("plan.json")]);
        }
    }

    #[test]
    fn last_segment_of_a_path() {
        assert_eq!(last("[0].milestones[1].end"), "end");
        assert_eq!(last("other_actors.government[2]"), "government");
        assert_eq!(last("[3]"), "[3]");
        assert_eq!(last("title"), "title");
    }
}
