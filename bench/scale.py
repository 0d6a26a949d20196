#!/usr/bin/env python3
"""Costs as the data grows: every per-request path at 1k, 100k and 1M stored attempts, in one run.

The databases are made the honest way: real answers, overrides, reveals and interviews through
HTTP against the release server (so every row is what the app writes), then the attempts
cloned in SQL inside the app's own schema (new public ids, new learners) up to each size, with
users cloned up to 50k. At each size the server (pinned to CPU 0) is restarted on the grown
database, warmed, and each path is timed with sequential keep-alive requests from CPU 1:
median and p99 latency. Also: the server's peak RSS (VmHWM) over the whole size, `rescore`'s
dry-run time and peak RSS (with nothing outdated, and after one checklist item is reworded), and
/healthz p99 while /stats/<slug> and `rescore` run.

    bench/scale.py [--sizes 1000,100000,1000000] [--seconds 4] [--keep DIR]

Prints a Markdown table (paths by size, and 1M over 1k) for BENCHMARKS.md. Needs taskset.
"""

import argparse
import http.client
import json
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(REPO, "target", "release", "firedrill")
PORT = 18095
PASSWORD = "correct horse battery staple"
ANSWERS = [
    "ArgoCD self-heal and the HPA fight over spec.replicas. I'd check argocd app diff, then add "
    "ignoreDifferences for /spec/replicas in the Application manifest in Git so it is durable.",
    "Check the certificate with openssl s_client, look at the cert-manager Certificate and the "
    "ACME challenge, fix the ingress class for the solver, and alert on expiry before it lapses.",
    "kubectl get nodes shows NotReady; journalctl -u kubelet says the flag was removed in 1.26. "
    "Roll the kubelet config back, drain and upgrade nodes one at a time with a canary first.",
    "I would restart the pods and look at the logs, then scale the deployment up.",
    "Compare the live ConfigMap with Git, find who changed the flag, revert in Git not by hand, "
    "and audit other apps for drift; ArgoCD should not be fighting manual edits.",
]


def log(*args):
    print(*args, file=sys.stderr, flush=True)


class Client:
    """One keep-alive connection with a cookie jar."""

    def __init__(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        self.cookies = {}

    def request(self, method, path, fields=None):
        headers = {}
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                if attempt:
                    raise
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                val = rest.split(";")[0]
                if "Max-Age=0" in value:
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = val
        headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, headers, data.decode("utf-8", "replace")

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields):
        return self.request("POST", path, fields)

    def csrf(self, path):
        _, _, body = self.get(path)
        found = re.search(r'name="csrf" value="([^"]*)"', body)
        return found.group(1) if found else "new"


def server(db):
    env = dict(os.environ, FIREDRILL_LOG="error", FIREDRILL_SUBMIT_RATE="0",
               FIREDRILL_SIGN_IN_RATE="0", FIREDRILL_SIGN_UP_RATE="0")
    proc = subprocess.Popen(
        ["taskset", "-c", "0", BIN, "serve", "--content", os.path.join(REPO, "content"),
         "--database", f"sqlite://{db}", "--bind", f"127.0.0.1:{PORT}"], env=env)
    for _ in range(600):
        try:
            c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


def stop(proc):
    proc.terminate()
    proc.wait(timeout=60)


def add_user(db, name, role):
    subprocess.run([BIN, "user", "add", name, "--role", role, "--database", f"sqlite://{db}"],
                   input=PASSWORD + "\n", text=True, check=True, capture_output=True)


def signed_in(name):
    c = Client()
    status, headers, body = c.post("/sign-in", {"csrf": c.csrf("/sign-in"), "name": name,
                                                "password": PASSWORD})
    assert status == 303, (status, body[:300])
    return c


def scenarios(client):
    _, _, body = client.get("/")
    return sorted(set(re.findall(r'class="card-title" href="/scenarios/([^"]+)"', body)))


def seed(db):
    """Real traffic: learners answer, correct verdicts and reveal; interviews run and end."""
    for name, role in [("root", "admin"), ("ann", "author"), ("ivy", "interviewer")]:
        add_user(db, name, role)
    proc = server(db)
    try:
        return traffic(proc)
    finally:
        stop(proc)


