//! The package parts around `word/document.xml`: styles, numbering,
//! settings, fonts, header and footer, document properties, content types
//! and relationships. Element order inside each part follows the
//! WordprocessingML schema sequences, because Word rejects a document whose
//! children are out of order even where LibreOffice does not.

use crate::xml::{escape, escape_into};
use nap_doc::Meta;

/// A4 portrait, in twentieths of a point.
pub const PAGE_W: u32 = 11_906;
pub const PAGE_H: u32 = 16_838;
/// 2.5 cm (as Word rounds it), leaving a text width of 16 cm.
pub const MARGIN: u32 = 1_417;
pub const TEXT_W: u32 = PAGE_W - 2 * MARGIN;
pub const TEXT_H: u32 = PAGE_H - 2 * MARGIN;

pub const SERIF: &str = "Noto Serif";
pub const SANS: &str = "Noto Sans";
/// Present in every Word installation; LibreOffice substitutes the
/// metric-compatible Liberation Mono.
pub const MONO: &str = "Courier New";

/// Numbering instances (`w:num`). Ids start at 2: some consumers treat id 1
/// specially, and the prototype's bullets turned into "1." through it.
pub const NUM_HEADINGS: u32 = 2;
pub const NUM_BULLET: u32 = 3;
/// First id given to an ordered list; each ordered list gets its own.
pub const NUM_FIRST_ORDERED: u32 = 4;
const ABSTRACT_HEADINGS: u32 = 2;
const ABSTRACT_BULLET: u32 = 3;
const ABSTRACT_DECIMAL: u32 = 4;

/// List geometry: text indent per nesting level and the hanging number.
pub const LIST_STEP: u32 = 567;
pub const LIST_HANGING: u32 = 397;
pub const LIST_LEVELS: u8 = 9;

pub const NS_W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
pub const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// The language tag, reduced to the characters a BCP 47 tag may hold.
pub fn language(meta: &Meta) -> String {
    let lang: String = meta
        .language
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if lang.is_empty() {
        "sq-AL".to_string()
    } else {
        lang
    }
}

fn fonts(face: &str) -> String {
    format!(
        "<w:rFonts w:ascii=\"{face}\" w:hAnsi=\"{face}\" w:eastAsia=\"{face}\" w:cs=\"{face}\"/>"
    )
}

