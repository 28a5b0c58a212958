//! The proof harness: runs the real `ninefold` binary on SQLite and on PostgreSQL and tries
//! to lose a write. SIGKILL during concurrent writes and during imports (CSV, MS Project),
//! same- and different-record edit races, an 8-way race, duplicate pushes, two instances
//! started together on one PostgreSQL database under load, a full disk (`NINEFOLD_SQLITE_MAX_PAGES`) and a mixed read/write
//! load at 32 connections. Prints acknowledged, lost, 5xx, 409 (false conflicts) and
//! p50/p99 per database, and exits non-zero on any lost write, 5xx, false conflict,
//! duplicate order number or failed start.
//!
//! Short (CI): `cargo run --example proof -- --short`; full: `cargo run --release --example
//! proof`. PostgreSQL runs when `NINEFOLD_TEST_PG` holds a server URL (`psql` creates a
//! database per run); SQLite always. Standard library only: a small HTTP/1.0 client.
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DIRECTOR: &str = "wang.fang@huamei.example";
const PASSWORD: &str = "ninefold-demo";
const PROJECT: i32 = 1;

// ---- a minimal HTTP client (one connection per request, HTTP/1.0: the body ends at EOF) ----

#[derive(Clone)]
struct Client {
    addr: String,
    cookies: Arc<Mutex<HashMap<String, String>>>,
    csrf: String,
}

struct Resp {
    status: u16,
    body: String,
    elapsed: Duration,
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Client {
    fn new(addr: &str) -> Client {
        Client { addr: addr.to_string(), cookies: Arc::new(Mutex::new(HashMap::new())), csrf: String::new() }
    }

    /// A client with its own cookie jar, logged in as the demo director.
    fn login(addr: &str) -> Result<Client, String> {
        let mut c = Client::new(addr);
        c.get("/login")?;
        let r = c.post("/login", &[("email", DIRECTOR), ("password", PASSWORD)])?;
        if r.status != 303 {
            return Err(format!("login answered {}", r.status));
        }
        c.get("/projects")?;
        Ok(c)
    }

    fn send(&mut self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Result<Resp, String> {
        let t0 = Instant::now();
        let mut s = TcpStream::connect(&self.addr).map_err(|e| format!("connect: {e}"))?;
        s.set_read_timeout(Some(Duration::from_secs(60))).ok();
        let cookie: Vec<String> = self.cookies.lock().unwrap().iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut req = format!("{method} {path} HTTP/1.0\r\nHost: {}\r\nContent-Length: {}\r\n", self.addr, body.len());
        if !cookie.is_empty() {
            req.push_str(&format!("Cookie: {}\r\n", cookie.join("; ")));
        }
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        s.write_all(req.as_bytes()).map_err(|e| format!("write: {e}"))?;
        let mut r = BufReader::new(s);
        let mut line = String::new();
        r.read_line(&mut line).map_err(|e| format!("read: {e}"))?;
        let status: u16 = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).ok_or("no status line")?;
        loop {
            line.clear();
            r.read_line(&mut line).map_err(|e| format!("read: {e}"))?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':')
                && k.eq_ignore_ascii_case("set-cookie")
                && let Some((name, value)) = v.trim().split(';').next().and_then(|c| c.split_once('='))
            {
                self.cookies.lock().unwrap().insert(name.to_string(), value.to_string());
            }
        }
        let mut bytes = vec![];
        r.read_to_end(&mut bytes).map_err(|e| format!("read body: {e}"))?;
        let body = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(i) = body.find("name=\"_csrf\" value=\"") {
            let rest = &body[i + 20..];
            self.csrf = rest[..rest.find('"').unwrap_or(0)].to_string();
        }
        Ok(Resp { status, body, elapsed: t0.elapsed() })
    }

    fn get(&mut self, path: &str) -> Result<Resp, String> {
        self.send("GET", path, &[], "")
    }

    fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Result<Resp, String> {
        let mut body = format!("_csrf={}", urlencode(&self.csrf));
        for (k, v) in fields {
            body.push_str(&format!("&{}={}", urlencode(k), urlencode(v)));
        }
        self.send("POST", path, &[("Content-Type", "application/x-www-form-urlencoded")], &body)
    }

