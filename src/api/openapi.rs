//! The OpenAPI 3.1 document of the JSON API, generated from the resource handlers and their
//! types (`utoipa`), served at `/api/v1/openapi.json`, and a reference page listing its
//! operations at `/api/v1/docs` — drawn on the server from the same document with the
//! product's own templates and styles, so nothing is fetched from elsewhere and no script
//! runs (a vendored Swagger UI or Redoc would add about 1 MB of JavaScript that the
//! content-security policy forbids inline and that would need its own upgrades).
use super::v1::{
    activities, closing, delivery, design, later, later_write, more_write, people, problem, risks, schedule, work,
};
use crate::AppState;
use crate::web::context::Ctx;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

/// The document: every resource operation, one line per handler (an area adds its own).
#[derive(OpenApi)]
#[openapi(
    info(title = "Ninefold API", version = "1",
        description = "The whole project over JSON: the same views and policy as the pages. \
            Authenticate with a personal access token (`Authorization: Bearer nfp_…`, made under \
            Account → API tokens) or a session. Errors are `application/problem+json` in the \
            caller's language (`Accept-Language`). Lists take `limit` and `cursor`; updates need \
            `If-Match` with the `ETag` read."),
    paths(
        super::projects::list, super::projects::show, super::projects::gate, super::reviews::show_target,
        activities::list, activities::show, activities::create, activities::update,
        schedule::milestones, schedule::add_milestone,
        schedule::dependencies, schedule::add_dependency, schedule::remove_dependency,
        people::list, people::show, people::create, people::update,
        risks::list, risks::show, risks::create, risks::update,
        work::deliverables, work::deliverable,
        work::target_items, work::target_item, work::readings, work::add_reading,
        delivery::phases, delivery::phase, delivery::decide, delivery::baselines, delivery::baseline,
        delivery::documents_list, delivery::document, delivery::content,
        design::units, design::unit, design::sessions, design::session, design::module_list, design::module,
        design::scenarios, design::scenario, design::processes, design::process,
        design::blueprints, design::blueprint_one,
        later::cases, later::case, later::cycles, later::cycle, later::defects, later::defect,
        later::issues, later::issue, later::changes, later::change,
        later::config_items, later::config_item, later::interfaces, later::interface,
        later::tasks, later::task, later::hypercare_issues, later::hypercare_issue,
        later::lines, later::line, later::commitments, later::commitment, later::invoices, later::invoice,
        later::runs, later::run,
        closing::rules, closing::rule, closing::trials, closing::trial, closing::lessons, closing::lesson,
        closing::improvements, closing::improvement, closing::costs, closing::cost,
        later_write::create_case, later_write::update_case, later_write::create_run,
        later_write::create_defect, later_write::update_defect, later_write::create_issue, later_write::update_issue,
        later_write::create_change, later_write::update_change,
        later_write::create_config_item, later_write::update_config_item,
        later_write::create_interface, later_write::update_interface,
        later_write::create_task, later_write::update_task, later_write::delete_task,
        later_write::create_hypercare_issue, later_write::update_hypercare_issue,
        later_write::create_line, later_write::create_commitment, later_write::create_invoice,
        more_write::create_session, more_write::update_session,
        more_write::attendance, more_write::attendee_one, more_write::invite, more_write::record_attendance, more_write::uninvite,
        more_write::create_target, more_write::update_target,
        more_write::create_cycle, more_write::update_cycle,
        more_write::create_process, more_write::update_process, more_write::score_process,
        more_write::create_rule, more_write::update_rule, more_write::approve_rule,
        more_write::create_trial, more_write::update_trial,
        more_write::create_lesson, more_write::update_lesson, more_write::delete_lesson,
        more_write::create_improvement, more_write::update_improvement, more_write::delete_improvement,
        more_write::create_cost, more_write::delete_cost,
        more_write::save_notes, more_write::transition,
        // The page views (each the very view its page renders) and the CRM's pushes.
        super::budget::control, super::budget::week, super::budget::mine,
        super::case_lines::add_cost, super::case_lines::add_benefit,
        super::evaluation::view,
        super::golive::runbook, super::golive::log,
        super::money::business_case, super::money::training,
        super::organisation::organisation_view, super::organisation::diagnosis_view, super::organisation::blueprint_view,
        super::push::push,
        super::readiness::scorecard, super::readiness::adoption, super::readiness::push, super::readiness::acceptance,
        super::reviews::list_targets, super::reviews::risk_register, super::reviews::list_reviews, super::reviews::show_review,
        super::schedule::schedule_view,
        super::testing::overview, super::testing::cycle, super::testing::readiness, super::testing::config,
        super::testing::log, super::testing::rules, super::testing::conversion,
    ),
    components(schemas(problem::ProblemDoc, problem::FieldProblem)),
    modifiers(&Security),
    tags(
        (name = "projects", description = "The portfolio and a project's overview"),
        (name = "schedule", description = "Activities, milestones and dependencies"),
        (name = "organisation", description = "People"),
        (name = "risks", description = "The risk register"),
        (name = "work", description = "Deliverables"),
        (name = "targets", description = "Targets and their measurements"),
        (name = "phases", description = "Phases, gate decisions and schedule baselines"),
        (name = "documents", description = "Stored documents"),
        (name = "training", description = "The training plan"),
        (name = "modules", description = "CRM modules and their rollout"),
        (name = "business_case", description = "The business case's scenarios"),
        (name = "design", description = "Diagnosed processes and blueprints"),
        (name = "testing", description = "Test cases, cycles and defects"),
        (name = "issues", description = "Issues and change requests"),
        (name = "configuration", description = "Configuration items and interfaces"),
        (name = "golive", description = "Operating rules, conversion trials, cutover tasks and hypercare issues"),
        (name = "budget", description = "Budget lines, commitments and invoices"),
        (name = "evaluation", description = "Lessons learned, the improvement backlog and actual costs"),
        (name = "readiness", description = "Go-live readiness, adoption and acceptance"),
        (name = "reviews", description = "Steering reviews and their decks"),
    )
)]
pub struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("nfp_…").build()),
        );
        // The project's API token the running CRM pushes with (made on the project's settings).
        c.add_security_scheme(
            "project_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::web::context::SESSION_COOKIE))),
        );
        // What any operation may answer, whatever it does: no or a bad credential, a role or
        // token scope that does not allow it, a project that is not the caller's, a request
        // that does not parse, too many requests.
        let common = [
            ("400", "The request does not parse"),
            ("401", "No credentials, or a token unknown, revoked or expired"),
            ("403", "The role or the token's scope does not allow it"),
            ("404", "No such project (for the caller) or record"),
            ("429", "Over the token's rate (see Retry-After)"),
        ];
        for (path, item) in doc.paths.paths.iter_mut() {
            let ops = [
                ("get", &mut item.get),
                ("post", &mut item.post),
                ("patch", &mut item.patch),
                ("put", &mut item.put),
                ("delete", &mut item.delete),
            ];
            for (method, op) in ops {
                let Some(op) = op else { continue };
                // Unique operation ids (handlers of different areas share names like `list`).
                let name = path.trim_start_matches("/api/v1/").replace(['/', '{', '}', '-'], "_");
                op.operation_id = Some(format!("{method}_{}", name.trim_end_matches('_')));
                for (code, text) in common {
                    op.responses.responses.entry(code.to_string()).or_insert_with(|| problem_response(text).into());
                }
                // A response object needs a description (OpenAPI 3.1): the status's reason.
                for (code, r) in op.responses.responses.iter_mut() {
                    if let utoipa::openapi::RefOr::T(r) = r
                        && r.description.is_empty()
                    {
                        let reason = code.parse::<u16>().ok().and_then(|c| axum::http::StatusCode::from_u16(c).ok());
                        r.description = reason.and_then(|s| s.canonical_reason()).unwrap_or("Response").to_string();
                    }
                }
            }
        }
    }
}

