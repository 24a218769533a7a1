//! `sqlx::migrate!` embeds `migrations/sqlite` at compile time; without this
//! a new or edited migration would not trigger a rebuild on stable Rust.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations/sqlite");
}