pub fn styles(meta: &Meta) -> String {
    let lang = language(meta);
    let serif = fonts(SERIF);
    let sans = fonts(SANS);
    let mono = fonts(MONO);
    let tab_right =
        format!("<w:tabs><w:tab w:val=\"right\" w:leader=\"dot\" w:pos=\"{TEXT_W}\"/></w:tabs>");
    let mut s = String::with_capacity(12_000);
    s.push_str(XML_DECL);
    s.push_str(&format!("<w:styles xmlns:w=\"{NS_W}\">"));
    s.push_str(&format!(
        "<w:docDefaults><w:rPrDefault><w:rPr>{serif}<w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/>\
         <w:lang w:val=\"{lang}\"/></w:rPr></w:rPrDefault>\
         <w:pPrDefault><w:pPr><w:widowControl/><w:spacing w:after=\"140\" w:line=\"290\" w:lineRule=\"atLeast\"/>\
         </w:pPr></w:pPrDefault></w:docDefaults>"
    ));
    // (type, id, name, basedOn, extra style elements, pPr, rPr)
    let para = |s: &mut String, id: &str, name: &str, based: &str, ppr: &str, rpr: &str| {
        s.push_str(&format!(
            "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/>"
        ));
        if !based.is_empty() {
            s.push_str(&format!(
                "<w:basedOn w:val=\"{based}\"/><w:next w:val=\"Normal\"/>"
            ));
        }
        s.push_str("<w:qFormat/>");
        if !ppr.is_empty() {
            s.push_str(&format!("<w:pPr>{ppr}</w:pPr>"));
        }
        if !rpr.is_empty() {
            s.push_str(&format!("<w:rPr>{rpr}</w:rPr>"));
        }
        s.push_str("</w:style>");
    };
    s.push_str(
        "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>\
         <w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\"><w:name w:val=\"Default Paragraph Font\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/><w:unhideWhenUsed/></w:style>\
         <w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/><w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/>\
         <w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>\
         <w:style w:type=\"numbering\" w:default=\"1\" w:styleId=\"NoList\"><w:name w:val=\"No List\"/><w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/></w:style>",
    );
    let navy = "<w:color w:val=\"1F3864\"/>";
    let blue = "<w:color w:val=\"2F5496\"/>";
    para(
        &mut s,
        "Title",
        "Title",
        "Normal",
        "<w:spacing w:before=\"480\" w:after=\"240\" w:line=\"240\" w:lineRule=\"auto\"/>",
        &format!("{sans}<w:b/><w:bCs/>{navy}<w:sz w:val=\"52\"/><w:szCs w:val=\"52\"/>"),
    );
    para(
        &mut s,
        "Subtitle",
        "Subtitle",
        "Normal",
        "<w:spacing w:after=\"160\" w:line=\"240\" w:lineRule=\"auto\"/>",
        &format!("{sans}{blue}<w:sz w:val=\"30\"/><w:szCs w:val=\"30\"/>"),
    );
    let headings = [
        (1, 360, 120, 32, false),
        (2, 280, 100, 26, false),
        (3, 240, 80, 23, false),
        (4, 200, 60, 22, true),
    ];
    for (level, before, after, size, italic) in headings {
        let color = if level <= 2 { navy } else { blue };
        let italic = if italic { "<w:i/><w:iCs/>" } else { "" };
        para(
            &mut s,
            &format!("Heading{level}"),
            &format!("heading {level}"),
            "Normal",
            &format!(
                "<w:keepNext/><w:keepLines/><w:spacing w:before=\"{before}\" w:after=\"{after}\" w:line=\"240\" w:lineRule=\"auto\"/><w:outlineLvl w:val=\"{}\"/>",
                level - 1
            ),
            &format!("{sans}<w:b/><w:bCs/>{italic}{color}<w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/>"),
        );
    }
    para(
        &mut s,
        "Caption",
        "caption",
        "Normal",
        "<w:spacing w:before=\"60\" w:after=\"240\" w:line=\"240\" w:lineRule=\"auto\"/>",
        "<w:i/><w:iCs/><w:color w:val=\"404040\"/><w:sz w:val=\"19\"/><w:szCs w:val=\"19\"/>",
    );
    para(
        &mut s,
        "Small",
        "Small",
        "Normal",
        "<w:spacing w:after=\"60\" w:line=\"240\" w:lineRule=\"auto\"/>",
        "<w:color w:val=\"595959\"/><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>",
    );
    para(
        &mut s,
        "DraftMark",
        "Draft Mark",
        "Normal",
        "<w:spacing w:before=\"240\" w:after=\"240\" w:line=\"240\" w:lineRule=\"auto\"/>",
        &format!("{sans}<w:b/><w:bCs/><w:color w:val=\"C00000\"/><w:spacing w:val=\"40\"/><w:sz w:val=\"48\"/><w:szCs w:val=\"48\"/>"),
    );
    para(
        &mut s,
        "TOCHeading",
        "TOC Heading",
        "Normal",
        "<w:keepNext/><w:spacing w:before=\"0\" w:after=\"240\" w:line=\"240\" w:lineRule=\"auto\"/><w:outlineLvl w:val=\"9\"/>",
        &format!("{sans}<w:b/><w:bCs/>{navy}<w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/>"),
    );
    let toc = [
        (1, 0, 120, "<w:b/><w:bCs/>"),
        (2, 284, 30, ""),
        (3, 567, 0, ""),
        (4, 851, 0, ""),
    ];
    for (level, indent, before, rpr) in toc {
        para(
            &mut s,
            &format!("TOC{level}"),
            &format!("toc {level}"),
            "Normal",
            &format!(
                "{tab_right}<w:spacing w:before=\"{before}\" w:after=\"40\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:left=\"{indent}\"/>"
            ),
            rpr,
        );
    }
    para(
        &mut s,
        "ListParagraph",
        "List Paragraph",
        "Normal",
        &format!("<w:spacing w:after=\"60\"/><w:ind w:left=\"{LIST_STEP}\"/>"),
        "",
    );
    para(
        &mut s,
        "Quote",
        "Quote",
        "Normal",
        "<w:pBdr><w:left w:val=\"single\" w:sz=\"12\" w:space=\"8\" w:color=\"A6A6A6\"/></w:pBdr><w:spacing w:before=\"60\" w:after=\"120\"/><w:ind w:left=\"567\" w:right=\"567\"/>",
        "<w:i/><w:iCs/><w:color w:val=\"404040\"/>",
    );
    para(
        &mut s,
        "Code",
        "Code",
        "Normal",
        "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"F2F2F2\"/><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/><w:contextualSpacing/>",
        &format!("{mono}<w:noProof/><w:sz w:val=\"19\"/><w:szCs w:val=\"19\"/>"),
    );
    para(
        &mut s,
        "TableText",
        "Table Text",
        "Normal",
        "<w:spacing w:before=\"0\" w:after=\"60\" w:line=\"240\" w:lineRule=\"auto\"/>",
        "<w:sz w:val=\"19\"/><w:szCs w:val=\"19\"/>",
    );
    para(
        &mut s,
        "TableTextCompact",
        "Table Text Compact",
        "TableText",
        "<w:spacing w:before=\"0\" w:after=\"40\" w:line=\"240\" w:lineRule=\"auto\"/>",
        "<w:sz w:val=\"16\"/><w:szCs w:val=\"16\"/>",
    );
    // Separates a table from what follows: Word and LibreOffice merge two
    // adjacent tables, and a cell must not end with a table.
    para(
        &mut s,
        "TableSpacer",
        "Table Spacer",
        "Normal",
        "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"160\" w:lineRule=\"exact\"/>",
        "<w:sz w:val=\"8\"/><w:szCs w:val=\"8\"/>",
    );
    para(
        &mut s,
        "Figure",
        "Figure",
        "Normal",
        "<w:keepNext/><w:spacing w:before=\"120\" w:after=\"60\" w:line=\"240\" w:lineRule=\"auto\"/><w:jc w:val=\"center\"/>",
        "",
    );
    let header_ppr = format!(
        "<w:tabs><w:tab w:val=\"right\" w:pos=\"{TEXT_W}\"/></w:tabs><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>"
    );
    let footer_ppr = format!(
        "<w:tabs><w:tab w:val=\"center\" w:pos=\"{}\"/><w:tab w:val=\"right\" w:pos=\"{TEXT_W}\"/></w:tabs><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>",
        TEXT_W / 2
    );
    let running_r =
        format!("{sans}<w:color w:val=\"595959\"/><w:sz w:val=\"17\"/><w:szCs w:val=\"17\"/>");
    para(
        &mut s,
        "Header",
        "header",
        "Normal",
        &header_ppr,
        &running_r,
    );
    para(
        &mut s,
        "Footer",
        "footer",
        "Normal",
        &footer_ppr,
        &running_r,
    );
    para(
        &mut s,
        "FootnoteText",
        "footnote text",
        "Normal",
        "<w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>",
        "<w:sz w:val=\"17\"/><w:szCs w:val=\"17\"/>",
    );
    s.push_str(
        "<w:style w:type=\"character\" w:styleId=\"FootnoteReference\"><w:name w:val=\"footnote reference\"/>\
         <w:basedOn w:val=\"DefaultParagraphFont\"/><w:uiPriority w:val=\"99\"/><w:unhideWhenUsed/>\
         <w:rPr><w:vertAlign w:val=\"superscript\"/></w:rPr></w:style>",
    );
    s.push_str(&format!(
        "<w:style w:type=\"character\" w:styleId=\"Hyperlink\"><w:name w:val=\"Hyperlink\"/><w:basedOn w:val=\"DefaultParagraphFont\"/><w:uiPriority w:val=\"99\"/><w:unhideWhenUsed/>\
         <w:rPr><w:color w:val=\"0563C1\"/><w:u w:val=\"single\"/></w:rPr></w:style>\
         <w:style w:type=\"character\" w:styleId=\"CodeChar\"><w:name w:val=\"Code Char\"/><w:basedOn w:val=\"DefaultParagraphFont\"/>\
         <w:rPr>{mono}<w:noProof/><w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/></w:rPr></w:style>\
         <w:style w:type=\"character\" w:styleId=\"DraftStamp\"><w:name w:val=\"Draft Stamp\"/><w:basedOn w:val=\"DefaultParagraphFont\"/>\
         <w:rPr>{sans}<w:b/><w:bCs/><w:color w:val=\"C00000\"/><w:spacing w:val=\"20\"/><w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/></w:rPr></w:style>\
         <w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:basedOn w:val=\"TableNormal\"/><w:uiPriority w:val=\"59\"/>\
         <w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr>\
         <w:tblPr>{}</w:tblPr></w:style>",
        TABLE_BORDERS
    ));
    s.push_str("</w:styles>");
    s
}

