//! Playbooks are data: a method (phases, activities, deliverables) in a bilingual TOML file.
//! `parse` reads one and reports every problem with line and column; `Registry` holds the
//! playbooks this server offers.
mod parse;

pub use parse::{Problem, network, parse};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// A text in both product languages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Text {
    pub en: String,
    pub zh: String,
}

impl Text {
    pub fn get(&self, lang: &str) -> &str {
        if lang == "zh" { &self.zh } else { &self.en }
    }
}

/// Which tier of the project organisation owns an activity (DOMAIN.md: three tiers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    SteeringCommittee,
    ProjectTeam,
    FunctionalGroup,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::SteeringCommittee, Tier::ProjectTeam, Tier::FunctionalGroup];
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::SteeringCommittee => "steering_committee",
            Tier::ProjectTeam => "project_team",
            Tier::FunctionalGroup => "functional_group",
        }
    }
    pub fn parse(s: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Playbook {
    pub key: String,
    pub version: i64,
    pub name: Text,
    pub description: Text,
    pub phases: Vec<Phase>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Phase {
    pub key: String,
    pub weeks: u32,
    pub name: Text,
    pub objectives: Vec<Text>,
    pub activities: Vec<Activity>,
    pub milestones: Vec<Milestone>,
    pub deliverables: Vec<Deliverable>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub key: String,
    pub tier: Tier,
    pub name: Text,
    /// Working days; `None`: the whole phase (playbooks without a network).
    #[serde(default)]
    pub days: Option<u32>,
    /// What this activity waits for (the method's network).
    #[serde(default)]
    pub after: Vec<After>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub key: String,
    pub name: Text,
    #[serde(default)]
    pub after: Vec<After>,
}

/// A link of the method's network: this item waits for the activity or milestone `key`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct After {
    pub key: String,
    /// FS, SS, FF or SF (as `domain::cpm::LinkKind` codes them).
    pub kind: String,
    /// Working days; negative is a lead.
    pub lag: i64,
}

impl Playbook {
    /// Whether the playbook's activities and milestones are linked into a network.
    pub fn has_network(&self) -> bool {
        self.phases.iter().any(|p| {
            p.activities.iter().any(|a| !a.after.is_empty()) || p.milestones.iter().any(|m| !m.after.is_empty())
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Deliverable {
    pub key: String,
    pub gate: bool,
    pub name: Text,
    pub acceptance: Vec<Text>,
}

/// The shipped method, embedded so the binary needs no files beside it.
pub const NINE_PHASE: &str = include_str!("../../playbooks/nine-phase.toml");

/// The playbooks a server offers, by key.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    books: BTreeMap<String, Playbook>,
}

impl Registry {
    /// The embedded nine-phase playbook plus every `*.toml` in `dir` (if it exists); a file
    /// there with the same key replaces the embedded one. Any problem stops the load.
    pub fn load(dir: Option<&Path>) -> Result<Registry, String> {
        let mut reg = Registry::default();
        let builtin = parse("nine-phase.toml", NINE_PHASE).map_err(|p| report(&p))?;
        reg.books.insert(builtin.key.clone(), builtin);
        if let Some(dir) = dir.filter(|d| d.is_dir()) {
            let mut files: Vec<_> = std::fs::read_dir(dir)
                .map_err(|e| format!("{}: {e}", dir.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            files.sort();
            for f in files {
                let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
                let book = parse(&f.display().to_string(), &text).map_err(|p| report(&p))?;
                reg.books.insert(book.key.clone(), book);
            }
        }
        Ok(reg)
    }

    pub fn get(&self, key: &str) -> Option<&Playbook> {
        self.books.get(key)
    }

    pub fn all(&self) -> impl Iterator<Item = &Playbook> {
        self.books.values()
    }
}

/// One problem per line, `file:line:col: message`, as compilers print them.
pub fn report(problems: &[Problem]) -> String {
    problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_playbook_is_valid_and_has_nine_phases() {
        let pb = parse("nine-phase.toml", NINE_PHASE).unwrap_or_else(|p| panic!("{}", report(&p)));
        let keys: Vec<_> = pb.phases.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "preparation",
                "kickoff",
                "diagnosis",
                "blueprint",
                "prototype",
                "pilot",
                "readiness",
                "cutover",
                "evaluation"
            ]
        );
        assert_eq!(pb.phases[0].name.zh, "项目准备");
        assert!(pb.phases.iter().all(|p| p.deliverables.iter().any(|d| d.gate)));
    }

    /// The shipped network: every activity and milestone but the very first waits for
    /// something, every activity has a duration, and the method's order holds.
    #[test]
    fn shipped_playbook_is_a_linked_network() {
        let pb = parse("nine-phase.toml", NINE_PHASE).unwrap_or_else(|p| panic!("{}", report(&p)));
        assert!(pb.has_network());
        let acts: Vec<&Activity> = pb.phases.iter().flat_map(|p| &p.activities).collect();
        assert_eq!(acts.len(), 58);
        assert!(acts.iter().all(|a| a.days.is_some()), "every activity has days");
        let unlinked: Vec<&str> = acts.iter().filter(|a| a.after.is_empty()).map(|a| a.key.as_str()).collect();
        assert_eq!(unlinked, ["executive-commitment"]);
        assert!(pb.phases.iter().flat_map(|p| &p.milestones).all(|m| !m.after.is_empty()));
        let waits = |succ: &str, pred: &str| {
            acts.iter().any(|a| a.key == succ && a.after.iter().any(|x| x.key == pred && x.kind == "FS"))
        };
        assert!(waits("diagnosis-review", "as-is-process-analysis"), "as-is analysis before the blueprint");
        assert!(waits("prototype-testing", "system-configuration"), "configuration before prototype tests");
        assert!(waits("go-live-readiness-review", "end-user-training"), "training before cutover");
        assert!(acts.iter().flat_map(|a| &a.after).any(|x| x.kind == "SS" && x.lag > 0), "start-to-start with lags");
        // The network's longest path is the method's weeks in working days, and it runs
        // through every phase.
        let weeks: u32 = pb.phases.iter().map(|p| p.weeks).sum();
        let (keys, tasks, links) = parse::network(&pb.phases);
        let slots = crate::domain::cpm::schedule(&tasks, &links).unwrap();
        assert_eq!(slots.iter().map(|s| s.early_finish).max(), Some(i64::from(weeks) * 5));
        for ph in &pb.phases {
            let critical = ph
                .activities
                .iter()
                .map(|a| &a.key)
                .chain(ph.milestones.iter().map(|m| &m.key))
                .filter(|k| keys.iter().position(|x| x == *k).is_some_and(|i| slots[i].critical))
                .count();
            assert!(critical > 0, "phase {} has no critical item", ph.key);
        }
    }
}
