//! Analysis and diagnosis (phase 3) and the blueprint (phase 4): choosing the key processes by
//! seed 004's three criteria, fishbone causes, data-quality figures, to-be processes and the
//! readable diff between blueprint revisions.
use serde::{Deserialize, Serialize};

pub const CAUSE_CATEGORIES: &[&str] = &["people", "process", "policy", "technology", "data", "measurement"];
pub const ENVIRONMENTS: &[&str] = &["test", "training", "production"];
pub const DATA_ENTITIES: &[&str] =
    &["customers", "contacts", "opportunities", "service_history", "products", "dealers", "other"];
/// Cleansing and migration both move through these states.
pub const DATA_STATES: &[&str] = &["not_started", "in_progress", "done"];

/// Seed 004's criteria, each 1–5: how important the process is, how poorly it performs
/// today (5 = very poorly) and how feasible improving it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Scores {
    pub importance: i32,
    pub performance: i32,
    pub feasibility: i32,
}

impl Scores {
    pub fn from_parts(i: Option<i32>, p: Option<i32>, f: Option<i32>) -> Option<Scores> {
        Some(Scores { importance: i?, performance: p?, feasibility: f? })
    }
    /// The product, 1–125: a process must matter, hurt and be fixable all at once to rank
    /// high; one weak criterion pulls it down more than in a sum.
    pub fn priority(self) -> i32 {
        self.importance * self.performance * self.feasibility
    }
}

/// A process as ranking sees it.
#[derive(Clone, Debug)]
pub struct Rankable<'a> {
    pub id: i32,
    pub name: &'a str,
    pub scores: Option<Scores>,
}

/// Ids in rank order: scored processes by priority, ties by importance then poor
/// performance then name; unscored ones last, by name.
pub fn rank(items: &[Rankable]) -> Vec<i32> {
    let mut v: Vec<&Rankable> = items.iter().collect();
    v.sort_by(|a, b| match (a.scores, b.scores) {
        (Some(x), Some(y)) => y
            .priority()
            .cmp(&x.priority())
            .then(y.importance.cmp(&x.importance))
            .then(y.performance.cmp(&x.performance))
            .then(a.name.cmp(b.name)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.name.cmp(b.name),
    });
    v.into_iter().map(|r| r.id).collect()
}

/// One cause on a fishbone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Cause {
    pub category: String,
    pub text: String,
    #[serde(default)]
    pub note: String,
    /// 1–5: how much this cause contributes to the effect.
    pub weight: i32,
}

/// Weight per category, in the order of `CAUSE_CATEGORIES`.
pub fn weight_by_category(causes: &[Cause]) -> Vec<(&'static str, i32)> {
    CAUSE_CATEGORIES.iter().map(|c| (*c, causes.iter().filter(|x| x.category == *c).map(|x| x.weight).sum())).collect()
}

/// Data-quality figures of one check, in percent.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Quality {
    pub completeness: f64,
    pub duplicates: f64,
    pub validity: f64,
}

/// The usual go-live bar: ≥ 95% complete, ≤ 2% duplicates, ≥ 95% valid.
pub fn quality_ok(q: &Quality) -> bool {
    q.completeness >= 95.0 && q.duplicates <= 2.0 && q.validity >= 95.0
}

/// Parse a percentage 0–100 ("97.5" or "97.5%").
pub fn parse_percent(raw: &str) -> Option<f64> {
    let v: f64 = raw.trim().trim_end_matches('%').trim().parse().ok()?;
    (v.is_finite() && (0.0..=100.0).contains(&v)).then_some(v)
}

/// One step of a to-be process.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub actor: String,
    pub action: String,
    #[serde(default)]
    pub module: String,
    #[serde(default)]
    pub feature: String,
    #[serde(default)]
    pub rule: String,
    #[serde(default)]
    pub output: String,
}

/// The content of a blueprint: what each revision keeps a copy of.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Content {
    pub steps: Vec<Step>,
    #[serde(default)]
    pub rules: String,
    #[serde(default)]
    pub people: String,
    /// Keys of the measurable targets the process serves.
    #[serde(default)]
    pub targets: Vec<String>,
}

impl Content {
    /// One readable line per step (unnumbered, so an inserted step does not touch the
    /// others) and per rule, people change and target, for the diff.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![];
        for s in &self.steps {
            let mut l = format!("{}: {}", s.actor, s.action);
            match (s.module.is_empty(), s.feature.is_empty()) {
                (false, false) => l.push_str(&format!(" [{} / {}]", s.module, s.feature)),
                (false, true) => l.push_str(&format!(" [{}]", s.module)),
                (true, false) => l.push_str(&format!(" [{}]", s.feature)),
                (true, true) => {}
            }
            if !s.rule.is_empty() {
                l.push_str(&format!(" | {}", s.rule));
            }
            if !s.output.is_empty() {
                l.push_str(&format!(" → {}", s.output));
            }
            out.push(l);
        }
        out.extend(self.rules.lines().filter(|l| !l.trim().is_empty()).map(|l| format!("§ {}", l.trim())));
        out.extend(self.people.lines().filter(|l| !l.trim().is_empty()).map(|l| format!("👤 {}", l.trim())));
        out.extend(self.targets.iter().map(|t| format!("◎ {t}")));
        out
    }
}

