//! Microsoft Project XML (MSPDI): the plan out to, and back in from, the tool directors
//! already use. Tasks with outline levels (phases are summary tasks), dates, durations in
//! working hours (8 a day), milestones, percent complete and predecessor links with lags.
use super::bounds::{self, MAX_DURATION_DAYS, MAX_LAG_DAYS, MAX_NAME_CHARS};
use chrono::{NaiveDate, NaiveDateTime};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::fmt::Write;

#[derive(Clone, Debug, PartialEq)]
pub struct MsTask {
    pub uid: i64,
    pub name: String,
    pub outline_level: u32,
    pub summary: bool,
    pub milestone: bool,
    pub start: NaiveDate,
    pub finish: NaiveDate,
    /// Working days.
    pub duration_days: i64,
    pub percent: i32,
    pub preds: Vec<MsLink>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MsLink {
    pub pred_uid: i64,
    /// FS, SS, FF (MSPDI types 1, 3, 0; start-to-finish is not used by Ninefold).
    pub kind: &'static str,
    /// Working days.
    pub lag_days: i64,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// MSPDI counts lag in tenths of a minute; a working day is 8 hours.
const TENTHS_PER_DAY: i64 = 8 * 60 * 10;

pub fn export(name: &str, start: NaiveDate, tasks: &[MsTask]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Project xmlns=\"http://schemas.microsoft.com/project\">\n",
    );
    let _ = writeln!(
        s,
        "  <Name>{}</Name>\n  <Title>{}</Title>\n  <StartDate>{}T08:00:00</StartDate>\n  <MinutesPerDay>480</MinutesPerDay>\n  <Tasks>",
        esc(name),
        esc(name),
        start
    );
    for (i, t) in tasks.iter().enumerate() {
        let _ = write!(
            s,
            "    <Task>\n      <UID>{}</UID>\n      <ID>{}</ID>\n      <Name>{}</Name>\n      <OutlineLevel>{}</OutlineLevel>\n      <Summary>{}</Summary>\n      <Milestone>{}</Milestone>\n      <Start>{}T08:00:00</Start>\n      <Finish>{}T{}</Finish>\n      <Duration>PT{}H0M0S</Duration>\n      <DurationFormat>7</DurationFormat>\n      <PercentComplete>{}</PercentComplete>\n",
            t.uid,
            i + 1,
            esc(&t.name),
            t.outline_level,
            u8::from(t.summary),
            u8::from(t.milestone),
            t.start,
            t.finish,
            if t.milestone { "08:00:00" } else { "17:00:00" },
            t.duration_days * 8,
            t.percent
        );
        for l in &t.preds {
            let code = match l.kind {
                "FF" => 0,
                "SF" => 2,
                "SS" => 3,
                _ => 1,
            };
            let _ = write!(
                s,
                "      <PredecessorLink>\n        <PredecessorUID>{}</PredecessorUID>\n        <Type>{code}</Type>\n        <LinkLag>{}</LinkLag>\n        <LagFormat>7</LagFormat>\n      </PredecessorLink>\n",
                l.pred_uid,
                l.lag_days * TENTHS_PER_DAY
            );
        }
        s.push_str("    </Task>\n");
    }
    s.push_str("  </Tasks>\n</Project>\n");
    s
}

fn date_of(v: &str) -> Option<NaiveDate> {
    NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S")
        .map(|d| d.date())
        .or_else(|_| NaiveDate::parse_from_str(v.get(..10).unwrap_or(v), "%Y-%m-%d"))
        .ok()
}

/// "PT40H0M0S" → 5 working days (rounded up); unreadable, negative or beyond
/// `bounds::MAX_DURATION_DAYS` → None.
fn duration_days(v: &str) -> Option<i64> {
    let h = v.strip_prefix("PT")?.split('H').next()?.parse::<f64>().ok()?;
    let days = (h / 8.0).ceil();
    (days.is_finite() && (0.0..=MAX_DURATION_DAYS as f64).contains(&days)).then_some(days as i64)
}

/// A lag in tenths of a minute → whole working days, when within `bounds::MAX_LAG_DAYS`.
fn lag_days(v: &str) -> Option<i64> {
    let days = v.parse::<i64>().ok()? / TENTHS_PER_DAY;
    (-MAX_LAG_DAYS..=MAX_LAG_DAYS).contains(&days).then_some(days)
}

/// One thing wrong with an imported file: a catalogue key (`mspdi.*`) and its values, so the
/// importer reads it in their language.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

fn problem(key: &'static str, args: &[(&'static str, &dyn std::fmt::Display)]) -> Problem {
    Problem { key, args: args.iter().map(|(k, v)| (*k, v.to_string())).collect() }
}

