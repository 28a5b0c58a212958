//! Writes of the later areas through the general write helper ([`super::write`]): test
//! cases, runs (a test tool pushing its results) and defects; the issue log and change
//! requests; configuration items and interfaces; the cutover runbook's tasks; hypercare
//! issues (a service desk opening and closing tickets); and the budget's lines, commitments
//! and invoices (an ERP posting its purchase orders and invoices). Each takes the form its
//! page posts and the page's validation and policy; hooks and audit come from the services.
use super::later::{
    BudgetLine, ChangeRequest, Commitment, ConfigItem, CutoverTask, Defect, HypercareIssue, Interface, Invoice, Issue,
    TestCase, TestRun,
};
use super::problem::{ApiResult, ProblemDoc};
use super::write::{Writable, plain_writable};
use crate::AppState;
use crate::domain::policy::Action;
use crate::entity::project;
use crate::service::{self, Actor, budget, clock, configuration, golive, hypercare, raid, testing};
use crate::web::context::Ctx;
use axum::Router;
use axum::routing::{patch, post};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/test-cases", post(create_case))
        .route("/api/v1/projects/{id}/test-cases/{item}", patch(update_case))
        .route("/api/v1/projects/{id}/test-runs", post(create_run))
        .route("/api/v1/projects/{id}/defects", post(create_defect))
        .route("/api/v1/projects/{id}/defects/{item}", patch(update_defect))
        .route("/api/v1/projects/{id}/issue-items", post(create_issue))
        .route("/api/v1/projects/{id}/issues/{item}", patch(update_issue))
        .route("/api/v1/projects/{id}/change-requests", post(create_change))
        .route("/api/v1/projects/{id}/change-requests/{item}", patch(update_change))
        .route("/api/v1/projects/{id}/config-items", post(create_config_item))
        .route("/api/v1/projects/{id}/config-items/{item}", patch(update_config_item))
        .route("/api/v1/projects/{id}/interfaces", post(create_interface))
        .route("/api/v1/projects/{id}/interfaces/{item}", patch(update_interface))
        .route("/api/v1/projects/{id}/cutover-tasks", post(create_task))
        .route("/api/v1/projects/{id}/cutover-tasks/{item}", patch(update_task).delete(delete_task))
        .route("/api/v1/projects/{id}/hypercare-issues", post(create_hypercare_issue))
        .route("/api/v1/projects/{id}/hypercare-issues/{item}", patch(update_hypercare_issue))
        .route("/api/v1/projects/{id}/budget-lines", post(create_line))
        .route("/api/v1/projects/{id}/commitments", post(create_commitment))
        .route("/api/v1/projects/{id}/invoices", post(create_invoice))
}

fn blueprint_keys(b: Vec<crate::entity::blueprint::Model>) -> Vec<i32> {
    b.into_iter().map(|b| b.id).collect()
}

// ---- Testing ----

plain_writable!(
    TestCase,
    form = testing::RawCase,
    kind = "test_case",
    segment = "test-cases",
    load = super::later::load_cases,
    base = |state, p, id| Ok(crate::web::testing::raw_case(&testing::get_case(&state.db.conn, p.id, id).await?)),
    check = |state, p, raw| {
        let bps = blueprint_keys(testing::blueprint_ids(&state.db.conn, p.id).await?);
        testing::validate_case(raw, &bps)?
    },
    create = testing::create_case,
    update = testing::update_case
);

crate::api_write!(record = TestCase, tag = "testing", new = testing::RawCase, edit = testing::RawCase,
    create = create_case at "/api/v1/projects/{id}/test-cases",
    update = update_case at "/api/v1/projects/{id}/test-cases/{item}");

/// A run to record: the cycle, and the run form of the cycle page.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RunBody {
    pub cycle_id: String,
    #[serde(flatten)]
    pub run: testing::RawRun,
}

impl Writable for TestRun {
    type New = RunBody;
    type Edit = RunBody;
    const KIND: &'static str = "test_run";
    const SEGMENT: &'static str = "test-runs";
    // As on the cycle page: the key users of the functional groups run tests.
    const ACTION: Action = Action::RunTests;

    async fn load(state: &AppState, ctx: &Ctx, p: &project::Model) -> ApiResult<Vec<Self>> {
        super::later::load_runs(state, ctx, p).await
    }
    async fn create(state: &AppState, actor: Actor, p: &project::Model, raw: &RunBody) -> service::Result<i32> {
        let cycle = parse_id("cycle_id", &raw.cycle_id)?;
        let i = testing::validate_run(&raw.run, clock::today(p))?;
        Ok(testing::record_run(&state.db, actor, p.id, cycle, &i).await?.id)
    }
}
crate::api_write!(record = TestRun, tag = "testing", new = RunBody, edit = RunBody,
    create = create_run at "/api/v1/projects/{id}/test-runs");

