//! Budget, effort and cost control: budget lines by phase and category (seeded from the
//! business case's one-time costs, then managed on their own), commitments, invoices and
//! credit notes against them, cost rates, and the control view with earned value that the
//! Budget page, `GET /api/v1/projects/{id}/budget` and the health roll-up share.
use super::{Actor, Error, Result, clock, write};
use crate::chart::line::{LineChart, Series, Style};
use crate::domain::earned_value::{self as evm, CostRag, CurvePoint, Figures, Work};
use crate::domain::effort::{self, Rate};
use crate::domain::money;
use crate::domain::validation::{FieldErrors, checkbox, required_text};
use crate::entity::{
    activity, baseline, baseline_item, bc_cost, budget_line, commitment, cost_rate, invoice, phase, project,
    project_member, time_entry,
};
use crate::i18n::{self, Lang};
use chrono::{Duration, NaiveDate};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The budget's categories (issue #15): consulting services, licences, hardware and hosting,
/// internal staff, training, travel, contingency.
pub const CATEGORIES: &[&str] =
    &["consulting", "licences", "hardware_hosting", "internal_staff", "training", "travel", "contingency"];

/// A business-case cost category's budget category (seeding).
pub fn category_of_case(c: &str) -> &'static str {
    match c {
        "software" => "licences",
        "hardware" | "support" => "hardware_hosting",
        "training" => "training",
        "internal_staff" => "internal_staff",
        _ => "consulting",
    }
}

/// The category hours of a project role are booked to: the firm's consultants are
/// consulting services, everyone else internal staff.
pub fn labour_category(role: &str) -> &'static str {
    if role == "consultant" { "consulting" } else { "internal_staff" }
}

fn parse_phase(e: &mut FieldErrors, raw: &str, phases: &[phase::Model]) -> Option<i32> {
    match raw.trim() {
        "" => None,
        s => match s.parse::<i32>().ok().filter(|id| phases.iter().any(|p| p.id == *id)) {
            Some(id) => Some(id),
            None => {
                e.add("phase", "err.choose_from_list");
                None
            }
        },
    }
}

fn parse_money(e: &mut FieldErrors, field: &str, raw: &str, currency: &str) -> i64 {
    match money::parse(raw, currency) {
        Ok(v) => v,
        Err(m) => {
            e.add(field, m.key());
            0
        }
    }
}

fn parse_day(e: &mut FieldErrors, field: &str, raw: &str) -> Option<NaiveDate> {
    let d = crate::domain::bounds::parse_date(raw.trim());
    if d.is_none() {
        e.add(field, if raw.trim().is_empty() { "err.required" } else { "err.date" });
    }
    d
}

fn parse_category(e: &mut FieldErrors, raw: &str) -> String {
    if !CATEGORIES.contains(&raw.trim()) {
        e.add("category", "err.choose_from_list");
    }
    raw.trim().to_string()
}

fn short_text(e: &mut FieldErrors, field: &str, raw: &str, max: usize) -> String {
    let v = raw.trim();
    if let Some(problem) = crate::domain::bounds::text_problem(v, max) {
        e.add(field, problem);
    }
    v.to_string()
}

/// The project's phases in order (the budget forms' phase choices).
pub async fn phase_list<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<phase::Model>> {
    phases(c, project_id).await
}

async fn phases<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<phase::Model>> {
    Ok(phase::Entity::find()
        .filter(phase::Column::ProjectId.eq(project_id))
        .order_by_asc(phase::Column::Seq)
        .all(c)
        .await?)
}

/// The budget-line form as typed.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = BudgetLineForm)]
#[serde(default)]
pub struct RawLine {
    pub phase: String,
    pub category: String,
    pub description: String,
    pub amount: String,
}

