#!/usr/bin/env python3
"""Load-test data for Ninefold, made through the running server's own forms (so it works
against any build and every row is written the way a user would write it).

    generate.py BASE_URL --projects N [--big]

Logs in as the demo director (the server must have been started with --demo), then
  --big        creates "Load 327": a project whose schedule is imported (Microsoft Project
               XML) up to 327 activities with 123 finish-to-start links, and 12 people;
  --projects N creates filler projects until the director's portfolio holds N projects
               (clients, industries and start dates vary, for the portfolio's filters),
               from --workers W sessions at once (default 4); a creation's redirect is not
               followed (the new project's page would be rendered for nothing).
Standard library only.
"""
import argparse
import datetime as dt
import http.cookiejar
import json
import re
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET

DIRECTOR = ("wang.fang@huamei.example", "ninefold-demo")
BIG_NAME = "Load 327"
ACTIVITIES = 327
LINKS = 123
PEOPLE = 12
NS = "{http://schemas.microsoft.com/project}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Client:
    def __init__(self, base):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.direct = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.csrf = ""

    def get(self, path):
        with self.opener.open(self.base + path, timeout=300) as r:
            body = r.read().decode("utf-8")
        m = re.search(r'name="_csrf" value="([0-9a-f]+)"', body)
        if m:
            self.csrf = m.group(1)
        return body

    def post(self, path, fields):
        data = urllib.parse.urlencode(list(fields) + [("_csrf", self.csrf)]).encode()
        req = urllib.request.Request(self.base + path, data=data, method="POST")
        with self.opener.open(req, timeout=300) as r:
            return r.geturl(), r.read().decode("utf-8")

    def post_no_follow(self, path, fields):
        """A form post whose redirect is not followed: returns where it points."""
        data = urllib.parse.urlencode(list(fields) + [("_csrf", self.csrf)]).encode()
        req = urllib.request.Request(self.base + path, data=data, method="POST")
        try:
            with self.direct.open(req, timeout=300) as r:
                return r.headers.get("Location") or r.geturl()
        except urllib.error.HTTPError as e:
            if e.code in (301, 302, 303, 307, 308):
                return e.headers.get("Location", "")
            raise

    def post_file(self, path, name, content, mime):
        boundary = uuid.uuid4().hex
        body = (
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{self.csrf}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: {mime}\r\n\r\n"
        ).encode() + content.encode() + f"\r\n--{boundary}--\r\n".encode()
        req = urllib.request.Request(self.base + path, data=body, method="POST")
        req.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        with self.opener.open(req, timeout=300) as r:
            return r.read().decode("utf-8")