/// A whole-number id of a form field, or the field named.
fn parse_id(field: &str, raw: &str) -> service::Result<i32> {
    raw.trim()
        .parse::<i32>()
        .map_err(|_| crate::domain::validation::FieldErrors::single(field, "err.choose_from_list").into())
}

/// A defect to raise from the latest (failed) run of a case in a cycle.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DefectNew {
    pub cycle_id: String,
    pub case_id: String,
    #[serde(flatten)]
    pub defect: testing::RawDefect,
}

/// A defect's form on its page: the fields, and its workflow status.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DefectEdit {
    #[serde(flatten)]
    pub defect: testing::RawDefect,
    /// `new`, `open`, `fixed`, `retest`, `closed` or `rejected` (with `reject_reason`).
    pub status: String,
    pub reject_reason: String,
}

impl Writable for Defect {
    type New = DefectNew;
    type Edit = DefectEdit;
    const KIND: &'static str = "defect";
    const SEGMENT: &'static str = "defects";
    const ACTION: Action = Action::RunTests;

    async fn load(state: &AppState, ctx: &Ctx, p: &project::Model) -> ApiResult<Vec<Self>> {
        super::later::load_defects(state, ctx, p).await
    }
    async fn base(state: &AppState, p: &project::Model, id: i32) -> service::Result<DefectEdit> {
        let (row, _) = testing::defect_detail(&state.db.conn, p.id, id).await?;
        Ok(DefectEdit {
            defect: crate::web::testing::raw_defect(&row),
            status: row.defect.status.clone(),
            reject_reason: row.defect.reject_reason.clone(),
        })
    }
    async fn create(state: &AppState, actor: Actor, p: &project::Model, raw: &DefectNew) -> service::Result<i32> {
        let cycle = parse_id("cycle_id", &raw.cycle_id)?;
        let case = parse_id("case_id", &raw.case_id)?;
        let i = testing::validate_defect(&raw.defect)?;
        Ok(testing::raise_defect(&state.db, actor, p.id, cycle, case, &i).await?.id)
    }
    async fn update(
        state: &AppState,
        actor: Actor,
        p: &project::Model,
        id: i32,
        version: i32,
        raw: &DefectEdit,
    ) -> service::Result<()> {
        let i = testing::validate_defect(&raw.defect)?;
        let today = clock::today(p);
        testing::update_defect(&state.db, actor, p.id, id, version, &i, &raw.status, &raw.reject_reason, today)
            .await
            .map(|_| ())
    }
}
crate::api_write!(record = Defect, tag = "testing", new = DefectNew, edit = DefectEdit,
    create = create_defect at "/api/v1/projects/{id}/defects",
    update = update_defect at "/api/v1/projects/{id}/defects/{item}");

// ---- Issues and change requests ----

plain_writable!(
    Issue,
    form = raid::RawIssue,
    kind = "issue",
    segment = "issues",
    load = super::later::load_issues,
    base = |state, p, id| Ok(crate::web::raid::raw_issue(&raid::get_issue(&state.db.conn, p.id, id).await?)),
    check = |_state, p, raw| raid::validate_issue(raw, clock::today(p))?,
    create = raid::create_issue,
    update = raid::update_issue
);

crate::api_write!(record = Issue, tag = "issues", new = raid::RawIssue, edit = raid::RawIssue,
    create = create_issue at "/api/v1/projects/{id}/issue-items",
    update = update_issue at "/api/v1/projects/{id}/issues/{item}");

plain_writable!(
    ChangeRequest,
    form = raid::RawChange,
    kind = "change_request",
    segment = "change-requests",
    load = super::later::load_changes,
    base = |state, p, id| Ok(crate::web::raid::raw_change(
        &raid::get_change(&state.db.conn, p.id, id).await?,
        &p.currency
    )),
    check = |_state, p, raw| raid::validate_change(raw, &p.currency)?,
    create = raid::create_change,
    update = raid::update_change
);

crate::api_write!(record = ChangeRequest, tag = "issues", new = raid::RawChange, edit = raid::RawChange,
    create = create_change at "/api/v1/projects/{id}/change-requests",
    update = update_change at "/api/v1/projects/{id}/change-requests/{item}");

// ---- Configuration ----

