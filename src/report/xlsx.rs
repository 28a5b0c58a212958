//! Excel workbooks (.xlsx) of the schedule, risks, targets with their measurements, the
//! training plan, people and the business case. Each lays out the service view its page
//! renders (the same struct, the same figures) and computes nothing of its own, except
//! that the business case writes its totals, present values and NPV as **formulas** over
//! the yearly flows, with the figures Ninefold computed as their cached results, so finance
//! can audit (and LibreOffice or Excel recompute) them.
//!
//! Text that a spreadsheet would take for a formula (`=`, `+`, `-`, `@` first) is written
//! as text with Excel's quote prefix (`domain::spreadsheet::risky`): shown and kept as
//! typed, never evaluated.
use crate::domain::money;
use crate::domain::spreadsheet::risky;
use crate::i18n::{self, Lang};
use crate::service::business_case::CaseView;
use crate::service::organisation::OrgView;
use crate::service::risks::Register;
use crate::service::schedule::ScheduleView;
use crate::service::targets::TargetsView;
use crate::service::training::TrainingView;
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet, XlsxError, utility::row_col_to_cell};

/// A formula with Ninefold's figure as its cached result (or none).
fn formula(f: impl AsRef<str>, result: String, cached: bool) -> Formula {
    let f = Formula::new(f);
    if cached { f.set_result(result) } else { f }
}

pub type XResult<T> = std::result::Result<T, XlsxError>;

/// The MIME type of a workbook.
pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// One cell of a table.
pub enum Cell {
    Text(String),
    Num(f64),
    Int(i64),
    /// A whole percent (57 → 57%), as the pages show attainment.
    Percent(i64),
    Date(NaiveDate),
    Money(f64),
    Bool(bool),
    Empty,
}

struct Formats {
    head: Format,
    quoted: Format,
    date: Format,
    money: Format,
    percent: Format,
    bold_money: Format,
}

impl Formats {
    fn new(money_digits: u32) -> Formats {
        let money_fmt = if money_digits == 0 { "#,##0" } else { "#,##0.00" };
        Formats {
            head: Format::new().set_bold(),
            quoted: Format::new().set_quote_prefix(),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            money: Format::new().set_num_format(money_fmt),
            percent: Format::new().set_num_format("0%"),
            bold_money: Format::new().set_bold().set_num_format(money_fmt),
        }
    }
}

fn h(lang: Lang, key: &str) -> String {
    i18n::t(lang, &format!("xlsx.col.{key}"))
}

fn date_cell(d: NaiveDate) -> XResult<ExcelDateTime> {
    let y = u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError("year".into()))?;
    ExcelDateTime::from_ymd(y, d.month() as u8, d.day() as u8)
}

fn write_cell(ws: &mut Worksheet, f: &Formats, row: u32, col: u16, c: &Cell) -> XResult<()> {
    match c {
        Cell::Text(s) if risky(s) => ws.write_string_with_format(row, col, s, &f.quoted).map(drop),
        Cell::Text(s) => ws.write_string(row, col, s).map(drop),
        Cell::Num(x) => ws.write_number(row, col, *x).map(drop),
        Cell::Int(x) => ws.write_number(row, col, *x as f64).map(drop),
        Cell::Percent(p) => ws.write_number_with_format(row, col, *p as f64 / 100.0, &f.percent).map(drop),
        Cell::Date(d) => ws.write_date_with_format(row, col, date_cell(*d)?, &f.date).map(drop),
        Cell::Money(x) => ws.write_number_with_format(row, col, *x, &f.money).map(drop),
        Cell::Bool(b) => ws.write_boolean(row, col, *b).map(drop),
        Cell::Empty => Ok(()),
    }
}

/// A sheet named `name` with a bold header row, the rows below, frozen header, widths.
fn table(wb: &mut Workbook, f: &Formats, name: &str, heads: &[String], rows: &[Vec<Cell>]) -> XResult<()> {
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(name))?;
    for (c, head) in heads.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, head, &f.head)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            write_cell(ws, f, r as u32 + 1, c as u16, cell)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofit();
    Ok(())
}

/// Excel's sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(s: &str) -> String {
    s.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect()
}

fn name(lang: Lang, en: &str, zh: &str) -> String {
    if lang == Lang::Zh && !zh.is_empty() { zh.to_string() } else { en.to_string() }
}

