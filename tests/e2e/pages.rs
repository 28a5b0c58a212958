//! The main pages of the app (on the demo's project), their layout at a phone's and a
//! laptop's width, and the console while they load.
use crate::support::*;
use anyhow::Result;
use serde_json::{Value, json};

/// A page to check: who looks at it and where it is.
#[derive(Clone, Debug)]
pub struct Page {
    pub name: String,
    pub path: String,
    pub user: &'static str,
}

fn page(name: &str, path: String, user: &'static str) -> Page {
    Page { name: name.into(), path, user }
}

/// The first link on the current page whose href matches `pattern` (a JavaScript regular
/// expression over the path).
async fn first_link(b: &Browser, pattern: &str) -> Result<Option<String>> {
    let v = b
        .js(
            "const re = new RegExp(arguments[0]); \
             const a = [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')).find(h => re.test(h)); \
             return a || null;",
            vec![json!(pattern)],
        )
        .await?;
    Ok(v.as_str().map(String::from))
}

/// (name, index path under the project, (detail link pattern, detail page name)).
type Area = (&'static str, &'static str, Option<(&'static str, &'static str)>);

/// Every main page of the demo project `p`, with the detail pages found through the index
/// pages' first links (so the list follows the demo's data). Needs the director logged in.
pub async fn main_pages(b: &Browser, p: i32) -> Result<Vec<Page>> {
    let pp = format!("/projects/{p}");
    let mut pages = vec![
        page("portfolio", "/projects".into(), DIRECTOR),
        page("project-new", "/projects/new".into(), DIRECTOR),
        page("overview", pp.clone(), DIRECTOR),
        page("project-edit", format!("{pp}/edit"), DIRECTOR),
    ];
    let areas: &[Area] = &[
        ("schedule", "/schedule", Some((r"/schedule/activities/\d+$", "activity"))),
        ("modules", "/modules", None),
        ("targets", "/targets", Some((r"/targets/\d+$", "target"))),
        ("diagnosis", "/diagnosis", Some((r"/diagnosis/fishbones/\d+$", "fishbone"))),
        ("blueprint", "/blueprint", Some((r"/blueprint/\d+$", "blueprint-process"))),
        ("risks", "/risks", Some((r"/risks/\d+$", "risk"))),
        ("reviews", "/reviews", Some((r"/reviews/\d+$", "review"))),
        ("business-case", "/business-case", None),
        ("organisation", "/organisation", None),
        ("people", "/people", Some((r"/people/\d+$", "person"))),
        ("training", "/training", Some((r"/training/\d+$", "training-session"))),
        ("documents", "/documents", None),
        ("members", "/members", None),
        ("history", "/history", None),
    ];
    b.login(DIRECTOR).await?;
    for (name, sub, detail) in areas {
        let path = format!("{pp}{sub}");
        pages.push(page(name, path.clone(), DIRECTOR));
        if let Some((pattern, dname)) = detail {
            b.goto(&path).await?;
            let re = format!("^{pp}{pattern}");
            if let Some(href) = first_link(b, &re).await? {
                pages.push(page(dname, href, DIRECTOR));
            } else {
                anyhow::bail!("{path} has no link matching {re}: the demo should have one");
            }
        }
    }
    b.goto(&pp).await?;
    if let Some(href) = first_link(b, &format!(r"^{pp}/deliverables/\d+$")).await? {
        pages.push(page("deliverable", href, DIRECTOR));
    }
    if let Some(href) = first_link(b, &format!(r"^{pp}/phases/\d+/gate$")).await? {
        pages.push(page("gate", href, DIRECTOR));
    }
    pages.extend([
        page("target-new", format!("{pp}/targets/new"), DIRECTOR),
        page("cost-new", format!("{pp}/business-case/costs/new"), DIRECTOR),
        page("benefit-new", format!("{pp}/business-case/benefits/new"), DIRECTOR),
        page("people-import", format!("{pp}/people/import"), DIRECTOR),
        page("responsibilities", format!("{pp}/responsibilities/1"), DIRECTOR),
        page("tokens", format!("{pp}/tokens"), DIRECTOR),
        page("admin-users", "/admin/users".into(), ADMIN),
    ]);
    Ok(pages)
}

