//! The later areas: testing (cases, cycles, defects), the issue and change log,
//! configuration items and interfaces, the cutover runbook's tasks, hypercare issues with
//! their service levels, and the budget's lines, commitments and invoices — each read from
//! the view its page renders.
use super::design::versioned;
use super::problem::{ApiResult, ProblemDoc};
use super::resource::Record;
use super::{Filters, PageQuery};
use crate::AppState;
use crate::entity::project;
use crate::service::{budget, clock, configuration, golive, hypercare, raid, testing};
use crate::web::context::Ctx;
use axum::Router;
use axum::routing::get;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/test-cases", get(cases))
        .route("/api/v1/projects/{id}/test-cases/{item}", get(case))
        .route("/api/v1/projects/{id}/test-cycles", get(cycles))
        .route("/api/v1/projects/{id}/test-cycles/{item}", get(cycle))
        .route("/api/v1/projects/{id}/test-runs", get(runs))
        .route("/api/v1/projects/{id}/test-runs/{item}", get(run))
        .route("/api/v1/projects/{id}/defects", get(defects))
        .route("/api/v1/projects/{id}/defects/{item}", get(defect))
        .route("/api/v1/projects/{id}/issue-items", get(issues))
        .route("/api/v1/projects/{id}/issues/{item}", get(issue))
        .route("/api/v1/projects/{id}/change-requests", get(changes))
        .route("/api/v1/projects/{id}/change-requests/{item}", get(change))
        .route("/api/v1/projects/{id}/config-items", get(config_items))
        .route("/api/v1/projects/{id}/config-items/{item}", get(config_item))
        .route("/api/v1/projects/{id}/interfaces", get(interfaces))
        .route("/api/v1/projects/{id}/interfaces/{item}", get(interface))
        .route("/api/v1/projects/{id}/cutover-tasks", get(tasks))
        .route("/api/v1/projects/{id}/cutover-tasks/{item}", get(task))
        .route("/api/v1/projects/{id}/hypercare-issues", get(hypercare_issues))
        .route("/api/v1/projects/{id}/hypercare-issues/{item}", get(hypercare_issue))
        .route("/api/v1/projects/{id}/budget-lines", get(lines))
        .route("/api/v1/projects/{id}/budget-lines/{item}", get(line))
        .route("/api/v1/projects/{id}/commitments", get(commitments))
        .route("/api/v1/projects/{id}/commitments/{item}", get(commitment))
        .route("/api/v1/projects/{id}/invoices", get(invoices))
        .route("/api/v1/projects/{id}/invoices/{item}", get(invoice))
}

// ---- Testing ----

/// A test case.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TestCase {
    pub id: i32,
    pub version: i32,
    pub blueprint_id: Option<i32>,
    pub step_no: Option<i32>,
    pub code: String,
    pub title: String,
    pub actor: String,
    pub action: String,
    pub expected: String,
    pub module_key: String,
    pub feature: String,
    /// `blueprint`, `manual` or `import`.
    pub source: String,
}
crate::api_record_from!(crate::entity::test_case::Model => TestCase {
    id, version, blueprint_id, step_no, code, title, actor, action, expected, module_key, feature, source
});
versioned!(TestCase, owner = actor);

pub(super) async fn load_cases(state: &AppState, _: &Ctx, p: &project::Model) -> ApiResult<Vec<TestCase>> {
    Ok(testing::cases(&state.db.conn, p.id).await?.into_iter().map(TestCase::from).collect())
}

crate::api_read!(kind = "test_case", tag = "testing", record = TestCase, page = TestCasePage,
    list = cases at "/api/v1/projects/{id}/test-cases", get = case at "/api/v1/projects/{id}/test-cases/{item}" ("item"),
    load = load_cases, doc = "The test cases.");

/// A test cycle (its runs and exit criteria: `GET …/testing/cycles/{cyc}`).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TestCycle {
    pub id: i32,
    pub version: i32,
    pub name: String,
    /// `prototype`, `pilot`, `uat` or `regression`.
    pub kind: String,
    /// The blueprints in scope: their ids as a JSON array in a string, e.g. `"[3,5]"`.
    pub scope: String,
    pub planned_start: Option<NaiveDate>,
    pub planned_finish: Option<NaiveDate>,
    pub testers: String,
    pub pass_rate_min: i32,
    pub waiver_reason: String,
}
crate::api_record_from!(crate::entity::test_cycle::Model => TestCycle {
    id, version, name, kind, scope, planned_start, planned_finish, testers, pass_rate_min, waiver_reason
});
versioned!(TestCycle);