fn finish(mut wb: Workbook) -> XResult<Vec<u8>> {
    wb.save_to_buffer()
}

/// The schedule: activities and milestones as scheduled, with their links.
pub fn schedule(v: &ScheduleView, lang: Lang) -> XResult<Vec<u8>> {
    let mut wb = Workbook::new();
    let f = Formats::new(2);
    let heads: Vec<String> = [
        "kind",
        "phase",
        "name",
        "start",
        "finish",
        "working_days",
        "percent",
        "total_float",
        "critical",
        "predecessors",
    ]
    .iter()
    .map(|k| h(lang, k))
    .collect();
    let rows: Vec<Vec<Cell>> = v
        .items
        .iter()
        .map(|row| {
            let it = &row.item;
            let preds: Vec<String> = v
                .links
                .iter()
                .filter(|l| l.succ_kind == it.kind && l.succ_id == it.id)
                .map(|l| format!("{} {}{:+}", name(lang, &l.pred_name_en, &l.pred_name_zh), l.kind, l.lag_days))
                .collect();
            vec![
                Cell::Text(i18n::t(lang, &format!("xlsx.kind.{}", it.kind))),
                Cell::Int(i64::from(row.phase_seq)),
                Cell::Text(name(lang, &it.name_en, &it.name_zh)),
                Cell::Date(it.start),
                Cell::Date(it.finish),
                Cell::Int(it.duration),
                Cell::Percent(i64::from(it.percent)),
                Cell::Int(it.total_float),
                Cell::Bool(it.critical),
                Cell::Text(preds.join("; ")),
            ]
        })
        .collect();
    table(&mut wb, &f, &i18n::t(lang, "xlsx.sheet.schedule"), &heads, &rows)?;
    finish(wb)
}

/// The risk register as the risks tab lists it.
pub fn risks(v: &Register, lang: Lang) -> XResult<Vec<u8>> {
    let mut wb = Workbook::new();
    let f = Formats::new(2);
    let heads: Vec<String> =
        ["rank", "title", "category", "probability", "impact", "score", "owner", "mitigation", "review_date", "status"]
            .iter()
            .map(|k| h(lang, k))
            .collect();
    let num = |x: Option<i32>| x.map_or(Cell::Empty, |x| Cell::Int(i64::from(x)));
    let rows: Vec<Vec<Cell>> = v
        .risks
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                Cell::Int(i as i64 + 1),
                Cell::Text(r.title.clone()),
                Cell::Text(i18n::t(lang, &format!("risk.cat.{}", r.risk.category))),
                num(r.risk.probability),
                num(r.risk.impact),
                num(r.score),
                Cell::Text(r.risk.owner.clone()),
                Cell::Text(r.risk.mitigation.clone()),
                r.risk.review_date.map_or(Cell::Empty, Cell::Date),
                Cell::Text(i18n::t(lang, &format!("risk.status.{}", r.risk.status))),
            ]
        })
        .collect();
    table(&mut wb, &f, &i18n::t(lang, "xlsx.sheet.risks"), &heads, &rows)?;
    finish(wb)
}