/// Add a budget line (validated by field: category from the list, phase of the project,
/// amount in the project's currency).
pub async fn add_line(
    db: &crate::db::Db,
    actor: Actor,
    p: &project::Model,
    raw: &RawLine,
) -> Result<budget_line::Model> {
    let phs = phases(&db.conn, p.id).await?;
    let mut e = FieldErrors::default();
    let phase_id = parse_phase(&mut e, &raw.phase, &phs);
    let category = parse_category(&mut e, &raw.category);
    let description = required_text(&mut e, "description", &raw.description, 300);
    let amount = parse_money(&mut e, "amount", &raw.amount, &p.currency);
    e.check()?;
    let am = budget_line::ActiveModel {
        project_id: Set(p.id),
        phase_id: Set(phase_id),
        category: Set(category),
        description: Set(description),
        amount_minor: Set(amount),
        source: Set("manual".into()),
        ..Default::default()
    };
    write::transaction(db, async |tx| write::insert::<budget_line::Entity, _>(tx, actor, p.id, am, "create").await)
        .await
}

/// Change a budget line's amount (version-checked: a stale form is a conflict).
pub async fn set_line_amount(
    db: &crate::db::Db,
    actor: Actor,
    p: &project::Model,
    id: i32,
    version: i32,
    raw_amount: &str,
) -> Result<budget_line::Model> {
    let mut e = FieldErrors::default();
    let amount = parse_money(&mut e, "amount", raw_amount, &p.currency);
    e.check()?;
    let am = budget_line::ActiveModel { amount_minor: Set(amount), ..Default::default() };
    write::transaction(db, async |tx| {
        Ok(write::update::<budget_line::Entity, _>(tx, actor, p.id, id, version, am, "update").await?.after)
    })
    .await
}

/// Seed the budget from the business case's one-time (implementation) cost lines, once: a
/// budget that has lines already is managed on its own and is refused. Returns the lines made.
pub async fn seed_from_case(db: &crate::db::Db, actor: Actor, project_id: i32) -> Result<usize> {
    write::transaction_in(db, project_id, async |tx| {
        // Lines an approved change request added do not count: the budget is still unseeded.
        let have = budget_line::Entity::find()
            .filter(budget_line::Column::ProjectId.eq(project_id))
            .filter(budget_line::Column::Source.ne("change"))
            .one(tx)
            .await?;
        if have.is_some() {
            return Err(Error::Rule("budget.err.already_seeded"));
        }
        let costs = bc_cost::Entity::find()
            .filter(bc_cost::Column::ProjectId.eq(project_id))
            .filter(bc_cost::Column::Recurrence.eq("one_time"))
            .order_by_asc(bc_cost::Column::Id)
            .all(tx)
            .await?;
        if costs.is_empty() {
            return Err(Error::Rule("budget.err.no_case_costs"));
        }
        for c in &costs {
            let am = budget_line::ActiveModel {
                project_id: Set(project_id),
                phase_id: Set(None),
                category: Set(category_of_case(&c.category).into()),
                description: Set(c.description.chars().take(300).collect()),
                amount_minor: Set(c.amount_minor),
                source: Set("seed".into()),
                change_request_id: Set(None),
                ..Default::default()
            };
            write::insert::<budget_line::Entity, _>(tx, actor, project_id, am, "seed").await?;
        }
        Ok(costs.len())
    })
    .await
}

/// The commitment form as typed.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = CommitmentForm)]
#[serde(default)]
pub struct RawCommitment {
    pub vendor: String,
    pub reference: String,
    pub amount: String,
    pub committed_on: String,
    pub category: String,
    pub phase: String,
}

pub async fn add_commitment(
    db: &crate::db::Db,
    actor: Actor,
    p: &project::Model,
    raw: &RawCommitment,
) -> Result<commitment::Model> {
    let phs = phases(&db.conn, p.id).await?;
    let mut e = FieldErrors::default();
    let vendor = required_text(&mut e, "vendor", &raw.vendor, 200);
    let reference = short_text(&mut e, "reference", &raw.reference, 100);
    let amount = parse_money(&mut e, "amount", &raw.amount, &p.currency);
    let day = parse_day(&mut e, "committed_on", &raw.committed_on);
    let category = parse_category(&mut e, &raw.category);
    let phase_id = parse_phase(&mut e, &raw.phase, &phs);
    e.check()?;
    let am = commitment::ActiveModel {
        project_id: Set(p.id),
        phase_id: Set(phase_id),
        category: Set(category),
        vendor: Set(vendor),
        reference: Set(reference),
        amount_minor: Set(amount),
        committed_on: Set(day.unwrap_or(p.start_date)),
        ..Default::default()
    };
    write::transaction(db, async |tx| write::insert::<commitment::Entity, _>(tx, actor, p.id, am, "create").await).await
}

