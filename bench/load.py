"""Drive the pages of the site over HTTP at the city's scale, side by side with hello world (issue 14).

    .venv/bin/python bench/seed_scale.py     # once: fills the PostgreSQL database "scale"
    .venv/bin/python bench/load.py           # a few minutes
    .venv/bin/python bench/load.py --sqlite  # the SQLite file seed_scale.py --sqlite wrote
    .venv/bin/python bench/load.py --only ranking,scores --seconds 5

Needs wrk (the loopback load generator; Debian/Ubuntu: `sudo apt-get install -y wrk`).

Starts gunicorn with 2 sync workers twice, on 127.0.0.1:5108 (the app, bench/load_apps.py:
make_grants(), which adds a X-SQL-Statements header) and 127.0.0.1:5188 (a hello-world Flask
app), logs in as each role, then for each page:
- statements and size: one request with the role's session (the header and the body length);
- under load: wrk, 2 threads, 8 connections, SECONDS seconds -> requests/s, and its ratio to hello
  world's requests/s measured the same way in the same run (median of the runs before and after);
- one connection: wrk, 1 thread, 1 connection, SECONDS seconds -> p50/p95/p99 latency.
Exports and PDFs are timed apart (one connection, median of EXPORT_RUNS requests).
The last line is `worst_p95_ms=<x> min_ratio=<y>` over the list pages (exports excluded).
The machine is shared: trust same-run ratios and medians more than absolute figures.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

APP_PORT, HELLO_PORT = 5108, 5188
UA = "bench-load/1"  # the same User-Agent everywhere: the login session is bound to it
EXPORT_RUNS = 3
LUA = """
done = function(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format("WRKJSON {\\"requests\\": %d, \\"duration_us\\": %d, \\"p50\\": %d, \\"p95\\": %d, "
    .. "\\"p99\\": %d, \\"errors\\": %d}\\n", summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), bad))
end
"""


def need_wrk() -> str:
    path = shutil.which("wrk")
    if not path:
        sys.exit("bench/load.py needs wrk, the HTTP load generator: on Debian/Ubuntu `sudo apt-get install -y wrk` "
                 "(other systems: https://github.com/wg/wrk, `make`, put wrk on PATH).")
    return path


def start_gunicorn(factory: str, port: int, env: dict) -> subprocess.Popen:
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
           "--pythonpath", f"{ROOT},{ROOT / 'bench'}", "--log-level", "warning", "--timeout", "120",
           f"load_apps:{factory}()"]
    log = open(Path(tempfile.gettempdir()) / f"bench-load-{port}.log", "w")  # noqa: SIM115 (lives with the server)
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True, stdout=log, stderr=log)
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).read()
            return proc
        except urllib.error.HTTPError:
            return proc  # it answers
        except OSError:
            if proc.poll() is not None:
                sys.exit(f"gunicorn ({factory}) stopped: exit {proc.returncode}; see {log.name}")
            time.sleep(0.3)
    stop(proc)
    sys.exit(f"gunicorn ({factory}) did not answer on port {port}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def login(email: str, password: str) -> str:
    """The Cookie header of a logged-in session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", UA)]
    data = urllib.parse.urlencode({"email": email, "password": password}).encode()
    opener.open(f"http://127.0.0.1:{APP_PORT}/auth/login", data=data, timeout=30).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session" not in cookie:
        sys.exit(f"could not log in as {email}")
    return cookie


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a redirect (to the login page) is reported as its status, never followed


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(path: str, cookie: str | None) -> tuple[int, int, int, float]:
    """(status, statements, bytes, seconds) of one request (redirects not followed)."""
    headers = {"User-Agent": UA, **({"Cookie": cookie} if cookie else {})}
    req = urllib.request.Request(f"http://127.0.0.1:{APP_PORT}{path}", headers=headers)
    t0 = time.perf_counter()
    try:
        with _OPENER.open(req, timeout=120) as resp:
            body = resp.read()
            return resp.status, int(resp.headers.get("X-SQL-Statements", -1)), len(body), time.perf_counter() - t0
    except urllib.error.HTTPError as exc:
        return exc.code, int(exc.headers.get("X-SQL-Statements", -1)), 0, time.perf_counter() - t0


