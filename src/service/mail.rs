//! E-mail: a message is composed in the recipient's language (plain text and HTML from one
//! [`Letter`]), written to the outbox in the caller's transaction ([`enqueue`]), and sent by
//! the outbox worker through SMTP (`NINEFOLD_SMTP_URL`, sender `NINEFOLD_MAIL_FROM`). With
//! `NINEFOLD_MAIL_DIR` each message is also written there as an `.eml` file; with neither,
//! messages wait in the outbox, where administrators see them (`/admin/outbox`).
use super::Result;
use super::outbox::{self, Dispatch};
use crate::i18n::{self, Lang};
use futures_util::future::BoxFuture;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// The outbox channel of e-mail.
pub const CHANNEL: &str = "email";

/// An e-mail as the outbox keeps it: addressed, both bodies rendered.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub to_name: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// One line of a letter's list (a digest's notification): its text, link, and whether overdue.
#[derive(Clone, Debug, Serialize)]
pub struct Item {
    pub text: String,
    pub url: String,
    pub overdue: bool,
}

/// A titled list (a digest groups by project).
#[derive(Clone, Debug, Serialize)]
pub struct Group {
    pub title: String,
    pub items: Vec<Item>,
}

/// What a message says, before it is rendered as plain text and as HTML. All texts are
/// already in the recipient's language.
#[derive(Clone, Debug, Serialize)]
pub struct Letter {
    pub lang: &'static str,
    pub subject: String,
    pub greeting: String,
    pub paragraphs: Vec<String>,
    pub groups: Vec<Group>,
    /// The main button: label and absolute URL.
    pub action: Option<(String, String)>,
    pub footer: String,
}

impl Letter {
    /// A letter in `lang` to `name`, with the standard greeting and footer.
    pub fn new(lang: Lang, name: &str, subject: String) -> Letter {
        Letter {
            lang: lang.code(),
            subject,
            greeting: i18n::tf(lang, "collab.mail.greeting", &[("name", name)]),
            paragraphs: vec![],
            groups: vec![],
            action: None,
            footer: i18n::t(lang, "collab.mail.footer"),
        }
    }

    /// The plain-text body.
    pub fn text(&self) -> String {
        let mut s = format!("{}\n\n", self.greeting);
        for p in &self.paragraphs {
            s.push_str(p);
            s.push_str("\n\n");
        }
        for g in &self.groups {
            s.push_str(&g.title);
            s.push('\n');
            for i in &g.items {
                s.push_str(&format!("  - {}\n    {}\n", i.text, i.url));
            }
            s.push('\n');
        }
        if let Some((label, url)) = &self.action {
            // Chinese takes the full-width colon.
            let colon = if self.lang == "zh" { "：" } else { ": " };
            s.push_str(&format!("{label}{colon}{url}\n\n"));
        }
        s.push_str("-- \n");
        s.push_str(&self.footer);
        s.push('\n');
        s
    }

    /// The HTML body (`templates/mail/message.html`, escaped like every page).
    pub fn html(&self) -> String {
        static ENV: OnceLock<minijinja::Environment<'static>> = OnceLock::new();
        let env = ENV.get_or_init(crate::web::render::environment);
        env.get_template("mail/message.html")
            .and_then(|t| t.render(minijinja::context! { lang => self.lang, m => crate::web::render::ser(self) }))
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "mail template error");
                String::new()
            })
    }

    /// Addressed to `to` (`name`), both bodies rendered.
    pub fn to_mail(&self, to: &str, name: &str) -> Mail {
        Mail {
            to: to.to_string(),
            to_name: name.to_string(),
            subject: self.subject.clone(),
            text: self.text(),
            html: self.html(),
        }
    }
}

/// Write `mail` to the outbox in the caller's transaction, identified by `key` (enqueuing
/// the same key again stores nothing).
pub async fn enqueue<C: ConnectionTrait>(c: &C, key: &str, mail: &Mail) -> Result<()> {
    outbox::enqueue(c, CHANNEL, key, mail).await
}

/// As [`enqueue`], at an injected instant.
pub async fn enqueue_at<C: ConnectionTrait>(
    c: &C,
    key: &str,
    mail: &Mail,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    outbox::enqueue_at(c, CHANNEL, key, mail, now).await
}

/// An absolute link: `base` (`NINEFOLD_BASE_URL`) and a path of the app.
pub fn link(base: &str, path: &str) -> String {
    format!("{}{}", base.trim_end_matches('/'), path)
}

/// How the connection to the relay is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    /// `smtp://host`: plain SMTP, for a relay on the same machine or a private network. No
    /// opportunistic upgrade: a local relay's self-signed certificate would fail verification
    /// and hold every message, and a downgrade-able upgrade protects nothing anyway.
    None,
    /// `smtp://host:587?tls=required`: STARTTLS, refused to send when the relay does not offer it.
    StartTls,
    /// `smtps://host` (port 465 by default): TLS from the first byte.
    Implicit,
}