async fn item_input(
    state: &AppState,
    p: &project::Model,
    raw: &configuration::RawItem,
) -> service::Result<configuration::ItemInput> {
    let v = configuration::view(&state.db.conn, p).await?;
    Ok(configuration::validate_item(raw, &configuration::module_keys(p), &configuration::step_keys(&v))?)
}

impl Writable for ConfigItem {
    type New = configuration::RawItem;
    type Edit = configuration::RawItem;
    const KIND: &'static str = "config_item";
    const SEGMENT: &'static str = "config-items";

    async fn load(state: &AppState, ctx: &Ctx, p: &project::Model) -> ApiResult<Vec<Self>> {
        super::later::load_config_items(state, ctx, p).await
    }
    async fn base(state: &AppState, p: &project::Model, id: i32) -> service::Result<configuration::RawItem> {
        Ok(crate::web::configuration::raw_item(&configuration::get_item(&state.db.conn, p.id, id).await?))
    }
    async fn create(
        state: &AppState,
        actor: Actor,
        p: &project::Model,
        raw: &configuration::RawItem,
    ) -> service::Result<i32> {
        let i = item_input(state, p, raw).await?;
        Ok(configuration::create_item(&state.db, actor, p.id, &i, clock::today(p)).await?.id)
    }
    async fn update(
        state: &AppState,
        actor: Actor,
        p: &project::Model,
        id: i32,
        version: i32,
        raw: &configuration::RawItem,
    ) -> service::Result<()> {
        let i = item_input(state, p, raw).await?;
        configuration::update_item(&state.db, actor, p.id, id, version, &i, clock::today(p)).await.map(|_| ())
    }
}
crate::api_write!(record = ConfigItem, tag = "configuration", new = configuration::RawItem, edit = configuration::RawItem,
    create = create_config_item at "/api/v1/projects/{id}/config-items",
    update = update_config_item at "/api/v1/projects/{id}/config-items/{item}");

plain_writable!(
    Interface,
    form = configuration::RawInterface,
    kind = "interface",
    segment = "interfaces",
    load = super::later::load_interfaces,
    base = |state, p, id| {
        Ok(crate::web::configuration::raw_interface(&configuration::get_interface(&state.db.conn, p.id, id).await?))
    },
    check = |_state, _p, raw| configuration::validate_interface(raw)?,
    create = configuration::create_interface,
    update = configuration::update_interface
);

crate::api_write!(record = Interface, tag = "configuration", new = configuration::RawInterface,
    edit = configuration::RawInterface,
    create = create_interface at "/api/v1/projects/{id}/interfaces",
    update = update_interface at "/api/v1/projects/{id}/interfaces/{item}");

// ---- Go-live ----

impl Writable for CutoverTask {
    type New = golive::RawTask;
    type Edit = golive::RawTask;
    const KIND: &'static str = "cutover_task";
    const SEGMENT: &'static str = "cutover-tasks";

    async fn load(state: &AppState, ctx: &Ctx, p: &project::Model) -> ApiResult<Vec<Self>> {
        super::later::load_tasks(state, ctx, p).await
    }
    async fn base(state: &AppState, p: &project::Model, id: i32) -> service::Result<golive::RawTask> {
        let rows = golive::tasks(&state.db.conn, p.id).await?;
        rows.iter().find(|t| t.id == id).map(golive::raw_of).ok_or(service::Error::NotFound)
    }
    async fn create(state: &AppState, actor: Actor, p: &project::Model, raw: &golive::RawTask) -> service::Result<i32> {
        let i = golive::validate(raw)?;
        Ok(golive::create_task(&state.db, actor, p.id, &i).await?.id)
    }
    async fn update(
        state: &AppState,
        actor: Actor,
        p: &project::Model,
        id: i32,
        version: i32,
        raw: &golive::RawTask,
    ) -> service::Result<()> {
        let i = golive::validate(raw)?;
        golive::update_task(&state.db, actor, p.id, id, version, &i).await.map(|_| ())
    }
    async fn delete(state: &AppState, actor: Actor, p: &project::Model, id: i32, version: i32) -> service::Result<()> {
        golive::delete_task(&state.db, actor, p.id, id, version).await
    }
}
crate::api_write!(record = CutoverTask, tag = "golive", new = golive::RawTask, edit = golive::RawTask,
    create = create_task at "/api/v1/projects/{id}/cutover-tasks",
    update = update_task at "/api/v1/projects/{id}/cutover-tasks/{item}", delete = delete_task);

impl Writable for HypercareIssue {
    type New = hypercare::RawIssue;
    type Edit = hypercare::RawIssue;
    const KIND: &'static str = "hypercare_issue";
    const SEGMENT: &'static str = "hypercare-issues";