/// What one page measures at the current width.
#[derive(Debug)]
pub struct Measure {
    /// `document.scrollingElement.scrollWidth`
    pub page_width: i64,
    pub viewport: i64,
    /// The elements sticking out past the right edge of the viewport (outside any scroll
    /// container), widest first: "table.grid 1180".
    pub sticking_out: Vec<String>,
    /// Cards whose content is wider than the card: "section.panel#findings 912 > 880 (table.grid)".
    pub overflowing_cards: Vec<String>,
    pub status_title: String,
}

/// The card classes the templates use.
pub const CARDS: &str = ".panel, .card, .cards > *, .kpi";

const MEASURE: &str = r#"
const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
  [...el.classList].slice(0, 3).map(c => '.' + c).join('');
const vw = window.innerWidth;
// Inside a scroll (or clipping) container that itself fits: the container scrolls, not the page.
const scrolls = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
  if (getComputedStyle(p).overflowX !== 'visible') return p.getBoundingClientRect().right <= vw + 1; }
  return false; };
const out = [];
for (const el of document.body.querySelectorAll('*')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.right <= vw + 1 || scrolls(el)) continue;
  const parent = el.parentElement; const pr = parent ? parent.getBoundingClientRect() : null;
  // Report only where the overflow starts: an element sticking out of a parent that does not.
  if (pr && pr.right > vw + 1 && parent !== document.body) continue;
  out.push([describe(el), Math.round(r.right)]);
}
if (out.length === 0) {
  // Text that does not wrap (a long word, a CSV header) overflows its own box: name the box.
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    const right = r.left + el.scrollWidth;
    if (right <= vw + 1 || scrolls(el) || getComputedStyle(el).overflowX !== 'visible') continue;
    const inner = [...el.children].some(c => c.getBoundingClientRect().left + c.scrollWidth > vw + 1);
    if (!inner) out.push([describe(el) + ' (text)', Math.round(right)]);
  }
}
out.sort((a, b) => b[1] - a[1]);
const cards = [];
for (const c of document.querySelectorAll(arguments[0])) {
  if (c.scrollWidth > c.clientWidth + 1) {
    const cr = c.getBoundingClientRect();
    let worst = null;
    for (const d of c.querySelectorAll('*')) {
      const r = d.getBoundingClientRect();
      if (r.right > cr.right + 1 && (!worst || r.right > worst[1])) worst = [describe(d), r.right];
    }
    cards.push(describe(c) + ' ' + c.scrollWidth + ' > ' + c.clientWidth + (worst ? ' (' + worst[0] + ')' : ''));
  }
}
return { page: document.scrollingElement.scrollWidth, vw: vw, out: out.slice(0, 3).map(x => x[0] + ' to ' + x[1] + ' px'),
  cards: cards, title: document.title };
"#;

pub async fn measure(b: &Browser) -> Result<Measure> {
    let v = b.js(MEASURE, vec![json!(CARDS)]).await?;
    let strings = |v: &Value| -> Vec<String> {
        v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default()
    };
    Ok(Measure {
        page_width: v["page"].as_i64().unwrap_or(i64::MAX),
        viewport: v["vw"].as_i64().unwrap_or(0),
        sticking_out: strings(&v["out"]),
        overflowing_cards: strings(&v["cards"]),
        status_title: v["title"].as_str().unwrap_or("").to_string(),
    })
}

/// Log in as each page's user (once per user) in `lang` and visit the pages in order, calling
/// `each` on every one after it has loaded.
pub async fn visit<F>(b: &Browser, pages: &[Page], lang: &str, mut each: F) -> Result<()>
where
    F: AsyncFnMut(&Browser, &Page) -> Result<()>,
{
    let mut who = "";
    for p in pages {
        if p.user != who {
            b.login(p.user).await?;
            b.language(lang).await?;
            who = p.user;
        }
        b.goto(&p.path).await?;
        each(b, p).await?;
    }
    Ok(())
}