pub(super) async fn load_cycles(state: &AppState, _: &Ctx, p: &project::Model) -> ApiResult<Vec<TestCycle>> {
    Ok(testing::cycles(&state.db.conn, p.id).await?.into_iter().map(TestCycle::from).collect())
}

crate::api_read!(kind = "test_cycle", tag = "testing", record = TestCycle, page = TestCyclePage,
    list = cycles at "/api/v1/projects/{id}/test-cycles", get = cycle at "/api/v1/projects/{id}/test-cycles/{item}" ("item"),
    load = load_cycles, doc = "The test cycles.");

/// A run of a case in a cycle (never edited: a re-run is a new run).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TestRun {
    pub id: i32,
    pub cycle_id: i32,
    pub case_id: i32,
    /// `passed`, `failed`, `blocked` or `retest` (a fixed defect sent the case back).
    pub status: String,
    pub failed_step: Option<i32>,
    pub actual_result: String,
    pub evidence: String,
    pub tester: String,
    pub run_on: NaiveDate,
    pub defect_id: Option<i32>,
}
crate::api_record_from!(crate::entity::test_run::Model => TestRun {
    id, cycle_id, case_id, status, failed_step, actual_result, evidence, tester, run_on, defect_id
});
impl Record for TestRun {
    fn id(&self) -> i32 {
        self.id
    }
    fn version(&self) -> i32 {
        0
    }
    fn status(&self) -> Option<&str> {
        Some(&self.status)
    }
    fn owner(&self) -> Option<&str> {
        Some(&self.tester)
    }
}

pub(super) async fn load_runs(state: &AppState, _: &Ctx, p: &project::Model) -> ApiResult<Vec<TestRun>> {
    Ok(testing::runs(&state.db.conn, p.id).await?.into_iter().map(TestRun::from).collect())
}

crate::api_read!(kind = "test_run", tag = "testing", record = TestRun, page = TestRunPage,
    list = runs at "/api/v1/projects/{id}/test-runs", get = run at "/api/v1/projects/{id}/test-runs/{item}" ("item"),
    load = load_runs, doc = "The test runs, oldest first (filter with `?status=`, `?owner=` for the tester).");

/// A defect raised from a test run.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Defect {
    pub id: i32,
    pub version: i32,
    pub cycle_id: i32,
    pub case_id: i32,
    pub run_id: Option<i32>,
    pub step_no: Option<i32>,
    pub title: String,
    pub description: String,
    /// `critical`, `major`, `minor` or `cosmetic`.
    pub severity: String,
    pub priority: String,
    pub owner: String,
    pub status: String,
    pub reject_reason: String,
    pub target_date: Option<NaiveDate>,
}
crate::api_record_from!(crate::entity::defect::Model => Defect {
    id, version, cycle_id, case_id, run_id, step_no, title, description, severity, priority, owner, status,
    reject_reason, target_date
});
versioned!(Defect, status = status, owner = owner);

pub(super) async fn load_defects(state: &AppState, _: &Ctx, p: &project::Model) -> ApiResult<Vec<Defect>> {
    Ok(testing::defects(&state.db.conn, p.id).await?.into_iter().map(Defect::from).collect())
}

crate::api_read!(kind = "defect", tag = "testing", record = Defect, page = DefectPage,
    list = defects at "/api/v1/projects/{id}/defects", get = defect at "/api/v1/projects/{id}/defects/{item}" ("item"),
    load = load_defects, doc = "The defects.");

// ---- Issues and change requests ----

/// An issue of the issue log, with the log's flags.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Issue {
    pub id: i32,
    pub version: i32,
    pub title: String,
    pub description: String,
    pub severity: String,
    pub owner: String,
    pub raised_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub status: String,
    pub resolution: String,
    pub escalated: bool,
    pub open: bool,
    pub overdue: bool,
    /// Open, escalated and critical: the project's health is red while there is one.
    pub red: bool,
}
impl From<raid::IssueRow> for Issue {
    fn from(r: raid::IssueRow) -> Issue {
        let i = r.issue;
        Issue {
            id: i.id,
            version: i.version,
            title: i.title,
            description: i.description,
            severity: i.severity,
            owner: i.owner,
            raised_on: i.raised_on,
            due_on: i.due_on,
            status: i.status,
            resolution: i.resolution,
            escalated: i.escalated,
            open: r.open,
            overdue: r.overdue,
            red: r.red,
        }
    }
}
versioned!(Issue, status = status, owner = owner);