/// Targets with their assessment, and every measurement on a second sheet.
pub fn targets(v: &TargetsView, lang: Lang) -> XResult<Vec<u8>> {
    let mut wb = Workbook::new();
    let f = Formats::new(2);
    let heads: Vec<String> = [
        "key",
        "target",
        "metric",
        "unit",
        "baseline",
        "target_value",
        "target_date",
        "latest",
        "latest_date",
        "attainment",
        "forecast",
        "rag",
    ]
    .iter()
    .map(|k| h(lang, k))
    .collect();
    let opt = |x: Option<f64>| x.map_or(Cell::Empty, Cell::Num);
    let rows: Vec<Vec<Cell>> = v
        .targets
        .iter()
        .map(|tv| {
            let t = &tv.target;
            let a = tv.assessment.as_ref();
            vec![
                Cell::Text(t.key.clone()),
                Cell::Text(t.name.clone()),
                Cell::Text(t.metric.clone()),
                Cell::Text(t.unit.clone()),
                opt(t.baseline_value),
                opt(t.target_value),
                t.target_date.map_or(Cell::Empty, Cell::Date),
                opt(a.and_then(|a| a.latest)),
                a.and_then(|a| a.latest_date).map_or(Cell::Empty, Cell::Date),
                a.and_then(|a| a.attainment)
                    .map_or(Cell::Empty, |x| Cell::Percent(crate::domain::targets::whole_percent(x))),
                if a.is_some_and(|a| a.forecast_below_zero) { Cell::Empty } else { opt(a.and_then(|a| a.forecast)) },
                Cell::Text(i18n::t(lang, &format!("trag.{}", tv.rag.as_str()))),
            ]
        })
        .collect();
    table(&mut wb, &f, &i18n::t(lang, "xlsx.sheet.targets"), &heads, &rows)?;
    let mheads: Vec<String> = ["key", "date", "value", "source", "note"].iter().map(|k| h(lang, k)).collect();
    let mut mrows = vec![];
    for tv in &v.targets {
        for m in &tv.measurements {
            mrows.push(vec![
                Cell::Text(tv.target.key.clone()),
                Cell::Date(m.measured_on),
                Cell::Num(m.value),
                Cell::Text({
                    let key = format!("measurement_source.{}", m.source);
                    let said = i18n::t(lang, &key);
                    if said == key { m.source.clone() } else { said }
                }),
                Cell::Text(m.note.clone()),
            ]);
        }
    }
    table(&mut wb, &f, &i18n::t(lang, "xlsx.sheet.measurements"), &mheads, &mrows)?;
    finish(wb)
}

/// The training plan: sessions with their cost in the project's currency.
pub fn training(v: &TrainingView, lang: Lang) -> XResult<Vec<u8>> {
    let mut wb = Workbook::new();
    let f = Formats::new(money::minor_digits(&v.currency));
    let heads: Vec<String> = [
        "date",
        "start_time",
        "session",
        "audience",
        "phase",
        "place",
        "trainer",
        "hours",
        "cost",
        "currency",
        "status",
    ]
    .iter()
    .map(|k| h(lang, k))
    .collect();
    let rows: Vec<Vec<Cell>> = v
        .rows
        .iter()
        .map(|r| {
            let s = &r.s;
            vec![
                Cell::Date(s.date),
                Cell::Text(s.start_time.clone()),
                Cell::Text(s.title.clone()),
                Cell::Text(i18n::t(lang, &format!("audience.{}", s.audience))),
                Cell::Int(i64::from(s.phase_seq)),
                Cell::Text(s.place.clone()),
                Cell::Text(s.trainer.clone()),
                Cell::Num(f64::from(s.duration_minutes) / 60.0),
                Cell::Money(major(s.cost, &s.currency)),
                Cell::Text(s.currency.clone()),
                Cell::Text(i18n::t(lang, &format!("session_status.{}", s.status))),
            ]
        })
        .collect();
    table(&mut wb, &f, &i18n::t(lang, "xlsx.sheet.training"), &heads, &rows)?;
    finish(wb)
}

/// The people of the project with their tiers and total allocation.
pub fn people(v: &OrgView, lang: Lang) -> XResult<Vec<u8>> {
    let mut wb = Workbook::new();
    let f = Formats::new(2);
    let heads: Vec<String> = ["name", "job_title", "department", "side", "email", "phone", "tiers", "allocation"]
        .iter()
        .map(|k| h(lang, k))
        .collect();
    let rows: Vec<Vec<Cell>> = v
        .people_rows
        .iter()
        .map(|r| {
            vec![
                Cell::Text(r.p.name.clone()),
                Cell::Text(r.p.title.clone()),
                Cell::Text(i18n::t(lang, &format!("dept.{}", r.p.department))),
                Cell::Text(i18n::t(lang, &format!("side.{}", r.p.side))),
                Cell::Text(r.p.email.clone()),
                Cell::Text(r.p.phone.clone()),
                Cell::Text(r.tiers.join(", ")),
                Cell::Percent(i64::from(r.total)),
            ]
        })
        .collect();
    table(&mut wb, &f, &i18n::t(lang, "xlsx.sheet.people"), &heads, &rows)?;
    finish(wb)
}

/// Minor units as a number of major units (12345 fen → 123.45).
fn major(minor: i64, currency: &str) -> f64 {
    minor as f64 / 10f64.powi(money::minor_digits(currency) as i32)
}