    fn push(&mut self, token: &str, key: &str, json: &str) -> Result<Resp, String> {
        let auth = format!("Bearer {token}");
        let path = format!("/api/v1/projects/{PROJECT}/targets/{key}/measurements");
        self.send("POST", &path, &[("Authorization", &auth), ("Content-Type", "application/json")], json)
    }
}

// ---- the server under test ----

#[derive(Clone)]
enum Backend {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Backend {
    fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }
}

struct Server {
    child: Child,
    addr: String,
}

fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("own path");
    // target/<profile>/examples/proof → target/<profile>/ninefold
    exe.parent().and_then(Path::parent).map(|d| d.join("ninefold")).expect("target directory")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

fn start(b: &Backend, demo: bool, env: &[(&str, String)]) -> Result<Server, String> {
    let port = free_port();
    let mut cmd = Command::new(binary());
    cmd.arg("serve").arg("--bind").arg(format!("127.0.0.1:{port}"));
    if demo {
        cmd.arg("--demo");
    }
    match b {
        Backend::Sqlite(dir) => {
            cmd.arg("--data-dir").arg(dir).env_remove("DATABASE_URL");
        }
        Backend::Postgres(url) => {
            cmd.env("DATABASE_URL", url);
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.env("RUST_LOG", "error").stdout(Stdio::null()).stderr(Stdio::null());
    let child = cmd.spawn().map_err(|e| format!("starting {}: {e}", binary().display()))?;
    let mut s = Server { child, addr: format!("127.0.0.1:{port}") };
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(120) {
        if let Ok(r) = Client::new(&s.addr).get("/readyz")
            && r.status == 200
        {
            return Ok(s);
        }
        if let Ok(Some(status)) = s.child.try_wait() {
            return Err(format!("the server exited: {status}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    s.kill();
    Err("the server did not become ready".into())
}

impl Server {
    /// SIGKILL: no shutdown, no flush.
    fn kill(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A fresh database for one scenario.
fn fresh(kind: &str, pg: Option<&str>, n: usize) -> Backend {
    match pg {
        None => {
            let dir = std::env::temp_dir().join(format!("ninefold-proof-{}-{n}", std::process::id()));
            std::fs::remove_dir_all(&dir).ok();
            std::fs::create_dir_all(&dir).expect("a temp dir");
            let _ = kind;
            Backend::Sqlite(dir)
        }
        Some(base) => {
            let name = format!("nf_proof_{}_{n}", std::process::id());
            psql(base, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            psql(base, &format!("CREATE DATABASE {name}"));
            let (prefix, _) = base.rsplit_once('/').expect("a PostgreSQL URL with a path");
            Backend::Postgres(format!("{prefix}/{name}"))
        }
    }
}

fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql").arg(url).arg("-Atqc").arg(sql).output().expect("psql is installed");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// One number from the database (psql for PostgreSQL, the sqlite3 shell for SQLite).
fn scalar(b: &Backend, sql: &str) -> i64 {
    let out = match b {
        Backend::Postgres(url) => psql(url, sql),
        Backend::Sqlite(dir) => {
            let o =
                Command::new("sqlite3").arg(dir.join("ninefold.db")).arg(sql).output().expect("sqlite3 is installed");
            String::from_utf8_lossy(&o.stdout).trim().to_string()
        }
    };
    out.parse().unwrap_or(-1)
}

fn drop_backend(b: &Backend, pg: Option<&str>) {
    match (b, pg) {
        (Backend::Sqlite(dir), _) => {
            std::fs::remove_dir_all(dir).ok();
        }
        (Backend::Postgres(url), Some(base)) => {
            let name = url.rsplit('/').next().unwrap_or_default();
            psql(base, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
        _ => {}
    }
}

// ---- figures ----

#[derive(Default)]
struct Tally {
    acknowledged: u64,
    lost: u64,
    server_errors: u64,
    false_conflicts: u64,
    expected_conflicts: u64,
    duplicate_seq: i64,
    failed_starts: u64,
    starts: u64,
    kill_trials: u64,
    import_kill_trials: u64,
    /// Killed imports found whole / absent after the restart.
    imports_whole: u64,
    imports_none: u64,
    disk_full_runs: u64,
    latencies: Vec<Duration>,
    notes: Vec<String>,
}

impl Tally {
    fn count(&mut self, r: &Resp, conflict_expected: bool) {
        self.latencies.push(r.elapsed);
        if r.status >= 500 {
            self.server_errors += 1;
            let why: String =
                r.body.lines().find(|l| l.contains("rror")).unwrap_or("").trim().chars().take(160).collect();
            self.notes.push(format!("{} {}", r.status, why));
        } else if r.status == 409 {
            if conflict_expected { self.expected_conflicts += 1 } else { self.false_conflicts += 1 }
        }
    }

    fn merge(&mut self, o: Tally) {
        self.acknowledged += o.acknowledged;
        self.lost += o.lost;
        self.server_errors += o.server_errors;
        self.false_conflicts += o.false_conflicts;
        self.expected_conflicts += o.expected_conflicts;
        self.latencies.extend(o.latencies);
        self.notes.extend(o.notes);
    }

    fn percentile(&self, p: f64) -> f64 {
        let mut v: Vec<f64> = self.latencies.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        if v.is_empty() {
            return 0.0;
        }
        v.sort_by(f64::total_cmp);
        v[((v.len() as f64 - 1.0) * p).round() as usize]
    }

    fn failed(&self) -> bool {
        self.lost > 0
            || self.server_errors > 0
            || self.false_conflicts > 0
            || self.duplicate_seq != 0
            || self.failed_starts > 0
    }
}

// ---- scenarios ----

/// Names on phase 3's page (the activities the writers added).
fn page_has(c: &mut Client, names: &[String]) -> Result<Vec<String>, String> {
    let page = c.get(&format!("/projects/{PROJECT}?phase=3"))?.body;
    Ok(names.iter().filter(|n| !page.contains(&format!("{n}<"))).cloned().collect())
}

fn add_activity(c: &mut Client, name: &str) -> Result<Resp, String> {
    c.post(
        &format!("/projects/{PROJECT}/phases/3/activities"),
        &[("name_en", name), ("name_zh", ""), ("tier", "project_team")],
    )
}

/// Writers add activities; the server is SIGKILLed at a random moment; after a restart
/// every acknowledged activity must be there.
fn kill_trials(b: &Backend, trials: usize, t: &mut Tally) -> Result<(), String> {
    let mut seed = 0x2545_F491_4F6C_DD1Du64 ^ u64::from(std::process::id());
    for trial in 0..trials {
        let server = start(b, trial == 0, &[])?;
        t.starts += 1;
        let acked = Arc::new(Mutex::new(Vec::<String>::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let mut writers = vec![];
        for w in 0..8 {
            let (acked, stop, addr) = (acked.clone(), stop.clone(), server.addr.clone());
            writers.push(std::thread::spawn(move || {
                let mut local = Tally::default();
                let Ok(mut c) = Client::login(&addr) else { return local };
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    let name = format!("Kill {trial}-{w}-{i}");
                    match add_activity(&mut c, &name) {
                        Ok(r) if r.status == 303 => {
                            acked.lock().unwrap().push(name);
                            local.acknowledged += 1;
                            local.latencies.push(r.elapsed);
                        }
                        Ok(r) if !stop.load(Ordering::Relaxed) => local.count(&r, false),
                        _ => break, // the connection died with the server
                    }
                    i += 1;
                }
                local
            }));
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(300 + seed % 1200));
        let mut server = server;
        server.kill();
        stop.store(true, Ordering::Relaxed);
        for w in writers {
            t.merge(w.join().unwrap_or_default());
        }
        let server = start(b, false, &[])?;
        let mut c = Client::login(&server.addr)?;
        let names = acked.lock().unwrap().clone();
        let missing = page_has(&mut c, &names)?;
        if !missing.is_empty() {
            t.notes.push(format!("kill trial {trial}: lost {:?}", &missing[..missing.len().min(5)]));
        }
        t.lost += missing.len() as u64;
        t.kill_trials += 1;
        drop(server);
    }
    Ok(())
}

/// The rows one import adds (people from a CSV, activities from an MS Project file).
const IMPORT_ROWS: usize = 150;

/// A CSV of `IMPORT_ROWS` new people named `CsvImp-T{trial}-K{k}x`.
fn people_csv(trial: usize) -> String {
    let mut csv = String::from("name,department,side\n");
    for k in 0..IMPORT_ROWS {
        csv.push_str(&format!("CsvImp-T{trial}-K{k}x,management,client\n"));
    }
    csv
}

/// The project's own MS Project export with `IMPORT_ROWS` new tasks, named
/// `XmlImp-T{trial}-K{k}x`, appended to its last phase.
fn mspdi_with_new_tasks(c: &mut Client, trial: usize) -> Result<String, String> {
    let xml = c.get(&format!("/projects/{PROJECT}/schedule.xml"))?.body;
    let start = xml.split("<Start>").nth(1).and_then(|s| s.get(..10)).ok_or("no <Start> in the export")?.to_string();
    let end = xml.rfind("</Tasks>").ok_or("no </Tasks> in the export")?;
    let mut tasks = String::new();
    for k in 0..IMPORT_ROWS {
        tasks.push_str(&format!(
            "<Task><UID>{}</UID><ID>{}</ID><Name>XmlImp-T{trial}-K{k}x</Name><OutlineLevel>2</OutlineLevel>\
             <Summary>0</Summary><Milestone>0</Milestone><Start>{start}T08:00:00</Start>\
             <Finish>{start}T17:00:00</Finish><Duration>PT8H0M0S</Duration><DurationFormat>7</DurationFormat>\
             <PercentComplete>0</PercentComplete></Task>\n",
            900_000 + k,
            900_000 + k
        ));
    }
    Ok(format!("{}{tasks}{}", &xml[..end], &xml[end..]))
}

/// Each trial starts one import (alternately a people CSV and an MS Project file), SIGKILLs
/// the server at a random moment (before, during or after the import's commit) and
/// restarts it: the import's rows must all be there or none (all when it was acknowledged).
fn import_kill_trials(b: &Backend, trials: usize, t: &mut Tally) -> Result<(), String> {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ u64::from(std::process::id());
    for trial in 0..trials {
        let server = start(b, false, &[])?;
        t.starts += 1;
        let mut c = Client::login(&server.addr)?;
        let csv = trial % 2 == 0;
        let (body, table, column, prefix) = if csv {
            (people_csv(trial), "people", "name", format!("CsvImp-T{trial}-"))
        } else {
            (mspdi_with_new_tasks(&mut c, trial)?, "activities", "name_en", format!("XmlImp-T{trial}-"))
        };
        let importer = std::thread::spawn(move || {
            if csv {
                c.post(&format!("/projects/{PROJECT}/people/import"), &[("csv", &body), ("action", "import")])
            } else {
                let boundary = "----ninefold-proof-boundary";
                let multipart = format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plan.xml\"\r\n\
                     Content-Type: application/xml\r\n\r\n{body}\r\n--{boundary}--\r\n"
                );
                let csrf = c.csrf.clone();
                let ct = format!("multipart/form-data; boundary={boundary}");
                c.send(
                    "POST",
                    &format!("/projects/{PROJECT}/schedule/import"),
                    &[("Content-Type", &ct), ("X-CSRF-Token", &csrf)],
                    &multipart,
                )
            }
        });
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(seed % 600));
        let mut server = server;
        server.kill();
        let acked = match importer.join() {
            Ok(Ok(r)) if r.status == 303 => {
                t.acknowledged += 1;
                t.latencies.push(r.elapsed);
                true
            }
            Ok(Ok(r)) => {
                t.count(&r, false);
                false
            }
            _ => false, // the connection died with the server
        };
        drop(server);
        let server = start(b, false, &[])?;
        let n = scalar(b, &format!("SELECT COUNT(*) FROM {table} WHERE {column} LIKE '{prefix}%'"));
        let whole = n == IMPORT_ROWS as i64;
        if !whole && (acked || n != 0) {
            t.lost += 1;
            t.notes.push(format!(
                "import kill trial {trial} ({}): {n} of {IMPORT_ROWS} rows after restart, acknowledged: {acked}",
                if csv { "CSV" } else { "MS Project" }
            ));
        }
        if acked || whole {
            t.imports_whole += 1;
        } else {
            t.imports_none += 1;
        }
        t.import_kill_trials += 1;
        drop(server);
    }
    Ok(())
}

fn activity_ids(c: &mut Client) -> Result<Vec<i32>, String> {
    let page = c.get(&format!("/projects/{PROJECT}/schedule"))?.body;
    let mut ids = vec![];
    for part in page.split("/schedule/activities/").skip(1) {
        let n: String = part.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(id) = n.parse()
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    Ok(ids)
}

fn version_of(c: &mut Client, id: i32) -> Result<String, String> {
    let body = c.get(&format!("/projects/{PROJECT}/schedule/activities/{id}"))?.body;
    let i = body.find("name=\"version\" value=\"").ok_or("no version on the form")? + 22;
    Ok(body[i..i + body[i..].find('"').unwrap_or(0)].to_string())
}

fn save(c: &mut Client, id: i32, version: &str, duration: u32) -> Result<Resp, String> {
    let d = duration.to_string();
    c.post(
        &format!("/projects/{PROJECT}/schedule/activities/{id}"),
        &[("start", "2026-01-05"), ("duration", &d), ("percent", "10"), ("version", version)],
    )
}

/// 8 different activities saved at once (each with its own fresh version): all must land;
/// the same activity saved by 8 with one version: exactly one winner, seven 409s.
fn races(addrs: &[String], rounds: usize, t: &mut Tally) -> Result<(), String> {
    let mut c = Client::login(&addrs[0])?;
    let ids = activity_ids(&mut c)?;
    if ids.len() < 8 {
        return Err("fewer than 8 activities on the schedule".into());
    }
    for round in 0..rounds {
        // Different records.
        let mut forms = vec![];
        for (k, id) in ids.iter().step_by(ids.len() / 8).take(8).enumerate() {
            let mut c = Client::login(&addrs[k % addrs.len()])?;
            let v = version_of(&mut c, *id)?;
            forms.push((c, *id, v));
        }
        let results: Vec<_> = forms
            .into_iter()
            .map(|(mut c, id, v)| std::thread::spawn(move || save(&mut c, id, &v, 2 + (round % 5) as u32)))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect();
        for r in results {
            let r = r?;
            if r.status == 303 {
                t.acknowledged += 1;
                t.latencies.push(r.elapsed);
            } else {
                t.count(&r, false);
            }
        }
        // One record.
        let id = ids[round % ids.len()];
        let v = version_of(&mut c, id)?;
        let handles: Vec<_> = (0..8)
            .map(|k| {
                let (addr, v) = (addrs[k % addrs.len()].clone(), v.clone());
                std::thread::spawn(move || -> Result<Resp, String> {
                    let mut c = Client::login(&addr)?;
                    save(&mut c, id, &v, 3 + k as u32)
                })
            })
            .collect();
        let mut winners = 0;
        for h in handles {
            let r = h.join().unwrap()?;
            match r.status {
                303 => {
                    winners += 1;
                    t.acknowledged += 1;
                }
                409 => t.count(&r, true),
                _ => t.count(&r, false),
            }
        }
        if winners != 1 {
            t.notes.push(format!("same-record race round {round}: {winners} winners"));
            t.lost += u64::from(winners == 0);
            t.false_conflicts += u64::from(winners == 0);
        }
    }
    Ok(())
}

/// A project API token from the tokens page.
fn token(c: &mut Client) -> Result<String, String> {
    c.get(&format!("/projects/{PROJECT}/tokens"))?;
    let body = c.post(&format!("/projects/{PROJECT}/tokens"), &[("name", "proof")])?.body;
    let i = body.find("<pre class=\"token\">").ok_or("no token shown")? + 19;
    Ok(body[i..i + body[i..].find('<').unwrap_or(0)].to_string())
}

/// The same reading pushed by 8 at once: one 201, seven 200, one row.
fn duplicate_pushes(addrs: &[String], rounds: usize, tok: &str, t: &mut Tally) -> Result<(), String> {
    for round in 0..rounds {
        let json =
            format!(r#"{{"date": "2026-02-{:02}", "value": {}.5, "source": "proof-dup"}}"#, 1 + round % 28, round);
        let handles: Vec<_> = (0..8)
            .map(|k| {
                let (addr, json, tok) = (addrs[k % addrs.len()].clone(), json.clone(), tok.to_string());
                std::thread::spawn(move || Client::new(&addr).push(&tok, "sales-revenue", &json))
            })
            .collect();
        let mut created = 0;
        for h in handles {
            let r = h.join().unwrap()?;
            match r.status {
                201 => {
                    created += 1;
                    t.acknowledged += 1;
                    t.latencies.push(r.elapsed);
                }
                200 => t.latencies.push(r.elapsed),
                _ => t.count(&r, false),
            }
        }
        if created != 1 {
            t.notes.push(format!("duplicate push round {round}: {created} created"));
            t.server_errors += u64::from(created == 0);
        }
    }
    Ok(())
}

/// 32 connections for `secs`: reads of the overview and the schedule, saves of an activity
/// each connection owns, new activities and pushes. Every 409 here is a false conflict.
fn mixed_load(addrs: &[String], secs: u64, tok: &str, t: &mut Tally) -> Result<(), String> {
    let mut c = Client::login(&addrs[0])?;
    let ids = activity_ids(&mut c)?;
    let stop_at = Instant::now() + Duration::from_secs(secs);
    let handles: Vec<_> = (0..32)
        .map(|k| {
            let addr = addrs[k % addrs.len()].clone();
            let own = ids[k % ids.len()];
            let tok = tok.to_string();
            let mine = k < ids.len();
            std::thread::spawn(move || -> Result<(Tally, Vec<String>), String> {
                let mut t = Tally::default();
                let mut added = vec![];
                let mut c = Client::login(&addr)?;
                let mut i = 0u32;
                while Instant::now() < stop_at {
                    let r = match i % 5 {
                        0 => c.get(&format!("/projects/{PROJECT}"))?,
                        1 => c.get(&format!("/projects/{PROJECT}/schedule"))?,
                        2 if mine => {
                            let v = version_of(&mut c, own)?;
                            save(&mut c, own, &v, 1 + i % 7)?
                        }
                        3 => {
                            let name = format!("Load {k}-{i}");
                            let r = add_activity(&mut c, &name)?;
                            if r.status == 303 {
                                added.push(name);
                            }
                            r
                        }
                        _ => {
                            let json = format!(r#"{{"date": "2026-03-01", "value": {i}, "source": "proof-{k}-{i}"}}"#);
                            c.push(&tok, "sales-revenue", &json)?
                        }
                    };
                    if (200..400).contains(&r.status) {
                        t.latencies.push(r.elapsed);
                        if r.status != 200 || i % 5 == 4 {
                            t.acknowledged += 1;
                        }
                    } else {
                        t.count(&r, false);
                    }
                    i += 1;
                }
                Ok((t, added))
            })
        })
        .collect();
    let mut added = vec![];
    for h in handles {
        let (lt, a) = h.join().unwrap()?;
        t.merge(lt);
        added.extend(a);
    }
    let missing = page_has(&mut c, &added)?;
    t.lost += missing.len() as u64;
    Ok(())
}

/// Writers into a database capped a few dozen pages above its size: refusals must be
/// visible (5xx is the expected answer here and not counted), and after a restart without
/// the cap every acknowledged write is there.
fn disk_full(b: &Backend, runs: usize, t: &mut Tally) -> Result<(), String> {
    let Backend::Sqlite(dir) = b else { return Ok(()) };
    for run in 0..runs {
        let _ = dir;
        let pages = u64::try_from(scalar(b, "PRAGMA page_count")).map_err(|_| "cannot read the page count")?;
        let cap = pages + 40 + 15 * run as u64;
        let server = start(b, false, &[("NINEFOLD_SQLITE_MAX_PAGES", cap.to_string())])?;
        t.starts += 1;
        let handles: Vec<_> = (0..4)
            .map(|w| {
                let addr = server.addr.clone();
                std::thread::spawn(move || -> Result<(Vec<String>, u64, Vec<Duration>), String> {
                    let mut c = Client::login(&addr)?;
                    let (mut acked, mut refused, mut lat) = (vec![], 0, vec![]);
                    for i in 0..150 {
                        let name = format!("Full {run}-{w}-{i} {}", "x".repeat(200));
                        let r = add_activity(&mut c, &name)?;
                        if r.status == 303 {
                            acked.push(name);
                            lat.push(r.elapsed);
                        } else {
                            refused += 1;
                        }
                    }
                    Ok((acked, refused, lat))
                })
            })
            .collect();
        let (mut acked, mut refused) = (vec![], 0);
        for h in handles {
            let (a, r, l) = h.join().unwrap()?;
            acked.extend(a);
            refused += r;
            t.latencies.extend(l);
        }
        drop(server);
        if refused == 0 {
            t.notes.push(format!("disk-full run {run}: the cap was never reached"));
        }
        t.acknowledged += acked.len() as u64;
        let server = start(b, false, &[])?;
        let mut c = Client::login(&server.addr)?;
        let missing = page_has(&mut c, &acked)?;
        if !missing.is_empty() {
            t.notes.push(format!("disk-full run {run}: {} of {} acknowledged lost", missing.len(), acked.len()));
        }
        t.lost += missing.len() as u64;
        t.disk_full_runs += 1;
    }
    Ok(())
}

/// Two instances started at the same moment on one fresh PostgreSQL database: both must
/// come up (migrations under an advisory lock), then serve load together.
fn two_instances(
    base: &str,
    times: usize,
    n: &mut usize,
    t: &mut Tally,
) -> Result<Option<(Backend, Vec<Server>)>, String> {
    let mut last = None;
    for k in 0..times {
        *n += 1;
        let b = fresh("pg", Some(base), *n);
        let h: Vec<_> = (0..2)
            .map(|_| {
                let b = b.clone();
                std::thread::spawn(move || start(&b, false, &[]))
            })
            .collect();
        let mut servers = vec![];
        for h in h {
            t.starts += 1;
            match h.join().unwrap() {
                Ok(s) => servers.push(s),
                Err(e) => {
                    t.failed_starts += 1;
                    t.notes.push(format!("two instances, start {k}: {e}"));
                }
            }
        }
        if k + 1 == times && servers.len() == 2 {
            last = Some((b, servers));
        } else {
            drop(servers);
            drop_backend(&b, Some(base));
        }
    }
    Ok(last)
}

fn demo(b: &Backend) -> Result<(), String> {
    let mut cmd = Command::new(binary());
    cmd.arg("demo");
    match b {
        Backend::Sqlite(dir) => cmd.arg("--data-dir").arg(dir),
        Backend::Postgres(url) => cmd.env("DATABASE_URL", url),
    };
    let out = cmd.output().map_err(|e| e.to_string())?;
    if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into_owned()) }
}

struct Plan {
    kill_trials: usize,
    import_kill_trials: usize,
    race_rounds: usize,
    load_secs: u64,
    disk_full_runs: usize,
    two_instance_starts: usize,
}

fn run(b: &Backend, pg: Option<&str>, plan: &Plan, n: &mut usize) -> Result<Tally, String> {
    let mut t = Tally::default();
    eprintln!("[{}] {} SIGKILL trials during concurrent writes", b.name(), plan.kill_trials);
    kill_trials(b, plan.kill_trials, &mut t)?;
    eprintln!("[{}] {} SIGKILL trials during imports (CSV, MS Project)", b.name(), plan.import_kill_trials);
    import_kill_trials(b, plan.import_kill_trials, &mut t)?;
    let server = start(b, false, &[])?;
    let addrs = vec![server.addr.clone()];
    eprintln!("[{}] edit races, {} rounds", b.name(), plan.race_rounds);
    races(&addrs, plan.race_rounds, &mut t)?;
    let tok = token(&mut Client::login(&addrs[0])?)?;
    eprintln!("[{}] duplicate pushes, {} rounds", b.name(), plan.race_rounds);
    duplicate_pushes(&addrs, plan.race_rounds, &tok, &mut t)?;
    eprintln!("[{}] mixed load at 32 connections, {} s", b.name(), plan.load_secs);
    let mut load = Tally::default();
    mixed_load(&addrs, plan.load_secs, &tok, &mut load)?;
    let (p50, p99, reqs) = (load.percentile(0.5), load.percentile(0.99), load.latencies.len());
    t.notes.push(format!("mixed load: {reqs} requests in {} s, p50 {p50:.1} ms, p99 {p99:.1} ms", plan.load_secs));
    t.merge(load);
    drop(server);
    if let Backend::Sqlite(_) = b {
        eprintln!("[{}] disk full, {} runs", b.name(), plan.disk_full_runs);
        disk_full(b, plan.disk_full_runs, &mut t)?;
    }
    if let Some(base) = pg {
        eprintln!("[{}] two instances started together, {} times", b.name(), plan.two_instance_starts);
        if let Some((b2, servers)) = two_instances(base, plan.two_instance_starts, n, &mut t)? {
            demo(&b2)?;
            let addrs: Vec<String> = servers.iter().map(|s| s.addr.clone()).collect();
            races(&addrs, plan.race_rounds.min(3), &mut t)?;
            let tok = token(&mut Client::login(&addrs[0])?)?;
            duplicate_pushes(&addrs, plan.race_rounds.min(3), &tok, &mut t)?;
            mixed_load(&addrs, plan.load_secs / 2 + 1, &tok, &mut t)?;
            t.duplicate_seq += scalar(
                &b2,
                "SELECT COUNT(*) FROM (SELECT phase_id, seq FROM activities GROUP BY phase_id, seq HAVING COUNT(*) > 1) d",
            );
            drop(servers);
            drop_backend(&b2, Some(base));
        }
    }
    t.duplicate_seq += scalar(
        b,
        "SELECT COUNT(*) FROM (SELECT phase_id, seq FROM activities GROUP BY phase_id, seq HAVING COUNT(*) > 1) d",
    );
    Ok(t)
}

fn main() {
    let short = std::env::args().any(|a| a == "--short");
    let plan = if short {
        Plan {
            kill_trials: 10,
            import_kill_trials: 4,
            race_rounds: 3,
            load_secs: 20,
            disk_full_runs: 2,
            two_instance_starts: 2,
        }
    } else {
        Plan {
            kill_trials: 50,
            import_kill_trials: 20,
            race_rounds: 10,
            load_secs: 60,
            disk_full_runs: 4,
            two_instance_starts: 10,
        }
    };
    if !binary().exists() {
        eprintln!("{} not found: run `cargo build` (same profile) first", binary().display());
        std::process::exit(2);
    }
    let pg = std::env::var("NINEFOLD_TEST_PG").ok();
    let mut n = 0;
    let mut failed = false;
    let mut backends = vec![(fresh("sqlite", None, 0), None)];
    if let Some(base) = pg.as_deref() {
        n += 1;
        backends.push((fresh("pg", Some(base), n), Some(base)));
    }
    println!(
        "database    kills  import-kills (whole/none)  disk-full  starts  acknowledged  lost  5xx  false-409  expected-409  dup-seq  p50 ms  p99 ms"
    );
    for (b, base) in backends {
        let t = match run(&b, base, &plan, &mut n) {
            Ok(t) => t,
            Err(e) => {
                println!("{:<11} harness error: {e}", b.name());
                failed = true;
                drop_backend(&b, base);
                continue;
            }
        };
        println!(
            "{:<11} {:>5}  {:>12} ({:>3}/{:<3})     {:>9}  {:>3}/{:<3} {:>12}  {:>4}  {:>3}  {:>9}  {:>12}  {:>7}  {:>6.1}  {:>6.1}",
            b.name(),
            t.kill_trials,
            t.import_kill_trials,
            t.imports_whole,
            t.imports_none,
            t.disk_full_runs,
            t.starts - t.failed_starts,
            t.starts,
            t.acknowledged,
            t.lost,
            t.server_errors,
            t.false_conflicts,
            t.expected_conflicts,
            t.duplicate_seq,
            t.percentile(0.5),
            t.percentile(0.99)
        );
        for note in t.notes.iter().take(20) {
            println!("    {note}");
        }
        failed |= t.failed();
        drop_backend(&b, base);
    }
    if failed {
        println!("proof: FAILED");
        std::process::exit(1);
    }
    println!("proof: ok");
}