/// The invoice form as typed.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = InvoiceForm)]
#[serde(default)]
pub struct RawInvoice {
    pub commitment: String,
    pub reference: String,
    pub amount: String,
    pub invoiced_on: String,
    #[serde(deserialize_with = "checkbox")]
    pub credit_note: bool,
}

/// Record an invoice (or, when marked, a credit note) against a commitment of the project;
/// it takes the commitment's vendor, category and phase. Invoices net of credit notes may
/// not exceed the commitment, and a credit note may not take it below zero.
pub async fn add_invoice(
    db: &crate::db::Db,
    actor: Actor,
    p: &project::Model,
    raw: &RawInvoice,
) -> Result<invoice::Model> {
    let mut e = FieldErrors::default();
    let commitment_id = raw.commitment.trim().parse::<i32>().ok();
    if commitment_id.is_none() {
        e.add("commitment", "err.choose_from_list");
    }
    let reference = required_text(&mut e, "reference", &raw.reference, 100);
    let amount = parse_money(&mut e, "amount", &raw.amount, &p.currency);
    if amount == 0 && e.is_empty() {
        e.add("amount", "budget.err.zero");
    }
    let day = parse_day(&mut e, "invoiced_on", &raw.invoiced_on);
    e.check()?;
    let (cid, day) = (commitment_id.unwrap_or_default(), day.unwrap_or(p.start_date));
    write::transaction_in(db, p.id, async |tx| {
        let com = write::get::<commitment::Entity, _>(tx, p.id, cid).await.map_err(|e| {
            if matches!(e, Error::NotFound) {
                FieldErrors::single("commitment", "err.choose_from_list").into()
            } else {
                e
            }
        })?;
        let earlier = invoice::Entity::find().filter(invoice::Column::CommitmentId.eq(cid)).all(tx).await?;
        let net = earlier.iter().fold(0i64, |s, i| s.saturating_add(signed(i)));
        let after = if raw.credit_note { net.saturating_sub(amount) } else { net.saturating_add(amount) };
        if after > com.amount_minor {
            return Err(FieldErrors::single("amount", "budget.err.over_commitment").into());
        }
        if after < 0 {
            return Err(FieldErrors::single("amount", "budget.err.credit_too_large").into());
        }
        let am = invoice::ActiveModel {
            project_id: Set(p.id),
            commitment_id: Set(cid),
            phase_id: Set(com.phase_id),
            category: Set(com.category.clone()),
            vendor: Set(com.vendor.clone()),
            reference: Set(reference.clone()),
            amount_minor: Set(amount),
            credit_note: Set(raw.credit_note),
            invoiced_on: Set(day),
            ..Default::default()
        };
        write::insert::<invoice::Entity, _>(tx, actor, p.id, am, if raw.credit_note { "credit_note" } else { "create" })
            .await
    })
    .await
}

/// An invoice's amount with its sign: a credit note subtracts.
pub fn signed(i: &invoice::Model) -> i64 {
    if i.credit_note { -i.amount_minor } else { i.amount_minor }
}

/// The rate form as typed: a person (user id) or a role, a rate per hour, validity dates.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RawRate {
    pub user: String,
    pub role: String,
    pub rate: String,
    pub valid_from: String,
    pub valid_to: String,
}

