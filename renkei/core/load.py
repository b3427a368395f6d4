"""`make load`: the product as production runs it, under 50 concurrent logged-in workers (`manage.py load`).

For each database (SQLite, then PostgreSQL when it answers) on its own throwaway database:
1. migrate, load the demo prefecture and collect the static files (as an operator would, before starting);
2. start gunicorn with the repository's `gunicorn.conf.py` and RENKEI_ENV=production on a free loopback port
   (plain HTTP: HTTPS=0);
3. log in every demo worker through the login form (CSRF and all) and find, per worker, the pages they use all
   day: dashboard, my cases, the person list, a case page, search results, the referral inbox, a case's
   referral list and the directory. A page a worker's role does not open (404) is left out of their round;
   any other answer than 200 counts as a failure;
4. drive `wrk` (Debian's, with the Lua script written here) for the duration over every (worker, page)
   pair in turn: requests/s, latency p50/p90/p99 and failures (non-200 answers, socket errors, timeouts);
5. stop the server, report any traceback in its log as failures, and merge the figures into
   var/bench/load.json under the database vendor (the other database's figures are kept).
"""

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

SEARCH_QUERY = "訪問"
TIMEOUT_S = 10  # wrk: a request slower than this counts as a failure
SETUP_TIMEOUT_S = 90  # logging in and finding the pages, while the workers warm up on a busy machine


@dataclass
class Options:
    duration: int = 60
    connections: int = 50
    wrk_threads: int = 2
    workers: int | None = None  # gunicorn; None = gunicorn.conf.py's choice
    threads: int | None = None
    pg_url: str = "postgres://postgres@127.0.0.1:5432/renkei_load"
    work_dir: Path | None = None  # databases, logs, collected static files; default var/load
    write: bool = True
    users: int | None = None  # log in only the first N demo workers (the test suite's smoke run)
    timeout: int = TIMEOUT_S  # wrk counts a slower answer as a failure


@dataclass
class Round:
    entries: list = field(default_factory=list)  # (page, path, cookie)
    left_out: dict = field(default_factory=dict)  # page -> number of workers whose role does not open it
    failures: list = field(default_factory=list)  # (user, path, status) met while logging in and probing
    users: int = 0


def pg_available(url: str) -> bool:
    try:
        import psycopg

        psycopg.connect(_pg_admin_url(url), connect_timeout=3).close()
        return True
    except Exception:
        return False


def _pg_admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def _fresh_database(backend: str, work: Path, pg_url: str) -> str:
    if backend == "sqlite":
        path = work / "renkei.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg
    from psycopg import sql

    name = pg_url.rsplit("/", 1)[1]
    with psycopg.connect(_pg_admin_url(pg_url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name)))
    return pg_url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn started as production starts it, stopped (with its workers) by its own process id."""

    def __init__(self, env: dict, work: Path, options: Options):
        self.port = _free_port()
        self.log_path = work / "gunicorn.log"
        env = env | {"RENKEI_ENV": "production", "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        if options.workers:
            env["GUNICORN_WORKERS"] = str(options.workers)
        if options.threads:
            env["GUNICORN_THREADS"] = str(options.threads)
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(Path(settings.BASE_DIR) / "gunicorn.conf.py"),
             "renkei.wsgi"], cwd=settings.BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, seconds=90):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}); see {self.log_path}")
            try:
                status, _h, _b = request(self.port, "GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer /healthz in {seconds} s; see {self.log_path}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server's processes (master and workers), from /proc."""
        total = 0.0
        pids = [self.process.pid]
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
            pids += [int(pid) for pid in children]
        except OSError:
            return 0.0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def errors(self) -> int:
        """Tracebacks the server logged: a request that failed inside is a failure even if answered."""
        return self.log_path.read_text(errors="replace").count("Traceback (most recent call last)")


def request(port, method, path, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=SETUP_TIMEOUT_S)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _cookies(headers) -> dict:
    out = {}
    for value in headers.get_all("Set-Cookie") or []:
        name, _, rest = value.partition("=")
        out[name.strip()] = rest.split(";", 1)[0]
    return out


