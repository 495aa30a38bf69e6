//! `difftower-stf-rust`: the Rust STF behind the difftower subprocess protocol (PROTOCOL.md).
//! Requests on stdin, replies on stdout; stderr only for fatal I/O errors.

use std::io::{self, BufReader, BufWriter};

fn main() {
    let stdin = io::stdin();
    let stdout = io::stdout();
    let input = BufReader::new(stdin.lock());
    let output = BufWriter::new(stdout.lock());
    if let Err(e) = difftower_stf_rust::protocol::serve(input, output) {
        eprintln!("difftower-stf-rust: {e}");
        std::process::exit(1);
    }
}