def traffic(proc):
    rng = random.Random(7)
    learners = []
    slugs = scenarios(Client())
    for i in range(20):
        c = Client()
        for slug in rng.sample(slugs, k=min(len(slugs), 3)):
            page = f"/scenarios/{slug}"
            if rng.random() < 0.3:
                c.post("/reveals", {"csrf": c.csrf(page), "scenario": slug})
            status, headers, _ = c.post("/attempts", {"csrf": c.csrf(page), "scenario": slug,
                                                      "answer": rng.choice(ANSWERS)})
            assert status == 303, status
            location = headers["location"]
            _, _, body = c.get(location)
            items = re.findall(r'name="item" value="([^"]+)"', body)
            if items and rng.random() < 0.5:
                c.post(f"{location}/overrides", {"csrf": c.csrf(location),
                                                 "item": rng.choice(items), "verdict": "covered"})
        learners.append(c)
    ivy = signed_in("ivy")
    for slug in slugs[:5]:
        page = f"/scenarios/{slug}"
        status, headers, _ = ivy.post("/interviews", {"csrf": ivy.csrf(page), "scenario": slug,
                                                      "candidate": f"Candidate {slug[:8]}"})
        assert status == 303, status
        console = headers["location"]
        ivy.post(f"{console}/end", {"csrf": ivy.csrf(console)})
    return learners[0].cookies, slugs


def columns(db, table, leave_out):
    with sqlite3.connect(db) as conn:
        return [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in leave_out]


def grow(db, attempts, users):
    """Clones attempts (as new learners' answers) and users up to the given counts."""
    cols = columns(db, "attempts", {"id", "public_id", "learner"})
    listed = ", ".join(cols)
    with sqlite3.connect(db) as conn:
        have = conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
        base = conn.execute("SELECT MAX(id) FROM attempts").fetchone()[0]
        while have < attempts:
            batch = min(attempts - have, 200_000)
            conn.execute(
                f"INSERT INTO attempts (public_id, learner, {listed}) "
                f"SELECT lower(hex(randomblob(16))), 'clone-' || ((a.id * 7919 + n.k) % 50000), "
                f"{', '.join('a.' + c for c in cols)} FROM "
                f"(WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < $1) "
                f"SELECT k FROM n) n JOIN attempts a ON a.id <= $2 LIMIT $1",
                (batch, base))
            conn.commit()
            have += batch
        refigure(conn)
        hash_ = conn.execute("SELECT password_hash FROM users LIMIT 1").fetchone()[0]
        count = conn.execute("SELECT COUNT(*) FROM users").fetchone()[0]
        if count < users:
            conn.execute(
                "INSERT INTO users (name, password_hash, role, created_at) "
                "WITH RECURSIVE n(k) AS (SELECT $1 UNION ALL SELECT k + 1 FROM n WHERE k < $2) "
                "SELECT 'user' || k, $3, 'learner', 1 FROM n", (count, users - 1, hash_))
            conn.commit()


def refigure(conn):
    """Counts the running statistics again after cloning, with the migration's own SQL: the app
    keeps them in each write's transaction, and cloned rows went around the app."""
    with open(os.path.join(REPO, "migrations", "0008_figures.sql")) as f:
        sql = f.read()
    start = sql.index("-- The figures of the attempts stored before this migration.")
    end = sql.index("-- A scenario's newest answers")
    conn.execute("DELETE FROM scenario_figures")
    conn.execute("DELETE FROM item_figures")
    conn.executescript(sql[start:end])
    conn.commit()


def edited_content(work):
    """A copy of the bundled content with one checklist item of the first scenario that has a
    checklist reworded."""
    import shutil
    folder = os.path.join(work, "content-edited")
    if not os.path.isdir(folder):
        shutil.copytree(os.path.join(REPO, "content"), folder)
        scenarios = os.path.join(folder, "scenarios")
        for name in sorted(os.listdir(scenarios)):
            path = os.path.join(scenarios, name)
            with open(path) as f:
                text = f.read()
            if name.endswith(".md") and "## What a Strong Answer Includes" in text:
                break
        heading = text.index("## What a Strong Answer Includes")
        bullet = text.index("\n- ", heading) + 3
        end = text.index("\n", bullet)
        text = text[:end] + " (reworded)" + text[end:]
        with open(path, "w") as f:
            f.write(text)
    return folder


def timed(client, path, seconds, method="GET", fields=None, expect=(200,)):
    """Sequential requests for about `seconds` (at least 5, at most 400): median and p99 ms."""
    times = []
    start = time.monotonic()
    while len(times) < 400 and (len(times) < 5 or time.monotonic() - start < seconds):
        t = time.perf_counter()
        status, _, body = client.request(method, path, fields() if fields else None)
        times.append((time.perf_counter() - t) * 1000)
        assert status in expect, (path, status, body[:200])
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def healthz_while(busy, seconds=4):
    """/healthz p99 (ms) while `busy()` runs in another thread."""
    done = threading.Event()

    def run():
        while not done.is_set():
            busy()

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    time.sleep(0.2)
    try:
        return timed(Client(), "/healthz", seconds)[1]
    finally:
        done.set()
        worker.join(timeout=600)


