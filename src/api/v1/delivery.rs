//! Phases (with the gate decision the gate page takes), baselines and the stored documents
//! (list, and the PDF byte for byte as the Documents page downloads it).
use super::problem::{ApiResult, Problem, ProblemDoc};
use super::resource::Record;
use super::{Filters, PageQuery, etag, form, tagged};
use crate::AppState;
use crate::domain::gates::Decision;
use crate::domain::policy::Action;
use crate::entity::project;
use crate::service::{clock, documents, gates, projects, schedule};
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/phases", get(phases))
        .route("/api/v1/projects/{id}/phases/{seq}", get(phase))
        .route("/api/v1/projects/{id}/phases/{seq}/decision", post(decide))
        .route("/api/v1/projects/{id}/baselines", get(baselines))
        .route("/api/v1/projects/{id}/baselines/{item}", get(baseline))
        .route("/api/v1/projects/{id}/documents", get(documents_list))
        .route("/api/v1/projects/{id}/documents/{item}", get(document))
        .route("/api/v1/projects/{id}/documents/{item}/content", get(content))
}

/// A phase of the project's method, as the overview lists it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Phase {
    pub id: i32,
    pub version: i32,
    /// The phase's number (1–9).
    pub seq: i32,
    pub key: String,
    pub name_en: String,
    pub name_zh: String,
    pub planned_start: NaiveDate,
    pub planned_finish: NaiveDate,
    pub actual_start: Option<NaiveDate>,
    pub actual_finish: Option<NaiveDate>,
    /// `pending`, `active`, `closed` (passed its gate) or `on_hold`.
    pub status: String,
}
crate::api_record_from!(crate::entity::phase::Model => Phase {
    id, version, seq, key, name_en, name_zh, planned_start, planned_finish, actual_start, actual_finish, status
});
impl Record for Phase {
    fn id(&self) -> i32 {
        self.id
    }
    fn version(&self) -> i32 {
        self.version
    }
    fn key(&self) -> i32 {
        self.seq
    }
    fn phase(&self) -> Option<i32> {
        Some(self.seq)
    }
    fn status(&self) -> Option<&str> {
        Some(&self.status)
    }
}

async fn load_phases(state: &AppState, _: &Ctx, p: &project::Model) -> ApiResult<Vec<Phase>> {
    Ok(projects::phases(&state.db.conn, p.id).await?.into_iter().map(Phase::from).collect())
}

crate::api_read!(kind = "phase", tag = "phases", record = Phase, page = PhasePage,
    list = phases at "/api/v1/projects/{id}/phases", get = phase at "/api/v1/projects/{id}/phases/{seq}" ("seq"),
    load = load_phases, doc = "The project's phases in order (`{seq}` is the phase's number).");

/// A gate decision, as the gate page's form takes it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct GateDecision {
    /// `go`, `go_with_conditions`, `hold` or `stop`.
    pub decision: String,
    pub rationale: String,
    /// `carry` (default) moves the phase's open activities into the next phase; `close`
    /// closes them with `open_reason`.
    pub open_work: String,
    pub open_reason: String,
}

/// Decide the gate of phase `seq` (the steering committee's): refused while a gate
/// deliverable is not accepted, the business case is not approved (preparation) or a test
/// cycle misses its exit criteria (phases 5 and 6), naming the reason.
#[utoipa::path(post, path = "/api/v1/projects/{id}/phases/{seq}/decision", tag = "phases",
    params(("id" = i32, Path, description = "Project id"), ("seq" = i32, Path, description = "The phase's number")),
    request_body = GateDecision,
    responses((status = 200, body = Phase, headers(("ETag" = String))),
        (status = 422, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, seq)): Path<(i32, i32)>,
    body: Bytes,
) -> ApiResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::DecideGate).await?;
    let f: GateDecision = form(&body, None, &["decision", "rationale", "open_work", "open_reason"])?;
    let decision = Decision::parse_gate(f.decision.trim())
        .ok_or_else(|| Problem::field(StatusCode::UNPROCESSABLE_ENTITY, "decision", "err.choose_from_list"))?;
    let open = match f.open_work.trim() {
        "close" => gates::OpenWork::Close(f.open_reason.clone()),
        "carry" | "" => gates::OpenWork::Carry,
        _ => return Err(Problem::field(StatusCode::UNPROCESSABLE_ENTITY, "open_work", "err.choose_from_list")),
    };
    let today = clock::today(&a.project);
    gates::decide(&state.db, actor, a.project.id, seq, decision, &f.rationale, today, &open).await?;
    let ph = load_phases(&state, &ctx, &a.project)
        .await?
        .into_iter()
        .find(|p| p.seq == seq)
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "err.not_found"))?;
    Ok(tagged(StatusCode::OK, etag("phase", ph.id, ph.version), &ph))
}

