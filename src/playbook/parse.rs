//! Reading a playbook file. The TOML is walked by hand (toml_edit keeps every span) so that
//! one run reports *every* problem with its line and column, not just the first.
use super::{Activity, After, Deliverable, Milestone, Phase, Playbook, Text, Tier};
use crate::domain::cpm;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use toml_edit::{Document, Item, TableLike, Value};

#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.col, self.message)
    }
}

type Span = Option<Range<usize>>;

struct Reader<'a> {
    file: &'a str,
    src: &'a str,
    problems: Vec<Problem>,
}

impl Reader<'_> {
    fn problem(&mut self, span: &Span, message: String) {
        let offset = span.as_ref().map_or(0, |r| r.start).min(self.src.len());
        let before = &self.src[..self.src.floor_char_boundary(offset)];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        self.problems.push(Problem { file: self.file.to_string(), line, col, message });
    }

    /// Report keys of `t` that are not in `allowed`.
    fn known_keys(&mut self, t: &dyn TableLike, allowed: &[&str], path: &str) {
        for (k, _) in t.iter() {
            if !allowed.contains(&k) {
                let span = t.key(k).and_then(|k| k.span());
                self.problem(&span, format!("unknown key `{k}` in {path} (allowed: {})", allowed.join(", ")));
            }
        }
    }

    fn missing(&mut self, span: &Span, key: &str, path: &str) {
        self.problem(span, format!("missing `{key}` in {path}"));
    }

    fn string(&mut self, t: &dyn TableLike, key: &str, path: &str, at: &Span) -> Option<String> {
        match t.get(key) {
            None => {
                self.missing(at, key, path);
                None
            }
            Some(item) => match item.as_str() {
                Some(s) if !s.trim().is_empty() => Some(s.to_string()),
                Some(_) => {
                    self.problem(&item.span(), format!("`{key}` in {path} is empty"));
                    None
                }
                None => {
                    self.problem(
                        &item.span(),
                        format!("`{key}` in {path} must be a string, found {}", item.type_name()),
                    );
                    None
                }
            },
        }
    }

    fn key_string(&mut self, t: &dyn TableLike, path: &str, at: &Span) -> Option<(String, Span)> {
        let key = self.string(t, "key", path, at)?;
        let span = t.get("key").and_then(Item::span);
        let ok = key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !ok || key.len() > 64 {
            self.problem(&span, format!("key `{key}` in {path} must be 1-64 lowercase letters, digits, `-` or `_`"));
            return None;
        }
        Some((key, span))
    }

    fn integer(&mut self, t: &dyn TableLike, key: &str, path: &str, at: &Span) -> Option<(i64, Span)> {
        match t.get(key) {
            None => {
                self.missing(at, key, path);
                None
            }
            Some(item) => match item.as_integer() {
                Some(n) => Some((n, item.span())),
                None => {
                    self.problem(
                        &item.span(),
                        format!("`{key}` in {path} must be a whole number, found {}", item.type_name()),
                    );
                    None
                }
            },
        }
    }

    fn boolean(&mut self, t: &dyn TableLike, key: &str, path: &str, default: bool) -> bool {
        match t.get(key) {
            None => default,
            Some(item) => item.as_bool().unwrap_or_else(|| {
                self.problem(&item.span(), format!("`{key}` in {path} must be true or false"));
                default
            }),
        }
    }

    /// `{ en = "...", zh = "..." }`: both languages are required.
    fn text_value(&mut self, item: Option<&Item>, value: Option<&Value>, path: &str, at: &Span) -> Option<Text> {
        let (table, span): (Option<&dyn TableLike>, Span) = match (item, value) {
            (Some(i), _) => (i.as_table_like(), i.span().or(at.clone())),
            (None, Some(v)) => (v.as_inline_table().map(|t| t as &dyn TableLike), v.span()),
            (None, None) => (None, at.clone()),
        };
        let Some(t) = table else {
            self.problem(&span, format!("{path} must be a table like {{ en = \"…\", zh = \"…\" }}"));
            return None;
        };
        self.known_keys(t, &["en", "zh"], path);
        let mut get = |lang: &str, name: &str| match t.get(lang).map(|i| (i.as_str(), i.span())) {
            None => {
                self.problem(&span, format!("missing {name} translation (`{lang}`) in {path}"));
                None
            }
            Some((Some(s), _)) if !s.trim().is_empty() => Some(s.to_string()),
            Some((_, sp)) => {
                self.problem(&sp, format!("{name} translation (`{lang}`) in {path} must be a non-empty string"));
                None
            }
        };
        let en = get("en", "English");
        let zh = get("zh", "Chinese");
        Some(Text { en: en?, zh: zh? })
    }

    fn text(&mut self, t: &dyn TableLike, key: &str, path: &str, at: &Span) -> Option<Text> {
        match t.get(key) {
            None => {
                self.missing(at, key, path);
                None
            }
            Some(item) => self.text_value(Some(item), None, &format!("{path}.{key}"), at),
        }
    }

    /// An array of texts, e.g. objectives or acceptance criteria.
    fn texts(&mut self, t: &dyn TableLike, key: &str, path: &str, at: &Span) -> Vec<Text> {
        let Some(item) = t.get(key) else {
            self.missing(at, key, path);
            return vec![];
        };
        let Some(arr) = item.as_array() else {
            self.problem(&item.span(), format!("`{key}` in {path} must be an array of {{ en, zh }} tables"));
            return vec![];
        };
        if arr.is_empty() {
            self.problem(&item.span(), format!("`{key}` in {path} must not be empty"));
        }
        arr.iter()
            .enumerate()
            .filter_map(|(i, v)| self.text_value(None, Some(v), &format!("{path}.{key}[{}]", i + 1), &item.span()))
            .collect()
    }

    /// `after = ["key", { key = "…", type = "SS", lag = 5 }]`: what an item waits for. A bare
    /// key is finish-to-start without lag. Each link keeps its span for later checks.
    fn after(&mut self, t: &dyn TableLike, path: &str) -> Vec<(After, Span)> {
        let Some(item) = t.get("after") else { return vec![] };
        let Some(arr) = item.as_array() else {
            self.problem(
                &item.span(),
                format!("`after` in {path} must be an array of keys or {{ key, type, lag }} tables"),
            );
            return vec![];
        };
        let mut out = vec![];
        for v in arr.iter() {
            if let Some(k) = v.as_str() {
                out.push((After { key: k.to_string(), kind: "FS".into(), lag: 0 }, v.span()));
                continue;
            }
            let Some(it) = v.as_inline_table() else {
                self.problem(
                    &v.span(),
                    format!("each entry of `after` in {path} must be a key or a {{ key, type, lag }} table"),
                );
                continue;
            };
            let lpath = format!("`after` of {path}");
            self.known_keys(it, &["key", "type", "lag"], &lpath);
            let Some(key) = self.string(it, "key", &lpath, &v.span()) else { continue };
            let kind = match it.get("type") {
                None => Some("FS".to_string()),
                Some(k) => match k.as_str().filter(|k| cpm::LinkKind::parse(k).is_some()) {
                    Some(k) => Some(k.to_string()),
                    None => {
                        let span = it.get("type").and_then(|x| x.span()).or(v.span());
                        self.problem(&span, format!("type in {lpath} must be FS, SS, FF or SF"));
                        None
                    }
                },
            };
            let lag = match it.get("lag") {
                None => Some(0),
                Some(_) => match self.integer(it, "lag", &lpath, &v.span()) {
                    Some((n, _)) if (-260..=260).contains(&n) => Some(n),
                    Some((n, sp)) => {
                        self.problem(
                            &sp,
                            format!("lag in {lpath} must be between -260 and 260 working days, found {n}"),
                        );
                        None
                    }
                    None => None,
                },
            };
            if let (Some(kind), Some(lag)) = (kind, lag) {
                out.push((After { key, kind, lag }, v.span()));
            }
        }
        out
    }

    /// An array of tables (`[[x]]` or `x = [{…}]`), each with its span.
    fn tables<'d>(
        &mut self,
        t: &'d dyn TableLike,
        key: &str,
        path: &str,
        at: &Span,
        required: bool,
    ) -> Vec<(&'d dyn TableLike, Span)> {
        let Some(item) = t.get(key) else {
            if required {
                self.problem(at, format!("{path} has no `{key}`"));
            }
            return vec![];
        };
        if let Some(aot) = item.as_array_of_tables() {
            return aot.iter().map(|t| (t as &dyn TableLike, t.span())).collect();
        }
        if let Some(arr) = item.as_array() {
            let mut out = vec![];
            for v in arr.iter() {
                match v.as_inline_table() {
                    Some(it) => out.push((it as &dyn TableLike, v.span())),
                    None => self.problem(&v.span(), format!("each entry of `{key}` in {path} must be a table")),
                }
            }
            return out;
        }
        self.problem(&item.span(), format!("`{key}` in {path} must be an array of tables ([[{key}]])"));
        vec![]
    }
}