/// Parse the steps box: one step per line, fields separated by `|`:
/// actor | action | module | feature | rule | output. Blank lines are skipped.
pub fn parse_steps(raw: &str) -> Result<Vec<Step>, usize> {
    let mut steps = vec![];
    for (i, line) in raw.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('|').map(str::trim).collect();
        if f.len() < 2 || f.len() > 6 || f[0].is_empty() || f[1].is_empty() {
            return Err(i + 1);
        }
        let g = |k: usize| f.get(k).map_or(String::new(), |s| s.to_string());
        steps.push(Step { actor: g(0), action: g(1), module: g(2), feature: g(3), rule: g(4), output: g(5) });
    }
    Ok(steps)
}

/// Steps back as the text a user edits.
pub fn steps_text(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|s| {
            let mut f = vec![s.actor.as_str(), &s.action, &s.module, &s.feature, &s.rule, &s.output];
            while f.len() > 2 && f.last().is_some_and(|x| x.is_empty()) {
                f.pop();
            }
            f.join(" | ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "op", content = "text", rename_all = "snake_case")]
pub enum DiffLine {
    Same(String),
    Added(String),
    Removed(String),
}

/// A line diff (longest common subsequence): what a reader needs to see what a revision
/// changed.
pub fn diff(old: &[String], new: &[String]) -> Vec<DiffLine> {
    let (n, m) = (old.len(), new.len());
    let mut l = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            l[i][j] = if old[i] == new[j] { l[i + 1][j + 1] + 1 } else { l[i + 1][j].max(l[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, vec![]);
    while i < n && j < m {
        if old[i] == new[j] {
            out.push(DiffLine::Same(old[i].clone()));
            i += 1;
            j += 1;
        } else if l[i + 1][j] >= l[i][j + 1] {
            out.push(DiffLine::Removed(old[i].clone()));
            i += 1;
        } else {
            out.push(DiffLine::Added(new[j].clone()));
            j += 1;
        }
    }
    out.extend(old[i..].iter().cloned().map(DiffLine::Removed));
    out.extend(new[j..].iter().cloned().map(DiffLine::Added));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(i: i32, p: i32, f: i32) -> Option<Scores> {
        Some(Scores { importance: i, performance: p, feasibility: f })
    }

    #[test]
    fn ranking_by_priority_with_ties_and_unscored_last() {
        let items = [
            Rankable { id: 1, name: "Lead handling", scores: s(3, 3, 3) },
            Rankable { id: 2, name: "Complaints", scores: s(5, 5, 4) },
            Rankable { id: 3, name: "Spare parts", scores: None },
            Rankable { id: 4, name: "Warranty", scores: s(4, 5, 5) },
            Rankable { id: 5, name: "Dealer orders", scores: s(3, 3, 3) },
            Rankable { id: 6, name: "Campaigns", scores: s(2, 3, 4) },
        ];
        assert_eq!(s(5, 5, 4).unwrap().priority(), 100);
        // 100 and 100: importance breaks the tie; equal scores fall back to the name.
        assert_eq!(rank(&items), [2, 4, 5, 1, 6, 3]);
    }

    #[test]
    fn fishbone_weights_per_category() {
        let c = |cat: &str, w| Cause { category: cat.into(), text: "x".into(), note: String::new(), weight: w };
        let w = weight_by_category(&[c("people", 3), c("data", 5), c("people", 2)]);
        assert_eq!(w[0], ("people", 5));
        assert_eq!(w[4], ("data", 5));
        assert_eq!(w.iter().map(|x| x.1).sum::<i32>(), 10);
    }

    #[test]
    fn percentages_and_quality_bar() {
        assert_eq!(parse_percent("97.5%"), Some(97.5));
        assert_eq!(parse_percent("101"), None);
        assert_eq!(parse_percent("-1"), None);
        assert!(quality_ok(&Quality { completeness: 96.0, duplicates: 1.5, validity: 98.0 }));
        assert!(!quality_ok(&Quality { completeness: 96.0, duplicates: 3.0, validity: 98.0 }));
    }

    #[test]
    fn steps_round_trip_and_bad_lines() {
        let text = "Call centre agent | Log the complaint | service | Service requests | Within 1 hour | Ticket\nEngineer | Fix it";
        let steps = parse_steps(text).unwrap();
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0].feature, "Service requests");
        assert_eq!(steps_text(&steps), text);
        assert_eq!(parse_steps("ok | fine\nno action"), Err(2));
        assert_eq!(parse_steps(" | action"), Err(1));
    }

    #[test]
    fn diff_shows_changes() {
        let a = Content {
            steps: parse_steps("Agent | Log | service | Requests\nEngineer | Fix").unwrap(),
            rules: "Answer within 24 h".into(),
            ..Default::default()
        };
        let mut b = a.clone();
        b.steps.insert(1, Step { actor: "Supervisor".into(), action: "Assign".into(), ..Default::default() });
        b.rules = "Answer within 4 h".into();
        b.targets = vec!["complaint-time".into()];
        let d = diff(&a.lines(), &b.lines());
        assert_eq!(d[0], DiffLine::Same("Agent: Log [service / Requests]".into()));
        assert!(d.contains(&DiffLine::Added("Supervisor: Assign".into())));
        assert!(d.contains(&DiffLine::Removed("§ Answer within 24 h".into())));
        assert!(d.contains(&DiffLine::Added("§ Answer within 4 h".into())));
        assert!(d.contains(&DiffLine::Added("◎ complaint-time".into())));
        assert_eq!(diff(&a.lines(), &a.lines()).iter().filter(|l| !matches!(l, DiffLine::Same(_))).count(), 0);
    }
}
