//! Phase 8's documents (issue 14 point 10) on the demo's service pilot: the printable cutover
//! runbook, the rehearsal report with the live record, and the hypercare log, read back in
//! both languages like every other kind (text, bookmarks, metadata, no raw keys), generated
//! through `publish` and attached to their playbook deliverables.
use crate::deliverable_docs::{info, outline, pages_text};
use crate::harness::{TestApp, on_each_db};
use lopdf::Document;
use ninefold::i18n::{self, Lang};
use ninefold::report::Kind;

async fn pilot(t: &TestApp) -> i32 {
    let pb = t.state.playbooks.get("nine-phase").unwrap();
    ninefold::service::demo::ensure(&t.db, pb, chrono::Utc::now().date_naive()).await.unwrap();
    let name = ninefold::service::demo_golive::PROJECT_NAME.replace('\'', "''");
    t.count(&format!("SELECT CAST(id AS BIGINT) FROM projects WHERE name = '{name}'")).await as i32
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Codes that must never reach a reader of these documents.
const RAW: &[&str] =
    &["golive.", "docs8.", "pdf.", "module.", "in_progress", "walk_in", "late_start", "overrunning", "cat.", "state."];

#[tokio::test]
async fn the_cutover_runbook_rehearsal_report_and_hypercare_log_read_back_in_both_languages() {
    on_each_db(|t| async move {
        let p = pilot(&t).await;
        for lang in [Lang::En, Lang::Zh] {
            let f = ninefold::report::facts(&t.db.conn, p, lang).await.unwrap();
            let rb = &f.runbook;
            // Hand-computed: 10 (0–30) → 30 (30–150) → 40 (150–330) → 50 (330–480) →
            // 70 (480–570) → 80 (570–690); 90 waits for its planned start at +14 h
            // (840–870) → 100 (870–885): 885 minutes, 14.75 hours.
            assert_eq!(rb.critical_minutes, 885);
            assert_eq!(rb.tasks.len(), 10);
            assert_eq!(rb.rehearsals.len(), 2);
            // Rehearsal 1 overran tasks 10, 30, 40, 50, 60, 70, 80; rehearsal 2 tasks 30, 40.
            assert_eq!(rb.rehearsals[0].tasks_overran, 7);
            assert_eq!(rb.rehearsals[1].tasks_overran, 2);
            let hc = &f.hypercare;
            assert_eq!(hc.issues.len(), 6);
            // Issue 1 (severity 1) answered after 45 min (level 30); issue 3 (severity 2)
            // resolved after 600 min (level 480): whatever the day, at least these two.
            assert!(hc.response_breaches >= 1 && hc.resolution_breaches >= 1);

            let mut texts = Vec::new();
            for (kind, deliverable) in [
                (Kind::CutoverRunbook, "cutover-plan"),
                (Kind::RehearsalReport, "cutover-record"),
                (Kind::HypercareLog, "hypercare-log"),
            ] {
                let what = format!("{kind:?} {lang:?}");
                let doc = ninefold::report::document(&f, kind, lang, "v1", "王芳 Wang Fang");
                let headings: Vec<String> = doc
                    .blocks
                    .iter()
                    .filter_map(|b| match b {
                        ninefold::pdf::Block::Heading(_, s) => Some(s.clone()),
                        _ => None,
                    })
                    .collect();
                let saved = ninefold::report::publish(&t.db, None, p, kind, lang).await.unwrap();
                let pdf = Document::load_mem(&saved.bytes).unwrap();
                assert_eq!(info(&pdf, "Title"), kind.title(lang), "{what}");
                assert_eq!(info(&pdf, "Author"), "Ninefold", "{what}: generated from the command line's path");
                assert!(info(&pdf, "Subject").contains("客服试点"), "{what}");
                let want = if lang == Lang::Zh { "zh-CN" } else { "en" };
                assert_eq!(
                    pdf.catalog().unwrap().get(b"Lang").ok().and_then(|o| o.as_str().ok()).unwrap_or_default(),
                    want.as_bytes(),
                    "{what}"
                );
                let marks: Vec<String> = outline(&pdf).into_iter().map(|m| m.1).collect();
                assert_eq!(marks, headings, "{what}: a bookmark per heading");
                assert!(marks.len() >= 3, "{what}: {marks:?}");
                let pages = pages_text(&pdf);
                assert!((3..=20).contains(&pages.len()), "{what}: {} pages", pages.len());
                for (i, text) in pages.iter().enumerate().skip(2) {
                    let body = text.replace(&f.project.name, "").replace(&f.project.client_name, "");
                    assert!(body.trim().chars().count() > 60, "{what}: page {} is empty:\n{text}", i + 1);
                }
                let all = pages.join("\n");
                for raw in RAW {
                    let found = all.match_indices(raw).any(|(i, _)| {
                        !raw.ends_with('.')
                            || all[i + raw.len()..].chars().next().is_some_and(|c| c.is_ascii_lowercase())
                    });
                    assert!(!found, "{what}: raw `{raw}` in:\n{all}");
                }
                let attached = t
                    .count(&format!(
                        "SELECT COUNT(*) FROM documents d JOIN deliverables x ON x.id = d.deliverable_id \
                         WHERE d.project_id = {p} AND d.kind = '{}' AND d.lang = '{}' AND x.key = '{deliverable}'",
                        kind.key(),
                        lang.code()
                    ))
                    .await;
                assert_eq!(attached, 1, "{what} is attached to `{deliverable}`");
                texts.push(squeeze(&all));
            }
            let [runbook, rehearsals, hypercare] = [&texts[0], &texts[1], &texts[2]];

            // The runbook: every task with its owner, the time zone, the critical path in
            // hours, the rollback deadlines in local time, categories in the reader's language.
            let hours = match lang {
                Lang::En => "14.75h(14:45)",
                Lang::Zh => "14.75小时（14:45）",
            };
            assert!(runbook.contains(hours), "{lang:?}: critical path in hours:\n{runbook}");
            assert!(runbook.contains("Asia/Shanghai"));
            for row in &rb.tasks {
                assert!(runbook.contains(&squeeze(&row.task.name)), "{lang:?}: task `{}`", row.task.name);
                assert!(runbook.contains(&squeeze(&row.task.owner)));
                if let Some(d) = row.task.rollback_deadline {
                    assert!(runbook.contains(&squeeze(&d.format("%Y-%m-%d %H:%M").to_string())));
                }
            }
            for cat in ["technical", "data", "business", "communication"] {
                assert!(runbook.contains(&squeeze(&i18n::t(lang, &format!("golive.cat.{cat}")))), "{cat}");
            }
            let start = rb.start.unwrap().format("%Y-%m-%d %H:%M").to_string();
            assert!(runbook.contains(&squeeze(&start)), "the window's start");
            assert!(runbook.contains(&squeeze(&i18n::t(lang, "golive.checkpoint"))));

            // The rehearsal report: both rehearsals, task 40's 60-minute overrun in the first,
            // the verdicts, the live record.
            for r in &rb.rehearsals {
                assert!(rehearsals.contains(&squeeze(&r.rehearsal.name)));
            }
            let over = squeeze(&i18n::tf(lang, "golive.overran", &[("minutes", "60")]));
            assert!(rehearsals.contains(&over), "{lang:?}: `{over}` flagged:\n{rehearsals}");
            assert_eq!(
                rehearsals.matches('▲').count(),
                2 * (7 + 2) + 1,
                "{lang:?}: each overrun flagged in the comparison and in its rehearsal's sheet (and the note)"
            );
            for r in &rb.rehearsals {
                let verdict = match (r.total_minutes, r.within_tolerance) {
                    (None, _) => "golive.incomplete",
                    (Some(_), true) => "golive.within_tolerance",
                    (Some(_), false) => "golive.outside_tolerance",
                };
                assert!(rehearsals.contains(&squeeze(&i18n::t(lang, verdict))), "{lang:?}: {verdict}");
            }
            assert!(rehearsals.contains(&squeeze(&i18n::t(lang, "golive.live"))));
            assert!(rehearsals.contains(&squeeze(&i18n::t(lang, "golive.state.done"))));

            // The hypercare log: every ticket, the breaches as the page counts them, the daily
            // chart from the page's chart model (its legend) with its figures.
            for r in &hc.issues {
                assert!(hypercare.contains(&squeeze(&r.issue.title)), "{}", r.issue.title);
            }
            assert_eq!(
                hypercare.matches('▲').count(),
                hc.response_breaches + hc.resolution_breaches,
                "{lang:?}: a flag per breach"
            );
            for (_, label) in &hc.chart.legend {
                assert!(hypercare.contains(&squeeze(label)), "{lang:?}: chart legend `{label}`");
            }
            for d in &hc.daily {
                assert!(hypercare.contains(&d.date.to_string()), "{lang:?}: day {}", d.date);
            }
        }
    })
    .await;
}
