//! The pure text rules of nap-input. Properties: `normalize` is idempotent,
//! leaves no XML-forbidden character, no CR, no white space around the text
//! or at the end of a line, and no run of white space inside a line; `key`
//! and `fold` are stable under themselves; `find_marker` returns a real
//! marker at a character boundary; the date, disposition and consent parsers
//! never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nap_input::rules::{consent, disposition, find_marker, fold, key, normalize, parse_date};

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let n = normalize(&s);
    assert_eq!(normalize(&n), n, "normalize is not idempotent on {s:?}");
    assert!(
        !n.chars().any(|c| nap_fuzz::xml_forbidden(c) || c == '\r'),
        "normalize left a control character: {n:?}"
    );
    assert_eq!(n.trim(), n, "normalize left white space around {n:?}");
    for line in n.split('\n') {
        assert_eq!(
            line.trim_end(),
            line,
            "normalize left trailing white space on a line of {n:?}"
        );
        let inner = line.trim_start();
        let spaces: Vec<char> = inner.chars().collect();
        assert!(
            !spaces
                .windows(2)
                .any(|w| w[0].is_whitespace() && w[1].is_whitespace()),
            "normalize left a run of white space inside {line:?}"
        );
    }

    let k = key(&s);
    assert_eq!(key(&k), k, "key is not stable on {s:?}");
    let f = fold(&s);
    assert_eq!(fold(&f), f, "fold is not stable on {s:?}");
    assert_eq!(fold(&n), f, "fold differs on the normalized text of {s:?}");

    if let Some((at, m)) = find_marker(&s) {
        assert!(
            s.is_char_boundary(at),
            "marker offset {at} inside a character"
        );
        assert_eq!(&s[at..at + m.len()], m);
        assert!(
            ["todo", "tbd", "xxx"].contains(&m.to_ascii_lowercase().as_str()),
            "not a marker: {m:?}"
        );
    }

    let _ = parse_date(&s);
    let _ = disposition(&s);
    let _ = consent(&s);
});