/// Add a cost rate. A person's new rate closes the open-ended rate it follows the day
/// before it starts (a rate change mid-period), in the same transaction.
pub async fn add_rate(db: &crate::db::Db, actor: Actor, p: &project::Model, raw: &RawRate) -> Result<cost_rate::Model> {
    let members =
        project_member::Entity::find().filter(project_member::Column::ProjectId.eq(p.id)).all(&db.conn).await?;
    let mut e = FieldErrors::default();
    let user = match raw.user.trim() {
        "" => None,
        s => {
            let u = s.parse::<i32>().ok().filter(|u| members.iter().any(|m| m.user_id == *u));
            if u.is_none() {
                e.add("user", "err.choose_from_list");
            }
            u
        }
    };
    let role = match raw.role.trim() {
        "" => None,
        s if crate::domain::policy::Role::parse(s).is_some() => Some(s.to_string()),
        _ => {
            e.add("role", "err.choose_from_list");
            None
        }
    };
    if user.is_none() == role.is_none() && e.is_empty() {
        e.add("user", "budget.err.person_or_role");
    }
    let rate = parse_money(&mut e, "rate", &raw.rate, &p.currency);
    let from = parse_day(&mut e, "valid_from", &raw.valid_from);
    let to = match raw.valid_to.trim() {
        "" => None,
        s => {
            let d = crate::domain::bounds::parse_date(s);
            match (d, from) {
                (None, _) => e.add("valid_to", "err.date"),
                (Some(t), Some(f)) if t < f => e.add("valid_to", "budget.err.to_before_from"),
                _ => {}
            }
            d
        }
    };
    e.check()?;
    let from = from.unwrap_or(p.start_date);
    write::transaction_in(db, p.id, async |tx| {
        let open = cost_rate::Entity::find()
            .filter(cost_rate::Column::ProjectId.eq(p.id))
            .filter(cost_rate::Column::ValidTo.is_null())
            .all(tx)
            .await?;
        for r in open.into_iter().filter(|r| r.user_id == user && r.role == role && r.valid_from < from) {
            let am = cost_rate::ActiveModel { valid_to: Set(Some(from - Duration::days(1))), ..Default::default() };
            write::update::<cost_rate::Entity, _>(tx, actor, p.id, r.id, r.version, am, "close").await?;
        }
        let am = cost_rate::ActiveModel {
            project_id: Set(p.id),
            user_id: Set(user),
            role: Set(role.clone()),
            rate_minor: Set(rate),
            valid_from: Set(from),
            valid_to: Set(to),
            ..Default::default()
        };
        write::insert::<cost_rate::Entity, _>(tx, actor, p.id, am, "create").await
    })
    .await
}

/// One row of control figures (a phase, a category, or the total).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = BudgetRow)]
pub struct Row {
    /// The phase id, the category key, or `total`/`project`.
    pub key: String,
    pub label: String,
    pub budget: i64,
    pub committed: i64,
    pub invoiced: i64,
    pub labour: i64,
    /// Invoices net of credit notes + approved hours × rate.
    pub actual: i64,
    pub forecast: i64,
    pub variance: i64,
}

