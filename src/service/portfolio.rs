//! The portfolio's read models at any scale: the page (filters, sorting, paging and the
//! summary of the whole portfolio) filters, sorts, counts and pages in SQL over the stored
//! health (`health_summary`), so only the page's projects are loaded; `GET /api/v1/projects`
//! pages the same rows with the same filters and sorting by offset and limit (`window`).
//! Projects whose stored health does not hold today get it computed in memory first and
//! substituted into the same statements, so a stale row never shows and a read never writes.
//!
//! Statements of the page: 2 (which rows are stale) + 1 (summary) + 1 (matching count) +
//! 1 (the page's ids) + 2 (directors and clients to filter by) + 7 (the page's rows) = 14,
//! plus 9 when some rows are stale; of the API's window 2 + 1 + 1 + 7 = 11. Only the page's
//! rows are read; the database counts and sorts the rest by the project-scoped indexes.
use super::Result;
use super::health_summary::{self as hs, Sql};
use super::projects::{
    PORTFOLIO_PAGE, PORTFOLIO_SORTS, PhaseCount, PortfolioPage, PortfolioQuery, PortfolioRow, PortfolioSummary,
};
use super::{clock, projects};
use crate::domain::gates::PhaseStatus;
use crate::domain::health::{Health, Rag};
use crate::domain::policy::Role;
use crate::entity::{phase, project_health, project_member};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// What a query asks for, understood; fields not understood are reported and ignored.
struct Asked {
    /// `Some(None)`: projects past their last gate.
    phase: Option<Option<i32>>,
    rag: Option<Rag>,
    director: Option<i32>,
    client: Option<String>,
    sort: &'static str,
    page: usize,
    errors: Vec<(&'static str, &'static str)>,
}

fn understand(q: &PortfolioQuery) -> Asked {
    let mut errors = vec![];
    let phase = match q.phase.trim() {
        "" => None,
        "done" => Some(None),
        s => match s.parse::<i32>() {
            Ok(n) => Some(Some(n)),
            Err(_) => {
                errors.push(("phase", "err.choose_from_list"));
                None
            }
        },
    };
    let rag = match q.health.trim() {
        "" => None,
        s => match hs::parse_rag(s) {
            Some(r) => Some(r),
            None => {
                errors.push(("health", "err.choose_from_list"));
                None
            }
        },
    };
    let director = match q.director.trim() {
        "" => None,
        s => match s.parse::<i32>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(("director", "err.choose_from_list"));
                None
            }
        },
    };
    let client = Some(q.client.trim().to_string()).filter(|s| !s.is_empty());
    let sort = match q.sort.trim() {
        "" => "name",
        s => PORTFOLIO_SORTS.iter().copied().find(|x| *x == s).unwrap_or_else(|| {
            errors.push(("sort", "err.choose_from_list"));
            "name"
        }),
    };
    let page = match q.page.trim() {
        "" => 1,
        s => match s.parse::<usize>() {
            Ok(n) if n >= 1 => n,
            _ => {
                errors.push(("page", "err.choose_from_list"));
                1
            }
        },
    };
    Asked { phase, rag, director, client, sort, page, errors }
}

/// The health columns as SQL: the stored row's, or for a stale project its health computed
/// now (inlined literals: ids are integers, colours a fixed list; nothing a user typed).
fn health_exprs(stale: &HashMap<i32, hs::Rolled>) -> (String, String) {
    if stale.is_empty() {
        return ("h.rag".into(), "h.days_late".into());
    }
    let mut ids: Vec<&i32> = stale.keys().collect();
    ids.sort();
    let rag: String =
        ids.iter().map(|id| format!(" WHEN {id} THEN '{}'", hs::rag_str(stale[*id].health.rag))).collect();
    let days: String = ids.iter().map(|id| format!(" WHEN {id} THEN {}", stale[*id].health.days_late)).collect();
    (format!("(CASE p.id{rag} ELSE h.rag END)"), format!("(CASE p.id{days} ELSE h.days_late END)"))
}

/// The user's projects with their stored health and current phase (at most one active).
fn from(q: &mut Sql, user_id: i32) -> String {
    let u = q.p(user_id);
    format!(
        " FROM project_members m JOIN projects p ON p.id = m.project_id \
         LEFT JOIN project_health h ON h.project_id = p.id \
         LEFT JOIN phases ph ON ph.id = (SELECT x.id FROM phases x WHERE x.project_id = p.id AND x.status = '{}' \
         ORDER BY x.seq LIMIT 1) \
         WHERE m.user_id = {u}",
        PhaseStatus::Active.as_str()
    )
}

