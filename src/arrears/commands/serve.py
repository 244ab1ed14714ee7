"""`arrears serve`: the web application behind gunicorn, with its static files collected first.

    arrears serve --host 127.0.0.1 --port 8000 --workers 2
"""

from __future__ import annotations

from arrears.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("serve", help="启动网站 / serve the web application")
    parser.add_argument("--host", default="127.0.0.1", help="监听地址 / address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="端口 / port (default 8000)")
    parser.add_argument("--workers", type=int, default=2, help="工作进程数 / worker processes (default 2)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from django.conf import settings
    from django.core.management import call_command

    from arrears.secret import require_secret

    require_secret()  # before anything is served: no secret, no site (the demo sets its own)
    if not 0 < args.port < 65536:
        raise InputError(f"端口必须在 1 到 65535 之间：{args.port}", f"the port must be 1 to 65535: {args.port}")
    if args.workers < 1:
        raise InputError(f"工作进程数至少为 1：{args.workers}", f"at least 1 worker is needed: {args.workers}")
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    bind = f"[{args.host}]:{args.port}" if ":" in args.host else f"{args.host}:{args.port}"
    url = f"http://{bind}/"

    def announce(_arbiter) -> None:
        print(f"网站已启动：{url}（按 Ctrl+C 停止）\nServing at {url} (Ctrl+C to stop)", flush=True)

    server = _gunicorn(
        {
            "bind": [bind],
            "workers": args.workers,
            "timeout": 60,
            "graceful_timeout": 10,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "arrears",
            "when_ready": announce,  # once listening, so a port already in use is not announced
            "post_fork": _keep_connections,
        }
    )
    server.run()
    return 0


WORKER_CONNECTION_SECONDS = 600


def _keep_connections(_server, _worker) -> None:
    """In each worker: keep its database connection across requests instead of opening one per request.

    A gunicorn sync worker serves one request at a time, so one connection per worker is safe;
    on SQLite a new connection costs more than most pages (it re-reads the schema and starts with
    an empty page cache). Django still closes a connection after an error or once it is older
    than this. Code that opens a bulk connection closes Django's first (decision 0004).
    """
    from django.db import connections

    for connection in connections.all():
        connection.settings_dict["CONN_MAX_AGE"] = WORKER_CONNECTION_SECONDS
        connection.settings_dict["CONN_HEALTH_CHECKS"] = True


def _gunicorn(options: dict):
    """gunicorn configured from `options` instead of its own command line.

    Imported here, not at the top: every command module is imported to build the CLI, and
    gunicorn is only needed by this one.
    """
    from gunicorn.app.base import BaseApplication

    class ArrearsServer(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            from arrears.wsgi import application

            return application

    return ArrearsServer()
