//! The pieces every end-to-end test uses: the app's own binary serving on a free loopback
//! port (SQLite in a temporary data directory, with or without the demo), chromedriver on
//! another free port, and a headless Chromium session driven through fantoccini.
use anyhow::{Context, Result, anyhow, bail};
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "ninefold-demo";
pub const DIRECTOR: &str = "wang.fang@huamei.example";
pub const STEERING: &str = "zhang.wei@huamei.example";
pub const CONSULTANT: &str = "li.na@consult.example";
pub const VIEWER: &str = "zhao.min@huamei.example";
pub const ADMIN: &str = "admin@ninefold.example";

fn chromium() -> String {
    std::env::var("NINEFOLD_E2E_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

fn chromedriver() -> String {
    std::env::var("NINEFOLD_E2E_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into())
}

/// A child process in its own process group, killed with the whole group when dropped (so a
/// failed test leaves no server, driver or browser behind), and when the test process dies.
struct Proc {
    child: Child,
}

impl Proc {
    fn spawn(cmd: &mut Command) -> Result<Proc> {
        // SAFETY: prctl is async-signal-safe; it only asks the kernel to kill the child when
        // this (parent) thread ends.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let child = cmd.process_group(0).spawn().with_context(|| format!("starting {cmd:?}"))?;
        Ok(Proc { child })
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let pid = self.child.id() as libc::pid_t;
        // SAFETY: a plain kill(2) of the process group this struct created.
        unsafe {
            libc::kill(-pid, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // SAFETY: as above; whatever of the group is still alive is killed.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

/// The real server: `ninefold serve` on SQLite in a temporary data directory.
pub struct Server {
    pub base: String,
    _proc: Proc,
    dir: tempfile::TempDir,
}

impl Server {
    /// `ninefold serve --demo` (the demo users and project 1, in phase 3).
    pub fn demo() -> Result<Server> {
        Server::start(true)
    }

    pub fn start(demo: bool) -> Result<Server> {
        let dir = tempfile::tempdir()?;
        let log = std::fs::File::create(dir.path().join("server.log"))?;
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ninefold"));
        cmd.arg("serve").arg("--data-dir").arg(dir.path()).args(["--bind", "127.0.0.1:0"]);
        if demo {
            cmd.arg("--demo");
        }
        cmd.env_remove("DATABASE_URL").env("RUST_LOG", "warn").stdout(Stdio::piped()).stderr(log).stdin(Stdio::null());
        let mut proc = Proc::spawn(&mut cmd)?;
        let stdout = proc.child.stdout.take().context("server stdout")?;
        let (tx, rx) = std::sync::mpsc::channel();
        // Read the address line, then keep draining stdout so the server never blocks on it.
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
                if !sent && let Some(rest) = line.strip_prefix("Ninefold is running at ") {
                    let _ = tx.send(rest.trim_end_matches('/').to_string());
                    sent = true;
                }
            }
        });
        let base = rx
            .recv_timeout(Duration::from_secs(120))
            .map_err(|_| anyhow!("the server did not start; its log: {}", read_log(dir.path())))?;
        Ok(Server { base, _proc: proc, dir })
    }

    /// `r`, with the tail of the server's log added to an error.
    pub fn explain<T>(&self, r: Result<T>) -> Result<T> {
        r.map_err(|e| {
            let log = read_log(self.dir.path());
            let tail: Vec<&str> = log.lines().rev().take(20).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            e.context(format!("server log (last lines):\n{}", tail.join("\n")))
        })
    }
}

fn read_log(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("server.log")).unwrap_or_default()
}

/// Options of one browser session.
#[derive(Clone, Debug)]
pub struct Options {
    pub javascript: bool,
    pub width: u32,
    pub height: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options { javascript: true, width: 1280, height: 900 }
    }
}

/// Chromedriver and one headless Chromium session.
pub struct Browser {
    pub c: Client,
    pub base: String,
    pub downloads: PathBuf,
    marks: std::sync::atomic::AtomicU64,
    _profile: tempfile::TempDir,
    _driver: Proc,
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Browser {
    pub async fn start(server: &Server, opts: Options) -> Result<Browser> {
        let port = free_port()?;
        let mut cmd = Command::new(chromedriver());
        cmd.arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null()).stdin(Stdio::null());
        let driver = Proc::spawn(&mut cmd)?;
        let profile = tempfile::tempdir()?;
        let downloads = profile.path().join("downloads");
        std::fs::create_dir_all(&downloads)?;
        let mut prefs = json!({
            "download.default_directory": downloads.to_string_lossy(),
            "download.prompt_for_download": false,
            "plugins.always_open_pdf_externally": true,
            "intl.accept_languages": "en-US,en",
        });
        if !opts.javascript {
            prefs["profile.managed_default_content_settings.javascript"] = json!(2);
        }
        let caps = json!({
            "browserName": "chrome",
            "goog:loggingPrefs": { "browser": "ALL" },
            "goog:chromeOptions": {
                "binary": chromium(),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", "--disable-extensions", "--hide-scrollbars", "--lang=en-US",
                    format!("--window-size={},{}", opts.width, opts.height),
                    format!("--user-data-dir={}", profile.path().join("profile").display()),
                ],
                "prefs": prefs,
            }
        });
        let Value::Object(caps) = caps else { unreachable!("a JSON object literal") };
        let caps: Capabilities = caps;
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let c = loop {
            let conn = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(conn).capabilities(caps.clone()).connect(&url).await {
                Ok(c) => break c,
                Err(e) if Instant::now() > deadline => bail!("chromedriver on {url} gave no session: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        let b =
            Browser { c, base: server.base.clone(), downloads, marks: 0.into(), _profile: profile, _driver: driver };
        b.resize(opts.width, opts.height).await?;
        Ok(b)
    }

    /// Make the viewport (not the window) exactly `width` × `height` CSS pixels.
    pub async fn resize(&self, width: u32, height: u32) -> Result<()> {
        self.c.set_window_size(width, height).await?;
        for _ in 0..3 {
            let v = self.js("return [window.innerWidth, window.innerHeight]", vec![]).await?;
            let (iw, ih) = (v[0].as_i64().unwrap_or(0), v[1].as_i64().unwrap_or(0));
            if iw == i64::from(width) && ih == i64::from(height) {
                return Ok(());
            }
            let (ow, oh) = self.c.get_window_size().await?;
            let w = i64::try_from(ow)? + i64::from(width) - iw;
            let h = i64::try_from(oh)? + i64::from(height) - ih;
            self.c.set_window_size(u32::try_from(w)?, u32::try_from(h)?).await?;
        }
        let v = self.js("return window.innerWidth", vec![]).await?;
        if v.as_i64() != Some(i64::from(width)) {
            bail!("could not make the viewport {width} px wide (it is {v})");
        }
        Ok(())
    }

    pub async fn close(self) -> Result<()> {
        self.c.close().await?;
        Ok(())
    }

    pub async fn js(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        Ok(self.c.execute(script, args).await?)
    }

    /// Open a path of the app and wait until the document is loaded.
    pub async fn goto(&self, path: &str) -> Result<()> {
        self.c.goto(&format!("{}{}", self.base, path)).await.with_context(|| format!("opening {path}"))?;
        self.settle().await
    }

    pub async fn path(&self) -> Result<String> {
        let u = self.c.current_url().await?;
        Ok(match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
    }

    /// Wait until the document is complete and no htmx request is in flight.
    pub async fn settle(&self) -> Result<()> {
        self.settle_after("").await
    }

    /// Put a hidden marker into the current page; once it is gone, the page was replaced.
    /// Each marker has its own id: a page restored from the back/forward cache may still hold
    /// older ones.
    pub async fn mark(&self) -> Result<String> {
        let n = self.marks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("e2e-stale-{n}");
        self.js(
            "const m = document.createElement('i'); m.id = arguments[0]; m.hidden = true; \
             (document.querySelector('main') || document.body).appendChild(m);",
            vec![json!(id)],
        )
        .await?;
        Ok(id)
    }

    /// Wait until the marker `mark` (if any) is gone, the document is complete and no htmx
    /// request is in flight.
    pub async fn settle_after(&self, mark: &str) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let v = self
                .c
                .execute(
                    "return document.readyState === 'complete' && !document.querySelector('.htmx-request') \
                     && !(arguments[0] && document.getElementById(arguments[0]))",
                    vec![json!(mark)],
                )
                .await;
            match v {
                Ok(Value::Bool(true)) => return Ok(()),
                // An error here means the page is between two documents.
                _ if Instant::now() > deadline => bail!("the page did not settle within 30 s"),
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// Click `button` and wait for the response to replace the page (a full navigation, or an
    /// htmx-boosted swap of the body).
    pub async fn submit(&self, button: &str) -> Result<()> {
        let mark = self.mark().await?;
        let el = self.find(button).await?;
        el.click().await.with_context(|| format!("clicking {button}"))?;
        self.settle_after(&mark).await.with_context(|| format!("after clicking {button}"))
    }

    /// The element `css` selects, or an error naming the page.
    pub async fn find(&self, css: &str) -> Result<fantoccini::elements::Element> {
        match self.c.find(Locator::Css(css)).await {
            Ok(el) => Ok(el),
            Err(e) => bail!("no {css} on {}: {e}", self.path().await.unwrap_or_default()),
        }
    }

    pub async fn fill(&self, css: &str, value: &str) -> Result<()> {
        let el = self.find(css).await?;
        el.clear().await?;
        el.send_keys(value).await?;
        Ok(())
    }

    pub async fn select(&self, css: &str, value: &str) -> Result<()> {
        let el = self.find(css).await?;
        el.select_by_value(value).await.with_context(|| format!("option {value} of {css}"))?;
        Ok(())
    }

    /// Choose the option of `css` whose label contains `text`.
    pub async fn select_containing(&self, css: &str, text: &str) -> Result<()> {
        let v = self
            .js(
                "const s = document.querySelector(arguments[0]); if (!s) return null; \
                 const o = [...s.options].find(o => o.textContent.includes(arguments[1])); return o ? o.value : null;",
                vec![json!(css), json!(text)],
            )
            .await?;
        let value = v.as_str().ok_or_else(|| anyhow!("{css} has no option containing {text:?}"))?.to_string();
        self.select(css, &value).await
    }

    pub async fn click(&self, css: &str) -> Result<()> {
        let el = self.find(css).await?;
        el.click().await.with_context(|| format!("clicking {css}"))?;
        Ok(())
    }

    pub async fn text(&self, css: &str) -> Result<String> {
        let el = self.find(css).await?;
        Ok(el.text().await?)
    }

    pub async fn body_text(&self) -> Result<String> {
        self.text("body").await
    }

    pub async fn has(&self, css: &str) -> Result<bool> {
        Ok(!self.c.find_all(Locator::Css(css)).await?.is_empty())
    }

    /// The `href`s of the links matching `css`, in document order.
    pub async fn hrefs(&self, css: &str) -> Result<Vec<String>> {
        let v = self
            .js(
                "return [...document.querySelectorAll(arguments[0])].map(a => a.getAttribute('href'))",
                vec![json!(css)],
            )
            .await?;
        Ok(v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default())
    }

    /// Log in through the login form (after forgetting any earlier session's cookies).
    pub async fn login(&self, email: &str) -> Result<()> {
        self.goto("/login").await?;
        self.c.delete_all_cookies().await?;
        self.goto("/login").await?;
        self.fill("input[name=email]", email).await?;
        self.fill("input[name=password]", DEMO_PASSWORD).await?;
        self.submit("form[action='/login'] button").await?;
        let p = self.path().await?;
        if p.starts_with("/login") {
            bail!("logging in as {email} failed: {}", self.body_text().await?);
        }
        Ok(())
    }

    /// Switch the interface language with the header's language buttons.
    pub async fn language(&self, lang: &str) -> Result<()> {
        self.submit(&format!(".lang-switch button[value={lang}]")).await?;
        // A boosted swap keeps the old <html lang>: load the page afresh to read the new one.
        let here = self.path().await?;
        self.goto(&here).await?;
        let html_lang = self.js("return document.documentElement.lang", vec![]).await?;
        let want = if lang == "zh" { "zh" } else { "en" };
        if !html_lang.as_str().unwrap_or("").starts_with(want) {
            bail!("the page did not switch to {lang}: html lang is {html_lang}");
        }
        Ok(())
    }

    /// The browser's console messages since the last call: (level, message).
    pub async fn console(&self) -> Result<Vec<(String, String)>> {
        let v = self.c.issue_cmd(BrowserLog).await?;
        let mut out = vec![];
        for e in v.as_array().into_iter().flatten() {
            let level = e["level"].as_str().unwrap_or("").to_string();
            let message = e["message"].as_str().unwrap_or("").to_string();
            out.push((level, message));
        }
        Ok(out)
    }

    /// Console errors (level SEVERE) since the last call.
    pub async fn console_errors(&self) -> Result<Vec<String>> {
        Ok(self.console().await?.into_iter().filter(|(l, _)| l == "SEVERE").map(|(_, m)| m).collect())
    }

    /// Save a PNG screenshot of the viewport.
    pub async fn screenshot(&self, file: &Path) -> Result<()> {
        let png = self.c.screenshot().await?;
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(file, png)?;
        Ok(())
    }

    /// Wait for a file to be completely downloaded into the download directory.
    pub async fn downloaded(&self, timeout: Duration) -> Result<(String, Vec<u8>)> {
        let deadline = Instant::now() + timeout;
        loop {
            let mut done = None;
            for e in std::fs::read_dir(&self.downloads)?.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if !name.ends_with(".crdownload") && !name.starts_with('.') {
                    done = Some((name, e.path()));
                }
            }
            if let Some((name, path)) = done {
                return Ok((name, std::fs::read(path)?));
            }
            if Instant::now() > deadline {
                bail!("no download arrived within {timeout:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Chromedriver's log endpoint (`goog:loggingPrefs` above asks it to keep the console).
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.into()))
    }
}

/// Where screenshots go: `NINEFOLD_E2E_SCREENSHOTS` (e.g. `docs/screenshots`, relative to the
/// package), else `target/e2e-screenshots`.
pub fn screenshot_dir() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    match std::env::var("NINEFOLD_E2E_SCREENSHOTS") {
        Ok(d) if !d.is_empty() => root.join(d),
        _ => root.join("target").join("e2e-screenshots"),
    }
}
