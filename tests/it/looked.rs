//! The pages issues 13–15 added, as the demo shows them to a director reading Chinese and
//! one reading English (docs/screenshots/LOOKED-pages.md): names, units and labels in the
//! page's language, a figure the same wherever it appears, empty states that say what to do.
use crate::harness::*;
use ninefold::playbook;
use ninefold::service::{demo, demo_golive, demo_insurer};

/// The demo loaded and the director logged in; returns the client and the ids of the
/// insurer (phase 6) and the service pilot (hypercare).
async fn demo_director(t: &TestApp) -> (Client, i32, i32) {
    let pb = playbook::parse("nine-phase.toml", playbook::NINE_PHASE).unwrap();
    demo::ensure(&t.db, &pb, chrono::Utc::now().date_naive()).await.unwrap();
    let id = async |name: &str| t.count(&format!("SELECT id FROM projects WHERE name = '{name}'")).await as i32;
    let (insurer, pilot) = (id(demo_insurer::PROJECT_NAME).await, id(demo_golive::PROJECT_NAME).await);
    let mut c = t.client();
    c.get("/login").await;
    c.post("/login", &[("email", "wang.fang@huamei.example"), ("password", demo::PASSWORD)]).await.assert_redirect();
    (c, insurer, pilot)
}

#[tokio::test]
async fn phase_5_and_6_pages_speak_the_pages_language() {
    on_each_db(|t| async move {
        let (mut c, p, _) = demo_director(&t).await;
        c.lang = Some("zh-CN".into());
        // The configuration record: items for every module, features named in Chinese,
        // two steps still without a configured item, six interfaces.
        let page = c.get(&format!("/projects/{p}/configuration")).await.body;
        assert!(
            page.contains("<strong>建议书生成</strong>") && page.contains("<strong>电子邮件与传真</strong>"),
            "{page}"
        );
        assert_eq!(page.matches("class=\"gap\"").count(), 2);
        assert_eq!(page.matches("id=\"interface-").count(), 6);
        assert!(page.contains("第 5 步：Receive the decision"), "{page}");
        // The blueprint's module column names the module, not its key.
        let claims = t.count(&format!("SELECT id FROM blueprints WHERE project_id = {p} AND name LIKE '理赔%'")).await;
        let page = c.get(&format!("/projects/{p}/blueprint/{claims}")).await.body;
        assert!(page.contains("<td>客户服务与支持</td>") && !page.contains("<td>service</td>"), "{page}");
        // Conversion trials: the entity in Chinese, counts with separators.
        let page = c.get(&format!("/projects/{p}/conversion")).await.body;
        assert!(page.contains("客户 · 记录数（清单） 1,240,000"), "{page}");
        assert!(page.contains(">1,212,000 <") && !page.contains(">1212000"));
        // A defect names the failed step of its test case, not a process step.
        let d = t.count(&format!("SELECT MIN(id) FROM defects WHERE project_id = {p}")).await;
        let page = c.get(&format!("/projects/{p}/testing/defects/{d}")).await.body;
        assert!(page.contains("测试步骤 1 失败") && page.contains("缺陷 #"), "{page}");
        // The testing tab: the half-width colon is gone from Chinese labels; the charts count
        // in whole numbers; the burn-ups stop at today.
        let page = c.get(&format!("/projects/{p}/testing")).await.body;
        assert!(!page.contains(">0.5<"), "no half defect on an axis");
        assert!(page.contains("服务请求管理"));
        let gate = c.get(&format!("/projects/{p}/phases/6/gate")).await.body;
        assert!(gate.contains("阶段评审：") && !gate.contains("阶段评审: "), "{gate}");
        // English: the same pages in English.
        c.lang = Some("en".into());
        let page = c.get(&format!("/projects/{p}/configuration")).await.body;
        assert!(
            page.contains("<strong>Proposal generation</strong>") && page.contains("step 5: Receive the decision"),
            "{page}"
        );
        let page = c.get(&format!("/projects/{p}/conversion")).await.body;
        assert!(page.contains("Customers · ") && page.contains("1,240,000"), "{page}");
        let gate = c.get(&format!("/projects/{p}/phases/6/gate")).await.body;
        assert!(gate.contains("Phase gate: "), "{gate}");
    })
    .await;
}

