//! Testing (phases 5–6): test cases generated from the blueprint's to-be steps or written
//! by hand, cycles with exit criteria and the steering committee's waiver, runs that keep
//! their history, and defects whose fix sends the case back for retest. One view per page
//! (`overview`, `cycle`), the gate's cycle exits and H4's `readiness_inputs`.
use super::{Actor, Error, Result, now, write};
use crate::chart::coverage::{Cell, Coverage};
use crate::chart::series::{Named, SeriesChart};
use crate::db::Db;
use crate::domain::bounds::parse_date;
use crate::domain::testing::{
    self, CaseFact, CaseStatus, DEFECT_STATUSES, DefectFact, Exit, KINDS, PRIORITIES, RUN_RESULTS, SEVERITIES,
};
use crate::domain::validation::{FieldErrors, long_text, required_text};
use crate::entity::{blueprint, defect, project, test_case, test_cycle, test_run};
use crate::i18n::{self, Lang};
use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

// ---------------------------------------------------------------- cases

/// The test-case form (and one CSV line) as typed.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = TestCaseForm)]
#[serde(default)]
pub struct RawCase {
    pub code: String,
    pub title: String,
    pub blueprint_id: String,
    pub actor: String,
    pub action: String,
    pub expected: String,
    pub module_key: String,
    pub feature: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CaseInput {
    pub code: String,
    pub title: String,
    pub blueprint_id: Option<i32>,
    pub actor: String,
    pub action: String,
    pub expected: String,
    pub module_key: String,
    pub feature: String,
}

fn short(e: &mut FieldErrors, field: &str, raw: &str, max: usize) -> String {
    let v = raw.trim();
    if v.chars().count() > max {
        e.add(field, "err.too_long");
    } else if v.chars().any(|c| c.is_control()) {
        e.add(field, "err.control_chars");
    }
    v.to_string()
}

/// Validate a case: a title and an action are required; the process must be one of the
/// project's blueprints.
pub fn validate_case(raw: &RawCase, blueprints: &[i32]) -> std::result::Result<CaseInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let code = short(&mut e, "code", &raw.code, 40);
    let title = required_text(&mut e, "title", &raw.title, 300);
    let blueprint_id = match raw.blueprint_id.trim() {
        "" => None,
        s => match s.parse::<i32>().ok().filter(|id| blueprints.contains(id)) {
            Some(id) => Some(id),
            None => {
                e.add("blueprint_id", "err.choose_from_list");
                None
            }
        },
    };
    let actor = short(&mut e, "actor", &raw.actor, 200);
    let action = long_text(&mut e, "action", &raw.action, 4000, true);
    let expected = long_text(&mut e, "expected", &raw.expected, 4000, false);
    let module_key = short(&mut e, "module_key", &raw.module_key, 64);
    let feature = short(&mut e, "feature", &raw.feature, 200);
    e.into_result(CaseInput { code, title, blueprint_id, actor, action, expected, module_key, feature })
}

fn case_am(i: &CaseInput) -> test_case::ActiveModel {
    test_case::ActiveModel {
        code: Set(i.code.clone()),
        title: Set(i.title.clone()),
        blueprint_id: Set(i.blueprint_id),
        actor: Set(i.actor.clone()),
        action: Set(i.action.clone()),
        expected: Set(i.expected.clone()),
        module_key: Set(i.module_key.clone()),
        feature: Set(i.feature.clone()),
        ..Default::default()
    }
}

pub async fn blueprint_ids<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<blueprint::Model>> {
    Ok(blueprint::Entity::find()
        .filter(blueprint::Column::ProjectId.eq(project_id))
        .order_by_asc(blueprint::Column::Id)
        .all(c)
        .await?)
}

async fn insert_case<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    project_id: i32,
    i: &CaseInput,
    source: &str,
    step_no: Option<i32>,
) -> Result<test_case::Model> {
    let mut am = case_am(i);
    am.project_id = Set(project_id);
    am.source = Set(source.into());
    am.step_no = Set(step_no);
    write::insert::<test_case::Entity, _>(c, actor, project_id, am, "create").await
}

pub async fn create_case(db: &Db, actor: Actor, project_id: i32, i: &CaseInput) -> Result<test_case::Model> {
    write::transaction(db, async |tx| insert_case(tx, actor, project_id, i, "manual", None).await).await
}

/// Create many cases in one transaction (the CSV import): all or nothing.
pub async fn create_cases(db: &Db, actor: Actor, project_id: i32, cases: &[CaseInput]) -> Result<usize> {
    write::transaction(db, async |tx| {
        for i in cases {
            insert_case(tx, actor, project_id, i, "import", None).await?;
        }
        Ok(cases.len())
    })
    .await
}

pub async fn update_case(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    i: &CaseInput,
) -> Result<test_case::Model> {
    write::transaction(db, async |tx| {
        Ok(write::update::<test_case::Entity, _>(tx, actor, project_id, id, version, case_am(i), "update").await?.after)
    })
    .await
}