/// A response whose body is a problem document.
fn problem_response(description: &str) -> utoipa::openapi::Response {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            crate::api::v1::problem::PROBLEM_JSON,
            ContentBuilder::new().schema(Some(Ref::from_schema_name("ProblemDoc"))).build(),
        )
        .build()
}

/// The document as JSON (built once per call; small).
pub fn document() -> serde_json::Value {
    serde_json::to_value(ApiDoc::openapi()).unwrap_or_default()
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(openapi_json)).route("/api/v1/docs", get(reference))
}

/// `GET /api/v1/openapi.json`: the document (no login needed: it describes, it holds no data).
async fn openapi_json() -> Response {
    let mut r = axum::Json(document()).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

/// One operation on the reference page.
#[derive(serde::Serialize)]
struct Op {
    method: String,
    path: String,
    tag: String,
    summary: String,
    body: Option<String>,
    responses: Vec<String>,
}

/// The operations of the document, by tag then path.
fn operations(doc: &serde_json::Value) -> Vec<Op> {
    let mut ops = vec![];
    let Some(paths) = doc.get("paths").and_then(|p| p.as_object()) else { return ops };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for (method, op) in item {
            let name = |v: Option<&serde_json::Value>| {
                v.and_then(|s| s.as_str()).map(|s| s.rsplit('/').next().unwrap_or(s).to_string())
            };
            ops.push(Op {
                method: method.to_uppercase(),
                path: path.clone(),
                tag: op.pointer("/tags/0").and_then(|t| t.as_str()).unwrap_or_default().to_string(),
                summary: op.get("summary").and_then(|s| s.as_str()).unwrap_or_default().to_string(),
                body: name(op.pointer("/requestBody/content/application~1json/schema/$ref")),
                responses: op
                    .get("responses")
                    .and_then(|r| r.as_object())
                    .map(|r| r.keys().cloned().collect())
                    .unwrap_or_default(),
            });
        }
    }
    ops.sort_by(|a, b| (&a.tag, &a.path).cmp(&(&b.tag, &b.path)));
    ops
}

/// `GET /api/v1/docs`: the reference page (operations, bodies, status codes).
async fn reference(State(state): State<AppState>, ctx: Ctx) -> Response {
    let ops = operations(&document());
    crate::web::render::page(
        &state,
        &ctx,
        "api/reference.html",
        minijinja::context! { ops => crate::web::render::ser(&ops) },
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_is_openapi_3_1_with_every_operation() {
        let d = super::document();
        assert_eq!(d["openapi"], "3.1.0");
        let ops = super::operations(&d);
        assert!(ops.iter().any(|o| o.method == "PATCH" && o.path == "/api/v1/projects/{id}/activities/{aid}"));
        assert!(d.pointer("/components/schemas/ProblemDoc").is_some());
        assert!(d.pointer("/components/securitySchemes/token").is_some());
    }
}