pub(super) async fn load_issues(state: &AppState, _: &Ctx, p: &project::Model) -> ApiResult<Vec<Issue>> {
    Ok(raid::log(&state.db.conn, p, clock::today(p)).await?.issues.into_iter().map(Issue::from).collect())
}

crate::api_read!(kind = "issue", tag = "issues", record = Issue, page = IssuePage,
    list = issues at "/api/v1/projects/{id}/issue-items", get = issue at "/api/v1/projects/{id}/issues/{item}" ("item"),
    load = load_issues,
    doc = "The issue log's issues in its order (`GET …/issues` is the whole log view with its counts).");

/// A change request with its impact and decision.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ChangeRequest {
    pub id: i32,
    pub version: i32,
    pub title: String,
    pub description: String,
    pub reason: String,
    pub scope_impact: String,
    pub schedule_days: i32,
    /// Minor units of the project's currency.
    pub cost_minor: i64,
    /// As the log prints it.
    pub cost: String,
    pub benefits: String,
    pub options: String,
    /// `submitted`, `approved`, `rejected` or `deferred`.
    pub status: String,
    pub rationale: String,
    pub decided_on: Option<NaiveDate>,
    pub decided_by_name: Option<String>,
    pub baseline_name: Option<String>,
    pub pending: bool,
}
impl From<raid::ChangeRow> for ChangeRequest {
    fn from(r: raid::ChangeRow) -> ChangeRequest {
        let c = r.change;
        ChangeRequest {
            id: c.id,
            version: c.version,
            title: c.title,
            description: c.description,
            reason: c.reason,
            scope_impact: c.scope_impact,
            schedule_days: c.schedule_days,
            cost_minor: c.cost_minor,
            cost: r.cost,
            benefits: c.benefits,
            options: c.options,
            status: c.status,
            rationale: c.rationale,
            decided_on: c.decided_on,
            decided_by_name: r.decided_by_name,
            baseline_name: r.baseline_name,
            pending: r.pending,
        }
    }
}
versioned!(ChangeRequest, status = status);

pub(super) async fn load_changes(state: &AppState, _: &Ctx, p: &project::Model) -> ApiResult<Vec<ChangeRequest>> {
    Ok(raid::log(&state.db.conn, p, clock::today(p)).await?.changes.into_iter().map(ChangeRequest::from).collect())
}

crate::api_read!(kind = "change_request", tag = "issues", record = ChangeRequest, page = ChangeRequestPage,
    list = changes at "/api/v1/projects/{id}/change-requests",
    get = change at "/api/v1/projects/{id}/change-requests/{item}" ("item"),
    load = load_changes, doc = "The change requests in the log's order.");

// ---- Configuration ----

/// A configuration item of a module's configuration record.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ConfigItem {
    pub id: i32,
    pub version: i32,
    pub module_key: String,
    pub setting: String,
    pub value: String,
    pub blueprint_id: Option<i32>,
    pub step_no: Option<i32>,
    pub feature: String,
    pub owner: String,
    /// `planned`, `configured` or `verified`.
    pub status: String,
    pub verified_on: Option<NaiveDate>,
    pub verified_by_name: Option<String>,
}
impl From<configuration::ItemRow> for ConfigItem {
    fn from(r: configuration::ItemRow) -> ConfigItem {
        let i = r.item;
        ConfigItem {
            id: i.id,
            version: i.version,
            module_key: i.module_key,
            setting: i.setting,
            value: i.value,
            blueprint_id: i.blueprint_id,
            step_no: i.step_no,
            feature: i.feature,
            owner: i.owner,
            status: i.status,
            verified_on: i.verified_on,
            verified_by_name: r.verified_by_name,
        }
    }
}
versioned!(ConfigItem, status = status, owner = owner);

pub(super) async fn load_config_items(state: &AppState, _: &Ctx, p: &project::Model) -> ApiResult<Vec<ConfigItem>> {
    let v = configuration::view(&state.db.conn, p).await?;
    Ok(v.modules.into_iter().flat_map(|m| m.items).map(ConfigItem::from).collect())
}

crate::api_read!(kind = "config_item", tag = "configuration", record = ConfigItem, page = ConfigItemPage,
    list = config_items at "/api/v1/projects/{id}/config-items",
    get = config_item at "/api/v1/projects/{id}/config-items/{item}" ("item"),
    load = load_config_items, doc = "The configuration items, module by module as the Configuration tab lists them.");