def log_in(port, username, password) -> str | None:
    """The login form as a browser submits it; the session cookie, or None when the login is refused."""
    status, headers, body = request(port, "GET", "/accounts/login/")
    csrf = _cookies(headers).get("csrftoken")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not csrf or not token:
        return None
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), "username": username,
                                   "password": password})
    status, headers, _body = request(port, "POST", "/accounts/login/", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}"})
    session = _cookies(headers).get(settings.SESSION_COOKIE_NAME)
    if status != 302 or not session or headers.get("Location", "").startswith("/accounts/"):
        return None
    return f"{settings.SESSION_COOKIE_NAME}={session}"


def plan_round(port, users: int | None = None) -> Round:
    """Every demo worker logged in, with the pages their role opens."""
    from renkei.demo.loader import demo_logins

    plan = Round()
    for login in demo_logins()[:users]:
        cookie = log_in(port, login["username"], login["password"])
        if cookie is None:
            plan.failures.append((login["username"], "/accounts/login/", "login refused"))
            continue
        plan.users += 1
        pages = [("dashboard", "/"), ("my_cases", "/cases/"), ("person_list", "/cases/persons/"),
                 ("search", f"/cases/search/?q={urllib.parse.quote(SEARCH_QUERY)}"), ("inbox", "/referrals/"),
                 ("directory", "/directory/")]
        status, _h, body = request(port, "GET", "/cases/", headers={"Cookie": cookie})
        case = re.search(r'href="/cases/(\d+)/"', body) if status == 200 else None
        if case:
            pages += [("case_page", f"/cases/{case.group(1)}/"), ("referral_list", f"/referrals/case/{case.group(1)}/")]
        for page, path in pages:
            status, _h, _b = request(port, "GET", path, headers={"Cookie": cookie})
            if status == 200:
                plan.entries.append((page, path, cookie))
            elif status == 404:  # this role does not open the page: not part of its day
                plan.left_out[page] = plan.left_out.get(page, 0) + 1
            else:
                plan.failures.append((login["username"], path, status))
    return plan