/// The borders of every table, also written directly on each table because
/// LibreOffice does not always apply a table style's borders.
pub const TABLE_BORDERS: &str = "<w:tblBorders>\
    <w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"8C8C8C\"/>\
    <w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"8C8C8C\"/>\
    <w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"8C8C8C\"/>\
    <w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"8C8C8C\"/>\
    <w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"8C8C8C\"/>\
    <w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"8C8C8C\"/>\
    </w:tblBorders>";

/// An ordered list's numbering instance: its own `w:num` restarting at `start`.
#[derive(Debug, Clone, Copy)]
pub struct OrderedNum {
    pub id: u32,
    pub ilvl: u8,
    pub start: u32,
}

pub fn numbering(ordered: &[OrderedNum]) -> String {
    let mut s = String::with_capacity(8_000 + ordered.len() * 160);
    s.push_str(XML_DECL);
    s.push_str(&format!("<w:numbering xmlns:w=\"{NS_W}\">"));
    // Headings: "1.", "1.1.", … followed by a space, flush with the margin.
    s.push_str(&format!(
        "<w:abstractNum w:abstractNumId=\"{ABSTRACT_HEADINGS}\"><w:multiLevelType w:val=\"multilevel\"/>"
    ));
    for ilvl in 0..LIST_LEVELS {
        let text: String = (1..=ilvl + 1).map(|l| format!("%{l}.")).collect();
        s.push_str(&format!(
            "<w:lvl w:ilvl=\"{ilvl}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:suff w:val=\"space\"/>\
             <w:lvlText w:val=\"{text}\"/><w:lvlJc w:val=\"left\"/><w:pPr><w:ind w:left=\"0\" w:firstLine=\"0\"/></w:pPr></w:lvl>"
        ));
    }
    s.push_str("</w:abstractNum>");
    for (abstract_id, bullet) in [(ABSTRACT_BULLET, true), (ABSTRACT_DECIMAL, false)] {
        s.push_str(&format!(
            "<w:abstractNum w:abstractNumId=\"{abstract_id}\"><w:multiLevelType w:val=\"hybridMultilevel\"/>"
        ));
        for ilvl in 0..LIST_LEVELS {
            let (fmt, text) = if bullet {
                (
                    "bullet",
                    if ilvl % 2 == 0 {
                        "\u{2022}"
                    } else {
                        "\u{2013}"
                    }
                    .to_string(),
                )
            } else {
                ("decimal", format!("%{}.", ilvl + 1))
            };
            let left = LIST_STEP * (u32::from(ilvl) + 1);
            s.push_str(&format!(
                "<w:lvl w:ilvl=\"{ilvl}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"{fmt}\"/><w:lvlText w:val=\"{text}\"/>\
                 <w:lvlJc w:val=\"left\"/><w:pPr><w:ind w:left=\"{left}\" w:hanging=\"{LIST_HANGING}\"/></w:pPr></w:lvl>"
            ));
        }
        s.push_str("</w:abstractNum>");
    }
    s.push_str(&format!(
        "<w:num w:numId=\"{NUM_HEADINGS}\"><w:abstractNumId w:val=\"{ABSTRACT_HEADINGS}\"/></w:num>\
         <w:num w:numId=\"{NUM_BULLET}\"><w:abstractNumId w:val=\"{ABSTRACT_BULLET}\"/></w:num>"
    ));
    for num in ordered {
        s.push_str(&format!(
            "<w:num w:numId=\"{}\"><w:abstractNumId w:val=\"{ABSTRACT_DECIMAL}\"/>\
             <w:lvlOverride w:ilvl=\"{}\"><w:startOverride w:val=\"{}\"/></w:lvlOverride></w:num>",
            num.id, num.ilvl, num.start
        ));
    }
    s.push_str("</w:numbering>");
    s
}

