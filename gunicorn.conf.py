"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py renkei.wsgi` (read from the working directory).

Workers and threads follow the machine. A request is mostly Python (templates, querysets) holding the GIL, so
the processes do the parallel work: one per core. Two threads per worker (`gthread`) let a request that waits
(the database, a PDF) not hold up the next; more threads, or more processes than cores, only queue on the GIL
and the cores. Keep-alive connections wait in the worker's event loop, not in a thread, so 50 open browsers do
not need 50 threads. Measured with `make load` on 2 cores, 50 connections (README, 本番運用): 2×1 and 2×2 were
fastest (SQLite 106 / 104 requests/s, PostgreSQL 80 / 79), 3×4 slower (94 / 67, p99 1.5 / 2.4 s).

Environment: GUNICORN_BIND (default 127.0.0.1:8000), GUNICORN_WORKERS (default CPU cores),
GUNICORN_THREADS (default 2), GUNICORN_TIMEOUT (default 30 s), GUNICORN_CONTROL_SOCKET (none by default).
"""

import os


def _int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


def _cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", _cores())
threads = _int("GUNICORN_THREADS", 2)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 20
keepalive = 5
# Each worker starts afresh after about this many requests (jittered so they do not restart together).
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
# gunicorn's control socket (`gunicornc`) defaults to one path per user, which a second instance on the same
# machine (a test run, `make load`) would take over: only where GUNICORN_CONTROL_SOCKET names one.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