/// Where the business-case sheet puts things (0-based rows), for the summary's formulas
/// and for tests.
pub struct CaseLayout {
    pub rate_cell: String,
    pub npv_cell: String,
    pub tco_nominal_cell: String,
    pub benefits_nominal_cell: String,
    pub tco_pv_cell: String,
    pub benefits_pv_cell: String,
}

/// The business case of one scenario: every cost and benefit line's yearly flows as values
/// (risk and scenario factors applied, as the page computes them), and as formulas the
/// lines' totals, the yearly totals, net, discount factors, present values (each year
/// rounded to the minor unit, as Ninefold does), NPV, ROI and IRR, each with Ninefold's
/// figure as its cached result.
pub fn business_case(v: &CaseView, lang: Lang) -> XResult<(Vec<u8>, CaseLayout)> {
    business_case_with(v, lang, true)
}

/// The same workbook with no cached formula results (each shows 0 until recalculated): for
/// checking that the formulas alone give Ninefold's figures (`.ci/run` with LibreOffice).
pub fn business_case_formulas_only(v: &CaseView, lang: Lang) -> XResult<Vec<u8>> {
    business_case_with(v, lang, false).map(|(b, _)| b)
}

fn business_case_with(v: &CaseView, lang: Lang, cached: bool) -> XResult<(Vec<u8>, CaseLayout)> {
    let mut wb = Workbook::new();
    let digits = money::minor_digits(&v.currency);
    let f = Formats::new(digits);
    let r = &v.results;
    let n_years = r.years.len();
    let cur = v.currency.as_str();
    let maj = |m: i64| major(m, cur);
    let t = |k: &str| i18n::t(lang, &format!("xlsx.bc.{k}"));

    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(&i18n::t(lang, "xlsx.sheet.business_case")))?;
    // Row 0: scenario and rate.
    ws.write_string_with_format(0, 0, t("scenario"), &f.head)?;
    write_cell(ws, &f, 0, 1, &Cell::Text(v.scenario.name.clone()))?;
    ws.write_string_with_format(1, 0, t("rate"), &f.head)?;
    ws.write_number_with_format(1, 1, v.scenario.discount_rate, &Format::new().set_num_format("0.00%"))?;
    ws.write_string_with_format(2, 0, t("currency"), &f.head)?;
    ws.write_string(2, 1, cur)?;
    let rate = "$B$2".to_string();

    // Row 4: header — line, kind, then one column per year, then total.
    let first_col: u16 = 2;
    let hdr = 4u32;
    ws.write_string_with_format(hdr, 0, t("line"), &f.head)?;
    ws.write_string_with_format(hdr, 1, t("kind"), &f.head)?;
    for (i, y) in v.years.iter().enumerate() {
        ws.write_string_with_format(hdr, first_col + i as u16, &y.label, &f.head)?;
    }
    let total_col = first_col + n_years as u16;
    ws.write_string_with_format(hdr, total_col, t("total"), &f.head)?;
    let last_year_col = total_col - 1;
    let range = |row: u32| format!("{}:{}", row_col_to_cell(row, first_col), row_col_to_cell(row, last_year_col));

    let mut row = hdr + 1;
    let mut cost_rows = vec![];
    for (c, lr) in v.costs.iter().zip(&r.cost_lines) {
        write_cell(ws, &f, row, 0, &Cell::Text(c.row.description.clone()))?;
        ws.write_string(row, 1, format!("{} · {}", t("cost"), i18n::t(lang, &format!("cost_cat.{}", c.row.category))))?;
        for (i, fl) in lr.flows.iter().enumerate() {
            ws.write_number_with_format(row, first_col + i as u16, maj(*fl), &f.money)?;
        }
        ws.write_formula_with_format(
            row,
            total_col,
            formula(format!("=SUM({})", range(row)), maj(lr.nominal).to_string(), cached),
            &f.money,
        )?;
        cost_rows.push(row);
        row += 1;
    }
    let mut benefit_rows = vec![];
    for (b, lr) in v.benefits.iter().zip(&r.benefit_lines) {
        write_cell(ws, &f, row, 0, &Cell::Text(b.row.description.clone()))?;
        let kind = if lr.counted { t("benefit") } else { t("benefit_excluded") };
        ws.write_string(row, 1, kind)?;
        for (i, fl) in lr.flows.iter().enumerate() {
            ws.write_number_with_format(row, first_col + i as u16, maj(*fl), &f.money)?;
        }
        ws.write_formula_with_format(
            row,
            total_col,
            formula(format!("=SUM({})", range(row)), maj(lr.nominal).to_string(), cached),
            &f.money,
        )?;
        if lr.counted {
            benefit_rows.push(row);
        }
        row += 1;
    }
    row += 1;
    // Totals per year: formulas over the line rows.
    let sum_of = |rows: &[u32], col: u16| -> String {
        if rows.is_empty() {
            "=0".into()
        } else {
            format!("={}", rows.iter().map(|r| row_col_to_cell(*r, col)).collect::<Vec<_>>().join("+"))
        }
    };
    let (costs_row, benefits_row, net_row, df_row, pvc_row, pvb_row, pvn_row, cum_row) =
        (row, row + 1, row + 2, row + 3, row + 4, row + 5, row + 6, row + 7);
    let labels = [
        (costs_row, "costs"),
        (benefits_row, "benefits"),
        (net_row, "net"),
        (df_row, "discount_factor"),
        (pvc_row, "pv_costs"),
        (pvb_row, "pv_benefits"),
        (pvn_row, "pv_net"),
        (cum_row, "cumulative"),
    ];
    for (r0, k) in labels {
        ws.write_string_with_format(r0, 0, t(k), &f.head)?;
    }
    let pv_costs = crate::domain::finance::pv_by_year(
        v.scenario.discount_rate,
        &r.years.iter().map(|y| y.costs).collect::<Vec<_>>(),
    );
    let pv_benefits = crate::domain::finance::pv_by_year(
        v.scenario.discount_rate,
        &r.years.iter().map(|y| y.benefits).collect::<Vec<_>>(),
    );
    let round = |expr: String| format!("ROUND({expr},{digits})");
    for (i, y) in r.years.iter().enumerate() {
        let col = first_col + i as u16;
        let cell = |r0: u32| row_col_to_cell(r0, col);
        let fm = |s: String, v: f64| formula(s, v.to_string(), cached);
        ws.write_formula_with_format(costs_row, col, fm(sum_of(&cost_rows, col), maj(y.costs)), &f.money)?;
        ws.write_formula_with_format(benefits_row, col, fm(sum_of(&benefit_rows, col), maj(y.benefits)), &f.money)?;
        ws.write_formula_with_format(
            net_row,
            col,
            fm(format!("={}-{}", cell(benefits_row), cell(costs_row)), maj(y.net)),
            &f.money,
        )?;
        let df = crate::domain::finance::discount_factor(v.scenario.discount_rate, y.t);
        ws.write_formula_with_format(
            df_row,
            col,
            fm(format!("=1/(1+{rate})^{}", y.t), df),
            &Format::new().set_num_format("0.000000"),
        )?;
        ws.write_formula_with_format(
            pvc_row,
            col,
            fm(format!("={}", round(format!("{}*{}", cell(costs_row), cell(df_row)))), maj(pv_costs[i])),
            &f.money,
        )?;
        ws.write_formula_with_format(
            pvb_row,
            col,
            fm(format!("={}", round(format!("{}*{}", cell(benefits_row), cell(df_row)))), maj(pv_benefits[i])),
            &f.money,
        )?;
        ws.write_formula_with_format(
            pvn_row,
            col,
            fm(format!("={}-{}", cell(pvb_row), cell(pvc_row)), maj(y.pv_net)),
            &f.money,
        )?;
        let cum = if i == 0 {
            format!("={}", cell(net_row))
        } else {
            format!("={}+{}", row_col_to_cell(cum_row, col - 1), cell(net_row))
        };
        ws.write_formula_with_format(cum_row, col, fm(cum, maj(y.cumulative)), &f.money)?;
    }
    // Totals column of the yearly rows.
    let tot = |r0: u32, v: f64, ws: &mut Worksheet| -> XResult<()> {
        ws.write_formula_with_format(
            r0,
            total_col,
            formula(format!("=SUM({})", range(r0)), v.to_string(), cached),
            &f.bold_money,
        )
        .map(drop)
    };
    tot(costs_row, maj(r.tco_nominal), ws)?;
    tot(benefits_row, maj(r.benefits_nominal), ws)?;
    tot(net_row, maj(r.benefits_nominal.saturating_sub(r.tco_nominal)), ws)?;
    tot(pvc_row, maj(r.tco_pv), ws)?;
    tot(pvb_row, maj(r.benefits_pv), ws)?;
    tot(pvn_row, maj(r.npv), ws)?;

    // Summary block below: each figure a formula referring to the table above.
    let s0 = cum_row + 2;
    let layout = CaseLayout {
        rate_cell: "B2".into(),
        npv_cell: row_col_to_cell(s0, 1),
        tco_nominal_cell: row_col_to_cell(s0 + 1, 1),
        benefits_nominal_cell: row_col_to_cell(s0 + 2, 1),
        tco_pv_cell: row_col_to_cell(s0 + 3, 1),
        benefits_pv_cell: row_col_to_cell(s0 + 4, 1),
    };
    let summary: [(&str, String, f64); 5] = [
        ("npv", format!("={}", row_col_to_cell(pvn_row, total_col)), maj(r.npv)),
        ("tco_nominal", format!("={}", row_col_to_cell(costs_row, total_col)), maj(r.tco_nominal)),
        ("benefits_nominal", format!("={}", row_col_to_cell(benefits_row, total_col)), maj(r.benefits_nominal)),
        ("tco_pv", format!("={}", row_col_to_cell(pvc_row, total_col)), maj(r.tco_pv)),
        ("benefits_pv", format!("={}", row_col_to_cell(pvb_row, total_col)), maj(r.benefits_pv)),
    ];
    for (i, (k, fm, val)) in summary.iter().enumerate() {
        let r0 = s0 + i as u32;
        ws.write_string_with_format(r0, 0, t(k), &f.head)?;
        ws.write_formula_with_format(r0, 1, formula(fm, val.to_string(), cached), &f.bold_money)?;
    }
    let mut r0 = s0 + summary.len() as u32;
    // ROI on present values, as the page: (PV benefits − PV costs) / PV costs.
    ws.write_string_with_format(r0, 0, t("roi"), &f.head)?;
    let roi = formula(
        format!("=IF({c}<>0,({b}-{c})/{c},\"\")", b = layout.benefits_pv_cell, c = layout.tco_pv_cell),
        r.roi.map(|x| x.to_string()).unwrap_or_default(),
        cached,
    );
    ws.write_formula_with_format(r0, 1, roi, &Format::new().set_num_format("0.0%"))?;
    r0 += 1;
    // IRR of the net flows (Excel's IRR; Ninefold's own figure beside it for comparison).
    ws.write_string_with_format(r0, 0, t("irr"), &f.head)?;
    let irr_value = match r.irr {
        crate::domain::finance::Irr::Rate(x) => Some(x),
        _ => None,
    };
    ws.write_formula_with_format(
        r0,
        1,
        formula(
            format!("=IFERROR(IRR({}),\"\")", range(net_row)),
            irr_value.map(|x| x.to_string()).unwrap_or_default(),
            cached,
        ),
        &Format::new().set_num_format("0.00%"),
    )?;
    r0 += 1;
    // Excel's NPV function discounts from year 1: year 0 is added as it is. Without the
    // per-year rounding it may differ from Ninefold's NPV by a few minor units.
    ws.write_string_with_format(r0, 0, t("npv_excel"), &f.head)?;
    let npv_excel: f64 =
        crate::domain::finance::npv(v.scenario.discount_rate, &r.years.iter().map(|y| maj(y.net)).collect::<Vec<_>>());
    let excel = if n_years > 1 {
        format!(
            "={}+NPV({rate},{}:{})",
            row_col_to_cell(net_row, first_col),
            row_col_to_cell(net_row, first_col + 1),
            row_col_to_cell(net_row, last_year_col)
        )
    } else {
        format!("={}", row_col_to_cell(net_row, first_col))
    };
    ws.write_formula_with_format(r0, 1, formula(excel, npv_excel.to_string(), cached), &f.money)?;
    r0 += 1;
    ws.write_string_with_format(r0, 0, t("payback"), &f.head)?;
    ws.write_string(
        r0,
        1,
        v.figures.payback_months.clone().map_or_else(|| "—".to_string(), |m| format!("{m} {}", t("months"))),
    )?;
    ws.set_column_width(0, 36)?;
    ws.set_column_width(1, 22)?;
    for c in first_col..=total_col {
        ws.set_column_width(c, 14)?;
    }
    ws.set_freeze_panes(hdr + 1, first_col)?;
    Ok((finish(wb)?, layout))
}