/// `footnotes`: the document has footnotes, whose separators the settings
/// name (as Word writes them). The elements keep CT_Settings' order
/// (ECMA-376 §17.15.1.78): `footnotePr` after `updateFields`, before `compat`.
pub fn settings(meta: &Meta, footnotes: bool) -> String {
    let lang = language(meta);
    let note_pr = if footnotes {
        "<w:footnotePr><w:footnote w:id=\"-1\"/><w:footnote w:id=\"0\"/></w:footnotePr>"
    } else {
        ""
    };
    format!(
        "{XML_DECL}<w:settings xmlns:w=\"{NS_W}\">\
         <w:zoom w:percent=\"100\"/>\
         <w:defaultTabStop w:val=\"709\"/>\
         <w:evenAndOddHeaders w:val=\"false\"/>\
         <w:characterSpacingControl w:val=\"doNotCompress\"/>\
         <w:updateFields w:val=\"true\"/>{note_pr}\
         <w:compat><w:doNotExpandShiftReturn/><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
         <w:themeFontLang w:val=\"{lang}\"/>\
         <w:decimalSymbol w:val=\",\"/><w:listSeparator w:val=\";\"/>\
         </w:settings>"
    )
}

/// Families and PANOSE numbers let Word substitute a close font where Noto
/// is not installed.
pub fn font_table() -> String {
    let font = |name: &str, panose: &str, family: &str, pitch: &str| {
        format!(
            "<w:font w:name=\"{name}\"><w:panose1 w:val=\"{panose}\"/><w:charset w:val=\"00\"/>\
             <w:family w:val=\"{family}\"/><w:pitch w:val=\"{pitch}\"/></w:font>"
        )
    };
    format!(
        "{XML_DECL}<w:fonts xmlns:w=\"{NS_W}\">{}{}{}</w:fonts>",
        font(SERIF, "02020600060500020200", "roman", "variable"),
        font(SANS, "020B0502040504020204", "swiss", "variable"),
        font(MONO, "02070309020205020404", "modern", "fixed"),
    )
}