    async fn load(state: &AppState, ctx: &Ctx, p: &project::Model) -> ApiResult<Vec<Self>> {
        super::later::load_hypercare(state, ctx, p).await
    }
    async fn base(state: &AppState, p: &project::Model, id: i32) -> service::Result<hypercare::RawIssue> {
        let log = hypercare::log(&state.db.conn, p, crate::i18n::Lang::En).await?;
        log.issues.iter().find(|r| r.issue.id == id).map(hypercare::raw_of).ok_or(service::Error::NotFound)
    }
    async fn create(
        state: &AppState,
        actor: Actor,
        p: &project::Model,
        raw: &hypercare::RawIssue,
    ) -> service::Result<i32> {
        let mut raw = raw.clone();
        // A ticket pushed without its opening time was opened now, as the page's form says.
        if raw.opened_at.trim().is_empty() {
            raw.opened_at = golive::local_input(&golive::local(p, service::now()));
        }
        let i = hypercare::validate(&raw, p, service::now())?;
        Ok(hypercare::create(&state.db, actor, p.id, &i).await?.id)
    }
    async fn update(
        state: &AppState,
        actor: Actor,
        p: &project::Model,
        id: i32,
        version: i32,
        raw: &hypercare::RawIssue,
    ) -> service::Result<()> {
        let i = hypercare::validate(raw, p, service::now())?;
        hypercare::update(&state.db, actor, p.id, id, version, &i).await.map(|_| ())
    }
}
crate::api_write!(record = HypercareIssue, tag = "golive", new = hypercare::RawIssue, edit = hypercare::RawIssue,
    create = create_hypercare_issue at "/api/v1/projects/{id}/hypercare-issues",
    update = update_hypercare_issue at "/api/v1/projects/{id}/hypercare-issues/{item}");

// ---- Budget ----

impl Writable for BudgetLine {
    type New = budget::RawLine;
    type Edit = budget::RawLine;
    const KIND: &'static str = "budget_line";
    const SEGMENT: &'static str = "budget-lines";
    const ACTION: Action = Action::ManageBudget;

    async fn load(state: &AppState, ctx: &Ctx, p: &project::Model) -> ApiResult<Vec<Self>> {
        super::later::load_lines(state, ctx, p).await
    }
    async fn create(state: &AppState, actor: Actor, p: &project::Model, raw: &budget::RawLine) -> service::Result<i32> {
        Ok(budget::add_line(&state.db, actor, p, raw).await?.id)
    }
}
crate::api_write!(record = BudgetLine, tag = "budget", new = budget::RawLine, edit = budget::RawLine,
    create = create_line at "/api/v1/projects/{id}/budget-lines");

impl Writable for Commitment {
    type New = budget::RawCommitment;
    type Edit = budget::RawCommitment;
    const KIND: &'static str = "commitment";
    const SEGMENT: &'static str = "commitments";
    const ACTION: Action = Action::ManageBudget;

    async fn load(state: &AppState, ctx: &Ctx, p: &project::Model) -> ApiResult<Vec<Self>> {
        super::later::load_commitments(state, ctx, p).await
    }
    async fn create(
        state: &AppState,
        actor: Actor,
        p: &project::Model,
        raw: &budget::RawCommitment,
    ) -> service::Result<i32> {
        Ok(budget::add_commitment(&state.db, actor, p, raw).await?.id)
    }
}
crate::api_write!(record = Commitment, tag = "budget", new = budget::RawCommitment, edit = budget::RawCommitment,
    create = create_commitment at "/api/v1/projects/{id}/commitments");

impl Writable for Invoice {
    type New = budget::RawInvoice;
    type Edit = budget::RawInvoice;
    const KIND: &'static str = "invoice";
    const SEGMENT: &'static str = "invoices";
    const ACTION: Action = Action::ManageBudget;

    async fn load(state: &AppState, ctx: &Ctx, p: &project::Model) -> ApiResult<Vec<Self>> {
        super::later::load_invoices(state, ctx, p).await
    }
    async fn create(
        state: &AppState,
        actor: Actor,
        p: &project::Model,
        raw: &budget::RawInvoice,
    ) -> service::Result<i32> {
        Ok(budget::add_invoice(&state.db, actor, p, raw).await?.id)
    }
}
crate::api_write!(record = Invoice, tag = "budget", new = budget::RawInvoice, edit = budget::RawInvoice,
    create = create_invoice at "/api/v1/projects/{id}/invoices");
