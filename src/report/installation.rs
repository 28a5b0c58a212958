//! The installation and access-control record (phase 3): each CRM environment with its
//! sizing, installation date, security roles and administrator training, from the
//! diagnosis view the Diagnosis page shows.
use super::*;

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let envs = &f.diagnosis.environments;
    let mut b = vec![
        h1(d(lang, "diag.installation")),
        Block::Para(d(lang, "diag.installation_help")),
        Block::Table(Table {
            widths: vec![1.2, 2.4, 1.3, 1.2],
            header: vec![
                t(lang, "inst.environment"),
                d(lang, "diag.sizing"),
                d(lang, "diag.installed_on"),
                d(lang, "diag.admin_trained"),
            ],
            rows: envs
                .iter()
                .map(|r| {
                    let e = r.env.as_ref();
                    vec![
                        d(lang, &format!("diag.env.{}", r.kind)),
                        e.map_or("–".into(), |e| e.sizing.clone()),
                        date(e.and_then(|e| e.installed_on)),
                        match e {
                            Some(e) if e.admin_trained => t(lang, "yes"),
                            Some(_) => t(lang, "inst.no"),
                            None => "–".into(),
                        },
                    ]
                })
                .collect(),
            right: vec![],
        }),
        h1(d(lang, "diag.security_roles")),
    ];
    for r in envs {
        b.push(h2(d(lang, &format!("diag.env.{}", r.kind))));
        match r.env.as_ref().filter(|e| !e.security_roles.trim().is_empty()) {
            Some(e) => b.push(Block::Bullets(
                e.security_roles.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect(),
            )),
            None => b.push(Block::Note(t(lang, "inst.not_recorded"))),
        }
    }
    b
}
