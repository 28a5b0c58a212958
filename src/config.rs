//! Settings from flags and environment.
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`, or the SQLite file in `data_dir`.
    pub database_url: String,
    /// Extra playbooks (`*.toml`) to offer beside the built-in one.
    pub playbooks_dir: Option<PathBuf>,
    /// Mark session cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
}

impl Config {
    pub fn new(database_url: Option<String>, data_dir: PathBuf) -> Config {
        let database_url =
            database_url.filter(|u| !u.trim().is_empty()).unwrap_or_else(|| crate::db::sqlite_url(&data_dir));
        let secure_cookies = std::env::var("NINEFOLD_SECURE_COOKIES").is_ok_and(|v| v == "1" || v == "true");
        Config { database_url, playbooks_dir: Some(PathBuf::from("playbooks")), secure_cookies }
    }
}