/// Generate one case per to-be step of every blueprint; steps that already have a case are
/// skipped, so generating again after a blueprint revision adds only the new steps.
/// Returns how many cases were added.
pub async fn generate(db: &Db, actor: Actor, project_id: i32) -> Result<usize> {
    write::transaction_in(db, project_id, async |tx| {
        let bps = blueprint_ids(tx, project_id).await?;
        let have: Vec<(Option<i32>, Option<i32>)> = cases(tx, project_id)
            .await?
            .into_iter()
            .filter(|c| c.source == "blueprint")
            .map(|c| (c.blueprint_id, c.step_no))
            .collect();
        let mut n = 0;
        for (bi, b) in bps.iter().enumerate() {
            let content = super::blueprint::content_of(&b.content);
            for (si, s) in content.steps.iter().enumerate() {
                let step_no = i32::try_from(si + 1).unwrap_or(i32::MAX);
                if have.contains(&(Some(b.id), Some(step_no))) {
                    continue;
                }
                let action: String = s.action.chars().take(4000).collect();
                let input = CaseInput {
                    code: format!("BP{}-{:02}", bi + 1, si + 1),
                    title: format!("{} · {}", b.name, s.action).chars().take(300).collect(),
                    blueprint_id: Some(b.id),
                    actor: s.actor.chars().take(200).collect(),
                    action,
                    expected: s.output.chars().take(4000).collect(),
                    module_key: s.module.chars().take(64).collect(),
                    feature: s.feature.chars().take(200).collect(),
                };
                insert_case(tx, actor, project_id, &input, "blueprint", Some(step_no)).await?;
                n += 1;
            }
        }
        Ok(n)
    })
    .await
}

pub async fn cases<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<test_case::Model>> {
    Ok(test_case::Entity::find()
        .filter(test_case::Column::ProjectId.eq(project_id))
        .order_by_asc(test_case::Column::Id)
        .all(c)
        .await?)
}

// ---------------------------------------------------------------- cycles

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RawCycle {
    pub name: String,
    pub kind: String,
    /// Blueprint ids in scope (a multiple choice: the caller fills it).
    #[serde(skip_deserializing)]
    pub scope: Vec<String>,
    pub planned_start: String,
    pub planned_finish: String,
    pub testers: String,
    pub pass_rate_min: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CycleInput {
    pub name: String,
    pub kind: String,
    pub scope: Vec<i32>,
    pub planned_start: Option<NaiveDate>,
    pub planned_finish: Option<NaiveDate>,
    pub testers: String,
    pub pass_rate_min: i32,
}

fn opt_date(e: &mut FieldErrors, field: &str, raw: &str) -> Option<NaiveDate> {
    match raw.trim() {
        "" => None,
        s => {
            let d = parse_date(s);
            if d.is_none() {
                e.add(field, "err.date");
            }
            d
        }
    }
}

pub fn validate_cycle(raw: &RawCycle, blueprints: &[i32]) -> std::result::Result<CycleInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = required_text(&mut e, "name", &raw.name, 300);
    if !KINDS.contains(&raw.kind.as_str()) {
        e.add("kind", "err.choose_from_list");
    }
    let mut scope = vec![];
    for s in &raw.scope {
        match s.trim().parse::<i32>().ok().filter(|id| blueprints.contains(id)) {
            Some(id) if !scope.contains(&id) => scope.push(id),
            Some(_) => {}
            None => e.add("scope", "err.choose_from_list"),
        }
    }
    let planned_start = opt_date(&mut e, "planned_start", &raw.planned_start);
    let planned_finish = opt_date(&mut e, "planned_finish", &raw.planned_finish);
    if let (Some(s), Some(f)) = (planned_start, planned_finish)
        && f < s
    {
        e.add("planned_finish", "err.finish_before_start");
    }
    let testers = long_text(&mut e, "testers", &raw.testers, 2000, false);
    let pass_rate_min = match raw.pass_rate_min.trim().parse::<i32>() {
        Ok(n) if (0..=100).contains(&n) => n,
        _ => {
            e.add("pass_rate_min", "err.percent");
            0
        }
    };
    e.into_result(CycleInput {
        name,
        kind: raw.kind.clone(),
        scope,
        planned_start,
        planned_finish,
        testers,
        pass_rate_min,
    })
}

fn cycle_am(i: &CycleInput) -> test_cycle::ActiveModel {
    test_cycle::ActiveModel {
        name: Set(i.name.clone()),
        kind: Set(i.kind.clone()),
        scope: Set(serde_json::to_string(&i.scope).unwrap_or_else(|_| "[]".into())),
        planned_start: Set(i.planned_start),
        planned_finish: Set(i.planned_finish),
        testers: Set(i.testers.clone()),
        pass_rate_min: Set(i.pass_rate_min),
        ..Default::default()
    }
}

pub async fn create_cycle(db: &Db, actor: Actor, project_id: i32, i: &CycleInput) -> Result<test_cycle::Model> {
    let mut am = cycle_am(i);
    am.project_id = Set(project_id);
    am.waiver_reason = Set(String::new());
    write::transaction(db, async |tx| write::insert::<test_cycle::Entity, _>(tx, actor, project_id, am, "create").await)
        .await
}

pub async fn update_cycle(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    i: &CycleInput,
) -> Result<test_cycle::Model> {
    write::transaction(db, async |tx| {
        Ok(write::update::<test_cycle::Entity, _>(tx, actor, project_id, id, version, cycle_am(i), "update")
            .await?
            .after)
    })
    .await
}

/// The steering committee waives a cycle's missed exit criteria, with a reason, so the gate
/// may pass.
pub async fn waive(db: &Db, actor: Actor, project_id: i32, id: i32, version: i32, reason: &str) -> Result<()> {
    let mut e = FieldErrors::default();
    let reason = long_text(&mut e, "waiver_reason", reason, 4000, true);
    e.check()?;
    let am = test_cycle::ActiveModel {
        waiver_reason: Set(reason),
        waived_by: Set(Some(actor.user_id)),
        waived_at: Set(Some(now())),
        ..Default::default()
    };
    write::transaction(db, async |tx| {
        write::update::<test_cycle::Entity, _>(tx, actor, project_id, id, version, am, "waive").await.map(|_| ())
    })
    .await
}