/// `smtp://[user:password@]host[:port][?tls=required]` (port 25 by default) or
/// `smtps://[user:password@]host[:port]` (port 465). Certificates are verified against the
/// bundled web roots plus `NINEFOLD_SMTP_CA_FILE` (a PEM file, for a company's own CA).
#[derive(Debug, PartialEq, Eq)]
pub struct SmtpUrl {
    pub host: String,
    pub port: u16,
    pub credentials: Option<(String, String)>,
    pub tls: SmtpTls,
}

impl SmtpUrl {
    pub fn parse(url: &str) -> std::result::Result<SmtpUrl, String> {
        let bad = |why: &str| format!("NINEFOLD_SMTP_URL `{url}`: {why}");
        let url_t = url.trim();
        let (rest, implicit) = match (url_t.strip_prefix("smtp://"), url_t.strip_prefix("smtps://")) {
            (Some(r), _) => (r, false),
            (_, Some(r)) => (r, true),
            _ => return Err(bad("use smtp://host:port, smtp://host:587?tls=required (STARTTLS) or smtps://host:465")),
        };
        let query = rest.split_once('?').map(|(_, q)| q).unwrap_or("");
        let mut tls = if implicit { SmtpTls::Implicit } else { SmtpTls::None };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("tls", "required" | "starttls")) if !implicit => tls = SmtpTls::StartTls,
                Some(("tls", "none")) if !implicit => tls = SmtpTls::None,
                _ => return Err(bad("the only setting is tls=required (STARTTLS) on smtp://")),
            }
        }
        let rest = rest.split(['/', '?']).next().unwrap_or("");
        let (creds, hostport) = match rest.rsplit_once('@') {
            Some((c, h)) => (Some(c), h),
            None => (None, rest),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().map_err(|_| bad("the port is not a number"))?),
            None => (hostport, if implicit { 465 } else { 25 }),
        };
        if host.is_empty() {
            return Err(bad("no host"));
        }
        let decode = |s: &str| -> String {
            let bytes = s.as_bytes();
            let mut out = Vec::with_capacity(bytes.len());
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'%'
                    && let Some(b) = bytes
                        .get(i + 1..i + 3)
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    out.push(b);
                    i += 3;
                } else {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
            String::from_utf8_lossy(&out).into_owned()
        };
        let credentials = creds.map(|c| {
            let (u, p) = c.split_once(':').unwrap_or((c, ""));
            (decode(u), decode(p))
        });
        Ok(SmtpUrl { host: host.trim_matches(['[', ']']).to_string(), port, credentials, tls })
    }
}

/// Delivers the outbox's e-mail: through SMTP when configured, and as `.eml` files when a
/// folder is configured.
pub struct Mailer {
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
    dir: Option<PathBuf>,
}

impl Mailer {
    /// `smtp_url` like `smtp://127.0.0.1:2525` (see [`SmtpUrl`]; credentials as
    /// `smtp://user:pass@host:port`); `from` the sender address; `dir` a folder for `.eml`;
    /// `ca_pem` an extra root certificate (PEM) trusted for the relay's TLS.
    pub fn new(
        smtp_url: Option<&str>,
        from: &str,
        dir: Option<PathBuf>,
        ca_pem: Option<&[u8]>,
    ) -> std::result::Result<Mailer, String> {
        use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
        let smtp = match smtp_url {
            Some(u) => {
                let s = SmtpUrl::parse(u)?;
                let tls = || -> std::result::Result<TlsParameters, String> {
                    let mut p = TlsParameters::builder(s.host.clone());
                    if let Some(pem) = ca_pem {
                        let cert = Certificate::from_pem(pem).map_err(|e| format!("NINEFOLD_SMTP_CA_FILE: {e}"))?;
                        p = p.add_root_certificate(cert);
                    }
                    p.build_rustls().map_err(|e| format!("TLS for {}: {e}", s.host))
                };
                let tls = match s.tls {
                    SmtpTls::None => Tls::None,
                    SmtpTls::StartTls => Tls::Required(tls()?),
                    SmtpTls::Implicit => Tls::Wrapper(tls()?),
                };
                let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(s.host.clone())
                    .port(s.port)
                    .tls(tls)
                    .timeout(Some(std::time::Duration::from_secs(20)));
                if let Some((user, pass)) = s.credentials {
                    b = b.credentials(lettre::transport::smtp::authentication::Credentials::new(user, pass));
                }
                Some(b.build())
            }
            None => None,
        };
        let from: Mailbox = from.parse().map_err(|e| format!("NINEFOLD_MAIL_FROM `{from}`: {e}"))?;
        Ok(Mailer { smtp, from, dir })
    }

