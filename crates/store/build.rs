//! Rebuilds the store when a migration is added: `sqlx::migrate!` embeds the migration folders at
//! compile time, and cargo does not otherwise know a new file there changes the crate.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