pub fn scope_of(c: &test_cycle::Model) -> Vec<i32> {
    serde_json::from_str(&c.scope).unwrap_or_default()
}

/// The cases a cycle covers: those of the processes in its scope, or every case when its
/// scope names no process.
pub fn in_scope<'a>(cy: &test_cycle::Model, cases: &'a [test_case::Model]) -> Vec<&'a test_case::Model> {
    let scope = scope_of(cy);
    cases.iter().filter(|c| scope.is_empty() || c.blueprint_id.is_some_and(|b| scope.contains(&b))).collect()
}

/// The processes a cycle must cover: its scope, or every process some case tests.
fn processes_of(cy: &test_cycle::Model, scoped: &[&test_case::Model]) -> Vec<i32> {
    let scope = scope_of(cy);
    if !scope.is_empty() {
        return scope;
    }
    let mut v: Vec<i32> = scoped.iter().filter_map(|c| c.blueprint_id).collect();
    v.sort_unstable();
    v.dedup();
    v
}

pub async fn cycles<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<test_cycle::Model>> {
    Ok(test_cycle::Entity::find()
        .filter(test_cycle::Column::ProjectId.eq(project_id))
        .order_by_asc(test_cycle::Column::Id)
        .all(c)
        .await?)
}

// ---------------------------------------------------------------- runs

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = TestRunForm)]
#[serde(default)]
pub struct RawRun {
    pub case_id: String,
    pub status: String,
    pub failed_step: String,
    pub actual_result: String,
    pub evidence: String,
    pub tester: String,
    pub run_on: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RunInput {
    pub case_id: i32,
    pub status: String,
    pub failed_step: Option<i32>,
    pub actual_result: String,
    pub evidence: String,
    pub tester: String,
    pub run_on: NaiveDate,
}

/// Validate a run: a result from the list, a real date not after `today`; a failed run says
/// what actually happened.
pub fn validate_run(raw: &RawRun, today: NaiveDate) -> std::result::Result<RunInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let case_id = raw.case_id.trim().parse::<i32>().unwrap_or_else(|_| {
        e.add("case_id", "err.choose_from_list");
        0
    });
    if !RUN_RESULTS.contains(&raw.status.as_str()) {
        e.add("status", "err.choose_from_list");
    }
    let failed_step = match raw.failed_step.trim() {
        "" => None,
        s => match s.parse::<i32>() {
            Ok(n) if (1..=1000).contains(&n) => Some(n),
            _ => {
                e.add("failed_step", "err.whole_number_range");
                None
            }
        },
    };
    let actual_result = long_text(&mut e, "actual_result", &raw.actual_result, 4000, raw.status == "failed");
    let evidence = long_text(&mut e, "evidence", &raw.evidence, 2000, false);
    let tester = required_text(&mut e, "tester", &raw.tester, 200);
    let run_on = match raw.run_on.trim() {
        "" => today,
        s => match parse_date(s) {
            Some(d) if d <= today => d,
            Some(_) => {
                e.add("run_on", "err.future_date");
                today
            }
            None => {
                e.add("run_on", "err.date");
                today
            }
        },
    };
    e.into_result(RunInput {
        case_id,
        status: raw.status.clone(),
        failed_step,
        actual_result,
        evidence,
        tester,
        run_on,
    })
}

async fn insert_run<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    project_id: i32,
    cycle_id: i32,
    i: &RunInput,
    defect_id: Option<i32>,
) -> Result<test_run::Model> {
    let am = test_run::ActiveModel {
        project_id: Set(project_id),
        cycle_id: Set(cycle_id),
        case_id: Set(i.case_id),
        status: Set(i.status.clone()),
        failed_step: Set(i.failed_step),
        actual_result: Set(i.actual_result.clone()),
        evidence: Set(i.evidence.clone()),
        tester: Set(i.tester.clone()),
        run_on: Set(i.run_on),
        defect_id: Set(defect_id),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now()),
        ..Default::default()
    };
    write::insert::<test_run::Entity, _>(c, actor, project_id, am, if defect_id.is_some() { "retest" } else { "run" })
        .await
}

/// Record a run of a case in a cycle. The case must be in the cycle's scope. Runs are never
/// edited: a re-run is a new row.
pub async fn record_run(
    db: &Db,
    actor: Actor,
    project_id: i32,
    cycle_id: i32,
    i: &RunInput,
) -> Result<test_run::Model> {
    write::transaction(db, async |tx| {
        let cy = write::get::<test_cycle::Entity, _>(tx, project_id, cycle_id).await?;
        let case = write::get::<test_case::Entity, _>(tx, project_id, i.case_id)
            .await
            .map_err(|_| Error::from(FieldErrors::single("case_id", "err.choose_from_list")))?;
        if !in_scope(&cy, std::slice::from_ref(&case)).iter().any(|c| c.id == case.id) {
            return Err(FieldErrors::single("case_id", "err.case_not_in_scope").into());
        }
        insert_run(tx, actor, project_id, cycle_id, i, None).await
    })
    .await
}

// ---------------------------------------------------------------- defects

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = DefectForm)]
#[serde(default)]
pub struct RawDefect {
    pub title: String,
    pub description: String,
    pub severity: String,
    pub priority: String,
    pub owner: String,
    pub target_date: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DefectInput {
    pub title: String,
    pub description: String,
    pub severity: String,
    pub priority: String,
    pub owner: String,
    pub target_date: Option<NaiveDate>,
}

pub fn validate_defect(raw: &RawDefect) -> std::result::Result<DefectInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let title = required_text(&mut e, "title", &raw.title, 300);
    let description = long_text(&mut e, "description", &raw.description, 4000, false);
    if !SEVERITIES.contains(&raw.severity.as_str()) {
        e.add("severity", "err.choose_from_list");
    }
    if !PRIORITIES.contains(&raw.priority.as_str()) {
        e.add("priority", "err.choose_from_list");
    }
    let owner = short(&mut e, "owner", &raw.owner, 200);
    let target_date = opt_date(&mut e, "target_date", &raw.target_date);
    e.into_result(DefectInput {
        title,
        description,
        severity: raw.severity.clone(),
        priority: raw.priority.clone(),
        owner,
        target_date,
    })
}