/// `from` with the filters of `a`.
fn filtered(q: &mut Sql, user_id: i32, a: &Asked, rag: &str) -> String {
    let mut s = from(q, user_id);
    match a.phase {
        Some(None) => s.push_str(" AND ph.id IS NULL"),
        Some(Some(n)) => s.push_str(&format!(" AND ph.seq = {}", q.p(n))),
        None => {}
    }
    if let Some(r) = a.rag {
        s.push_str(&format!(" AND {rag} = {}", q.p(hs::rag_str(r))));
    }
    if let Some(d) = a.director {
        let d = q.p(d);
        s.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM project_members d WHERE d.project_id = p.id AND d.user_id = {d} AND d.role = '{}')",
            Role::Director.as_str()
        ));
    }
    if let Some(c) = &a.client {
        s.push_str(&format!(" AND p.client_name = {}", q.p(c.clone())));
    }
    s
}

/// The portfolio page of `user` for `q`.
pub async fn page<C: ConnectionTrait>(c: &C, user_id: i32, q: &PortfolioQuery) -> Result<PortfolioPage> {
    let backend = c.get_database_backend();
    let a = understand(q);
    let stale = hs::stale_health(c, Some(user_id)).await?;
    let (rag, days) = health_exprs(&stale);

    // The summary of the whole portfolio, before filters.
    let mut s = Sql::new(backend);
    let f = from(&mut s, user_id);
    s.text = format!(
        "SELECT ph.seq AS seq, MIN(ph.name_en) AS name_en, MIN(ph.name_zh) AS name_zh, {rag} AS rag, COUNT(*) AS n{f} \
         GROUP BY ph.seq, {rag}"
    );
    let mut summary = PortfolioSummary::default();
    for r in c.query_all_raw(s.statement()).await? {
        let n = super::health_summary::count(&r, "n");
        summary.total += n;
        match r.try_get::<Option<String>>("", "rag").ok().flatten().as_deref().and_then(hs::parse_rag) {
            Some(Rag::Green) => summary.green += n,
            Some(Rag::Amber) => summary.amber += n,
            Some(Rag::Red) => summary.red += n,
            Some(Rag::Done) | None => summary.done += n,
        }
        let seq = r.try_get::<Option<i32>>("", "seq").ok().flatten();
        match summary.by_phase.iter_mut().find(|x| x.seq == seq) {
            Some(x) => x.count += n,
            None => summary.by_phase.push(PhaseCount {
                seq,
                name_en: r.try_get::<Option<String>>("", "name_en").ok().flatten().unwrap_or_default(),
                name_zh: r.try_get::<Option<String>>("", "name_zh").ok().flatten().unwrap_or_default(),
                count: n,
            }),
        }
    }
    summary.by_phase.sort_by_key(|x| x.seq.unwrap_or(i32::MAX));

    // How many match, then the page's ids in order.
    let matched = matching(c, user_id, &a, &rag).await?;
    let pages = matched.div_ceil(PORTFOLIO_PAGE).max(1);
    let page = a.page.min(pages);
    let ids = ids(c, user_id, &a, (&rag, &days), (page - 1) * PORTFOLIO_PAGE, PORTFOLIO_PAGE).await?;

    // The choices of the filters: every director and client of the user's projects.
    let mut s = Sql::new(backend);
    let u = s.p(user_id);
    let b = s.binary();
    s.text = format!(
        "SELECT d.user_id AS id, u.name AS name FROM project_members d JOIN users u ON u.id = d.user_id \
         WHERE d.role = '{}' AND d.project_id IN (SELECT project_id FROM project_members WHERE user_id = {u}) \
         GROUP BY d.user_id, u.name ORDER BY u.name{b}, d.user_id",
        Role::Director.as_str()
    );
    let directors: Vec<(i32, String)> = c
        .query_all_raw(s.statement())
        .await?
        .iter()
        .filter_map(|r| Some((r.try_get::<i32>("", "id").ok()?, r.try_get::<String>("", "name").ok()?)))
        .collect();
    let mut s = Sql::new(backend);
    let u = s.p(user_id);
    let b = s.binary();
    s.text = format!(
        "SELECT p.client_name AS client FROM project_members m JOIN projects p ON p.id = m.project_id \
         WHERE m.user_id = {u} GROUP BY p.client_name ORDER BY p.client_name{b}"
    );
    let clients: Vec<String> =
        c.query_all_raw(s.statement()).await?.iter().filter_map(|r| r.try_get::<String>("", "client").ok()).collect();

    let mut rows = rows(c, user_id, &ids, &stale).await?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.project.id));
    let mut query = q.clone();
    query.sort = a.sort.to_string();
    Ok(PortfolioPage { rows, summary, matched, page, pages, query, errors: a.errors, directors, clients })
}