impl Row {
    fn finish(mut self) -> Row {
        self.actual = self.invoiced.saturating_add(self.labour);
        (self.forecast, self.variance) = effort::forecast(self.budget, self.committed, self.actual);
        self
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CommitmentView {
    pub commitment: commitment::Model,
    /// Invoiced net of credit notes, and what is left to invoice.
    pub invoiced: i64,
    pub open: i64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RateView {
    pub rate: cost_rate::Model,
    pub who: String,
}

/// The Budget page, its JSON and the health roll-up's cost signal: control figures per
/// phase and category, earned value on the project's today and the S-curve.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Control {
    pub as_of: NaiveDate,
    pub currency: String,
    pub by_phase: Vec<Row>,
    pub by_category: Vec<Row>,
    pub total: Row,
    pub ev: Figures,
    pub cost_rag: Option<CostRag>,
    /// Approved hours (hundredths) in the actual cost, and hours still awaiting approval.
    pub hours_approved_x100: i64,
    pub hours_pending_x100: i64,
    pub curve: Vec<CurvePoint>,
    pub chart: LineChart,
    pub lines: Vec<budget_line::Model>,
    pub commitments: Vec<CommitmentView>,
    pub invoices: Vec<invoice::Model>,
    pub rates: Vec<RateView>,
    /// Whether the budget may still be seeded from the business case.
    pub seedable: bool,
}

/// Everything the control view reads, in a fixed number of queries.
struct Facts {
    phases: Vec<phase::Model>,
    activities: Vec<activity::Model>,
    baseline: HashMap<i32, (NaiveDate, NaiveDate)>,
    lines: Vec<budget_line::Model>,
    commitments: Vec<commitment::Model>,
    invoices: Vec<invoice::Model>,
    rates: Vec<cost_rate::Model>,
    entries: Vec<time_entry::Model>,
    roles: HashMap<i32, String>,
}

async fn facts<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Facts> {
    let phases = phases(c, project_id).await?;
    let activities = activity::Entity::find()
        .filter(activity::Column::ProjectId.eq(project_id))
        .order_by_asc(activity::Column::PhaseId)
        .order_by_asc(activity::Column::Seq)
        .all(c)
        .await?;
    // The active baseline is the latest saved: read in one statement whether or not there is
    // one, so a page's statement count does not depend on the project's data.
    let latest = sea_orm::sea_query::Query::select()
        .expr(sea_orm::sea_query::Func::max(sea_orm::sea_query::Expr::col(baseline::Column::Id)))
        .from(baseline::Entity)
        .and_where(baseline::Column::ProjectId.eq(project_id))
        .to_owned();
    let baseline = baseline_item::Entity::find()
        .filter(baseline_item::Column::BaselineId.in_subquery(latest))
        .filter(baseline_item::Column::ItemKind.eq("activity"))
        .all(c)
        .await?
        .into_iter()
        .map(|i| (i.item_id, (i.start, i.finish)))
        .collect();
    let lines = budget_line::Entity::find()
        .filter(budget_line::Column::ProjectId.eq(project_id))
        .order_by_asc(budget_line::Column::Id)
        .all(c)
        .await?;
    let commitments = commitment::Entity::find()
        .filter(commitment::Column::ProjectId.eq(project_id))
        .order_by_asc(commitment::Column::CommittedOn)
        .order_by_asc(commitment::Column::Id)
        .all(c)
        .await?;
    let invoices = invoice::Entity::find()
        .filter(invoice::Column::ProjectId.eq(project_id))
        .order_by_asc(invoice::Column::InvoicedOn)
        .order_by_asc(invoice::Column::Id)
        .all(c)
        .await?;
    let rates = cost_rate::Entity::find()
        .filter(cost_rate::Column::ProjectId.eq(project_id))
        .order_by_asc(cost_rate::Column::ValidFrom)
        .order_by_asc(cost_rate::Column::Id)
        .all(c)
        .await?;
    let entries = time_entry::Entity::find().filter(time_entry::Column::ProjectId.eq(project_id)).all(c).await?;
    let roles = project_member::Entity::find()
        .filter(project_member::Column::ProjectId.eq(project_id))
        .all(c)
        .await?
        .into_iter()
        .map(|m| (m.user_id, m.role))
        .collect();
    Ok(Facts { phases, activities, baseline, lines, commitments, invoices, rates, entries, roles })
}

/// The cost of each approved time entry (on its day's rate); entries without a rate cost
/// nothing and are counted apart.
pub fn entry_costs<'a>(
    entries: &'a [time_entry::Model],
    rates: &[Rate],
    roles: &HashMap<i32, String>,
) -> impl Iterator<Item = (&'a time_entry::Model, i64)> {
    entries.iter().filter(|e| e.status == "approved").map(move |e| {
        let role = roles.get(&e.user_id).map(String::as_str).unwrap_or("member");
        let cost = effort::rate_on(rates, e.user_id, role, e.day)
            .and_then(|r| effort::labour_cost(e.hours_x100, r))
            .unwrap_or(0);
        (e, cost)
    })
}

pub fn domain_rates(rates: &[cost_rate::Model]) -> Vec<Rate> {
    rates
        .iter()
        .map(|r| Rate {
            user: r.user_id,
            role: r.role.clone(),
            rate_minor: r.rate_minor,
            from: r.valid_from,
            to: r.valid_to,
        })
        .collect()
}

/// The budgeted work of earned value: each phase's budget spread over its activities by
/// duration (working days, or the planned window), budget lines for the whole project over
/// all activities the same way; windows from the active baseline where it has them.
pub fn work_of(
    phases: &[phase::Model],
    activities: &[activity::Model],
    baseline: &HashMap<i32, (NaiveDate, NaiveDate)>,
    lines: &[budget_line::Model],
) -> Vec<Work> {
    let weight = |a: &activity::Model| {
        let w = if a.duration_days > 0 {
            i64::from(a.duration_days)
        } else {
            (a.planned_finish - a.planned_start).num_days() + 1
        };
        w.max(1)
    };
    let mut phase_budget: HashMap<Option<i32>, i64> = HashMap::new();
    for l in lines {
        let key = l.phase_id.filter(|id| activities.iter().any(|a| a.phase_id == *id));
        *phase_budget.entry(key).or_default() += l.amount_minor;
    }
    let total_weight: i64 = activities.iter().map(weight).sum();
    let phase_weight = |pid: i32| activities.iter().filter(|a| a.phase_id == pid).map(weight).sum::<i64>();
    let phase_weights: HashMap<i32, i64> = phases.iter().map(|p| (p.id, phase_weight(p.id))).collect();
    let whole = phase_budget.get(&None).copied().unwrap_or(0);
    activities
        .iter()
        .map(|a| {
            let w = weight(a) as f64;
            let mine = phase_budget.get(&Some(a.phase_id)).copied().unwrap_or(0) as f64;
            let pw = phase_weights.get(&a.phase_id).copied().unwrap_or(1).max(1) as f64;
            let budget = mine * w / pw + whole as f64 * w / total_weight.max(1) as f64;
            let (start, finish) = baseline.get(&a.id).copied().unwrap_or((a.planned_start, a.planned_finish));
            let percent = if a.status == "done" { 100 } else { a.percent_complete };
            Work { budget: budget.round() as i64, start, finish, percent }
        })
        .collect()
}

/// Earned value on `today` from what `facts` read: BAC the budget, PV and EV from the
/// budgeted work, AC the actual cost to date.
fn ev_of(f: &Facts, today: NaiveDate, actual: &Actuals) -> (Figures, Vec<Work>, i64) {
    let work = work_of(&f.phases, &f.activities, &f.baseline, &f.lines);
    let bac = f.lines.iter().fold(0i64, |s, l| s.saturating_add(l.amount_minor));
    let ac = actual.to(today);
    let figs = evm::figures(bac, evm::pv(&work, today), evm::ev(&work), ac);
    (figs, work, ac)
}

/// Actual cost by day (invoices net of credit notes + approved hours at the rate of their
/// day), costed once and summed up so that the cost to any day is one search, however many
/// points the S-curve has.
pub struct Actuals {
    /// (day, cost of that day and every day before it), by day.
    running: Vec<(NaiveDate, i64)>,
}

impl Actuals {
    pub fn new(
        invoices: &[invoice::Model],
        entries: &[time_entry::Model],
        rates: &[Rate],
        roles: &HashMap<i32, String>,
    ) -> Actuals {
        let mut by_day: Vec<(NaiveDate, i64)> = invoices.iter().map(|i| (i.invoiced_on, signed(i))).collect();
        by_day.extend(entry_costs(entries, rates, roles).map(|(e, c)| (e.day, c)));
        by_day.sort_unstable_by_key(|(d, _)| *d);
        let mut running: Vec<(NaiveDate, i64)> = Vec::with_capacity(by_day.len());
        for (d, c) in by_day {
            match running.last_mut() {
                Some((last, sum)) if *last == d => *sum = sum.saturating_add(c),
                Some((_, sum)) => {
                    let s = sum.saturating_add(c);
                    running.push((d, s));
                }
                None => running.push((d, c)),
            }
        }
        Actuals { running }
    }

