//! The OPC package: a zip whose bytes depend only on its entries. Every
//! entry has the same timestamp (1980-01-01 00:00, the zip epoch) and
//! permissions, entries are written in the caller's order, and deflate is
//! flate2's on zlib-rs, which compresses identically on every machine
//! (docs/decisions.md).

use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

pub struct Entry<'a> {
    pub name: &'a str,
    pub data: &'a [u8],
    /// PNGs are already compressed: stored as they are.
    pub deflate: bool,
}

pub fn zip(entries: &[Entry]) -> Vec<u8> {
    let size: usize = entries.iter().map(|e| e.data.len()).sum();
    let mut writer = ZipWriter::new(Cursor::new(Vec::with_capacity(size / 3 + 4_096)));
    let base = SimpleFileOptions::default()
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    for entry in entries {
        let method = if entry.deflate {
            CompressionMethod::Deflated
        } else {
            CompressionMethod::Stored
        };
        let options = base
            .compression_method(method)
            .large_file(entry.data.len() >= u32::MAX as usize);
        // Writing into memory cannot fail, and entry names are the writer's
        // own fixed, distinct part names; a failure here is a bug.
        writer
            .start_file(entry.name, options)
            .expect("zip entry names are distinct");
        writer
            .write_all(entry.data)
            .expect("writing a zip entry into memory");
    }
    writer
        .finish()
        .expect("finishing a zip in memory")
        .into_inner()
}