def rescore(db, content=None, pin=True):
    """`rescore` dry run: seconds and peak RSS in MiB. Pinned to CPU 1 (away from the server),
    or with `pin=False` free to use every core as it does by default."""
    pinned = ["taskset", "-c", "1"] if pin else []
    out = subprocess.run(["/usr/bin/time", "-f", "%e %M", *pinned, BIN, "rescore",
                          "--content", content or os.path.join(REPO, "content"), "--database",
                          f"sqlite://{db}"], capture_output=True, text=True, check=True)
    seconds, kib = out.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kib) / 1024


def measure(db, learner_cookies, slugs, seconds):
    proc = server(db)
    try:
        learner = Client()
        learner.cookies = dict(learner_cookies)
        first = Client()
        author, ivy, root = signed_in("ann"), signed_in("ivy"), signed_in("root")
        _, _, history = learner.get("/attempts")
        attempt = re.search(r'href="(/attempts/[0-9a-f]{32})"', history).group(1)
        slug = slugs[0]
        page = f"/scenarios/{slug}"
        for c, path in [(first, page), (learner, page), (author, "/stats")]:
            c.get(path)  # warm
        rows = {}
        rows["first visit (scenario page)"] = timed(first, page, seconds)
        rows["returning learner's scenario page"] = timed(learner, page, seconds)
        rows["/attempts (history)"] = timed(learner, "/attempts", seconds)
        rows["an attempt page"] = timed(learner, attempt, seconds)
        rows["/stats"] = timed(author, "/stats", seconds)
        rows[f"/stats/{slug}"] = timed(author, f"/stats/{slug}", seconds)
        rows["/interviews"] = timed(ivy, "/interviews", seconds)
        rows["/admin/users"] = timed(root, "/admin/users", seconds)
        # A learner of their own, so the answers posted here do not grow the history measured.
        poster = Client()
        poster.post("/reveals", {"csrf": "new", "scenario": slug})
        token = poster.csrf(page)
        rows["answer POST"] = timed(
            poster, "/attempts", seconds, "POST",
            lambda: {"csrf": token, "scenario": slug, "answer": ANSWERS[0]}, expect=(303,))
        busy = Client()
        busy.cookies = dict(author.cookies)
        edited = edited_content(os.path.dirname(db))
        extra = {
            "healthz_p99_during_stats_ms": healthz_while(lambda: busy.get(f"/stats/{slug}")),
            "healthz_p99_during_rescore_ms": healthz_while(lambda: rescore(db), seconds=6),
            "healthz_p99_during_rescore_after_edit_all_cores_ms": healthz_while(
                lambda: rescore(db, edited, pin=False), seconds=6),
        }
        extra["rescore_s"], extra["rescore_mib"] = rescore(db)
        extra["rescore_after_edit_s"], extra["rescore_after_edit_mib"] = rescore(
            db, edited, pin=False)
        extra["server_peak_rss_mib"] = peak_rss_mib(proc.pid)
        return rows, extra
    finally:
        stop(proc)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--keep", help="build the databases in this folder and keep them")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    work = args.keep or tempfile.mkdtemp(prefix="scale-", dir=os.path.join(REPO, "target"))
    db = os.path.join(work, "scale.db")
    log(f"seeding {db} through HTTP")
    cookies, slugs = seed(db)
    results = {}
    for size in sizes:
        log(f"growing to {size} attempts")
        grow(db, size, min(50_000, max(size // 20, 100)))
        log(f"measuring at {size}")
        results[size] = measure(db, cookies, slugs, args.seconds)
    print_table(sizes, results)
    if not args.keep:
        import shutil
        shutil.rmtree(work)


def print_table(sizes, results):
    first, last = sizes[0], sizes[-1]
    head = " | ".join(f"{s:,} attempts" for s in sizes)
    print(f"| path (median / p99 ms) | {head} | {last:,} over {first:,} (median) |")
    print("|---" * (len(sizes) + 2) + "|")
    for path in results[first][0]:
        cells = " | ".join("%.2f / %.2f" % results[s][0][path] for s in sizes)
        ratio = results[last][0][path][0] / max(results[first][0][path][0], 1e-9)
        print(f"| {path} | {cells} | {ratio:.2f}x |")
    for key in results[first][1]:
        cells = " | ".join("%.1f" % results[s][1][key] for s in sizes)
        print(f"| {key} | {cells} | |")
    print(json.dumps({str(s): results[s] for s in sizes}), file=sys.stderr)


if __name__ == "__main__":
    main()