/// Raise a defect from the latest run of `case_id` in the cycle, which must have failed;
/// the defect keeps the run, its failed step and (through the case) process and module.
pub async fn raise_defect(
    db: &Db,
    actor: Actor,
    project_id: i32,
    cycle_id: i32,
    case_id: i32,
    i: &DefectInput,
) -> Result<defect::Model> {
    write::transaction(db, async |tx| {
        write::get::<test_cycle::Entity, _>(tx, project_id, cycle_id).await?;
        write::get::<test_case::Entity, _>(tx, project_id, case_id).await?;
        let last = test_run::Entity::find()
            .filter(test_run::Column::CycleId.eq(cycle_id))
            .filter(test_run::Column::CaseId.eq(case_id))
            .order_by_desc(test_run::Column::Id)
            .one(tx)
            .await?;
        let run = match last {
            Some(r) if r.status == "failed" => r,
            _ => return Err(Error::Rule("err.defect_needs_failed_run")),
        };
        let am = defect::ActiveModel {
            project_id: Set(project_id),
            cycle_id: Set(cycle_id),
            case_id: Set(case_id),
            run_id: Set(Some(run.id)),
            step_no: Set(run.failed_step),
            title: Set(i.title.clone()),
            description: Set(i.description.clone()),
            severity: Set(i.severity.clone()),
            priority: Set(i.priority.clone()),
            owner: Set(i.owner.clone()),
            status: Set("new".into()),
            reject_reason: Set(String::new()),
            target_date: Set(i.target_date),
            blueprint_revision_id: Set(None),
            ..Default::default()
        };
        let d = write::insert::<defect::Entity, _>(tx, actor, project_id, am, "raise").await?;
        super::hooks::emit(tx, project_id, super::hooks::defect_event(&d, None)).await?;
        Ok(d)
    })
    .await
}

/// Edit a defect and move it along its workflow. Rejecting needs a reason; `fixed` sends
/// the case back for retest in the defect's cycle (a `retest` run naming the defect).
#[allow(clippy::too_many_arguments)]
pub async fn update_defect(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    i: &DefectInput,
    status: &str,
    reject_reason: &str,
    today: NaiveDate,
) -> Result<defect::Model> {
    let mut e = FieldErrors::default();
    if !DEFECT_STATUSES.contains(&status) {
        e.add("status", "err.choose_from_list");
    }
    let reason = long_text(&mut e, "reject_reason", reject_reason, 2000, status == "rejected");
    e.check()?;
    write::transaction(db, async |tx| {
        let before = write::get::<defect::Entity, _>(tx, project_id, id).await?;
        if before.version != version {
            return Err(Error::Conflict);
        }
        if !testing::transition_ok(&before.status, status) {
            return Err(FieldErrors::single("status", "err.defect_transition").into());
        }
        let am = defect::ActiveModel {
            title: Set(i.title.clone()),
            description: Set(i.description.clone()),
            severity: Set(i.severity.clone()),
            priority: Set(i.priority.clone()),
            owner: Set(i.owner.clone()),
            target_date: Set(i.target_date),
            status: Set(status.into()),
            reject_reason: Set(if status == "rejected" { reason.clone() } else { String::new() }),
            closed_on: Set(if testing::defect_open(status) {
                None
            } else if testing::defect_open(&before.status) {
                Some(today)
            } else {
                before.closed_on
            }),
            ..Default::default()
        };
        let action = if status == before.status { "update" } else { status };
        let after = write::update::<defect::Entity, _>(tx, actor, project_id, id, version, am, action).await?.after;
        if after.status != before.status {
            super::hooks::emit(tx, project_id, super::hooks::defect_event(&after, Some(&before.status))).await?;
        }
        if status == "fixed" && before.status != "fixed" {
            let back = RunInput {
                case_id: after.case_id,
                status: "retest".into(),
                failed_step: None,
                actual_result: String::new(),
                evidence: String::new(),
                tester: String::new(),
                run_on: today,
            };
            insert_run(tx, actor, project_id, after.cycle_id, &back, Some(after.id)).await?;
        }
        Ok(after)
    })
    .await
}

/// A failed prototype test revises the blueprint of its case's process: the revision (its
/// reason names the defect) and the defect's link to it are written in one transaction, so
/// each leads to the other. Only a defect of a prototype cycle, on its own process.
#[allow(clippy::too_many_arguments)]
pub async fn revise_blueprint(
    db: &Db,
    actor: Actor,
    project_id: i32,
    defect_id: i32,
    blueprint_id: i32,
    version: i32,
    i: &super::blueprint::BlueprintInput,
) -> Result<blueprint::Model> {
    write::transaction(db, async |tx| {
        let d = write::get::<defect::Entity, _>(tx, project_id, defect_id).await?;
        let cy = write::get::<test_cycle::Entity, _>(tx, project_id, d.cycle_id).await?;
        let case = write::get::<test_case::Entity, _>(tx, project_id, d.case_id).await?;
        if cy.kind != "prototype" || case.blueprint_id != Some(blueprint_id) {
            return Err(Error::Rule("err.defect_not_prototype"));
        }
        let (after, rev) = super::blueprint::revise_in(tx, actor, project_id, blueprint_id, version, i).await?;
        let am = defect::ActiveModel { blueprint_revision_id: Set(Some(rev.id)), ..Default::default() };
        write::update::<defect::Entity, _>(tx, actor, project_id, d.id, d.version, am, "link_revision").await?;
        Ok(after)
    })
    .await
}

