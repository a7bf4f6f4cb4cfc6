//! Front-codes the common-password list into the build's output folder: sorted, each entry as
//! one byte (how many leading bytes it shares with the entry before, at most 255), the rest of
//! its bytes and a newline. 168 KB of text become about 101 KB in the binary;
//! `types::common_passwords` decodes it once, on first use.

use std::collections::BTreeSet;
use std::path::PathBuf;

const LIST: &str = "src/types/common_passwords.txt";

fn main() {
    println!("cargo:rerun-if-changed={LIST}");
    let text = std::fs::read_to_string(LIST).expect("the common-password list");
    let entries: BTreeSet<String> =
        text.lines().filter(|line| !line.is_empty() && !line.starts_with('#')).map(str::to_lowercase).collect();
    let mut out = Vec::with_capacity(text.len());
    let mut previous: &[u8] = &[];
    for entry in &entries {
        let bytes = entry.as_bytes();
        let shared = bytes.iter().zip(previous).take(255).take_while(|(a, b)| a == b).count();
        out.push(u8::try_from(shared).expect("at most 255"));
        out.extend_from_slice(&bytes[shared..]);
        out.push(b'\n');
        previous = bytes;
    }
    let dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(dir.join("common_passwords.fc"), out).expect("write the front-coded list");
}
