//! The demo's budget and effort: the budget seeded from the approved business case plus a
//! contingency line, cost rates (the consultant's day rate, a default for members), the
//! partner contract and the licence order with their invoices, people assigned to the
//! phase-3 work, the consultant named as a timesheet approver beside the director, and four
//! weeks of timesheets (three approved, the last one submitted and waiting for approval).
//! Invoices are sized so that earned value shows a mild overrun (CPI about 0.93: below plan,
//! above the amber threshold). Called once from `demo::ensure`.
use super::{Actor, Result, budget, my_work, projects, timesheets};
use crate::db::Db;
use crate::domain::effort;
use crate::i18n::Lang;
use chrono::{Duration, NaiveDate};

/// The cost performance the demo's invoices aim at.
const DEMO_CPI: f64 = 0.93;

pub async fn seed(
    db: &Db,
    director: Actor,
    consultant: Actor,
    member: Actor,
    project_id: i32,
    today: NaiveDate,
) -> Result<()> {
    let p = projects::get(&db.conn, project_id).await?;
    budget::seed_from_case(db, director, project_id).await?;
    budget::add_line(
        db,
        director,
        &p,
        &budget::RawLine {
            phase: String::new(),
            category: "contingency".into(),
            description: "应急储备 10% / Contingency reserve 10%".into(),
            amount: "300,000".into(),
        },
    )
    .await?;
    let start = p.start_date.to_string();
    for (user, role, rate) in [
        (consultant.user_id.to_string(), "", "1,500"),
        (String::new(), "member", "300"),
        (String::new(), "director", "450"),
    ] {
        let raw = budget::RawRate {
            user,
            role: role.into(),
            rate: rate.into(),
            valid_from: start.clone(),
            valid_to: String::new(),
        };
        budget::add_rate(db, director, &p, &raw).await?;
    }

    // Phase 3's open activities: the consultant and the member named on them.
    let overview = projects::overview(&db.conn, p.clone(), Some(3)).await?;
    let acts: Vec<_> = overview.activities.iter().filter(|a| a.status != "done").take(4).collect();
    for (i, a) in acts.iter().enumerate() {
        let who = if i % 2 == 0 { consultant } else { member };
        let raw = my_work::RawAssignment {
            item_kind: "activity".into(),
            item_id: a.id.to_string(),
            user: who.user_id.to_string(),
            planned_hours: "40".into(),
        };
        my_work::assign(db, director, &p, &raw).await?;
    }

    // The consultant (the firm's project manager) approves timesheets beside the director.
    my_work::add_delegate(db, director, &p, &consultant.user_id.to_string()).await?;

    // Four weeks of timesheets up to last week: 6–8 h a working day on the assigned work.
    let this_monday = effort::week_start(today);
    for w in (1..=4).rev() {
        let monday = this_monday - Duration::weeks(w);
        for (k, who) in [consultant, member].into_iter().enumerate() {
            let mut cells = vec![];
            for day in 0..5 {
                let act = acts.get((k + day as usize) % acts.len().max(1)).map(|a| a.id);
                if let Some(act) = act {
                    let hours = if (day + w) % 3 == 0 { "6" } else { "8" };
                    cells.push((timesheets::cell_field(act, monday + Duration::days(day)), hours.to_string()));
                }
            }
            if cells.is_empty() {
                continue;
            }
            timesheets::save_week(db, who, &p, monday, &cells).await?;
            timesheets::submit(db, who, project_id, monday).await?;
            if w > 1 {
                timesheets::approve(db, director, project_id, who.user_id, monday).await?;
            }
        }
    }

    // Commitments: the partner's contract and the licence order.
    let started = p.start_date;
    for (vendor, reference, amount, category, on) in [
        ("博远咨询 Boyuan Consulting", "HT-2026-018", "1,200,000", "consulting", started + Duration::days(7)),
        ("Salesforce China (licences)", "PO-2026-0042", "450,000", "licences", started + Duration::days(20)),
    ] {
        let raw = budget::RawCommitment {
            vendor: vendor.into(),
            reference: reference.into(),
            amount: amount.into(),
            committed_on: on.to_string(),
            category: category.into(),
            phase: String::new(),
        };
        budget::add_commitment(db, director, &p, &raw).await?;
    }
    // Invoices: sized so that AC = EV / 0.93 (a mild overrun), the labour already counted.
    let v = budget::control_on(&db.conn, &p, today, Lang::En).await?;
    let target_ac = (v.ev.ev as f64 / DEMO_CPI).round() as i64;
    let to_invoice = (target_ac - v.ev.ac).max(0);
    let coms = &v.commitments;
    let (Some(partner), Some(licences)) = (coms.first(), coms.get(1)) else { return Ok(()) };
    let licence_part = to_invoice.min(licences.commitment.amount_minor) / 2;
    let partner_total = (to_invoice - licence_part).min(partner.commitment.amount_minor);
    let cur = &p.currency;
    let first = partner_total * 6 / 10;
    // A wrongly billed 10,000.00, credited back (when the contract leaves room for it).
    let extra = if partner_total + 1_000_000 <= partner.commitment.amount_minor { 1_000_000 } else { 0 };
    for (cid, reference, amount, on, credit) in [
        (licences.commitment.id, "INV-L-001", licence_part, started + Duration::days(30), false),
        (partner.commitment.id, "INV-B-001", first, started + Duration::days(28), false),
        (partner.commitment.id, "INV-B-002", partner_total - first + extra, today - Duration::days(10), false),
        (partner.commitment.id, "CN-B-001", extra, today - Duration::days(3), true),
    ] {
        if amount <= 0 {
            continue;
        }
        let raw = budget::RawInvoice {
            commitment: cid.to_string(),
            reference: reference.into(),
            amount: crate::domain::money::plain(amount, cur),
            invoiced_on: on.min(today).to_string(),
            credit_note: credit,
        };
        budget::add_invoice(db, director, &p, &raw).await?;
    }
    Ok(())
}
