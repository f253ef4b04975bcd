#!/usr/bin/env python3
"""jingzhun developer tasks — the only entry point the README needs.

    python3 dev.py start      create .venv, migrate, load the demo county, run web server + worker
    python3 dev.py test       create .venv, run the whole test suite (ruff, checks, pytest)

Other tasks: setup, demo, lint, bench, messages. Uses only the standard library, so it runs on a fresh
machine with Python >= 3.11. DATABASE_URL selects PostgreSQL; otherwise SQLite under ./data/.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("JINGZHUN_VENV", ROOT / ".venv"))
PY = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
HOST = os.environ.get("JINGZHUN_HOST", "127.0.0.1")
PORT = os.environ.get("JINGZHUN_PORT", "8000")


def run(*args, env=None, check=True):
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=check)


def setup() -> None:
    """Create the virtual environment and install the project with its dev extras (once per change)."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit("需要 Python 3.11 或更高版本 / Python >= 3.11 is required")
    if not PY.exists():
        print(f"创建虚拟环境 {VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".jingzhun-installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PY, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
        stamp.write_text(digest)


def manage(*args, settings="config.settings.dev", check=True):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings}
    return run(PY, "manage.py", *args, env=env, check=check)


def demo() -> None:
    setup()
    manage("migrate", "--noinput")
    manage("load_demo", *sys.argv[2:])


def start() -> None:
    demo()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    worker = subprocess.Popen(
        [str(PY), "manage.py", "db_worker", "--queue-name", "default"], cwd=ROOT, env=env
    )
    web = subprocess.Popen(
        [str(PY), "manage.py", "runserver", "--noreload", f"{HOST}:{PORT}"], cwd=ROOT, env=env
    )
    time.sleep(1.5)
    print(
        f"\n精准帮扶管理系统已启动 / jingzhun is running: http://{HOST}:{PORT}/  (Ctrl+C 停止 / to stop)\n",
        flush=True,
    )
    manage("demo_logins")
    try:
        while web.poll() is None and worker.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        for proc in (web, worker):
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in (web, worker):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def lint() -> None:
    setup()
    run(PY, "-m", "ruff", "check", ".")
    run(PY, "-m", "ruff", "format", "--check", ".")


def test() -> None:
    """Everything CI checks: lint, Django checks, migrations up to date, then pytest."""
    setup()
    run(PY, "-m", "ruff", "check", ".")
    manage("check", settings="config.settings.test")
    manage("makemigrations", "--check", "--dry-run", settings="config.settings.test")
    result = run(PY, "-m", "pytest", *sys.argv[2:], check=False)
    # pytest exits 5 when it collected no tests: that must fail, never pass.
    if result.returncode == 5:
        sys.exit("没有收集到任何测试 / no tests were collected")
    sys.exit(result.returncode)


def bench() -> None:
    setup()
    scripts = sys.argv[2:] or sorted(str(p.relative_to(ROOT)) for p in (ROOT / "bench").glob("*.py"))
    for script in scripts:
        run(PY, script, env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"})


def messages() -> None:
    setup()
    manage("makemessages", "-l", "en", "--no-obsolete")
    manage("compilemessages", "-l", "en")


TASKS = {
    "setup": setup,
    "demo": demo,
    "start": start,
    "test": test,
    "lint": lint,
    "bench": bench,
    "messages": messages,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in TASKS:
        print(__doc__)
        sys.exit(2)
    try:
        TASKS[sys.argv[1]]()
    except subprocess.CalledProcessError as exc:
        print(
            f"命令失败 / command failed (exit {exc.returncode}): {' '.join(map(str, exc.cmd))}",
            file=sys.stderr,
        )
        sys.exit(exc.returncode or 1)