/// The reason a revision raised by `d` starts from.
pub fn revise_reason(d: &DefectRow, lang: Lang) -> String {
    i18n::tf(
        lang,
        "phase6.revise_reason",
        &[("case", &d.case_code), ("title", &d.defect.title), ("id", &d.defect.id.to_string())],
    )
}

/// Every run of the project, oldest first (re-runs keep their history).
pub async fn runs<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<test_run::Model>> {
    Ok(test_run::Entity::find()
        .filter(test_run::Column::ProjectId.eq(project_id))
        .order_by_asc(test_run::Column::Id)
        .all(c)
        .await?)
}

pub async fn defects<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<defect::Model>> {
    Ok(defect::Entity::find()
        .filter(defect::Column::ProjectId.eq(project_id))
        .order_by_asc(defect::Column::Id)
        .all(c)
        .await?)
}

// ---------------------------------------------------------------- views

/// A cycle with its exit criteria evaluated: the gate page, the testing overview and the
/// readiness inputs all read this.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CycleExit {
    pub cycle: test_cycle::Model,
    /// The playbook phase whose gate the cycle belongs to.
    pub phase_key: &'static str,
    pub exit: Exit,
    pub waived: bool,
    /// Met, or waived by the steering committee.
    pub gate_ok: bool,
    /// Names of the uncovered processes.
    pub uncovered_names: Vec<String>,
}

struct Loaded {
    cases: Vec<test_case::Model>,
    cycles: Vec<test_cycle::Model>,
    runs: Vec<test_run::Model>,
    defects: Vec<defect::Model>,
    blueprints: Vec<blueprint::Model>,
}

async fn load<C: ConnectionTrait>(c: &C, project_id: i32, cycle: Option<i32>) -> Result<Loaded> {
    let mut rq = test_run::Entity::find().filter(test_run::Column::ProjectId.eq(project_id));
    let mut cq = test_cycle::Entity::find().filter(test_cycle::Column::ProjectId.eq(project_id));
    if let Some(id) = cycle {
        rq = rq.filter(test_run::Column::CycleId.eq(id));
        cq = cq.filter(test_cycle::Column::Id.eq(id));
    }
    Ok(Loaded {
        cases: cases(c, project_id).await?,
        cycles: cq.order_by_asc(test_cycle::Column::Id).all(c).await?,
        runs: rq.order_by_asc(test_run::Column::Id).all(c).await?,
        defects: defects(c, project_id).await?,
        blueprints: blueprint_ids(c, project_id).await?,
    })
}

/// Each case's runs in a cycle, oldest first.
fn runs_by_case(runs: &[test_run::Model], cycle_id: i32) -> HashMap<i32, Vec<&test_run::Model>> {
    let mut m: HashMap<i32, Vec<&test_run::Model>> = HashMap::new();
    for r in runs.iter().filter(|r| r.cycle_id == cycle_id) {
        m.entry(r.case_id).or_default().push(r);
    }
    m
}

fn exit_of(l: &Loaded, cy: &test_cycle::Model) -> CycleExit {
    let scoped = in_scope(cy, &l.cases);
    let by_case = runs_by_case(&l.runs, cy.id);
    let facts: Vec<CaseFact> = scoped
        .iter()
        .map(|c| CaseFact {
            process: c.blueprint_id,
            status: testing::case_status(
                by_case.get(&c.id).map(Vec::as_slice).unwrap_or_default().iter().map(|r| r.status.as_str()),
            ),
        })
        .collect();
    let ds: Vec<DefectFact> = l
        .defects
        .iter()
        .filter(|d| d.cycle_id == cy.id)
        .map(|d| DefectFact { severity: &d.severity, status: &d.status })
        .collect();
    let procs = processes_of(cy, &scoped);
    let exit = testing::evaluate(&facts, &ds, &procs, u32::try_from(cy.pass_rate_min.clamp(0, 100)).unwrap_or(100));
    let waived = !cy.waiver_reason.trim().is_empty();
    let uncovered_names = exit
        .uncovered
        .iter()
        .map(|id| l.blueprints.iter().find(|b| b.id == *id).map_or_else(|| format!("#{id}"), |b| b.name.clone()))
        .collect();
    CycleExit {
        phase_key: testing::phase_of(&cy.kind),
        gate_ok: testing::gate_ok(&exit, waived),
        waived,
        exit,
        uncovered_names,
        cycle: cy.clone(),
    }
}

/// Every cycle of the project with its exit criteria evaluated, oldest first.
pub async fn cycle_exits<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<CycleExit>> {
    let l = load(c, project_id, None).await?;
    Ok(l.cycles.iter().map(|cy| exit_of(&l, cy)).collect())
}

/// What go-live readiness (phases 7–9) needs of each cycle.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct CycleReadiness {
    pub cycle_id: i32,
    pub name: String,
    pub kind: String,
    /// Passed / cases in scope, tenths of a percent.
    pub pass_rate_tenths: u32,
    pub pass_rate_min: u32,
    pub open_critical: usize,
    pub open_major: usize,
    pub met: bool,
    pub waived: bool,
}