/// How many of the user's projects match the filters of `a`.
async fn matching<C: ConnectionTrait>(c: &C, user_id: i32, a: &Asked, rag: &str) -> Result<usize> {
    let mut s = Sql::new(c.get_database_backend());
    let f = filtered(&mut s, user_id, a, rag);
    s.text = format!("SELECT COUNT(*) AS n{f}");
    Ok(c.query_one_raw(s.statement()).await?.map_or(0, |r| super::health_summary::count(&r, "n")))
}

/// The ids of the matching projects `offset..offset + limit` in the order `a.sort` asks.
async fn ids<C: ConnectionTrait>(
    c: &C,
    user_id: i32,
    a: &Asked,
    (rag, days): (&str, &str),
    offset: usize,
    limit: usize,
) -> Result<Vec<i32>> {
    let mut s = Sql::new(c.get_database_backend());
    let f = filtered(&mut s, user_id, a, rag);
    let b = s.binary();
    let by_name = format!("p.name{b}, p.id");
    let order = match a.sort {
        "client" => format!("p.client_name{b}, {by_name}"),
        "phase" => format!("(ph.seq IS NULL), ph.seq, {by_name}"),
        "health" => format!(
            "(CASE {rag} WHEN 'red' THEN 0 WHEN 'amber' THEN 1 WHEN 'green' THEN 2 ELSE 3 END), {days} DESC, {by_name}"
        ),
        "due" => format!("(ph.planned_finish IS NULL), ph.planned_finish, {by_name}"),
        _ => by_name,
    };
    s.text = format!("SELECT p.id AS id{f} ORDER BY {order} LIMIT {limit} OFFSET {offset}");
    Ok(c.query_all_raw(s.statement()).await?.iter().filter_map(|r| r.try_get::<i32>("", "id").ok()).collect())
}

/// A window of the portfolio (`GET /api/v1/projects`): the page's filters and sorting
/// (`page` is not read), the rows `offset..offset + limit` of the projects matching, and how
/// many match. A filter or sort not understood is an error naming it (the page ignores it).
/// Statements: 2 (which rows are stale) + 1 (count) + 1 (ids) + 7 (rows), whatever the number
/// of projects.
pub async fn window<C: ConnectionTrait>(
    c: &C,
    user_id: i32,
    q: &PortfolioQuery,
    offset: usize,
    limit: usize,
) -> Result<(Vec<PortfolioRow>, usize)> {
    let a = understand(&PortfolioQuery { page: String::new(), ..q.clone() });
    if !a.errors.is_empty() {
        let mut e = crate::domain::validation::FieldErrors::default();
        for (field, key) in &a.errors {
            e.add(field, key);
        }
        return Err(super::Error::Invalid(e));
    }
    let stale = hs::stale_health(c, Some(user_id)).await?;
    let (rag, days) = health_exprs(&stale);
    let matched = matching(c, user_id, &a, &rag).await?;
    let ids = ids(c, user_id, &a, (&rag, &days), offset, limit).await?;
    let mut rows = rows(c, user_id, &ids, &stale).await?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.project.id));
    Ok((rows, matched))
}

/// [`window`], kept in memory until one of the user's projects changes, one is added or
/// removed, or the quarter hour turns (`views::of_portfolio`), as the portfolio page is.
pub async fn window_view(
    db: &crate::db::Db,
    user_id: i32,
    q: &PortfolioQuery,
    offset: usize,
    limit: usize,
) -> Result<std::sync::Arc<super::views::Kept<(Vec<PortfolioRow>, usize)>>> {
    let fresh = super::views::of_portfolio(&db.conn, user_id).await?;
    let params = format!("{q:?}/{offset}/{limit}");
    super::views::kept(&db.views, "portfolio.window", user_id, params, fresh, async || {
        Ok(super::views::Kept::new(window(&db.conn, user_id, q, offset, limit).await?))
    })
    .await
}

/// Every project of `user` by name (`GET /api/v1/projects`), health from the stored rows.
pub async fn all<C: ConnectionTrait>(c: &C, user_id: i32) -> Result<Vec<PortfolioRow>> {
    let stale = hs::stale_health(c, Some(user_id)).await?;
    let ids: Vec<i32> = project_member::Entity::find()
        .filter(project_member::Column::UserId.eq(user_id))
        .all(c)
        .await?
        .iter()
        .map(|m| m.project_id)
        .collect();
    rows(c, user_id, &ids, &stale).await
}