def portfolio(c):
    """Every row of the director's portfolio, following the API's cursors (200 a page)."""
    rows, cursor = [], None
    while True:
        q = f"&cursor={cursor}" if cursor else ""
        page = json.loads(c.get("/api/v1/projects?limit=200" + q))
        rows.extend(page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            return rows


def portfolio_size(c):
    """How many projects the director's portfolio holds (one row read)."""
    return json.loads(c.get("/api/v1/projects?limit=1"))["total"]


def row_project(row):
    return row.get("project", row)


INDUSTRIES = ["banking", "insurance", "real_estate", "telecom", "other"]
CLIENTS = ["Huamei", "Dongfang Bank", "Xinghe Telecom", "Jinshan Insurance", "Beiyuan Estates", "Nanhai Retail"]


def create_project(c, name, i):
    start = dt.date(2026, 1, 5) + dt.timedelta(days=(i * 7) % 350)
    fields = [
        ("name", name),
        ("client_name", CLIENTS[i % len(CLIENTS)]),
        ("industry", INDUSTRIES[i % len(INDUSTRIES)]),
        ("start_date", start.isoformat()),
        ("currency", "CNY"),
        ("time_zone", "Asia/Shanghai"),
        ("playbook", "nine-phase"),
        ("modules", "sales"),
        ("modules", "marketing"),
        ("modules", "service"),
    ]
    url = c.post_no_follow("/projects", fields)
    m = re.search(r"/projects/(\d+)$", url)
    if not m:
        sys.exit(f"creating {name} did not lead to its page: {url}")
    return int(m.group(1))


def task_xml(uid, name, level, summary, start, finish, days, preds=()):
    links = "".join(
        f"<PredecessorLink><PredecessorUID>{p}</PredecessorUID><Type>1</Type><LinkLag>0</LinkLag>"
        f"<LagFormat>7</LagFormat></PredecessorLink>"
        for p in preds
    )
    name = name.replace("&", "&amp;").replace("<", "&lt;")
    return (
        f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>{name}</Name><OutlineLevel>{level}</OutlineLevel>"
        f"<Summary>{int(summary)}</Summary><Milestone>0</Milestone><Start>{start}T08:00:00</Start>"
        f"<Finish>{finish}T17:00:00</Finish><Duration>PT{days * 8}H0M0S</Duration><DurationFormat>7</DurationFormat>"
        f"<PercentComplete>0</PercentComplete>{links}</Task>"
    )


def make_big(c):
    pid = create_project(c, BIG_NAME, 0)
    exported = ET.fromstring(c.get(f"/projects/{pid}/schedule.xml"))
    phases, existing = [], 0
    for t in exported.iter(NS + "Task"):
        summary = t.findtext(NS + "Summary") == "1"
        if summary:
            phases.append((t.findtext(NS + "Name"), t.findtext(NS + "Start")[:10], t.findtext(NS + "Finish")[:10]))
        elif t.findtext(NS + "Milestone") != "1":
            existing += 1
    new = ACTIVITIES - existing
    if not phases or new < 0:
        sys.exit(f"unexpected schedule export: {len(phases)} phases, {existing} activities")
    tasks, uid, links, prev_in_phase = [], 100000, 0, None
    per_phase = [new // len(phases) + (1 if i < new % len(phases) else 0) for i in range(len(phases))]
    for (name, start, finish), k in zip(phases, per_phase):
        uid += 1
        tasks.append(task_xml(uid, name, 1, True, start, finish, 1))
        prev_in_phase = None
        for j in range(k):
            uid += 1
            preds = [prev_in_phase] if prev_in_phase and links < LINKS else []
            links += len(preds)
            tasks.append(task_xml(uid, f"Work package {uid - 100000}", 2, False, start, start, 2, preds))
            prev_in_phase = uid
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><Project xmlns="http://schemas.microsoft.com/project">'
        f"<Name>{BIG_NAME}</Name><MinutesPerDay>480</MinutesPerDay><Tasks>{''.join(tasks)}</Tasks></Project>"
    )
    c.get(f"/projects/{pid}/schedule")
    c.post_file(f"/projects/{pid}/schedule/import", "load.xml", xml, "application/xml")
    depts = ["management", "marketing", "sales", "service", "it"]
    for i in range(PEOPLE):
        c.post(
            f"/projects/{pid}/people",
            [
                ("name", f"Person {i + 1}"),
                ("title", "Key user"),
                ("department", depts[i % len(depts)]),
                ("side", "consultancy" if i % 4 == 0 else "client"),
                ("email", f"person{i + 1}@load.example"),
                ("phone", ""),
            ],
        )
    c.get(f"/projects/{pid}/organisation")
    print(f"{BIG_NAME}: project {pid}, {existing + new} activities, {links} links, {PEOPLE} people")
    return pid


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("--projects", type=int, default=0)
    ap.add_argument("--big", action="store_true")
    ap.add_argument("--workers", type=int, default=4)
    a = ap.parse_args()
    c = login(a.base)
    if a.big and not any(row_project(r)["name"] == BIG_NAME for r in portfolio(c)):
        make_big(c)
    have = portfolio_size(c)
    todo = list(range(have, a.projects))
    lock, done, failed = threading.Lock(), [0], []

    def work(k):
        try:
            w = c if k == 0 else login(a.base)
            for i in todo[k :: max(a.workers, 1)]:
                create_project(w, f"Load project {i:04d}", i)
                with lock:
                    done[0] += 1
                    if done[0] % 100 == 0:
                        print(f"  {have + done[0]} projects", flush=True)
        except BaseException as e:  # noqa: BLE001 - reported below, the run fails
            failed.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(max(a.workers, 1))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failed:
        sys.exit(f"creating projects failed: {failed[0]}")
    print(f"portfolio: {portfolio_size(c)} projects")


def login(base):
    c = Client(base)
    c.get("/login")
    c.post("/login", [("email", DIRECTOR[0]), ("password", DIRECTOR[1])])
    c.get("/projects/new")
    return c


if __name__ == "__main__":
    main()