    /// Actual cost up to and including `day`.
    pub fn to(&self, day: NaiveDate) -> i64 {
        match self.running.partition_point(|(d, _)| *d <= day) {
            0 => 0,
            n => self.running[n - 1].1,
        }
    }
}

/// The project's cost performance index on its today (`None` until money is spent): the
/// health roll-up's cost signal.
pub async fn cpi<C: ConnectionTrait>(c: &C, p: &project::Model, today: NaiveDate) -> Result<Option<f64>> {
    Ok(ev_figures(c, p, today).await?.and_then(|f| f.cpi))
}

/// The project's earned-value figures on `today` (`None` without a budget): the same
/// figures as the control view's `ev`, for the health roll-up and the portfolio's columns.
pub async fn ev_figures<C: ConnectionTrait>(c: &C, p: &project::Model, today: NaiveDate) -> Result<Option<Figures>> {
    let f = facts(c, p.id).await?;
    if f.lines.is_empty() {
        return Ok(None);
    }
    let rates = domain_rates(&f.rates);
    let actual = Actuals::new(&f.invoices, &f.entries, &rates, &f.roles);
    Ok(Some(ev_of(&f, today, &actual).0))
}

/// The control view of project `p` on its today.
pub async fn control<C: ConnectionTrait>(c: &C, p: &project::Model, lang: Lang) -> Result<Control> {
    control_on(c, p, clock::today(p), lang).await
}

pub async fn control_on<C: ConnectionTrait>(
    c: &C,
    p: &project::Model,
    today: NaiveDate,
    lang: Lang,
) -> Result<Control> {
    let f = facts(c, p.id).await?;
    let rates = domain_rates(&f.rates);
    let zh = lang == Lang::Zh;
    let phase_of_activity: HashMap<i32, i32> = f.activities.iter().map(|a| (a.id, a.phase_id)).collect();

    // Rows by phase (plus one for the whole project) and by category.
    let mut by_phase: Vec<Row> = f
        .phases
        .iter()
        .map(|ph| Row {
            key: ph.id.to_string(),
            label: if zh { ph.name_zh.clone() } else { ph.name_en.clone() },
            ..Default::default()
        })
        .collect();
    by_phase.push(Row { key: "project".into(), label: i18n::t(lang, "budget.whole_project"), ..Default::default() });
    let mut by_category: Vec<Row> = CATEGORIES
        .iter()
        .map(|k| Row { key: (*k).into(), label: i18n::t(lang, &format!("budget.cat.{k}")), ..Default::default() })
        .collect();
    let phase_key = |id: Option<i32>| id.map_or_else(|| "project".to_string(), |i| i.to_string());
    let mut add = |phase: Option<i32>, cat: &str, apply: &dyn Fn(&mut Row)| {
        let pk = phase_key(phase);
        if let Some(r) = by_phase.iter_mut().find(|r| r.key == pk) {
            apply(r);
        }
        if let Some(r) = by_category.iter_mut().find(|r| r.key == cat) {
            apply(r);
        }
    };
    for l in &f.lines {
        let v = l.amount_minor;
        add(l.phase_id, &l.category, &|r| r.budget = r.budget.saturating_add(v));
    }
    for cm in &f.commitments {
        let v = cm.amount_minor;
        add(cm.phase_id, &cm.category, &|r| r.committed = r.committed.saturating_add(v));
    }
    for i in f.invoices.iter().filter(|i| i.invoiced_on <= today) {
        let v = signed(i);
        add(i.phase_id, &i.category, &|r| r.invoiced = r.invoiced.saturating_add(v));
    }
    let (mut approved, mut pending) = (0i64, 0i64);
    for (e, cost) in entry_costs(&f.entries, &rates, &f.roles).filter(|(e, _)| e.day <= today) {
        let role = f.roles.get(&e.user_id).map(String::as_str).unwrap_or("member");
        add(phase_of_activity.get(&e.activity_id).copied(), labour_category(role), &|r| {
            r.labour = r.labour.saturating_add(cost)
        });
        approved += i64::from(e.hours_x100);
    }
    for e in f.entries.iter().filter(|e| e.status != "approved") {
        pending += i64::from(e.hours_x100);
    }
    let by_phase: Vec<Row> = by_phase.into_iter().map(Row::finish).collect();
    let by_category: Vec<Row> = by_category.into_iter().map(Row::finish).collect();
    let mut total = Row { key: "total".into(), label: i18n::t(lang, "budget.total"), ..Default::default() };
    for r in &by_category {
        total.budget = total.budget.saturating_add(r.budget);
        total.committed = total.committed.saturating_add(r.committed);
        total.invoiced = total.invoiced.saturating_add(r.invoiced);
        total.labour = total.labour.saturating_add(r.labour);
    }
    let total = total.finish();

    let actual = Actuals::new(&f.invoices, &f.entries, &rates, &f.roles);
    let (ev, work, _) = ev_of(&f, today, &actual);
    let curve = curve(&work, &actual, today);
    let chart = s_curve(&curve, lang);
    let commitments = f
        .commitments
        .iter()
        .map(|cm| {
            let invoiced: i64 = f.invoices.iter().filter(|i| i.commitment_id == cm.id).map(signed).sum();
            CommitmentView { commitment: cm.clone(), invoiced, open: cm.amount_minor - invoiced }
        })
        .collect();
    let names = super::user_names(c, f.rates.iter().filter_map(|r| r.user_id)).await?;
    let rates_v = f
        .rates
        .iter()
        .map(|r| RateView {
            who: match (&r.user_id, &r.role) {
                (Some(u), _) => names.get(u).cloned().unwrap_or_default(),
                (None, Some(role)) => i18n::t(lang, &format!("role.{role}")),
                _ => String::new(),
            },
            rate: r.clone(),
        })
        .collect();
    Ok(Control {
        as_of: today,
        currency: p.currency.clone(),
        by_phase,
        by_category,
        total,
        cost_rag: evm::cost_rag(ev.cpi),
        ev,
        hours_approved_x100: approved,
        hours_pending_x100: pending,
        curve,
        chart,
        seedable: f.lines.iter().all(|l| l.source == "change"),
        lines: f.lines,
        commitments,
        invoices: f.invoices,
        rates: rates_v,
    })
}

/// PV each week from the first planned start to the last planned finish; AC to date; EV is
/// known today only (percent complete is not kept over time), so it is one point.
pub fn curve(work: &[Work], actual: &Actuals, today: NaiveDate) -> Vec<CurvePoint> {
    let (Some(start), Some(end)) = (work.iter().map(|w| w.start).min(), work.iter().map(|w| w.finish).max()) else {
        return vec![];
    };
    let mut out = vec![];
    let mut d = start;
    loop {
        let past = d <= today;
        out.push(CurvePoint { date: d, pv: evm::pv(work, d), ev: None, ac: past.then(|| actual.to(d)) });
        if d >= end {
            break;
        }
        d = (d + Duration::days(7)).min(end);
    }
    if today >= start && today <= end {
        let at =
            CurvePoint { date: today, pv: evm::pv(work, today), ev: Some(evm::ev(work)), ac: Some(actual.to(today)) };
        match out.iter().position(|p| p.date >= today) {
            Some(i) if out[i].date == today => out[i] = at,
            Some(i) => out.insert(i, at),
            None => out.push(at),
        }
    }
    out
}

/// The S-curve as a line chart: PV (dashed, the plan), AC (measured, with dots), EV (green,
/// from the start to today's value).
pub fn s_curve(points: &[CurvePoint], lang: Lang) -> LineChart {
    let major = |v: i64| v as f64 / 100.0;
    LineChart {
        title: i18n::t(lang, "budget.s_curve"),
        series: vec![
            Series { style: Style::Baseline, points: points.iter().map(|p| (p.date, major(p.pv))).collect() },
            Series {
                style: Style::Measured,
                points: points.iter().filter_map(|p| p.ac.map(|a| (p.date, major(a)))).collect(),
            },
            // EV is known today only: drawn from nothing at the start to today's value.
            Series {
                style: Style::Target,
                points: points
                    .first()
                    .map(|p| (p.date, 0.0))
                    .into_iter()
                    .chain(points.iter().filter_map(|p| p.ev.map(|e| (p.date, major(e)))))
                    .collect(),
            },
        ],
        levels: vec![],
        marker: points.iter().find(|p| p.ev.is_some()).map(|p| (p.date, i18n::t(lang, "budget.today"))),
        // The earned-value abbreviations are the same in both languages' practice.
        legend: vec![
            (Some(Style::Baseline), "PV".into()),
            (Some(Style::Measured), "AC".into()),
            (Some(Style::Target), "EV".into()),
        ],
        // Money: in 万 on the axis for a Chinese reader.
        wan: lang == Lang::Zh,
    }
}
