# A real SMTP server for the e-mail tests (Debian's python3-aiosmtpd): listens on
# 127.0.0.1:PORT and stores each message in DIR as NAME.eml plus NAME.json with the parsed
# recipient, subject, plain-text and HTML bodies. Started and stopped by tests/it/collab.rs.
# With MODE CERT KEY after DIR it speaks TLS: MODE `starttls` (STARTTLS required before mail)
# or `smtps` (TLS from the first byte).
import email, json, os, ssl, sys, time
from email import policy
from aiosmtpd.controller import Controller

port, folder = int(sys.argv[1]), sys.argv[2]


class Sink:
    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=policy.default)
        plain = msg.get_body(("plain",))
        html = msg.get_body(("html",))
        name = f"{time.time_ns()}-{os.getpid()}"
        with open(os.path.join(folder, name + ".eml"), "wb") as f:
            f.write(raw)
        doc = {
            "to": envelope.rcpt_tos,
            "from": msg["From"],
            "subject": str(msg["Subject"]),
            "text": plain.get_content() if plain else "",
            "html": html.get_content() if html else "",
        }
        tmp = os.path.join(folder, name + ".json.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        os.rename(tmp, os.path.join(folder, name + ".json"))
        return "250 Message accepted"


kwargs = {}
if len(sys.argv) > 3:
    mode, cert, key = sys.argv[3:6]
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    if mode == "starttls":
        kwargs = {"tls_context": ctx, "require_starttls": True}
    else:
        kwargs = {"ssl_context": ctx}
controller = Controller(Sink(), hostname="127.0.0.1", port=port, **kwargs)
controller.start()
print("ready", flush=True)
try:
    sys.stdin.read()  # until the test closes our standard input (or ends)
finally:
    controller.stop()
