//! Deliberate faults for difftower's fault-injection tests (fuzz/test/faults-rust.test.ts).
//! `fault!(name, correct, faulty)` is exactly `correct` unless the crate is built with the
//! `faults` feature; then `faulty` runs when the environment variable `DIFFTOWER_RUST_FAULT` names
//! that fault. Production builds (the native binary, the WebAssembly component) never enable the
//! feature, so their code is the correct one; each use stays on the line it replaced so that no
//! panic location moves.

/// Every fault point, so that a misspelt name fails instead of silently testing nothing.
#[cfg(feature = "faults")]
pub const FAULTS: &[&str] = &[
    "l1-to-l2-capacity",
    "archive-capacity",
    "note-hash-capacity",
    "nullifier-capacity",
    "public-data-capacity",
    "non-canonical-uint8",
    "map-keys-reordered-accepted",
    "slot-u64-truncation",
    "slot-timestamp-precedence",
    "public-data-zero-write-dropped",
    "blob-trailing-data-accepted",
];

/// Whether the fault `name` is selected (read once from `DIFFTOWER_RUST_FAULT`).
#[cfg(feature = "faults")]
pub fn on(name: &str) -> bool {
    use std::sync::OnceLock;
    static SELECTED: OnceLock<String> = OnceLock::new();
    let selected = SELECTED.get_or_init(|| {
        let s = std::env::var("DIFFTOWER_RUST_FAULT").unwrap_or_default();
        if !s.is_empty() && !FAULTS.contains(&s.as_str()) {
            eprintln!("difftower-stf-rust: unknown DIFFTOWER_RUST_FAULT {s:?} (known: {})", FAULTS.join(", "));
            std::process::exit(2);
        }
        s
    });
    selected == name
}

macro_rules! fault {
    ($name:literal, $correct:expr, $faulty:expr) => {{
        #[cfg(feature = "faults")]
        let v = if crate::fault::on($name) { $faulty } else { $correct };
        #[cfg(not(feature = "faults"))]
        let v = $correct;
        v
    }};
}