/// A run holding a complex field (`PAGE`, `NUMPAGES`, `PAGEREF …`) whose
/// cached result is `shown` until the application updates it.
pub fn field_into(out: &mut String, rpr: &str, instr: &str, shown: &str) {
    out.push_str(&format!(
        "<w:r>{rpr}<w:fldChar w:fldCharType=\"begin\"/></w:r>\
         <w:r>{rpr}<w:instrText xml:space=\"preserve\"> {instr} </w:instrText></w:r>\
         <w:r>{rpr}<w:fldChar w:fldCharType=\"separate\"/></w:r>\
         <w:r>{rpr}<w:t>{shown}</w:t></w:r>\
         <w:r>{rpr}<w:fldChar w:fldCharType=\"end\"/></w:r>"
    ));
}

fn text_run(out: &mut String, rpr: &str, text: &str) {
    if text.is_empty() {
        return;
    }
    out.push_str("<w:r>");
    out.push_str(rpr);
    out.push_str("<w:t xml:space=\"preserve\">");
    escape_into(out, text);
    out.push_str("</w:t></w:r>");
}

const DRAFT_RPR: &str = "<w:rPr><w:rStyle w:val=\"DraftStamp\"/></w:rPr>";

/// The draft marking across the page, as the PDF draws it: a light grey
/// word behind the text, half the page's diagonal long. A VML text path in
/// the header, as Word's own "Watermark" writes it (Word and LibreOffice
/// both draw it on every page of the section), at Word's 45° rather than
/// the PDF's diagonal (~55°): Word reads the box of a shape turned between
/// 45° and 135° with width and height swapped.
///
/// `shape` numbers the shape: each header's must differ (VML ids are unique
/// across the document, as Word numbers its own).
fn watermark(out: &mut String, mark: &str, shape: u32) {
    // The page in points.
    let (w, h) = (f64::from(PAGE_W) / 20.0, f64::from(PAGE_H) / 20.0);
    let width = 0.5 * (w * w + h * h).sqrt();
    // The box holds one line of Noto Sans Bold (capitals and spaces ~0.63 em
    // wide): LibreOffice sizes a text path's box so, and a box of other
    // proportions would stretch the letters in Word.
    let letters = mark.chars().count().max(1) as f64;
    let height = width * f64::from(crate::pages::LINE) / (0.63 * letters);
    out.push_str(&format!(
        "<w:r><w:rPr><w:noProof/></w:rPr><w:pict>\
         <v:shapetype id=\"_x0000_t136\" coordsize=\"21600,21600\" o:spt=\"136\" adj=\"10800\" path=\"m@7,l@8,m@5,21600l@6,21600e\">\
         <v:formulas><v:f eqn=\"sum #0 0 10800\"/><v:f eqn=\"prod #0 2 1\"/><v:f eqn=\"sum 21600 0 @1\"/><v:f eqn=\"sum 0 0 @2\"/>\
         <v:f eqn=\"sum 21600 0 @3\"/><v:f eqn=\"if @0 @3 0\"/><v:f eqn=\"if @0 21600 @1\"/><v:f eqn=\"if @0 0 @2\"/>\
         <v:f eqn=\"if @0 @4 21600\"/><v:f eqn=\"mid @5 @6\"/><v:f eqn=\"mid @8 @5\"/><v:f eqn=\"mid @7 @8\"/>\
         <v:f eqn=\"mid @6 @7\"/><v:f eqn=\"sum @6 0 @5\"/></v:formulas>\
         <v:path textpathok=\"t\" o:connecttype=\"custom\" o:connectlocs=\"@9,0;@10,10800;@11,21600;@12,10800\" o:connectangles=\"270,180,90,0\"/>\
         <v:textpath on=\"t\" fitshape=\"t\"/><o:lock v:ext=\"edit\" text=\"t\" shapetype=\"t\"/></v:shapetype>\
         <v:shape id=\"PowerPlusWaterMarkObject{shape}\" o:spid=\"_x0000_s{shape}\" type=\"#_x0000_t136\" \
         style=\"position:absolute;margin-left:{left:.1}pt;margin-top:{top:.1}pt;width:{width:.1}pt;height:{height:.1}pt;rotation:315;z-index:-251654144;\
         mso-position-horizontal-relative:page;mso-position-vertical-relative:page\" \
         o:allowincell=\"f\" fillcolor=\"#EBEBEB\" stroked=\"f\">\
         <v:textpath style=\"font-family:&quot;Noto Sans&quot;;font-weight:bold\" string=\"{text}\"/>\
         </v:shape></w:pict></w:r>",
        // Centred on the page by its unturned box: VML turns a shape about
        // its centre (LibreOffice's "center" alignment placed it off-centre).
        left = (w - width) / 2.0,
        top = (h - height) / 2.0,
        text = crate::xml::escape(mark),
    ));
}

