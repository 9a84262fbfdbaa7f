//! Layout: [`nap_doc::Document`] → pages of positioned glyph runs and boxes.