/// Per cycle: pass rate, open critical and major defects, whether its exit criteria are met
/// or waived.
pub async fn readiness_inputs<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<CycleReadiness>> {
    Ok(cycle_exits(c, project_id)
        .await?
        .into_iter()
        .map(|x| CycleReadiness {
            cycle_id: x.cycle.id,
            name: x.cycle.name,
            kind: x.cycle.kind,
            pass_rate_tenths: x.exit.pass_rate_tenths,
            pass_rate_min: x.exit.pass_rate_min,
            open_critical: x.exit.open_critical,
            open_major: x.exit.open_major,
            met: x.exit.met,
            waived: x.waived,
        })
        .collect())
}

/// A case as the testing overview lists it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CaseRow {
    pub case: test_case::Model,
    pub process: Option<String>,
}

/// The Testing tab: cases, cycles with their exits, open defects.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = TestingOverview)]
pub struct Overview {
    pub cases: Vec<CaseRow>,
    pub cycles: Vec<CycleExit>,
    pub blueprints: Vec<(i32, String)>,
    pub open_defects: usize,
    pub defects_by_severity: Vec<(String, usize)>,
    pub charts: Charts,
}

/// The Testing tab's charts: each cycle's burn-up, open defects by severity over time and
/// the coverage matrix (processes × cycles).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Charts {
    pub burnups: Vec<SeriesChart>,
    pub open_defects: SeriesChart,
    pub coverage: Coverage,
    /// SVG of each, as the page shows them (the PDF draws the models).
    pub burnups_svg: Vec<String>,
    pub open_defects_svg: String,
    pub coverage_svg: String,
}

fn tl(lang: Lang, key: &str) -> String {
    i18n::t(lang, &format!("phase6.{key}"))
}

/// A cycle's burn-up chart from its cases in scope and runs.
fn burnup_chart(l: &Loaded, cy: &test_cycle::Model, today: NaiveDate, lang: Lang) -> SeriesChart {
    let scoped = in_scope(cy, &l.cases);
    let ids: std::collections::HashSet<i32> = scoped.iter().map(|c| c.id).collect();
    let runs: Vec<testing::RunFact> = l
        .runs
        .iter()
        .filter(|r| r.cycle_id == cy.id && ids.contains(&r.case_id))
        .map(|r| testing::RunFact { case: r.case_id, on: r.run_on, status: &r.status })
        .collect();
    let pts = testing::burnup(scoped.len(), cy.planned_start, cy.planned_finish, &runs, today);
    let line = |f: &dyn Fn(&testing::BurnPoint) -> Option<u32>| -> Vec<(NaiveDate, f64)> {
        pts.iter().filter_map(|p| f(p).map(|v| (p.on, f64::from(v)))).collect()
    };
    let mut series = vec![];
    if let (Some(start), Some(finish)) = (cy.planned_start, cy.planned_finish) {
        // The plan is a straight line from none on the start to every case on the finish:
        // drawn through its two ends (the days between would only add rounding steps).
        let ends: Vec<(NaiveDate, f64)> =
            line(&|p| p.planned).into_iter().filter(|(d, _)| *d == start || *d == finish).collect();
        series.push(Named { label: tl(lang, "planned"), color: 5, dashed: true, points: ends });
    }
    series.push(Named { label: tl(lang, "executed"), color: 0, dashed: false, points: line(&|p| p.executed) });
    series.push(Named { label: tl(lang, "passed"), color: 1, dashed: false, points: line(&|p| p.passed) });
    SeriesChart {
        title: i18n::tf(lang, "phase6.burnup_of", &[("cycle", &cy.name), ("cases", &scoped.len().to_string())]),
        series,
        empty: tl(lang, "no_runs"),
    }
}

fn open_defects_chart(l: &Loaded, today: NaiveDate, lang: Lang) -> SeriesChart {
    let raised_on: HashMap<i32, NaiveDate> = l.runs.iter().map(|r| (r.id, r.run_on)).collect();
    let spans: Vec<testing::DefectSpan> = l
        .defects
        .iter()
        .map(|d| {
            let raised = d.run_id.and_then(|r| raised_on.get(&r).copied()).unwrap_or_else(|| d.created_at.date_naive());
            let closed = if testing::defect_open(&d.status) {
                None
            } else {
                Some(d.closed_on.unwrap_or_else(|| d.updated_at.date_naive()).max(raised))
            };
            testing::DefectSpan { severity: &d.severity, raised, closed }
        })
        .collect();
    let days = testing::open_over_time(&spans, today);
    const COLORS: [usize; 4] = [2, 3, 0, 5];
    SeriesChart {
        title: tl(lang, "open_defects_chart"),
        series: SEVERITIES
            .iter()
            .enumerate()
            .map(|(i, sev)| Named {
                label: i18n::t(lang, &format!("testing.sev.{sev}")),
                color: COLORS[i],
                dashed: false,
                points: days.iter().map(|(d, n)| (*d, f64::from(n[i]))).collect(),
            })
            .collect(),
        empty: tl(lang, "no_defects"),
    }
}