/// The running header. `first`: the title page's, which carries only the
/// draft marking (or nothing).
pub fn header(meta: &Meta, first: bool) -> String {
    let mut s = format!(
        "{XML_DECL}<w:hdr xmlns:w=\"{NS_W}\" xmlns:r=\"{NS_R}\" xmlns:v=\"urn:schemas-microsoft-com:vml\" \
         xmlns:o=\"urn:schemas-microsoft-com:office:office\">"
    );
    let draft = meta.draft_mark.as_deref().filter(|d| !d.trim().is_empty());
    if first {
        s.push_str("<w:p><w:pPr><w:pStyle w:val=\"Header\"/><w:jc w:val=\"right\"/></w:pPr>");
        if let Some(mark) = draft {
            watermark(&mut s, mark, 2049);
            text_run(&mut s, DRAFT_RPR, mark);
        }
        s.push_str("</w:p>");
    } else {
        s.push_str(
            "<w:p><w:pPr><w:pStyle w:val=\"Header\"/>\
             <w:pBdr><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"4\" w:color=\"A6A6A6\"/></w:pBdr></w:pPr>",
        );
        if let Some(mark) = draft {
            watermark(&mut s, mark, 2050);
        }
        text_run(&mut s, "", &meta.header);
        if let Some(mark) = draft {
            s.push_str("<w:r><w:tab/></w:r>");
            text_run(&mut s, DRAFT_RPR, mark);
        }
        s.push_str("</w:p>");
    }
    s.push_str("</w:hdr>");
    s
}