LUA = r"""
local entries = {
%(entries)s
}
local threads = {}

function setup(thread)
  thread:set("offset", #threads * 7919)
  table.insert(threads, thread)
end

function init(args)
  counter = offset
  failed = 0
  statuses = ""
end

function request()
  counter = counter + 1
  local e = entries[(counter %% #entries) + 1]
  return wrk.format("GET", e[1], {["Cookie"] = e[2]})
end

function response(status, headers, body)
  if status ~= 200 then
    failed = failed + 1
    if #statuses < 200 then statuses = statuses .. status .. " " end
  end
end

function done(summary, latency, requests)
  local bad, seen = 0, ""
  for _, t in ipairs(threads) do
    bad = bad + t:get("failed")
    seen = seen .. t:get("statuses")
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "non_200": %%d, "statuses": "%%s", "connect": %%d, ' ..
    '"read": %%d, "write": %%d, "timeout": %%d, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, "max_us": %%d}\n',
    summary.requests, summary.duration, bad, seen, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_script(plan: Round, path: Path):
    rows = ",\n".join(f"  {{{_lua_string(p)}, {_lua_string(c)}}}" for _page, p, c in plan.entries)
    path.write_text(LUA % {"entries": rows})


def drive(port, script: Path, options: Options) -> dict:
    wrk = shutil.which("wrk")
    if not wrk:
        raise RuntimeError("wrk が見つかりません（apt-get install wrk）")
    result = subprocess.run(
        [wrk, f"-t{options.wrk_threads}", f"-c{options.connections}", f"-d{options.duration}s",
         f"--timeout={options.timeout}s", "-s", str(script), f"http://127.0.0.1:{port}/"],
        capture_output=True, text=True, timeout=options.duration + 120)
    line = next((x for x in result.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result:\n{result.stdout}\n{result.stderr}")
    return json.loads(line[len("RESULT "):])


def run_backend(backend: str, out, options: Options) -> dict:
    work = Path(options.work_dir or Path(settings.BASE_DIR) / "var" / "load") / backend
    work.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "DJANGO_"))} | {
        "DATABASE_URL": _fresh_database(backend, work, options.pg_url),
        "RENKEI_VAR_DIR": str(work / "var"), "STATIC_ROOT": str(work / "static"),
        "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1", "HTTPS": "0",
        "PYTHONPATH": str(settings.BASE_DIR), "RENKEI_ENV": "",
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    started = time.monotonic()
    for command in (["migrate", "--noinput", "-v", "0"], ["load_demo"], ["collectstatic", "--noinput", "-v", "0"]):
        subprocess.run(manage + command, env=env, check=True, cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL)
    out.write(f"{backend}: database migrated, demo loaded, static files collected ({time.monotonic() - started:.0f} s)")
    server = Server(env, work, options)
    try:
        server.wait_ready()
        started = time.monotonic()
        plan = plan_round(server.port, options.users)
        out.write(f"{backend}: {plan.users} workers logged in, {len(plan.entries)} pages found "
                  f"({time.monotonic() - started:.0f} s); {options.connections} connections for {options.duration} s")
        if not plan.entries:
            raise RuntimeError("no page answered 200 for any demo worker")
        script = work / "load.lua"
        write_script(plan, script)
        cpu_before = server.cpu_seconds()
        figures = drive(server.port, script, options)
        cpu = server.cpu_seconds() - cpu_before
    finally:
        server.stop()
    socket_errors = figures["connect"] + figures["read"] + figures["write"] + figures["timeout"]
    failed = figures["non_200"] + socket_errors + len(plan.failures)
    seconds = figures["duration_us"] / 1e6
    summary = {
        "requests": figures["requests"], "duration_s": round(seconds, 1),
        "requests_per_s": round(figures["requests"] / seconds, 1),
        "p50_ms": round(figures["p50_us"] / 1000, 1), "p90_ms": round(figures["p90_us"] / 1000, 1),
        "p99_ms": round(figures["p99_us"] / 1000, 1), "max_ms": round(figures["max_us"] / 1000, 1),
        # CPU the server spent per request (the database server's not included): steadier than requests/s
        # on a shared machine, where other work takes cores away.
        "server_cpu_ms_per_request": round(cpu * 1000 / max(1, figures["requests"]), 1),
        "failed": failed, "non_200": figures["non_200"], "non_200_statuses": figures["statuses"].split()[:20],
        "socket_errors": socket_errors, "timeouts": figures["timeout"],
        "server_tracebacks": server.errors(), "round_failures": [list(map(str, f)) for f in plan.failures],
        "connections": options.connections, "workers": _gunicorn_setting(env, options, "workers"),
        "threads": _gunicorn_setting(env, options, "threads"), "users": plan.users,
        "pages": sorted({page for page, _p, _c in plan.entries}), "urls": len(plan.entries),
        "left_out": plan.left_out,
    }
    summary["failed"] += summary["server_tracebacks"]
    out.write(f"{backend:10} {summary['requests_per_s']:8.1f} req/s   p50 {summary['p50_ms']:7.1f} ms   "
              f"p99 {summary['p99_ms']:7.1f} ms   failed {summary['failed']}   "
              f"server CPU {summary['server_cpu_ms_per_request']} ms/request   "
              f"({summary['requests']} requests, {plan.users} workers, {len(plan.entries)} URLs, "
              f"gunicorn {summary['workers']}×{summary['threads']}, {options.connections} connections)")
    if summary["failed"]:
        out.write(f"  failures: non-200 {summary['non_200']} {summary['non_200_statuses']}, socket {socket_errors}, "
                  f"tracebacks {summary['server_tracebacks']} ({server.log_path}), round {plan.failures[:5]}")
    return summary


def _gunicorn_setting(env, options, name):
    """What gunicorn.conf.py chose under this environment (its module read the way gunicorn reads it)."""
    explicit = options.workers if name == "workers" else options.threads
    if explicit:
        return explicit
    import runpy

    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        return runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))[name]
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run(out, backends=("sqlite", "postgresql"), options: Options | None = None) -> dict:
    options = options or Options()
    results = {}
    for backend in backends:
        if backend == "postgresql" and not pg_available(options.pg_url):
            out.write(f"PostgreSQL ({options.pg_url}) did not answer: measured on SQLite only")
            continue
        results[backend] = run_backend(backend, out, options)
    if options.write and results:
        path = Path(settings.BASE_DIR) / "var" / "bench" / "load.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        existing = json.loads(path.read_text()) if path.exists() else {}
        existing.update(results)
        path.write_text(json.dumps(existing, ensure_ascii=False, indent=2))
        out.write(f"written to {path}")
    return results


def temporary_options(**kwargs) -> Options:
    """Options for a short run in a throwaway directory (the test suite's smoke run)."""
    return Options(work_dir=Path(tempfile.mkdtemp(prefix="renkei-load-")), write=False, **kwargs)
