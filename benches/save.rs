//! Saving one activity (the schedule form: move, resize, progress; its successors follow)
//! in the demo project, and in the same project grown to 2,000 activities. The bar: the
//! large project costs at most twice the demo (`cargo bench --bench save`).
use criterion::{Criterion, criterion_group, criterion_main};
use ninefold::db::Db;
use ninefold::entity::{activity, dependency, phase};
use ninefold::playbook;
use ninefold::service::{Actor, demo, schedule, users, write};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// The demo project, grown to `total` activities (extra ones spread over its phases, one in
/// three linked finish-to-start to the one before it in its phase). Returns the database,
/// the director, the project and the activity the benchmark saves (phase 3's first).
async fn setup(dir: &std::path::Path, total: usize) -> (Db, Actor, i32, i32) {
    let db = Db::connect(&ninefold::db::sqlite_url(dir)).await.unwrap();
    db.migrate().await.unwrap();
    let reg = playbook::Registry::load(None).unwrap();
    let pb = reg.get("nine-phase").unwrap().clone();
    demo::ensure(&db, &pb, chrono::Utc::now().date_naive()).await.unwrap();
    let director = users::by_email(&db.conn, demo::USERS[1].0).await.unwrap().unwrap();
    let actor = Actor { user_id: director.id };
    let project = ninefold::service::projects::portfolio(&db.conn, director.id).await.unwrap()[0].project.id;
    let phases = phase::Entity::find()
        .filter(phase::Column::ProjectId.eq(project))
        .order_by_asc(phase::Column::Seq)
        .all(&db.conn)
        .await
        .unwrap();
    let have = activity::Entity::find().filter(activity::Column::ProjectId.eq(project)).all(&db.conn).await.unwrap();
    let now = chrono::Utc::now();
    let extra = total.saturating_sub(have.len());
    for (k, ph) in phases.iter().enumerate() {
        let n = extra / phases.len() + usize::from(k < extra % phases.len());
        let first_seq = have.iter().filter(|a| a.phase_id == ph.id).map(|a| a.seq).max().unwrap_or(0) + 1;
        let rows: Vec<activity::ActiveModel> = (0..n)
            .map(|i| {
                let seq = first_seq + i as i32;
                activity::ActiveModel {
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                    duration_days: Set(1 + (i % 5) as i32),
                    ..schedule::new_activity(
                        project,
                        ph.id,
                        seq,
                        (format!("Extra {k}.{i}"), format!("附加 {k}.{i}")),
                        "project_team",
                        (ph.planned_start, ph.planned_start),
                    )
                }
            })
            .collect();
        for chunk in rows.chunks(200) {
            activity::Entity::insert_many(chunk.to_vec()).exec_without_returning(&db.conn).await.unwrap();
        }
        let added = activity::Entity::find()
            .filter(activity::Column::PhaseId.eq(ph.id))
            .filter(activity::Column::Seq.gte(first_seq))
            .order_by_asc(activity::Column::Seq)
            .all(&db.conn)
            .await
            .unwrap();
        let links: Vec<dependency::ActiveModel> = added
            .windows(2)
            .enumerate()
            .filter(|(i, _)| i % 3 == 0)
            .map(|(_, w)| dependency::ActiveModel {
                project_id: Set(project),
                pred_kind: Set("activity".into()),
                pred_id: Set(w[0].id),
                succ_kind: Set("activity".into()),
                succ_id: Set(w[1].id),
                kind: Set("FS".into()),
                lag_days: Set(0),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .collect();
        for chunk in links.chunks(200) {
            dependency::Entity::insert_many(chunk.to_vec()).exec_without_returning(&db.conn).await.unwrap();
        }
    }
    // Bring the stored dates in line with the grown plan before measuring.
    write::transaction(&db, async |tx| schedule::reschedule(tx, actor, project).await).await.unwrap();
    let target = schedule::load(&db.conn, project).await.unwrap();
    let p3 = target.phases.iter().find(|p| p.seq == 3).unwrap().id;
    let a = target.activities.iter().find(|a| a.phase_id == p3).unwrap().id;
    (db, actor, project, a)
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    for (label, total) in [("demo project", 0), ("2,000 activities", 2_000)] {
        let dir = tempfile::tempdir().unwrap();
        let (db, actor, project, a) = rt.block_on(setup(dir.path(), total));
        let count = rt.block_on(async {
            activity::Entity::find().filter(activity::Column::ProjectId.eq(project)).all(&db.conn).await.unwrap().len()
        });
        let flip = std::cell::Cell::new(false);
        c.bench_function(&format!("save one activity, {label} ({count} activities)"), |b| {
            b.to_async(&rt).iter(|| {
                flip.set(!flip.get());
                let duration = if flip.get() { "6" } else { "5" };
                let db = db.clone();
                async move {
                    let version = write::get::<activity::Entity, _>(&db.conn, project, a).await.unwrap().version;
                    let raw = schedule::RawActivity {
                        start: String::new(),
                        duration: duration.into(),
                        percent: "10".into(),
                        actual_start: String::new(),
                        actual_finish: String::new(),
                    };
                    let raw = schedule::RawActivity { start: "2026-01-05".into(), ..raw };
                    schedule::update_activity(&db, actor, project, a, version, &raw).await.unwrap();
                }
            })
        });
    }
}

criterion_group!(save, benches);
criterion_main!(save);