def wrk(url: str, cookie: str | None, connections: int, seconds: float, script: str) -> dict:
    cmd = [need_wrk(), "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{int(seconds)}s",
           "--timeout", "30s", "-s", script, "-H", f"User-Agent: {UA}"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=seconds + 60).stdout
    line = next((x for x in out.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        return {"rps": 0.0, "p50": 0, "p95": 0, "p99": 0, "errors": -1}
    data = json.loads(line[len("WRKJSON "):])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    return data


def pages(url: str) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(name, role, path) of the list pages and of the exports, with ids looked up in the database."""
    from sqlalchemy import create_engine, func, select

    from grants.models import AuditEvent, Call, Organisation, Proposal

    engine = create_engine(url)
    with engine.connect() as conn:
        calls = {cid: n for cid, n in conn.execute(
            select(Call.id, func.count(Proposal.id)).join(Proposal, Proposal.call_id == Call.id).group_by(Call.id))}
        by_size = sorted(calls, key=lambda c: -calls[c])
        biggest, ranked = by_size[0], by_size[1]
        proposal = conn.scalar(select(func.min(Proposal.id)).where(Proposal.call_id == ranked))
        screened = conn.scalar(select(func.count(Proposal.id)).where(Proposal.call_id == biggest,
                                                                       Proposal.status != "draft"))
        events = conn.scalar(select(func.count(AuditEvent.id)))
        org_name = conn.scalar(select(Organisation.name).order_by(Organisation.id).offset(100).limit(1))
    engine.dispose()
    last = max(1, -(-screened // 20))
    deep = max(1, min(5000, events // 20 - 1))
    search = urllib.parse.quote(org_name[-8:])
    lists = [
        ("home", None, "/"),
        ("public calls", None, "/public/calls"),
        ("staff dashboard", "staff", "/dashboard"),
        ("screening p1", "staff", f"/proposals/calls/{biggest}/screening"),
        ("screening last page", "staff", f"/proposals/calls/{biggest}/screening?page={last}"),
        ("screening filter", "staff", f"/proposals/calls/{biggest}/screening?status=submitted"),
        ("screening search", "staff", f"/proposals/calls/{biggest}/screening?q=%E9%A1%B9%E7%9B%AE12"),
        ("organisations p1", "staff", "/organisations/"),
        ("organisations search", "staff", f"/organisations/?q={search}"),
        ("call hub", "staff", f"/calls/{ranked}"),
        ("proposal detail", "staff", f"/proposals/{proposal}"),
        ("panel", "staff", f"/panel/calls/{ranked}"),
        ("assignments", "staff", f"/panel/calls/{ranked}/assignments"),
        ("reviewer queue", "reviewer", "/panel/queue"),
        ("reviews index", "staff", "/reviews/"),
        ("ranking", "staff", f"/reviews/calls/{ranked}/ranking"),
        ("scores", "staff", f"/reviews/proposals/{proposal}/scores"),
        ("applicant list", "applicant", "/proposals/"),
        ("applicant dashboard", "applicant", "/dashboard"),
        ("audit log p1", "admin", "/admin/audit"),
        ("audit log deep", "admin", f"/admin/audit?page={deep}"),
        ("admin users", "admin", "/admin/users"),
        ("contracts", "staff", "/contracts/"),
        ("public contracts", None, "/public/contracts"),
        ("disbursements", "finance", "/finance/disbursements"),
        ("finance queue", "finance", "/finance/queue"),
    ]
    exports = [
        ("screening CSV", "staff", f"/proposals/calls/{biggest}/screening/export.csv"),
        ("screening XLSX", "staff", f"/proposals/calls/{biggest}/screening/export.xlsx"),
        ("ranking CSV", "staff", f"/reviews/calls/{ranked}/ranking.csv"),
        ("ranking XLSX", "staff", f"/reviews/calls/{ranked}/ranking.xlsx"),
        ("audit CSV", "admin", "/admin/audit/export.csv"),
    ]
    return lists, exports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated page names (substring match)")
    parser.add_argument("--no-exports", action="store_true")
    args = parser.parse_args()
    need_wrk()

    from seed_scale import LOGINS, PASSWORD, scale_url

    url = scale_url(args.sqlite)
    lists, exports = pages(url)
    if args.only:
        wanted = [w.strip() for w in args.only.split(",")]
        lists = [p for p in lists if any(w in p[0] for w in wanted)]
        exports = [p for p in exports if any(w in p[0] for w in wanted)]
    env = dict(os.environ, BENCH_DATABASE_URL=url, GRANTS_ENV="development", PYTHONDONTWRITEBYTECODE="1")
    procs = []
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA)
        script = f.name
    try:
        procs.append(start_gunicorn("make_hello", HELLO_PORT, env))
        procs.append(start_gunicorn("make_grants", APP_PORT, env))
        cookies = {role: login(email, PASSWORD) for role, email in LOGINS.items()}
        hello_url = f"http://127.0.0.1:{HELLO_PORT}/"
        hello = [wrk(hello_url, None, 8, args.seconds, script)["rps"]]
        rows = []
        for name, role, path in lists:
            cookie = cookies.get(role)
            status, statements, size, _t = fetch(path, cookie)  # also warms the worker up
            fetch(path, cookie)
            load = wrk(f"http://127.0.0.1:{APP_PORT}{path}", cookie, 8, args.seconds, script)
            one = wrk(f"http://127.0.0.1:{APP_PORT}{path}", cookie, 1, args.seconds, script)
            if one["requests"] < 3:  # slower than the run: time a few requests one after the other
                seq = sorted(fetch(path, cookie)[3] * 1e6 for _ in range(3))
                one.update(p50=seq[1], p95=seq[2], p99=seq[2])
                if not load["requests"]:
                    load["rps"] = 1e6 / seq[1]
            if fetch(path, cookie)[0] != status:
                sys.exit(f"{name}: the answer changed during the run (session lost?)")
            rows.append((name, status, statements, size, load, one))
            print(f"  {name}: {load['rps']:.1f} req/s, p95 {one['p95'] / 1000:.0f} ms, {statements} statements",
                  file=sys.stderr)
        hello.append(wrk(hello_url, None, 8, args.seconds, script)["rps"])
        hello_rps = statistics.median(hello)
        export_rows = []
        if not args.no_exports:
            for name, role, path in exports:
                cookie = cookies.get(role)
                timings, size, status, statements = [], 0, 0, 0
                for _ in range(EXPORT_RUNS):
                    status, statements, size, seconds = fetch(path, cookie)
                    timings.append(seconds * 1000)
                export_rows.append((name, status, statements, size, statistics.median(timings)))
    finally:
        for proc in procs:
            stop(proc)
        os.unlink(script)

    print(f"hello world: {hello_rps:.0f} requests/s under load (runs: {', '.join(f'{h:.0f}' for h in hello)})")
    print(f"{'page':<22} {'status':>6} {'req/s':>8} {'ratio':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
          f"{'stmts':>5} {'KB':>6} {'errors':>6}")
    worst_p95, min_ratio = 0.0, float("inf")
    for name, status, statements, size, load, one in rows:
        ratio = load["rps"] / hello_rps if hello_rps else 0
        p95 = one["p95"] / 1000
        worst_p95, min_ratio = max(worst_p95, p95), min(min_ratio, ratio)
        print(f"{name:<22} {status:>6} {load['rps']:>8.1f} {ratio * 100:>6.2f}% {one['p50'] / 1000:>7.1f} "
              f"{p95:>7.1f} {one['p99'] / 1000:>7.1f} {statements:>5} {size / 1024:>6.0f} "
              f"{load['errors'] + one['errors']:>6}")
    if export_rows:
        print(f"{'export':<22} {'status':>6} {'median ms':>10} {'stmts':>5} {'KB':>8}")
        for name, status, statements, size, ms in export_rows:
            print(f"{name:<22} {status:>6} {ms:>10.0f} {statements:>5} {size / 1024:>8.0f}")
    print(f"worst_p95_ms={worst_p95:.1f} min_ratio={min_ratio:.4f}")


if __name__ == "__main__":
    main()