    /// From `NINEFOLD_SMTP_URL`, `NINEFOLD_MAIL_FROM` (default `Ninefold <ninefold@localhost>`)
    /// and `NINEFOLD_MAIL_DIR`; `None` when neither SMTP nor a folder is configured (messages
    /// then wait in the outbox).
    pub fn from_env() -> Option<Mailer> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let smtp = var("NINEFOLD_SMTP_URL");
        let dir = var("NINEFOLD_MAIL_DIR").map(PathBuf::from);
        if smtp.is_none() && dir.is_none() {
            return None;
        }
        let from = var("NINEFOLD_MAIL_FROM").unwrap_or_else(|| "Ninefold <ninefold@localhost>".into());
        let ca = match var("NINEFOLD_SMTP_CA_FILE").map(std::fs::read).transpose() {
            Ok(ca) => ca,
            Err(e) => {
                tracing::error!(error = %e, "NINEFOLD_SMTP_CA_FILE cannot be read; messages stay in the outbox");
                return None;
            }
        };
        match Mailer::new(smtp.as_deref(), &from, dir, ca.as_deref()) {
            Ok(m) => Some(m),
            Err(e) => {
                tracing::error!(error = %e, "e-mail is not configured correctly; messages stay in the outbox");
                None
            }
        }
    }

    /// The MIME message of `mail` (multipart/alternative: plain text and HTML).
    pub fn message(&self, mail: &Mail) -> std::result::Result<Message, String> {
        let to: Mailbox = format!("{} <{}>", mail.to_name.replace(['<', '>', '"', '\r', '\n'], " "), mail.to)
            .parse()
            .or_else(|_| mail.to.parse())
            .map_err(|e| format!("recipient `{}`: {e}", mail.to))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .multipart(MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone()))
            .map_err(|e| format!("building the message: {e}"))
    }

    async fn deliver(&self, payload: &str) -> std::result::Result<(), String> {
        let mail: Mail = serde_json::from_str(payload).map_err(|e| format!("bad e-mail payload: {e}"))?;
        let msg = self.message(&mail)?;
        // SMTP first: a failed send is retried without leaving a duplicate file behind.
        if let Some(smtp) = &self.smtp {
            smtp.send(msg.clone()).await.map_err(|e| format!("SMTP: {e}"))?;
        }
        if let Some(dir) = &self.dir {
            let bytes = msg.formatted();
            let name = format!(
                "{}-{}.eml",
                chrono::Utc::now().format("%Y%m%dT%H%M%S%.6f"),
                &super::sessions::random_token()[..8]
            );
            let dir = dir.clone();
            tokio::task::spawn_blocking(move || {
                std::fs::create_dir_all(&dir)?;
                std::fs::write(dir.join(name), bytes)
            })
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| format!("writing the .eml file: {e}"))?;
        }
        Ok(())
    }
}

impl Dispatch for Mailer {
    fn channel(&self) -> &'static str {
        CHANNEL
    }
    fn send<'a>(&'a self, payload: &'a str) -> BoxFuture<'a, std::result::Result<(), String>> {
        Box::pin(self.deliver(payload))
    }
}

/// The e-mail dispatcher configured by the environment, if any.
pub fn dispatcher_from_env() -> Option<Arc<dyn Dispatch>> {
    Mailer::from_env().map(|m| Arc::new(m) as Arc<dyn Dispatch>)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls() {
        assert_eq!(
            SmtpUrl::parse("smtp://127.0.0.1:2525").unwrap(),
            SmtpUrl { host: "127.0.0.1".into(), port: 2525, credentials: None, tls: SmtpTls::None }
        );
        assert_eq!(
            SmtpUrl::parse("smtp://me%40x.cn:p%3Ass@mail.example.com").unwrap(),
            SmtpUrl {
                host: "mail.example.com".into(),
                port: 25,
                credentials: Some(("me@x.cn".into(), "p:ss".into())),
                tls: SmtpTls::None
            }
        );
        assert_eq!(SmtpUrl::parse("smtps://mail.example.com").unwrap().port, 465);
        assert_eq!(SmtpUrl::parse("smtps://mail.example.com:2465").unwrap().tls, SmtpTls::Implicit);
        assert_eq!(SmtpUrl::parse("smtp://relay:587?tls=required").unwrap().tls, SmtpTls::StartTls);
        assert!(SmtpUrl::parse("smtp://relay:587?tls=maybe").is_err());
        assert!(SmtpUrl::parse("smtps://relay?tls=none").is_err());
        assert!(SmtpUrl::parse("http://mail.example.com").is_err());
        assert!(SmtpUrl::parse("smtp://host:port").is_err());
        assert!(SmtpUrl::parse("smtp://:25").is_err());
    }

    #[test]
    fn letters_render_as_text_and_escaped_html() {
        let mut l = Letter::new(Lang::Zh, "张伟 <b>", "主题 <script>".into());
        l.paragraphs.push("a <img src=x onerror=alert(1)>".into());
        l.action = Some(("打开".into(), "http://h/p?a=1&b=2".into()));
        let text = l.text();
        assert!(text.starts_with("张伟 <b>，您好："), "{text}");
        assert!(text.contains("打开：http://h/p?a=1&b=2"));
        let html = l.html();
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;") && !html.contains("<img"), "{html}");
        assert!(html.contains("主题 &lt;script&gt;") && html.contains("lang=\"zh-CN\""));
    }
}