/// The running footer: the footer text, if any, then "Faqe X nga Y"
/// centred. `first`: the title page's, which is empty.
pub fn footer(meta: &Meta, first: bool) -> String {
    let mut s = format!("{XML_DECL}<w:ftr xmlns:w=\"{NS_W}\" xmlns:r=\"{NS_R}\">");
    if first {
        s.push_str("<w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr></w:p>");
    } else {
        if !meta.footer.trim().is_empty() {
            s.push_str("<w:p><w:pPr><w:pStyle w:val=\"Footer\"/><w:jc w:val=\"center\"/></w:pPr>");
            text_run(&mut s, "", &meta.footer);
            s.push_str("</w:p>");
        }
        let label = if meta.page_label.trim().is_empty() {
            "Faqe"
        } else {
            &meta.page_label
        };
        let of = if meta.page_of.trim().is_empty() {
            "nga"
        } else {
            &meta.page_of
        };
        s.push_str("<w:p><w:pPr><w:pStyle w:val=\"Footer\"/><w:jc w:val=\"center\"/></w:pPr>");
        text_run(&mut s, "", &format!("{label} "));
        field_into(&mut s, "", "PAGE", "1");
        text_run(&mut s, "", &format!(" {of} "));
        field_into(&mut s, "", "NUMPAGES", "1");
        s.push_str("</w:p>");
    }
    s.push_str("</w:ftr>");
    s
}

pub fn core_properties(meta: &Meta, when: &str) -> String {
    let mut s = String::with_capacity(1_200);
    s.push_str(XML_DECL);
    s.push_str(
        "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">",
    );
    let mut element = |name: &str, value: &str| {
        s.push_str(&format!("<{name}>"));
        escape_into(&mut s, value);
        s.push_str(&format!("</{name}>"));
    };
    element("dc:title", &meta.title);
    element("dc:subject", &meta.subject);
    element("dc:creator", &meta.author);
    element("cp:keywords", &meta.keywords.join(", "));
    element("dc:language", &language(meta));
    element("cp:lastModifiedBy", &meta.author);
    element("cp:revision", "1");
    if let Some(mark) = &meta.draft_mark {
        element("cp:contentStatus", mark);
    }
    s.push_str(&format!(
        "<dcterms:created xsi:type=\"dcterms:W3CDTF\">{when}</dcterms:created>\
         <dcterms:modified xsi:type=\"dcterms:W3CDTF\">{when}</dcterms:modified>\
         </cp:coreProperties>"
    ));
    s
}

pub fn app_properties(meta: &Meta) -> String {
    format!(
        "{XML_DECL}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" \
         xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">\
         <Company>{}</Company><Application>nap</Application><DocSecurity>0</DocSecurity></Properties>",
        escape(&meta.author)
    )
}

/// The printed document date (`Meta::date`) as a custom property "Data", so
/// it is kept with the file (Word: File › Properties › Custom).
pub fn custom_properties(meta: &Meta) -> String {
    format!(
        "{XML_DECL}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties\" \
         xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">\
         <property fmtid=\"{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}\" pid=\"2\" name=\"Data\"><vt:lpwstr>{}</vt:lpwstr></property>\
         </Properties>",
        escape(&meta.date)
    )
}

const CT_WML: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml";

pub fn content_types(headers: &[&str], footers: &[&str], footnotes: bool) -> String {
    let mut s = format!(
        "{XML_DECL}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Default Extension=\"png\" ContentType=\"image/png\"/>\
         <Override PartName=\"/word/document.xml\" ContentType=\"{CT_WML}.document.main+xml\"/>\
         <Override PartName=\"/word/styles.xml\" ContentType=\"{CT_WML}.styles+xml\"/>\
         <Override PartName=\"/word/numbering.xml\" ContentType=\"{CT_WML}.numbering+xml\"/>\
         <Override PartName=\"/word/settings.xml\" ContentType=\"{CT_WML}.settings+xml\"/>\
         <Override PartName=\"/word/fontTable.xml\" ContentType=\"{CT_WML}.fontTable+xml\"/>"
    );
    for h in headers {
        s.push_str(&format!(
            "<Override PartName=\"/word/{h}\" ContentType=\"{CT_WML}.header+xml\"/>"
        ));
    }
    for f in footers {
        s.push_str(&format!(
            "<Override PartName=\"/word/{f}\" ContentType=\"{CT_WML}.footer+xml\"/>"
        ));
    }
    if footnotes {
        s.push_str(&format!(
            "<Override PartName=\"/word/footnotes.xml\" ContentType=\"{CT_WML}.footnotes+xml\"/>"
        ));
    }
    s.push_str(
        "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
         <Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
         <Override PartName=\"/docProps/custom.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.custom-properties+xml\"/>\
         </Types>",
    );
    s
}

