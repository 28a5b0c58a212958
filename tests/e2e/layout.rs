//! Every main page in both languages at a phone's width (390 px: the page itself never
//! scrolls sideways) and a laptop's (1,280 px: no horizontal scrolling, nothing overflows its
//! card), with screenshots of the main pages at both widths. One line per failing page.
use crate::pages::*;
use crate::support::*;
use anyhow::Result;
use std::time::Instant;

/// The pages shown in `docs/screenshots/` (by the names of `main_pages`).
const SCREENSHOT_PAGES: &[&str] =
    &["portfolio", "overview", "schedule", "business-case", "organisation", "project-new"];

/// Visit every main page at `width` in English and Chinese; returns one line per failure.
async fn check_width(width: u32, height: u32, cards: bool) -> Result<Vec<String>> {
    let server = Server::demo()?;
    server.explain(check_width_on(&server, width, height, cards).await)
}

async fn check_width_on(server: &Server, width: u32, height: u32, cards: bool) -> Result<Vec<String>> {
    let b = Browser::start(server, Options { width, height, ..Options::default() }).await?;
    let pages = main_pages(&b, 1).await?;
    let shots = screenshot_dir();
    let mut failures = vec![];
    let mut checked = 0;
    for lang in ["en", "zh"] {
        visit(&b, &pages, lang, async |b: &Browser, p: &Page| {
            let m = measure(b).await?;
            checked += 1;
            let at = format!("{width}px {lang} {:<16} {}", p.name, p.path);
            if m.status_title.starts_with(|c: char| c.is_ascii_digit()) {
                failures.push(format!("{at}: answered {}", m.status_title));
            }
            if m.viewport != i64::from(width) {
                failures.push(format!("{at}: the viewport is {} px, not {width}", m.viewport));
            }
            if m.page_width > i64::from(width) {
                failures.push(format!(
                    "{at}: page is {} px wide (> {width}); sticking out: {}",
                    m.page_width,
                    m.sticking_out.join(", ")
                ));
            }
            if cards && !m.overflowing_cards.is_empty() {
                failures.push(format!("{at}: content wider than its card: {}", m.overflowing_cards.join("; ")));
            }
            if SCREENSHOT_PAGES.contains(&p.name.as_str()) {
                b.screenshot(&shots.join(format!("{}-{lang}-{width}.png", p.name))).await?;
            }
            Ok(())
        })
        .await?;
    }
    println!("{checked} page loads checked at {width} px; screenshots in {}", shots.display());
    b.close().await?;
    Ok(failures)
}

fn report(what: &str, failures: &[String]) {
    if !failures.is_empty() {
        println!("{} failing page(s) {what}:", failures.len());
        for f in failures {
            println!("  FAIL {f}");
        }
        panic!("{} page(s) fail {what} (listed above, one line per page)", failures.len());
    }
}

/// Issue 20: at 390 px every main page has `document.scrollingElement.scrollWidth <= 390`
/// (wide tables and charts scroll inside their own container).
#[tokio::test]
#[ignore = "needs chromium; run by .ci/run"]
async fn every_main_page_fits_390px_in_both_languages() -> Result<()> {
    let t = Instant::now();
    let failures = check_width(390, 844, false).await?;
    println!("390 px pass: {:.1} s", t.elapsed().as_secs_f64());
    report("at 390 px", &failures);
    Ok(())
}

/// Issues 11 and 20: at 1,280 px no page scrolls sideways and no card's content is wider
/// than the card.
#[tokio::test]
#[ignore = "needs chromium; run by .ci/run"]
async fn every_main_page_fits_1280px_in_both_languages_and_no_card_overflows() -> Result<()> {
    let t = Instant::now();
    let failures = check_width(1280, 900, true).await?;
    println!("1280 px pass: {:.1} s", t.elapsed().as_secs_f64());
    report("at 1280 px", &failures);
    Ok(())
}

/// No page logs an error to the console (script errors, refused resources, CSP violations,
/// failed requests), in either language.
#[tokio::test]
#[ignore = "needs chromium; run by .ci/run"]
async fn main_pages_log_no_console_errors() -> Result<()> {
    let server = Server::demo()?;
    let failures = server.explain(console_errors_on(&server).await)?;
    report("with console errors", &failures);
    Ok(())
}

async fn console_errors_on(server: &Server) -> Result<Vec<String>> {
    let b = Browser::start(server, Options::default()).await?;
    let pages = main_pages(&b, 1).await?;
    let mut failures = vec![];
    b.console().await?;
    for lang in ["en", "zh"] {
        visit(&b, &pages, lang, async |b: &Browser, p: &Page| {
            for e in b.console_errors().await? {
                failures.push(format!("{lang} {} {}: {e}", p.name, p.path));
            }
            Ok(())
        })
        .await?;
    }
    b.close().await?;
    Ok(failures)
}