/// Timesheets: every time entry with person, phase, activity, day, hours and status.
pub fn timesheets(rows: &[crate::service::cost_exports::TimeRow], lang: Lang) -> XResult<Vec<u8>> {
    let mut wb = Workbook::new();
    let f = Formats::new(2);
    let x = |k: &str| i18n::t(lang, &format!("budget2.xlsx.{k}"));
    let heads = vec![x("person"), x("phase"), x("activity"), x("day"), x("hours"), x("status")];
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            vec![
                Cell::Text(r.person.clone()),
                Cell::Text(r.phase.clone()),
                Cell::Text(r.activity.clone()),
                Cell::Date(r.day),
                Cell::Num(f64::from(r.hours_x100) / 100.0),
                Cell::Text(i18n::t(lang, &format!("budget2.ts_status.{}", r.status))),
            ]
        })
        .collect();
    table(&mut wb, &f, &x("timesheets"), &heads, &cells)?;
    finish(wb)
}

/// Costs: the control figures by phase and by category (as the Budget page and the CSV),
/// then the commitments and the invoices (credit notes negative).
pub fn costs(v: &crate::service::budget::Control, lang: Lang) -> XResult<Vec<u8>> {
    use crate::service::budget::Row;
    let mut wb = Workbook::new();
    let f = Formats::new(money::minor_digits(&v.currency));
    let unit = 10f64.powi(money::minor_digits(&v.currency) as i32);
    let mo = |m: i64| Cell::Money(m as f64 / unit);
    let b = |k: &str| i18n::t(lang, &format!("budget.{k}"));
    let x = |k: &str| i18n::t(lang, &format!("budget2.xlsx.{k}"));
    let heads: Vec<String> = ["row", "budget", "committed", "invoiced", "labour", "actual", "forecast", "variance"]
        .iter()
        .map(|k| b(k))
        .collect();
    let line = |r: &Row| {
        vec![
            Cell::Text(r.label.clone()),
            mo(r.budget),
            mo(r.committed),
            mo(r.invoiced),
            mo(r.labour),
            mo(r.actual),
            mo(r.forecast),
            mo(r.variance),
        ]
    };
    let rows: Vec<Vec<Cell>> = v.by_phase.iter().chain(std::iter::once(&v.total)).map(line).collect();
    table(&mut wb, &f, &b("by_phase"), &heads, &rows)?;
    let rows: Vec<Vec<Cell>> = v.by_category.iter().chain(std::iter::once(&v.total)).map(line).collect();
    table(&mut wb, &f, &b("by_category"), &heads, &rows)?;
    let phase_name = |id: Option<i32>| {
        id.and_then(|id| v.by_phase.iter().find(|r| r.key == id.to_string()))
            .map_or_else(|| b("whole_project"), |r| r.label.clone())
    };
    let heads =
        vec![x("date"), x("vendor"), x("reference"), x("category"), x("phase"), x("amount"), b("invoiced"), b("open")];
    let rows: Vec<Vec<Cell>> = v
        .commitments
        .iter()
        .map(|c| {
            let m = &c.commitment;
            vec![
                Cell::Date(m.committed_on),
                Cell::Text(m.vendor.clone()),
                Cell::Text(m.reference.clone()),
                Cell::Text(b(&format!("cat.{}", m.category))),
                Cell::Text(phase_name(m.phase_id)),
                mo(m.amount_minor),
                mo(c.invoiced),
                mo(c.open),
            ]
        })
        .collect();
    table(&mut wb, &f, &b("commitments"), &heads, &rows)?;
    let heads = vec![x("date"), x("kind"), x("vendor"), x("reference"), x("category"), x("phase"), x("amount")];
    let rows: Vec<Vec<Cell>> = v
        .invoices
        .iter()
        .map(|i| {
            vec![
                Cell::Date(i.invoiced_on),
                Cell::Text(x(if i.credit_note { "credit_note" } else { "invoice" })),
                Cell::Text(i.vendor.clone()),
                Cell::Text(i.reference.clone()),
                Cell::Text(b(&format!("cat.{}", i.category))),
                Cell::Text(phase_name(i.phase_id)),
                mo(crate::service::budget::signed(i)),
            ]
        })
        .collect();
    table(&mut wb, &f, &b("invoices"), &heads, &rows)?;
    finish(wb)
}