pub fn package_rels() -> String {
    format!(
        "{XML_DECL}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"{NS_R}/officeDocument\" Target=\"word/document.xml\"/>\
         <Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
         <Relationship Id=\"rId3\" Type=\"{NS_R}/extended-properties\" Target=\"docProps/app.xml\"/>\
         <Relationship Id=\"rId4\" Type=\"{NS_R}/custom-properties\" Target=\"docProps/custom.xml\"/>\
         </Relationships>"
    )
}

/// One relationship of `word/document.xml`.
#[derive(Debug, Clone)]
pub struct Rel {
    pub id: String,
    /// The last segment of the relationship type URI ("image", "hyperlink", …).
    pub kind: &'static str,
    pub target: String,
    pub external: bool,
}

/// The relationships of `word/document.xml` (or of another part: the same
/// format).
pub fn document_rels(rels: &[Rel]) -> String {
    let mut s = String::with_capacity(600 + rels.len() * 180);
    s.push_str(XML_DECL);
    s.push_str(
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    );
    for rel in rels {
        s.push_str(&format!(
            "<Relationship Id=\"{}\" Type=\"{NS_R}/{}\" Target=\"",
            rel.id, rel.kind
        ));
        escape_into(&mut s, &rel.target);
        s.push('"');
        if rel.external {
            s.push_str(" TargetMode=\"External\"");
        }
        s.push_str("/>");
    }
    s.push_str("</Relationships>");
    s
}

/// `word/footnotes.xml`: the two separators Word expects, then `notes`
/// (`w:footnote` elements, ids from 1).
pub fn footnotes(notes: &str) -> String {
    let sep = |id: i32, kind: &str, mark: &str| {
        format!(
            "<w:footnote w:type=\"{kind}\" w:id=\"{id}\"><w:p><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr>\
             <w:r><w:{mark}/></w:r></w:p></w:footnote>"
        )
    };
    format!(
        "{XML_DECL}<w:footnotes xmlns:w=\"{NS_W}\" xmlns:r=\"{NS_R}\">{}{}{notes}</w:footnotes>",
        sep(-1, "separator", "separator"),
        sep(0, "continuationSeparator", "continuationSeparator"),
    )
}

#[cfg(test)]
mod tests {
    /// A draft is marked across every page, as the PDF is (it had only a
    /// small "DRAFT" in the header corner); the final plan is not.
    #[test]
    fn a_draft_carries_the_watermark_in_both_headers_and_a_final_none() {
        let mut meta = nap_doc::sample().meta;
        meta.draft_mark = Some("DRAFT".into());
        for first in [true, false] {
            let h = super::header(&meta, first);
            assert!(
                h.contains("<v:textpath") && h.contains("string=\"DRAFT\""),
                "{h}"
            );
            assert!(
                h.contains("rotation:315") && h.contains("fillcolor=\"#EBEBEB\""),
                "{h}"
            );
            roxmltree::Document::parse(&h).expect("well-formed header");
        }
        // One shape id per header: VML ids are unique in the document.
        let spid = |h: String| {
            h[h.find("o:spid=").unwrap()..]
                .split('"')
                .nth(1)
                .map(str::to_string)
        };
        assert_ne!(
            spid(super::header(&meta, true)),
            spid(super::header(&meta, false))
        );
        meta.draft_mark = Some("Një <draft> & \"tjetër\"".into());
        roxmltree::Document::parse(&super::header(&meta, false)).expect("escaped");
        meta.draft_mark = None;
        assert!(!super::header(&meta, false).contains("v:shape"));
    }

    /// Body text in Word is the PDF layout's body text: the same size, line
    /// distance and space after (it was 11 pt on a ~17 pt line, so the DOCX
    /// ran two pages longer and its cached contents numbers drifted).
    #[test]
    fn body_text_matches_the_pdf_layout() {
        let s = nap_layout::Settings::default();
        let styles = super::styles(&nap_doc::sample().meta);
        let sz = format!("<w:sz w:val=\"{}\"/>", (s.body_size * 2.0).round() as u32);
        let line = format!(
            "w:line=\"{}\" w:lineRule=\"atLeast\"",
            (s.body_leading * 20.0).round() as u32
        );
        let defaults = &styles
            [styles.find("<w:docDefaults>").unwrap()..styles.find("</w:docDefaults>").unwrap()];
        assert!(defaults.contains(&sz), "{defaults}");
        assert!(defaults.contains(&line), "{defaults}");
    }
}