/// Every problem found in a file, one line each when rendered.
#[derive(Clone, Debug, PartialEq)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn render(&self, lang: crate::i18n::Lang) -> String {
        let lines: Vec<String> = self
            .0
            .iter()
            .map(|p| {
                let args: Vec<(&str, &str)> = p.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                crate::i18n::tf(lang, p.key, &args)
            })
            .collect();
        lines.join("\n")
    }
}

/// English, for logs and tests.
impl std::fmt::Display for Problems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(crate::i18n::Lang::En))
    }
}

impl From<Problem> for Problems {
    fn from(p: Problem) -> Self {
        Problems(vec![p])
    }
}

/// Read the tasks of an MSPDI file. Errors say what is wrong and which task; values outside
/// what the forms accept (dates 2000–2100, durations, lags, name lengths, control characters)
/// are all reported, one line each.
pub fn import(xml: &str) -> Result<Vec<MsTask>, Problems> {
    let mut problems: Vec<Problem> = vec![];
    let mut reader = Reader::from_str(xml);
    // Not trimmed: spaces around entities (`a &amp; b`) are part of the text.
    reader.config_mut().trim_text(false);
    let mut tasks = vec![];
    let mut path: Vec<String> = vec![];
    let mut text = String::new();
    let mut cur: Option<(MsTask, bool, bool)> = None; // task, has start, has finish
    let mut link: Option<MsLink> = None;
    loop {
        match reader.read_event() {
            Err(e) => {
                return Err(problem("mspdi.unreadable", &[("byte", &reader.buffer_position()), ("error", &e)]).into());
            }
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                let name = e.local_name().into_inner().to_string();
                if name == "Task" && path.last().is_some_and(|p| p == "Tasks") {
                    let d = NaiveDate::default();
                    cur = Some((
                        MsTask {
                            uid: 0,
                            name: String::new(),
                            outline_level: 1,
                            summary: false,
                            milestone: false,
                            start: d,
                            finish: d,
                            duration_days: 0,
                            percent: 0,
                            preds: vec![],
                        },
                        false,
                        false,
                    ));
                }
                if name == "PredecessorLink" && cur.is_some() {
                    link = Some(MsLink { pred_uid: 0, kind: "FS", lag_days: 0 });
                }
                path.push(name);
                text.clear();
            }
            Ok(Event::Text(t)) => text.push_str(&t.xml10_content()),
            // Entities come as their own events: the five XML ones and character references.
            Ok(Event::GeneralRef(r)) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else {
                    let name = r.clone().into_inner().to_string();
                    text.push_str(match name.as_str() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Ok(Event::End(_)) => {
                let name = path.pop().unwrap_or_default();
                let v = std::mem::take(&mut text);
                if let Some(l) = link.as_mut() {
                    match name.as_str() {
                        "PredecessorUID" => {
                            l.pred_uid = v
                                .trim()
                                .parse()
                                .map_err(|_| Problems::from(problem("mspdi.bad_pred", &[("value", &v)])))?
                        }
                        "Type" => {
                            l.kind = match v.trim() {
                                "0" => "FF",
                                "3" => "SS",
                                "1" => "FS",
                                "2" => "SF",
                                other => return Err(problem("mspdi.link_type", &[("type", &other)]).into()),
                            }
                        }
                        "LinkLag" => match lag_days(v.trim()) {
                            Some(d) => l.lag_days = d,
                            None => {
                                problems.push(problem("mspdi.bad_lag", &[("value", &v.trim()), ("max", &MAX_LAG_DAYS)]))
                            }
                        },
                        _ => {}
                    }
                } else if let Some((t, has_start, has_finish)) = cur.as_mut() {
                    match name.as_str() {
                        "UID" => {
                            t.uid = v
                                .trim()
                                .parse()
                                .map_err(|_| Problems::from(problem("mspdi.bad_uid", &[("value", &v)])))?
                        }
                        "Name" => t.name = v.trim().to_string(),
                        "OutlineLevel" => t.outline_level = v.trim().parse().unwrap_or(1),
                        "Summary" => t.summary = v.trim() == "1",
                        "Milestone" => t.milestone = v.trim() == "1",
                        "Start" => {
                            t.start = date_of(v.trim()).ok_or_else(|| {
                                Problems::from(problem("mspdi.bad_start", &[("task", &t.uid), ("value", &v)]))
                            })?;
                            *has_start = true;
                        }
                        "Finish" => {
                            t.finish = date_of(v.trim()).ok_or_else(|| {
                                Problems::from(problem("mspdi.bad_finish", &[("task", &t.uid), ("value", &v)]))
                            })?;
                            *has_finish = true;
                        }
                        "Duration" => match duration_days(v.trim()) {
                            Some(d) => t.duration_days = d,
                            None => problems.push(problem(
                                "mspdi.bad_duration",
                                &[("task", &t.uid), ("value", &v.trim()), ("max", &MAX_DURATION_DAYS)],
                            )),
                        },
                        "PercentComplete" => t.percent = v.trim().parse::<i32>().unwrap_or(0).clamp(0, 100),
                        _ => {}
                    }
                }
                if name == "PredecessorLink"
                    && let (Some(l), Some((t, _, _))) = (link.take(), cur.as_mut())
                {
                    t.preds.push(l);
                }
                if name == "Task"
                    && path.last().is_some_and(|p| p == "Tasks")
                    && let Some((t, has_start, has_finish)) = cur.take()
                {
                    // MS Project writes a task 0 (the project summary); it is not a task of ours.
                    if t.uid == 0 || t.outline_level == 0 {
                        continue;
                    }
                    if !has_start || !has_finish {
                        return Err(problem("mspdi.no_dates", &[("task", &t.uid), ("name", &t.name)]).into());
                    }
                    if t.finish < t.start {
                        return Err(problem("mspdi.finish_before_start", &[("task", &t.uid), ("name", &t.name)]).into());
                    }
                    for (what, d) in [("mspdi.start_outside", t.start), ("mspdi.finish_outside", t.finish)] {
                        if !bounds::date_ok(d) {
                            problems.push(problem(
                                what,
                                &[
                                    ("task", &t.uid),
                                    ("date", &d),
                                    ("first", &bounds::FIRST_YEAR),
                                    ("last", &bounds::LAST_YEAR),
                                ],
                            ));
                        }
                    }
                    match bounds::text_problem(&t.name, MAX_NAME_CHARS) {
                        Some("err.too_long") => {
                            problems.push(problem("mspdi.name_long", &[("task", &t.uid), ("max", &MAX_NAME_CHARS)]))
                        }
                        Some(_) => problems.push(problem("mspdi.name_control", &[("task", &t.uid)])),
                        None => {}
                    }
                    tasks.push(t);
                }
            }
            Ok(_) => {}
        }
    }
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    if tasks.is_empty() {
        return Err(problem("mspdi.no_tasks", &[]).into());
    }
    Ok(tasks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_then_import_round_trips() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let tasks = vec![
            MsTask {
                uid: 1,
                name: "项目准备 & <scope>".into(),
                outline_level: 1,
                summary: true,
                milestone: false,
                start: d("2026-03-02"),
                finish: d("2026-03-27"),
                duration_days: 20,
                percent: 0,
                preds: vec![],
            },
            MsTask {
                uid: 2,
                name: "Secure commitment".into(),
                outline_level: 2,
                summary: false,
                milestone: false,
                start: d("2026-03-02"),
                finish: d("2026-03-13"),
                duration_days: 10,
                percent: 40,
                preds: vec![],
            },
            MsTask {
                uid: 3,
                name: "Approved".into(),
                outline_level: 2,
                summary: false,
                milestone: true,
                start: d("2026-03-17"),
                finish: d("2026-03-17"),
                duration_days: 0,
                percent: 0,
                preds: vec![
                    MsLink { pred_uid: 2, kind: "FS", lag_days: 2 },
                    MsLink { pred_uid: 1, kind: "SS", lag_days: 0 },
                    MsLink { pred_uid: 2, kind: "SF", lag_days: -1 },
                ],
            },
        ];
        let xml = export("华美 CRM", d("2026-03-02"), &tasks);
        assert!(
            xml.contains("<Type>1</Type>")
                && xml.contains("<Type>2</Type>")
                && xml.contains("<LinkLag>9600</LinkLag>")
                && xml.contains("&amp; &lt;scope&gt;")
        );
        assert_eq!(import(&xml).unwrap(), tasks);
    }

    #[test]
    fn refuses_broken_files() {
        assert!(
            import("<Project><Tasks><Task><UID>1</UID></Task></Tasks></Project>")
                .unwrap_err()
                .to_string()
                .contains("no start")
        );
        assert!(
            import("<Project><Tasks>").is_err()
                || import("<Project><Tasks>").unwrap_err().to_string().contains("no tasks")
        );
        assert!(import("not xml at all <<<").is_err());
        let sf = "<Project><Tasks><Task><UID>1</UID><Start>2026-03-02T08:00:00</Start><Finish>2026-03-02T17:00:00</Finish><PredecessorLink><PredecessorUID>2</PredecessorUID><Type>2</Type></PredecessorLink></Task></Tasks></Project>";
        // Start-to-finish (type 2) is one of MS Project's four link types: it imports; an
        // unknown type is refused, naming it.
        assert_eq!(import(sf).unwrap()[0].preds, [MsLink { pred_uid: 2, kind: "SF", lag_days: 0 }]);
        assert!(
            import(&sf.replace("<Type>2</Type>", "<Type>7</Type>")).unwrap_err().to_string().contains("link type 7")
        );
    }

    /// The review's inputs: each is refused with its task named, none panics, all are listed.
    #[test]
    fn refuses_values_the_forms_refuse() {
        let task = |uid: i64, name: &str, start: &str, dur: &str, lag: &str| {
            format!(
                "<Task><UID>{uid}</UID><Name>{name}</Name><OutlineLevel>2</OutlineLevel><Start>{start}</Start><Finish>{start}</Finish><Duration>{dur}</Duration><PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type><LinkLag>{lag}</LinkLag></PredecessorLink></Task>"
            )
        };
        let ok = task(1, "ok", "2026-03-02T08:00:00", "PT8H0M0S", "0");
        let xml = format!(
            "<Project><Tasks>{ok}{}{}{}{}{}</Tasks></Project>",
            task(2, "big", "2026-03-02T08:00:00", "PT1000000000H", "0"),
            task(3, "far", "+262142-12-31T08:00:00", "PT8H", "0"),
            task(4, "lag", "2026-03-02T08:00:00", "PT8H", "480000000000"),
            task(5, "y", "9999-01-01T08:00:00", "PT16000000H", "0"),
            task(6, &"n".repeat(900_000), "2026-03-02T08:00:00", "PT8H", "0"),
        );
        let err = import(&xml).unwrap_err().to_string();
        assert!(err.contains("task 2: duration"), "{err}");
        assert!(err.contains("task 3") || err.contains("bad start"), "{err}");
        assert!(err.contains("link lag `480000000000`"), "{err}");
        assert!(err.contains("task 5: start 9999-01-01 is outside 2000–2100"), "{err}");
        assert!(err.contains("task 5: duration"), "{err}");
        assert!(err.contains("task 6: the name is longer"), "{err}");
        assert!(import(&format!("<Project><Tasks>{ok}</Tasks></Project>")).is_ok());
        let nul = task(7, "a\u{0}b", "2026-03-02T08:00:00", "PT8H", "0");
        assert!(
            import(&format!("<Project><Tasks>{nul}</Tasks></Project>")).unwrap_err().to_string().contains("control")
        );
    }
}