fn coverage_chart(l: &Loaded, lang: Lang) -> Coverage {
    let statuses: Vec<HashMap<i32, CaseStatus>> = l
        .cycles
        .iter()
        .map(|cy| {
            let by_case = runs_by_case(&l.runs, cy.id);
            in_scope(cy, &l.cases)
                .iter()
                .map(|c| {
                    let runs = by_case.get(&c.id).map(Vec::as_slice).unwrap_or_default();
                    (c.id, testing::case_status(runs.iter().map(|r| r.status.as_str())))
                })
                .collect()
        })
        .collect();
    let cells = l
        .blueprints
        .iter()
        .map(|b| {
            statuses
                .iter()
                .map(|st| {
                    let mine = l.cases.iter().filter(|c| c.blueprint_id == Some(b.id) && st.contains_key(&c.id));
                    let (mut passed, mut cases) = (0u32, 0u32);
                    for c in mine {
                        cases = cases.saturating_add(1);
                        if st.get(&c.id) == Some(&CaseStatus::Passed) {
                            passed = passed.saturating_add(1);
                        }
                    }
                    Cell { passed, cases }
                })
                .collect()
        })
        .collect();
    Coverage {
        title: tl(lang, "coverage"),
        rows: l.blueprints.iter().map(|b| b.name.clone()).collect(),
        cols: l.cycles.iter().map(|c| c.name.clone()).collect(),
        cells,
        legend: [tl(lang, "cov_none"), tl(lang, "cov_zero"), tl(lang, "cov_some"), tl(lang, "cov_all")],
    }
}

fn charts(l: &Loaded, today: NaiveDate, lang: Lang) -> Charts {
    let burnups: Vec<SeriesChart> = l.cycles.iter().map(|cy| burnup_chart(l, cy, today, lang)).collect();
    let open_defects = open_defects_chart(l, today, lang);
    let coverage = coverage_chart(l, lang);
    Charts {
        burnups_svg: burnups.iter().map(|b| b.to_svg(520.0, 220.0)).collect(),
        open_defects_svg: open_defects.to_svg(720.0, 240.0),
        coverage_svg: coverage.to_svg(),
        burnups,
        open_defects,
        coverage,
    }
}

pub async fn overview<C: ConnectionTrait>(c: &C, project: &project::Model, lang: Lang) -> Result<Overview> {
    let project_id = project.id;
    let l = load(c, project_id, None).await?;
    let charts = charts(&l, super::clock::today(project), lang);
    let name = |id: Option<i32>| id.and_then(|id| l.blueprints.iter().find(|b| b.id == id)).map(|b| b.name.clone());
    let open: Vec<&defect::Model> = l.defects.iter().filter(|d| testing::defect_open(&d.status)).collect();
    Ok(Overview {
        cycles: l.cycles.iter().map(|cy| exit_of(&l, cy)).collect(),
        cases: l.cases.iter().map(|c| CaseRow { process: name(c.blueprint_id), case: c.clone() }).collect(),
        blueprints: l.blueprints.iter().map(|b| (b.id, b.name.clone())).collect(),
        open_defects: open.len(),
        defects_by_severity: SEVERITIES
            .iter()
            .map(|s| (s.to_string(), open.iter().filter(|d| d.severity == *s).count()))
            .collect(),
        charts,
    })
}

/// One case of a cycle: its status, its run history (newest first) and its defects.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CycleCase {
    pub case: test_case::Model,
    pub process: Option<String>,
    pub status: CaseStatus,
    pub runs: Vec<test_run::Model>,
    pub defect_ids: Vec<i32>,
}

/// A defect as lists show it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DefectRow {
    pub defect: defect::Model,
    pub case_code: String,
    pub case_title: String,
    pub process: Option<String>,
    pub blueprint_id: Option<i32>,
    pub module_key: String,
    pub open: bool,
}

/// The cycle page: exit criteria, every case in scope with its status and history, the
/// cycle's defects.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CycleView {
    pub exit: CycleExit,
    pub cases: Vec<CycleCase>,
    pub defects: Vec<DefectRow>,
    pub scope_names: Vec<String>,
    pub waived_by: Option<String>,
    /// Planned, executed and passed over time.
    pub burnup: SeriesChart,
    pub burnup_svg: String,
}

pub async fn cycle<C: ConnectionTrait>(c: &C, project_id: i32, cycle_id: i32, lang: Lang) -> Result<CycleView> {
    let l = load(c, project_id, Some(cycle_id)).await?;
    let cy = l.cycles.first().ok_or(Error::NotFound)?;
    let exit = exit_of(&l, cy);
    // "Today" in the project's time zone: the burn-up's actual lines stop there.
    let p = project::Entity::find_by_id(project_id).one(c).await?.ok_or(Error::NotFound)?;
    let burnup = burnup_chart(&l, cy, super::clock::today(&p), lang);
    let by_case = runs_by_case(&l.runs, cy.id);
    let name = |id: Option<i32>| id.and_then(|id| l.blueprints.iter().find(|b| b.id == id)).map(|b| b.name.clone());
    let mine: Vec<&defect::Model> = l.defects.iter().filter(|d| d.cycle_id == cy.id).collect();
    let cases = in_scope(cy, &l.cases)
        .into_iter()
        .map(|c| {
            let runs: Vec<test_run::Model> =
                by_case.get(&c.id).map(Vec::as_slice).unwrap_or_default().iter().rev().map(|r| (*r).clone()).collect();
            CycleCase {
                status: runs.first().map_or(CaseStatus::NotRun, |r| CaseStatus::parse(&r.status)),
                process: name(c.blueprint_id),
                defect_ids: mine.iter().filter(|d| d.case_id == c.id).map(|d| d.id).collect(),
                runs,
                case: c.clone(),
            }
        })
        .collect();
    let defects = mine.iter().map(|d| defect_row(d, &l.cases, &name)).collect();
    let scope_names = scope_of(cy).into_iter().filter_map(|id| name(Some(id))).collect();
    let waived_by = match cy.waived_by {
        Some(u) => super::user_names(c, [u]).await?.remove(&u),
        None => None,
    };
    Ok(CycleView { exit, cases, defects, scope_names, waived_by, burnup_svg: burnup.to_svg(720.0, 240.0), burnup })
}