/// A saved schedule baseline (never edited: version 0).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Baseline {
    pub id: i32,
    pub name: String,
    pub created_by: i32,
    pub created_at: DateTime<Utc>,
}
crate::api_record_from!(crate::entity::baseline::Model => Baseline { id, name, created_by, created_at });
impl Record for Baseline {
    fn id(&self) -> i32 {
        self.id
    }
    fn version(&self) -> i32 {
        0
    }
}

async fn load_baselines(state: &AppState, _: &Ctx, p: &project::Model) -> ApiResult<Vec<Baseline>> {
    Ok(schedule::baselines(&state.db.conn, p.id).await?.into_iter().map(Baseline::from).collect())
}

crate::api_read!(kind = "baseline", tag = "phases", record = Baseline, page = BaselinePage,
    list = baselines at "/api/v1/projects/{id}/baselines", get = baseline at "/api/v1/projects/{id}/baselines/{item}" ("item"),
    load = load_baselines, doc = "The schedule's saved baselines, as the schedule page lists them.");

/// A stored document version (the PDF is at `…/content`).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Document {
    pub id: i32,
    /// The document kind (e.g. `charter`, `gate_report`).
    pub kind: String,
    /// `en` or `zh`.
    pub lang: String,
    /// 1, 2, … per kind and language.
    pub doc_version: i32,
    pub deliverable_id: Option<i32>,
    pub sha256: String,
    /// Bytes.
    pub size: i64,
    pub pages: i32,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}
impl From<documents::Listed> for Document {
    fn from(l: documents::Listed) -> Document {
        let d = l.doc;
        Document {
            id: d.id,
            kind: d.kind,
            lang: d.lang,
            doc_version: d.doc_version,
            deliverable_id: d.deliverable_id,
            sha256: d.sha256,
            size: d.size,
            pages: d.pages,
            created_by_name: l.created_by_name,
            created_at: d.created_at,
        }
    }
}
impl Record for Document {
    fn id(&self) -> i32 {
        self.id
    }
    fn version(&self) -> i32 {
        self.doc_version
    }
}

async fn load_documents(state: &AppState, _: &Ctx, p: &project::Model) -> ApiResult<Vec<Document>> {
    Ok(documents::list(&state.db.conn, p.id).await?.into_iter().map(Document::from).collect())
}

crate::api_read!(kind = "document", tag = "documents", record = Document, page = DocumentPage,
    list = documents_list at "/api/v1/projects/{id}/documents", get = document at "/api/v1/projects/{id}/documents/{item}" ("item"),
    load = load_documents, doc = "The stored document versions, newest first, as the Documents page lists them.");

/// The stored PDF, byte for byte (streamed as the Documents page's download).
#[utoipa::path(get, path = "/api/v1/projects/{id}/documents/{item}/content", tag = "documents",
    params(("id" = i32, Path, description = "Project id"), ("item" = i32, Path, description = "Document id")),
    responses((status = 200, description = "The PDF", content_type = "application/pdf"),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn content(state: State<AppState>, ctx: Ctx, path: Path<(i32, i32)>) -> ApiResult<Response> {
    Ok(crate::web::documents::download(state, ctx, path).await?)
}