/// Parse and validate a playbook. `file` is only used in the messages.
pub fn parse(file: &str, src: &str) -> Result<Playbook, Vec<Problem>> {
    let mut r = Reader { file, src, problems: vec![] };
    let doc = match Document::parse(src) {
        Ok(d) => d,
        Err(e) => {
            r.problem(&e.span(), format!("TOML syntax error: {}", e.message().trim()));
            return Err(r.problems);
        }
    };
    let root: &dyn TableLike = doc.as_table();
    let top: Span = Some(0..0);
    r.known_keys(root, &["key", "version", "name", "description", "phases"], "the playbook");
    let key = r.key_string(root, "the playbook", &top).map(|k| k.0);
    let version = match r.integer(root, "version", "the playbook", &top) {
        Some((v, _)) if v >= 1 => Some(v),
        Some((v, sp)) => {
            r.problem(&sp, format!("version must be 1 or more, found {v}"));
            None
        }
        None => None,
    };
    let name = r.text(root, "name", "the playbook", &top);
    let description = r.text(root, "description", "the playbook", &top);

    // Keys of activities, milestones and deliverables are unique across the playbook so that
    // a project's rows can always be traced back to the playbook entry they came from.
    let mut phase_keys = HashSet::new();
    let mut item_keys = HashSet::new();
    let mut phases = vec![];
    // (successor key, link, where it is written), checked once every key is known.
    let mut links: Vec<(String, After, Span)> = vec![];
    let phase_tables = r.tables(root, "phases", "the playbook", &top, true);
    if phase_tables.is_empty() {
        r.problem(&top, "the playbook has no phases".into());
    }
    for (i, (pt, pspan)) in phase_tables.into_iter().enumerate() {
        let path = format!("phases[{}]", i + 1);
        r.known_keys(pt, &["key", "weeks", "name", "objectives", "activities", "milestones", "deliverables"], &path);
        let pkey = r.key_string(pt, &path, &pspan);
        if let Some((k, sp)) = &pkey
            && !phase_keys.insert(k.clone())
        {
            r.problem(sp, format!("duplicate phase key `{k}`"));
        }
        let path = pkey.as_ref().map_or(path, |(k, _)| format!("phase `{k}`"));
        let weeks = match r.integer(pt, "weeks", &path, &pspan) {
            Some((w, _)) if (1..=52).contains(&w) => Some(w as u32),
            Some((w, sp)) => {
                r.problem(&sp, format!("weeks in {path} must be between 1 and 52, found {w}"));
                None
            }
            None => None,
        };
        let name = r.text(pt, "name", &path, &pspan);
        let objectives = r.texts(pt, "objectives", &path, &pspan);

        let mut unique = |r: &mut Reader, k: Option<(String, Span)>| -> Option<String> {
            let (k, sp) = k?;
            if !item_keys.insert(k.clone()) {
                r.problem(&sp, format!("duplicate key `{k}` (keys of activities, milestones and deliverables must be unique in the playbook)"));
            }
            Some(k)
        };

        let mut activities = vec![];
        let at = r.tables(pt, "activities", &path, &pspan, true);
        if at.is_empty() {
            r.problem(&pspan, format!("{path} has no activities"));
        }
        for (j, (t, sp)) in at.into_iter().enumerate() {
            let apath = format!("{path} activities[{}]", j + 1);
            r.known_keys(t, &["key", "tier", "name", "days", "after"], &apath);
            let key = r.key_string(t, &apath, &sp);
            let key = unique(&mut r, key);
            let tier = r.string(t, "tier", &apath, &sp).and_then(|s| {
                let tier = Tier::parse(&s);
                if tier.is_none() {
                    let span = t.get("tier").and_then(Item::span);
                    r.problem(
                        &span,
                        format!(
                            "unknown tier `{s}` in {apath} (use steering_committee, project_team or functional_group)"
                        ),
                    );
                }
                tier
            });
            let name = r.text(t, "name", &apath, &sp);
            let days = match t.get("days") {
                None => Some(None),
                Some(_) => match r.integer(t, "days", &apath, &sp) {
                    Some((d, _)) if (1..=260).contains(&d) => Some(Some(d as u32)),
                    Some((d, sp)) => {
                        r.problem(&sp, format!("days in {apath} must be between 1 and 260, found {d}"));
                        None
                    }
                    None => None,
                },
            };
            let after = r.after(t, &apath);
            if let (Some(key), Some(tier), Some(name), Some(days)) = (key, tier, name, days) {
                links.extend(after.iter().map(|(a, sp)| (key.clone(), a.clone(), sp.clone())));
                activities.push(Activity { key, tier, name, days, after: after.into_iter().map(|a| a.0).collect() });
            }
        }

        let mut milestones = vec![];
        for (j, (t, sp)) in r.tables(pt, "milestones", &path, &pspan, false).into_iter().enumerate() {
            let mpath = format!("{path} milestones[{}]", j + 1);
            r.known_keys(t, &["key", "name", "after"], &mpath);
            let key = r.key_string(t, &mpath, &sp);
            let key = unique(&mut r, key);
            let name = r.text(t, "name", &mpath, &sp);
            let after = r.after(t, &mpath);
            if let (Some(key), Some(name)) = (key, name) {
                links.extend(after.iter().map(|(a, sp)| (key.clone(), a.clone(), sp.clone())));
                milestones.push(Milestone { key, name, after: after.into_iter().map(|a| a.0).collect() });
            }
        }

        let mut deliverables = vec![];
        let dt = r.tables(pt, "deliverables", &path, &pspan, true);
        for (j, (t, sp)) in dt.into_iter().enumerate() {
            let dpath = format!("{path} deliverables[{}]", j + 1);
            r.known_keys(t, &["key", "gate", "name", "acceptance"], &dpath);
            let key = r.key_string(t, &dpath, &sp);
            let key = unique(&mut r, key);
            let gate = r.boolean(t, "gate", &dpath, false);
            let name = r.text(t, "name", &dpath, &sp);
            let acceptance = r.texts(t, "acceptance", &dpath, &sp);
            if let (Some(key), Some(name)) = (key, name) {
                deliverables.push(Deliverable { key, gate, name, acceptance });
            }
        }
        if !deliverables.iter().any(|d| d.gate) && !deliverables.is_empty() {
            r.problem(&pspan, format!("{path} has no gate deliverable (set `gate = true` on at least one)"));
        }

        if let (Some((key, _)), Some(weeks), Some(name)) = (pkey, weeks, name) {
            phases.push(Phase { key, weeks, name, objectives, activities, milestones, deliverables });
        }
    }

    check_links(&mut r, &phases, &links);

    if !r.problems.is_empty() {
        return Err(r.problems);
    }
    match (key, version, name, description) {
        (Some(key), Some(version), Some(name), Some(description)) => {
            Ok(Playbook { key, version, name, description, phases })
        }
        _ => Err(vec![Problem { file: file.into(), line: 1, col: 1, message: "incomplete playbook".into() }]),
    }
}