#[tokio::test]
async fn phase_7_to_9_pages_speak_the_pages_language_and_agree() {
    on_each_db(|t| async move {
        let (mut c, _, p) = demo_director(&t).await;
        c.lang = Some("zh-CN".into());
        // Durations in the page's words, never "min" on a Chinese page.
        let page = c.get(&format!("/projects/{p}/cutover")).await.body;
        assert!(page.contains("时长（分钟）") && page.contains("实际（分钟）") && !page.contains(" min<"), "{page}");
        let r = t.count(&format!("SELECT MIN(id) FROM cutover_rehearsals WHERE project_id = {p}")).await;
        let page = c.get(&format!("/projects/{p}/cutover/rehearsals/{r}")).await.body;
        assert!(page.contains("30 分钟") && !page.contains(" min<"), "{page}");
        let page = c.get(&format!("/projects/{p}/hypercare")).await.body;
        assert!(page.contains("<td>30 分钟</td>") && page.contains("<td>4 小时</td>"), "{page}");
        assert!(page.contains("上线保障期") && !page.contains("重点支持"));
        // The finished cutover shows its own duration against the plan's, not the days since.
        let live = c.get(&format!("/projects/{p}/cutover/live")).await.body;
        assert!(live.contains("<span class=\"small muted\">计划 14:45</span>"), "{live}");
        let projector = c.get(&format!("/projects/{p}/cutover/projector")).await.body;
        assert!(projector.contains("所有任务均已完成"), "{projector}");
        // The rehearsal on the readiness page in the runbook's hours, its variance as the
        // runbook shows it.
        let page = c.get(&format!("/projects/{p}/readiness")).await.body;
        assert!(page.contains("14.75 h &#x2f; 14.75 h · 0%"), "{page}");
        assert!(page.contains("红黄绿") && !page.contains("<th>RAG</th>"));
        let runbook = c.get(&format!("/projects/{p}/cutover")).await.body;
        assert!(runbook.contains("<td>14:45</td><td>0%</td>"), "{runbook}");
        // Gates 7 and 8 show the go-live facts and link to them.
        for seq in [7, 8] {
            let gate = c.get(&format!("/projects/{p}/phases/{seq}/gate")).await.body;
            assert!(gate.contains("id=\"go-live\"") && gate.contains("上线准备情况"), "{gate}");
            assert!(gate.contains(&format!("href=\"/projects/{p}/readiness\"")));
        }
        let gate8 = c.get(&format!("/projects/{p}/phases/8/gate")).await.body;
        assert!(gate8.contains(&format!("href=\"/projects/{p}/acceptance\"")) && gate8.contains("上线保障期结束标准"));
        // Evaluation: the discount rate is a percentage; the pilot has no budget and says so.
        let page = c.get(&format!("/projects/{p}/evaluation")).await.body;
        assert!(page.contains("折现率 8%。"), "{page}");
        let page = c.get(&format!("/projects/{p}/budget")).await.body;
        assert!(page.contains("id=\"no-budget\"") && page.contains("尚未编制预算"), "{page}");
        // The pilot's organisation follows the method: no rule broken on its overview.
        c.lang = Some("en".into());
        let overview = c.get(&format!("/projects/{p}")).await.body;
        assert!(!overview.contains("The organisation breaks rules of the method"), "{overview}");
        let page = c.get(&format!("/projects/{p}/evaluation")).await.body;
        assert!(page.contains("discount rate 8%."), "{page}");
        let page = c.get(&format!("/projects/{p}/hypercare")).await.body;
        assert!(page.contains("<td>30 min</td>") && page.contains("<td>4 h</td>"), "{page}");
        let gate = c.get(&format!("/projects/{p}/phases/8/gate")).await.body;
        assert!(gate.contains("Go-live readiness") && gate.contains("Hypercare exit criteria: not met"), "{gate}");
    })
    .await;
}

#[tokio::test]
async fn budget_amounts_keep_their_decimals_and_name_the_ev_figures() {
    on_each_db(|t| async move {
        let (mut c, p, _) = demo_director(&t).await;
        c.lang = Some("en".into());
        let page = c.get(&format!("/projects/{p}/budget")).await.body;
        // The insurer's budget started from its case beside the change request's line, the
        // partner's contract and two invoices: every amount with the currency's two decimals.
        assert!(
            page.contains(">3,200,000.00<") && page.contains(">750,000.00<") && page.contains("value=\"180,000.00\""),
            "{page}"
        );
        assert!(page.contains("<abbr title=\"Cost performance index (EV &#x2f; AC)\">CPI</abbr>"), "{page}");
        // Invoiced 1.5 million against about 1.6 million earned: cost on track.
        assert!(page.contains("<span class=\"rag rag-green\">Cost on track</span>"), "{page}");
        assert!(!page.contains("id=\"no-budget\""));
        c.lang = Some("zh-CN".into());
        let page = c.get(&format!("/projects/{p}/budget")).await.body;
        assert!(page.contains("<abbr title=\"成本绩效指数（EV &#x2f; AC）\">CPI</abbr>"), "{page}");
        let overview = c.get(&format!("/projects/{p}")).await.body;
        assert!(!overview.contains("项目组织不符合方法规则"), "{overview}");
    })
    .await;
}