fn defect_row(
    d: &defect::Model,
    cases: &[test_case::Model],
    name: &dyn Fn(Option<i32>) -> Option<String>,
) -> DefectRow {
    let case = cases.iter().find(|c| c.id == d.case_id);
    DefectRow {
        case_code: case.map(|c| c.code.clone()).unwrap_or_default(),
        case_title: case.map(|c| c.title.clone()).unwrap_or_default(),
        process: name(case.and_then(|c| c.blueprint_id)),
        blueprint_id: case.and_then(|c| c.blueprint_id),
        module_key: case.map(|c| c.module_key.clone()).unwrap_or_default(),
        open: testing::defect_open(&d.status),
        defect: d.clone(),
    }
}

/// One defect with its links, for its form.
pub async fn defect_detail<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    id: i32,
) -> Result<(DefectRow, test_cycle::Model)> {
    let d = write::get::<defect::Entity, _>(c, project_id, id).await?;
    let cy = write::get::<test_cycle::Entity, _>(c, project_id, d.cycle_id).await?;
    let cases = cases(c, project_id).await?;
    let bps = blueprint_ids(c, project_id).await?;
    let name = |id: Option<i32>| id.and_then(|id| bps.iter().find(|b| b.id == id)).map(|b| b.name.clone());
    Ok((defect_row(&d, &cases, &name), cy))
}

pub async fn get_case<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<test_case::Model> {
    write::get::<test_case::Entity, _>(c, project_id, id).await
}

pub async fn get_cycle<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<test_cycle::Model> {
    write::get::<test_cycle::Entity, _>(c, project_id, id).await
}

// ---------------------------------------------------------------- CSV import

/// One line of a test-case file, as typed, with what is wrong with it.
#[derive(Clone, Debug, Serialize)]
pub struct ImportRow {
    pub line: usize,
    pub raw: RawCase,
    /// The process as the file names it.
    pub process: String,
    pub errors: FieldErrors,
}

/// A test-case file checked line by line: imported only when every line is valid.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportPreview {
    pub rows: Vec<ImportRow>,
    #[serde(skip)]
    pub inputs: Vec<CaseInput>,
    /// A fault of the whole file (i18n key) and the line it is on.
    pub file_error: Option<&'static str>,
    pub file_error_line: usize,
}

impl ImportPreview {
    pub fn valid(&self) -> bool {
        self.file_error.is_none() && !self.rows.is_empty() && self.rows.iter().all(|r| r.errors.is_empty())
    }
}

/// Most lines a file may hold.
pub const IMPORT_MAX: usize = 5000;

/// Check a CSV file of test cases. The first row names the columns (English or Chinese):
/// title and action are required; code, process (a blueprint's name), actor, expected,
/// module and feature are optional. `blueprints` are the project's (id, name).
pub fn preview_import(text: &str, blueprints: &[(i32, String)]) -> ImportPreview {
    let mut out = ImportPreview::default();
    let records = match crate::domain::people::parse_csv(text) {
        Ok(r) => r,
        Err(line) => {
            out.file_error = Some("import.err_quote");
            out.file_error_line = line;
            return out;
        }
    };
    let Some(((_, header), rows)) = records.split_first() else {
        out.file_error = Some("import.err_empty");
        out.file_error_line = 1;
        return out;
    };
    if rows.len() > IMPORT_MAX {
        out.file_error = Some("testing.import_too_many");
        out.file_error_line = IMPORT_MAX + 2;
        return out;
    }
    const COLUMNS: &[(&str, &[&str])] = &[
        ("code", &["code", "编号"]),
        ("title", &["title", "标题"]),
        ("process", &["process", "流程"]),
        ("actor", &["actor", "执行角色", "角色"]),
        ("action", &["action", "操作"]),
        ("expected", &["expected", "expected result", "预期结果"]),
        ("module", &["module", "模块"]),
        ("feature", &["feature", "module feature", "模块功能"]),
    ];
    let col = |name: &str| -> Option<usize> {
        let names = COLUMNS.iter().find(|(k, _)| *k == name).map(|(_, v)| *v).unwrap_or_default();
        header.iter().position(|h| names.contains(&h.trim().trim_start_matches('\u{feff}').to_lowercase().as_str()))
    };
    let (Some(title_c), Some(action_c)) = (col("title"), col("action")) else {
        out.file_error = Some("testing.import_header");
        out.file_error_line = 1;
        return out;
    };
    let idx = [col("code"), col("process"), col("actor"), col("expected"), col("module"), col("feature")];
    let ids: Vec<i32> = blueprints.iter().map(|b| b.0).collect();
    for (line, rec) in rows {
        let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).map(|s| s.trim().to_string()).unwrap_or_default();
        let process = get(idx[1]);
        let bp = blueprints.iter().find(|(_, n)| n.trim() == process).map(|(id, _)| id.to_string());
        let raw = RawCase {
            code: get(idx[0]),
            title: get(Some(title_c)),
            blueprint_id: bp.clone().unwrap_or_default(),
            actor: get(idx[2]),
            action: get(Some(action_c)),
            expected: get(idx[3]),
            module_key: get(idx[4]),
            feature: get(idx[5]),
        };
        let mut errors = match validate_case(&raw, &ids) {
            Ok(i) => {
                out.inputs.push(i);
                FieldErrors::default()
            }
            Err(mut e) => {
                // Messages name the file's columns.
                for f in &mut e.0 {
                    f.field = match f.field.as_str() {
                        "blueprint_id" => "process".into(),
                        "module_key" => "module".into(),
                        other => other.into(),
                    };
                }
                e
            }
        };
        if !process.is_empty() && bp.is_none() {
            errors.add("process", "testing.import_unknown_process");
        }
        out.rows.push(ImportRow { line: *line, raw, process, errors });
    }
    out
}