/// The scheduled items of a playbook in order (each phase's activities, then its
/// milestones) with their keys, durations and links: what a new project is scheduled from.
/// Links naming unknown keys are left out (the parser reports them).
pub fn network(phases: &[Phase]) -> (Vec<String>, Vec<cpm::Task>, Vec<cpm::Link>) {
    let mut keys = vec![];
    let mut tasks = vec![];
    let mut after: Vec<(usize, &After)> = vec![];
    for p in phases {
        let whole = i64::from(p.weeks) * 5;
        for a in &p.activities {
            after.extend(a.after.iter().map(|x| (keys.len(), x)));
            keys.push(a.key.clone());
            tasks.push(cpm::Task { duration: a.days.map_or(whole, i64::from), not_before: 0 });
        }
        for m in &p.milestones {
            after.extend(m.after.iter().map(|x| (keys.len(), x)));
            keys.push(m.key.clone());
            tasks.push(cpm::Task { duration: 0, not_before: 0 });
        }
    }
    let index: HashMap<&str, usize> = keys.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    let links = after
        .into_iter()
        .filter_map(|(succ, a)| {
            Some(cpm::Link {
                pred: *index.get(a.key.as_str())?,
                succ,
                kind: cpm::LinkKind::parse(&a.kind)?,
                lag: a.lag,
            })
        })
        .collect();
    (keys, tasks, links)
}