/// An interface of the integration register.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Interface {
    pub id: i32,
    pub version: i32,
    pub name: String,
    pub source_system: String,
    pub target_system: String,
    pub direction: String,
    pub data_objects: String,
    pub frequency: String,
    pub method: String,
    pub owner: String,
    pub status: String,
    /// `untested`, `passed` or `failed`.
    pub test_status: String,
}
crate::api_record_from!(crate::entity::interface::Model => Interface {
    id, version, name, source_system, target_system, direction, data_objects, frequency, method, owner, status,
    test_status
});
versioned!(Interface, status = status, owner = owner);

pub(super) async fn load_interfaces(state: &AppState, _: &Ctx, p: &project::Model) -> ApiResult<Vec<Interface>> {
    Ok(configuration::view(&state.db.conn, p).await?.interfaces.into_iter().map(Interface::from).collect())
}

crate::api_read!(kind = "interface", tag = "configuration", record = Interface, page = InterfacePage,
    list = interfaces at "/api/v1/projects/{id}/interfaces",
    get = interface at "/api/v1/projects/{id}/interfaces/{item}" ("item"),
    load = load_interfaces, doc = "The integration register's interfaces.");

// ---- Go-live ----

/// A task of the cutover runbook (the plan with its critical path: `GET …/cutover`).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CutoverTask {
    pub id: i32,
    pub version: i32,
    pub seq: i32,
    pub name: String,
    pub owner: String,
    pub category: String,
    /// Local time of the project.
    pub planned_start: NaiveDateTime,
    pub duration_min: i32,
    /// The numbers (`seq`) of the tasks it waits for, comma-separated.
    pub predecessors: String,
    pub checkpoint: bool,
    pub rollback_point: bool,
    pub rollback_deadline: Option<NaiveDateTime>,
    pub live_started_at: Option<DateTime<Utc>>,
    pub live_finished_at: Option<DateTime<Utc>>,
}
crate::api_record_from!(crate::entity::cutover_task::Model => CutoverTask {
    id, version, seq, name, owner, category, planned_start, duration_min, predecessors, checkpoint, rollback_point,
    rollback_deadline, live_started_at, live_finished_at
});
versioned!(CutoverTask, owner = owner);

pub(super) async fn load_tasks(state: &AppState, _: &Ctx, p: &project::Model) -> ApiResult<Vec<CutoverTask>> {
    Ok(golive::tasks(&state.db.conn, p.id).await?.into_iter().map(CutoverTask::from).collect())
}

crate::api_read!(kind = "cutover_task", tag = "golive", record = CutoverTask, page = CutoverTaskPage,
    list = tasks at "/api/v1/projects/{id}/cutover-tasks", get = task at "/api/v1/projects/{id}/cutover-tasks/{item}" ("item"),
    load = load_tasks, doc = "The cutover runbook's tasks in order.");

/// A hypercare issue with its service levels as the hypercare log shows them now.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct HypercareIssue {
    pub id: i32,
    pub version: i32,
    pub title: String,
    /// 1 (highest) – 4.
    pub severity: i32,
    pub channel: String,
    pub module_key: String,
    pub reporter: String,
    pub assignee: String,
    pub status: String,
    pub opened_at: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub response_due: DateTime<Utc>,
    pub resolution_due: DateTime<Utc>,
    pub response_breached: bool,
    pub resolution_breached: bool,
    /// Minutes to the next deadline not yet met (negative: overdue).
    pub minutes_left: Option<i64>,
}
impl From<hypercare::IssueRow> for HypercareIssue {
    fn from(r: hypercare::IssueRow) -> HypercareIssue {
        let i = r.issue;
        HypercareIssue {
            id: i.id,
            version: i.version,
            title: i.title,
            severity: i.severity,
            channel: i.channel,
            module_key: i.module_key,
            reporter: i.reporter,
            assignee: i.assignee,
            status: i.status,
            opened_at: i.opened_at,
            responded_at: i.responded_at,
            resolved_at: i.resolved_at,
            response_due: r.sla.response_due,
            resolution_due: r.sla.resolution_due,
            response_breached: r.sla.response_breached,
            resolution_breached: r.sla.resolution_breached,
            minutes_left: r.sla.minutes_left,
        }
    }
}
versioned!(HypercareIssue, status = status, owner = assignee);

pub(super) async fn load_hypercare(state: &AppState, ctx: &Ctx, p: &project::Model) -> ApiResult<Vec<HypercareIssue>> {
    Ok(hypercare::log(&state.db.conn, p, ctx.lang).await?.issues.into_iter().map(HypercareIssue::from).collect())
}