/// The rows of projects `ids` (in the order of `projects::light_projects`): seven queries.
async fn rows<C: ConnectionTrait>(
    c: &C,
    user_id: i32,
    ids: &[i32],
    stale: &HashMap<i32, hs::Rolled>,
) -> Result<Vec<PortfolioRow>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let projects = projects::light_projects(c, ids.to_vec()).await?;
    let roles: HashMap<i32, String> = project_member::Entity::find()
        .filter(project_member::Column::UserId.eq(user_id))
        .filter(project_member::Column::ProjectId.is_in(ids.to_vec()))
        .all(c)
        .await?
        .into_iter()
        .map(|m| (m.project_id, m.role))
        .collect();
    // The current phase of each project, and how many phases it has and has closed: two
    // statements of one row a project (not every phase of every project: 9,000 rows for a
    // portfolio of 1,000).
    let phases = phase::Entity::find()
        .filter(phase::Column::ProjectId.is_in(ids.to_vec()))
        .filter(phase::Column::Status.eq(PhaseStatus::Active.as_str()))
        .order_by_asc(phase::Column::ProjectId)
        .order_by_asc(phase::Column::Seq)
        .all(c)
        .await?;
    let counts: HashMap<i32, (usize, usize)> = {
        use sea_orm::{QuerySelect, sea_query::Expr};
        phase::Entity::find()
            .select_only()
            .column(phase::Column::ProjectId)
            .column_as(Expr::cust("COUNT(*)"), "total")
            .column_as(
                Expr::cust(format!("SUM(CASE WHEN status = '{}' THEN 1 ELSE 0 END)", PhaseStatus::Closed.as_str())),
                "closed",
            )
            .filter(phase::Column::ProjectId.is_in(ids.to_vec()))
            .group_by(phase::Column::ProjectId)
            .into_tuple::<(i32, i64, i64)>()
            .all(c)
            .await?
            .into_iter()
            .map(|(p, total, closed)| (p, (usize::try_from(total).unwrap_or(0), usize::try_from(closed).unwrap_or(0))))
            .collect()
    };
    let stored: HashMap<i32, project_health::Model> = project_health::Entity::find()
        .filter(project_health::Column::ProjectId.is_in(ids.to_vec()))
        .all(c)
        .await?
        .into_iter()
        .map(|h| (h.project_id, h))
        .collect();
    let directors = project_member::Entity::find()
        .filter(project_member::Column::ProjectId.is_in(ids.to_vec()))
        .filter(project_member::Column::Role.eq(Role::Director.as_str()))
        .order_by_asc(project_member::Column::Id)
        .all(c)
        .await?;
    let names = super::user_names(c, directors.iter().map(|d| d.user_id)).await?;
    let phases_of = super::risks::by_project(phases, |p| p.project_id);
    let directors_of = super::risks::by_project(directors, |d| d.project_id);
    // A row that turned stale since `stale` was read (the day turned in between): computed now.
    let todays: Vec<_> = projects.iter().map(|p| (p, clock::today(p))).collect();
    let missing: Vec<_> = todays
        .iter()
        .filter(|(p, today)| {
            !stale.contains_key(&p.id) && stored.get(&p.id).and_then(|h| hs::from_row(h, *today)).is_none()
        })
        .copied()
        .collect();
    let late = hs::compute(c, &missing).await?;
    Ok(todays
        .iter()
        .map(|(p, today)| {
            let phases = phases_of.get(&p.id).map(Vec::as_slice).unwrap_or_default();
            // Computed now (stale or turned stale), else the stored row: health and the
            // earned-value columns of the same day.
            let (health, ev) = match stale.get(&p.id).or_else(|| late.get(&p.id)) {
                Some(r) => (r.health.clone(), r.ev.clone()),
                None => match stored.get(&p.id) {
                    Some(row) => (
                        hs::from_row(row, *today).unwrap_or(Health { rag: Rag::Done, reasons: vec![], days_late: 0 }),
                        hs::EvBrief::from_row(row),
                    ),
                    None => (Health { rag: Rag::Done, reasons: vec![], days_late: 0 }, None),
                },
            };
            PortfolioRow {
                today: *today,
                role: roles.get(&p.id).cloned().unwrap_or_default(),
                phases_closed: counts.get(&p.id).map_or(0, |n| n.1),
                phases_total: counts.get(&p.id).map_or(0, |n| n.0),
                phase: phases.first().cloned(),
                health,
                ev,
                directors: directors_of
                    .get(&p.id)
                    .map(|ds| {
                        ds.iter().map(|d| (d.user_id, names.get(&d.user_id).cloned().unwrap_or_default())).collect()
                    })
                    .unwrap_or_default(),
                project: (*p).clone(),
            }
        })
        .collect())
}
