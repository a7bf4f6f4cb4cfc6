//! The common passwords registration and password changes refuse: about 18,000 of them, from
//! `common_passwords.txt` (its header names the source and licence), front-coded into the binary
//! by `build.rs` and decoded once, on first use, into a sorted list.

use std::sync::LazyLock;

static CODED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/common_passwords.fc"));

static LIST: LazyLock<Vec<Box<str>>> = LazyLock::new(|| decode(CODED));

/// Is `lower` (a lowercased password) on the list?
pub fn is_common(lower: &str) -> bool {
    LIST.binary_search_by(|entry| (**entry).cmp(lower)).is_ok()
}

/// How many passwords the list holds.
pub fn count() -> usize {
    LIST.len()
}

/// Undoes `build.rs`' front coding; the entries come out sorted.
fn decode(coded: &[u8]) -> Vec<Box<str>> {
    let mut entries: Vec<Box<str>> = Vec::with_capacity(20_000);
    let mut current: Vec<u8> = Vec::new();
    let mut rest = coded;
    while let Some((&shared, tail)) = rest.split_first() {
        let end = tail.iter().position(|&b| b == b'\n').unwrap_or(tail.len());
        current.truncate(usize::from(shared));
        current.extend_from_slice(&tail[..end]);
        // The build wrote whole UTF-8 entries; a damaged one is left out, never a panic.
        if let Ok(entry) = std::str::from_utf8(&current) {
            entries.push(entry.into());
        }
        rest = tail.get(end + 1..).unwrap_or_default();
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_at_least_the_3000_most_common_passwords_asvs_asks_for() {
        assert!(count() >= 3000, "{}", count());
        assert_eq!(count(), 17_976, "the entries of common_passwords.txt");
        assert!(LIST.windows(2).all(|w| w[0] < w[1]), "sorted, no duplicates");
        assert!(LIST.iter().all(|p| (8..=128).contains(&p.chars().count())), "only what the length rule admits");
    }

    #[test]
    fn it_finds_the_top_the_deep_and_the_last_entries_and_nothing_else() {
        // Rank 1, ranks 2,004 and 9,002 of the package's list, and kordon's own last entry.
        for common in ["password", "hattrick", "atletico", "zenit123"] {
            assert!(is_common(common), "{common}");
        }
        for other in ["Password", "tr0ub4dor&3-horse", "", "passwor", "password1x"] {
            assert!(!is_common(other), "{other}");
        }
    }

    #[test]
    fn decoding_restores_what_the_build_coded() {
        let coded = b"\x00abcdefgh\n\x07x\n\x03zzzzz\n";
        let decoded = decode(coded);
        let entries: Vec<&str> = decoded.iter().map(|e| &**e).collect();
        assert_eq!(entries, ["abcdefgh", "abcdefgx", "abczzzzz"]);
    }
}
