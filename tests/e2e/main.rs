//! End-to-end tests in a real browser: the app's own binary serving SQLite on a free
//! loopback port, Debian's `chromium` headless, driven through `chromedriver` with fantoccini.
//!
//! They need chromium and chromium-driver, so they are `#[ignore]`d in `cargo test
//! --workspace`; `.ci/run` runs them with
//! `cargo test --test e2e -- --ignored --test-threads=1`.
//! `NINEFOLD_E2E_CHROMIUM` / `NINEFOLD_E2E_CHROMEDRIVER` override the binaries' paths;
//! `NINEFOLD_E2E_SCREENSHOTS=docs/screenshots` writes the screenshots there (default
//! `target/e2e-screenshots`).
mod layout;
mod pages;
mod scenario;
mod support;