crate::api_read!(kind = "hypercare_issue", tag = "golive", record = HypercareIssue, page = HypercareIssuePage,
    list = hypercare_issues at "/api/v1/projects/{id}/hypercare-issues",
    get = hypercare_issue at "/api/v1/projects/{id}/hypercare-issues/{item}" ("item"),
    load = load_hypercare, doc = "The hypercare issues with their service levels, as the hypercare log lists them.");

// ---- Budget ----

/// A budget line.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BudgetLine {
    pub id: i32,
    pub version: i32,
    pub phase_id: Option<i32>,
    pub category: String,
    pub description: String,
    /// Minor units of the project's currency.
    pub amount_minor: i64,
    /// `manual` or `business_case`.
    pub source: String,
}
crate::api_record_from!(crate::entity::budget_line::Model => BudgetLine {
    id, version, phase_id, category, description, amount_minor, source
});
versioned!(BudgetLine);

/// A commitment (purchase order, contract) with what is invoiced against it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Commitment {
    pub id: i32,
    pub version: i32,
    pub phase_id: Option<i32>,
    pub category: String,
    pub vendor: String,
    pub reference: String,
    pub amount_minor: i64,
    pub committed_on: NaiveDate,
    /// Invoiced net of credit notes, and what is left to invoice (minor units).
    pub invoiced_minor: i64,
    pub open_minor: i64,
}
impl From<budget::CommitmentView> for Commitment {
    fn from(v: budget::CommitmentView) -> Commitment {
        let c = v.commitment;
        Commitment {
            id: c.id,
            version: c.version,
            phase_id: c.phase_id,
            category: c.category,
            vendor: c.vendor,
            reference: c.reference,
            amount_minor: c.amount_minor,
            committed_on: c.committed_on,
            invoiced_minor: v.invoiced,
            open_minor: v.open,
        }
    }
}
versioned!(Commitment, owner = vendor);

/// An invoice (or credit note) against a commitment.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Invoice {
    pub id: i32,
    pub version: i32,
    pub commitment_id: i32,
    pub phase_id: Option<i32>,
    pub category: String,
    pub vendor: String,
    pub reference: String,
    pub amount_minor: i64,
    pub credit_note: bool,
    pub invoiced_on: NaiveDate,
}
crate::api_record_from!(crate::entity::invoice::Model => Invoice {
    id, version, commitment_id, phase_id, category, vendor, reference, amount_minor, credit_note, invoiced_on
});
versioned!(Invoice, owner = vendor);

async fn control(state: &AppState, ctx: &Ctx, p: &project::Model) -> ApiResult<budget::Control> {
    Ok(budget::control(&state.db.conn, p, ctx.lang).await?)
}
pub(super) async fn load_lines(state: &AppState, ctx: &Ctx, p: &project::Model) -> ApiResult<Vec<BudgetLine>> {
    Ok(control(state, ctx, p).await?.lines.into_iter().map(BudgetLine::from).collect())
}
pub(super) async fn load_commitments(state: &AppState, ctx: &Ctx, p: &project::Model) -> ApiResult<Vec<Commitment>> {
    Ok(control(state, ctx, p).await?.commitments.into_iter().map(Commitment::from).collect())
}
pub(super) async fn load_invoices(state: &AppState, ctx: &Ctx, p: &project::Model) -> ApiResult<Vec<Invoice>> {
    Ok(control(state, ctx, p).await?.invoices.into_iter().map(Invoice::from).collect())
}

crate::api_read!(kind = "budget_line", tag = "budget", record = BudgetLine, page = BudgetLinePage,
    list = lines at "/api/v1/projects/{id}/budget-lines", get = line at "/api/v1/projects/{id}/budget-lines/{item}" ("item"),
    load = load_lines, doc = "The budget's lines (the control figures: `GET …/budget`).");
crate::api_read!(kind = "commitment", tag = "budget", record = Commitment, page = CommitmentPage,
    list = commitments at "/api/v1/projects/{id}/commitments",
    get = commitment at "/api/v1/projects/{id}/commitments/{item}" ("item"),
    load = load_commitments, doc = "The commitments with what is invoiced against each.");
crate::api_read!(kind = "invoice", tag = "budget", record = Invoice, page = InvoicePage,
    list = invoices at "/api/v1/projects/{id}/invoices", get = invoice at "/api/v1/projects/{id}/invoices/{item}" ("item"),
    load = load_invoices, doc = "The invoices and credit notes.");
