// rhai evaluates by recursion: the sandbox's limits need more than the 1 MiB
// stack the wasm linker gives by default (see src/ext/pool.rs in sixpoint).
// Set here rather than in rustflags, which a RUSTFLAGS variable would replace.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "wasm32") {
        println!("cargo:rustc-link-arg-cdylib=-zstack-size=16777216");
    }
}
