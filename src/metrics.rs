//! Process metrics in the Prometheus text format: requests by route template and status
//! with latency histograms, PDF renders with their time, and the database pool. Kept in a
//! process-wide registry so any layer can count without threading a handle through; the
//! numbers describe this process only (each instance behind a load balancer is scraped).
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Clone, Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, secs: f64) {
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                self.counts[i] += 1;
            }
        }
        self.count += 1;
        self.sum += secs;
    }

    fn write(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (i, b) in BUCKETS.iter().enumerate() {
            let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{b}\"}} {}", self.counts[i]);
        }
        let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}", self.count);
        let braces = if labels.is_empty() { String::new() } else { format!("{{{labels}}}") };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

#[derive(Default)]
struct Registry {
    /// (method, route template, status) → latency histogram.
    requests: BTreeMap<(String, String, u16), Histogram>,
    /// document kind → render time histogram.
    pdf: BTreeMap<String, Histogram>,
}

static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);

fn with<R>(f: impl FnOnce(&mut Registry) -> R) -> R {
    let mut g = REGISTRY.lock().unwrap_or_else(|p| p.into_inner());
    f(g.get_or_insert_with(Registry::default))
}

/// Count one request: `route` is the matched route template (`/projects/{id}`), never the
/// raw path, so ids do not explode the label set.
pub fn request(method: &str, route: &str, status: u16, took: Duration) {
    with(|r| {
        r.requests.entry((method.to_string(), route.to_string(), status)).or_default().observe(took.as_secs_f64())
    });
}

/// A route template as a label value: parameters written `:id` (braces are legal inside a
/// quoted label value, but naive scrapers cut labels at `}`), then escaped.
fn route_label(route: &str) -> String {
    esc(&route.replace('{', ":").replace('}', ""))
}

/// Count one PDF rendering of document `kind`.
pub fn pdf_rendered(kind: &str, took: Duration) {
    with(|r| r.pdf.entry(kind.to_string()).or_default().observe(took.as_secs_f64()));
}

/// Label values escaped as the text format requires.
fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// The exposition text; `pool` is (connections open, idle, maximum).
pub fn render(pool: (u32, u32, u32)) -> String {
    let mut out = String::new();
    with(|r| {
        out.push_str("# HELP ninefold_http_requests_total Requests served, by method, route template and status.\n");
        out.push_str("# TYPE ninefold_http_requests_total counter\n");
        for ((m, route, s), h) in &r.requests {
            let _ = writeln!(
                out,
                "ninefold_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{s}\"}} {}",
                esc(m),
                route_label(route),
                h.count
            );
        }
        out.push_str("# HELP ninefold_http_request_duration_seconds Time to answer a request.\n");
        out.push_str("# TYPE ninefold_http_request_duration_seconds histogram\n");
        for ((m, route, s), h) in &r.requests {
            let labels = format!("method=\"{}\",route=\"{}\",status=\"{s}\"", esc(m), route_label(route));
            h.write(&mut out, "ninefold_http_request_duration_seconds", &labels);
        }
        out.push_str("# HELP ninefold_pdf_render_seconds Time to lay out and render a deliverable PDF.\n");
        out.push_str("# TYPE ninefold_pdf_render_seconds histogram\n");
        for (kind, h) in &r.pdf {
            h.write(&mut out, "ninefold_pdf_render_seconds", &format!("kind=\"{}\"", esc(kind)));
        }
    });
    let (size, idle, max) = pool;
    out.push_str("# HELP ninefold_db_pool_connections Database connections by state.\n");
    out.push_str("# TYPE ninefold_db_pool_connections gauge\n");
    let _ = writeln!(out, "ninefold_db_pool_connections{{state=\"open\"}} {size}");
    let _ = writeln!(out, "ninefold_db_pool_connections{{state=\"idle\"}} {idle}");
    let _ = writeln!(out, "ninefold_db_pool_connections{{state=\"in_use\"}} {}", size.saturating_sub(idle));
    out.push_str("# HELP ninefold_db_pool_max_connections The pool's limit.\n");
    out.push_str("# TYPE ninefold_db_pool_max_connections gauge\n");
    let _ = writeln!(out, "ninefold_db_pool_max_connections {max}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_labels_escaped() {
        let mut h = Histogram::default();
        h.observe(0.003);
        h.observe(0.2);
        assert_eq!(h.counts[0], 0);
        assert_eq!(h.counts[2], 1, "0.003 ≤ 0.005");
        assert_eq!(h.counts[BUCKETS.len() - 1], 2);
        assert_eq!(esc("a\"b\\c"), "a\\\"b\\\\c");
    }
}