/// Every link names an activity or milestone of the playbook, other than its own item, once;
/// and the network has no loop (the loop is named, at the link that closes it).
fn check_links(r: &mut Reader, phases: &[Phase], links: &[(String, After, Span)]) {
    let items: HashSet<&str> = phases
        .iter()
        .flat_map(|p| p.activities.iter().map(|a| a.key.as_str()).chain(p.milestones.iter().map(|m| m.key.as_str())))
        .collect();
    let mut seen = HashSet::new();
    let mut bad = false;
    for (succ, a, sp) in links {
        if !items.contains(a.key.as_str()) {
            r.problem(sp, format!("`{succ}` waits for `{}`, which is no activity or milestone of the playbook", a.key));
            bad = true;
        } else if *succ == a.key {
            r.problem(sp, format!("`{succ}` waits for itself"));
            bad = true;
        } else if !seen.insert((succ.as_str(), a.key.as_str())) {
            r.problem(sp, format!("`{succ}` waits for `{}` twice", a.key));
        }
    }
    if bad {
        return;
    }
    let (keys, tasks, net) = network(phases);
    if let Err(cpm::ScheduleError::Cycle(c)) = cpm::schedule(&tasks, &net) {
        let names: Vec<&str> = c.iter().map(|&i| keys[i].as_str()).collect();
        // Point at the link from the loop's last item back to its first.
        let (first, last) = (names.first().copied().unwrap_or(""), names.last().copied().unwrap_or(""));
        let span = links.iter().find(|(s, a, _)| s == first && a.key == last).and_then(|l| l.2.clone());
        let mut around = names.clone();
        around.push(first);
        r.problem(&span, format!("dependency cycle: {}", around.join(" → ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINI: &str = r#"key = "mini"
version = 1
name = { en = "Mini", zh = "迷你" }
description = { en = "A test", zh = "测试" }

[[phases]]
key = "one"
weeks = 2
name = { en = "One", zh = "一" }
objectives = [{ en = "Do", zh = "做" }]

[[phases.activities]]
key = "a1"
tier = "project_team"
name = { en = "Act", zh = "活动" }

[[phases.deliverables]]
key = "d1"
gate = true
name = { en = "Doc", zh = "文档" }
acceptance = [{ en = "Signed", zh = "已签字" }]
"#;

    #[test]
    fn parses_a_minimal_playbook() {
        let pb = parse("mini.toml", MINI).unwrap();
        assert_eq!(pb.phases.len(), 1);
        assert_eq!(pb.phases[0].activities[0].tier, Tier::ProjectTeam);
        assert!(pb.phases[0].deliverables[0].gate);
    }

    #[test]
    fn reports_all_problems_with_lines() {
        let broken = MINI
            .replace("weeks = 2", "weeks = 0\nduration = 3")
            .replace("name = { en = \"Act\", zh = \"活动\" }", "name = { en = \"Act\" }")
            .replace("tier = \"project_team\"", "tier = \"board\"");
        let problems = parse("b.toml", &broken).unwrap_err();
        let text = problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n");
        assert!(text.contains("b.toml:8:9: weeks in phase `one` must be between 1 and 52, found 0"), "{text}");
        assert!(text.contains("b.toml:9:1: unknown key `duration`"), "{text}");
        assert!(text.contains("unknown tier `board`"), "{text}");
        assert!(text.contains("missing Chinese translation (`zh`)"), "{text}");
        assert_eq!(problems.len(), 4, "{text}");
    }

    #[test]
    fn links_are_checked_and_cycles_named_with_their_place() {
        let net = MINI.replace(
            "name = { en = \"Act\", zh = \"活动\" }\n",
            "name = { en = \"Act\", zh = \"活动\" }\ndays = 3\nafter = [\"m1\"]\n\n[[phases.activities]]\nkey = \"a2\"\ntier = \"project_team\"\nname = { en = \"B\", zh = \"乙\" }\nafter = [{ key = \"a1\", type = \"SS\", lag = 2 }]\n\n[[phases.milestones]]\nkey = \"m1\"\nname = { en = \"M\", zh = \"里\" }\nafter = [\"a2\"]\n",
        );
        let p = parse("n.toml", &net).unwrap_err();
        let text = p.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n");
        assert_eq!(p.len(), 1, "{text}");
        // a1 waits for m1 (line 17), which waits for a2 (line 23), which waits for a1: the
        // loop is named around, at the link that closes it.
        assert!(text.starts_with("n.toml:23:10: dependency cycle: a2 → m1 → a1 → a2"), "{text}");
        for k in ["a1", "a2", "m1"] {
            assert!(text.contains(k), "{text}");
        }
        // Without the loop it parses, with its days, link types and lags.
        let ok = net.replace("after = [\"m1\"]\n", "");
        let pb = parse("n.toml", &ok).unwrap_or_else(|p| panic!("{p:?}"));
        assert!(pb.has_network());
        assert_eq!(pb.phases[0].activities[0].days, Some(3));
        assert_eq!(pb.phases[0].activities[1].after, [After { key: "a1".into(), kind: "SS".into(), lag: 2 }]);
        let (_, tasks, links) = network(&pb.phases);
        let s = cpm::schedule(&tasks, &links).unwrap();
        // a1 3 days; a2 (the phase: 10 days) starts 2 days after a1; m1 after a2.
        assert_eq!((s[1].early_start, s[2].early_start), (2, 12));
        // Unknown keys, types and targets are named where they are written.
        let bad =
            ok.replace("type = \"SS\"", "type = \"XX\", weight = 1").replace("after = [\"a2\"]", "after = [\"d1\"]");
        let p = parse("b.toml", &bad).unwrap_err();
        let text = p.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n");
        assert!(text.contains("type in `after` of phase `one` activities[2] must be FS, SS, FF or SF"), "{text}");
        assert!(text.contains("unknown key `weight`"), "{text}");
        assert!(text.contains("`m1` waits for `d1`, which is no activity or milestone"), "{text}");
        assert!(p.iter().all(|p| p.line > 1), "{text}");
    }

    #[test]
    fn duplicate_phase_keys_and_syntax_errors() {
        let dup = format!(
            "{MINI}\n{}",
            &MINI[MINI.find("[[phases]]").unwrap()..].replace("\"a1\"", "\"a2\"").replace("\"d1\"", "\"d2\"")
        );
        let p = parse("d.toml", &dup).unwrap_err();
        assert!(p.iter().any(|p| p.message == "duplicate phase key `one`" && p.line > 20), "{p:?}");
        let p = parse("s.toml", "key = \"x\nversion = 1\n").unwrap_err();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].line, 1);
        assert!(p[0].message.starts_with("TOML syntax error"));
    }
}
