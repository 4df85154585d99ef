#!/usr/bin/env python3
# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Developer commands of oms_addon: ``test`` and ``demo``.

Odoo 18.0 is a prerequisite, found as the importable ``odoo`` package or through
``ODOO_PATH`` (an Odoo 18.0 source folder, the one holding ``odoo-bin``).
PostgreSQL comes from the machine: the test command starts a throwaway cluster
in a temporary folder and removes it afterwards, also on failure; the demo command
keeps its cluster under ``.demo/`` (git-ignored) unless ``PGHOST`` is given.

    python3 tools/oms_dev.py test [--keep] [--odoo-only | --pytest-only | --lint-only]
    python3 tools/oms_dev.py demo [--port 8069] [--reset]
"""

import argparse
import contextlib
import glob
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADDON = "oms_addon"
PG_ROLE = "odoo"
RUN_AS_ROOT = os.geteuid() == 0
# The Odoo modules oms_addon extends whose own tests run with oms_addon installed, in
# the same install as oms_addon's tests: an addon that breaks its host's tests is not done.
HOST_TEST_MODULES = ("sale", "sale_stock", "stock_picking_batch", "delivery")
# Tests of those modules left out of the run, each with why (a test tag each,
# ``-/module:Class.method``). Only tests that fail on this Odoo without oms_addon too.
HOST_TESTS_EXCLUDED = {
    # An at_install test of sale that sets delivered quantities by hand: once
    # sale_stock is installed (oms_addon needs it) they come from the deliveries. Odoo
    # runs it before sale_stock exists; after the install it fails with or without
    # oms_addon.
    "-/sale:TestSaleFlow.test_qty_delivered": "needs sale without sale_stock",
}
LAUNCHER = REPO / "tools" / "odoo_test_launcher.py"
# Log lines that make an install or a test run fail, whoever logged them.
BAD_LOG_LINE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")
TEST_RESULT_LINE = re.compile(r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests")
# What the test runner logs per test; the module is in the logger's name, or for a
# class whose set-up failed, in the description.
TEST_EVENT_LINE = re.compile(
    r"^\S+ \S+ \d+ (?:INFO|ERROR) \S+ (?P<logger>\S+): "
    r"(?P<event>Starting|skipped|FAIL:|ERROR:) (?:Subtest )?(?P<test>\S+)(?P<rest>.*)$",
    re.MULTILINE,
)


class CommandError(Exception):
    """A failure the developer must act on; the message says what to do."""


# ----------------------------------------------------------------------
# Odoo
# ----------------------------------------------------------------------
def find_odoo():
    """Return (command prefix, addons folder, environment) to run Odoo 18.0."""
    env = dict(os.environ)
    odoo_path = os.environ.get("ODOO_PATH")
    if odoo_path:
        root = Path(odoo_path).resolve()
        if not (root / "odoo" / "release.py").is_file():
            raise CommandError(
                f"ODOO_PATH={odoo_path} is not an Odoo source folder: "
                f"{root / 'odoo' / 'release.py'} is missing."
            )
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import json, os, odoo.release as r; "
                "print(json.dumps([r.series, os.path.dirname(r.__file__)]))"
            ),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode:
        raise CommandError(
            "Odoo 18.0 is not installed for %s: `import odoo` failed and ODOO_PATH is "
            "not set.\nInstall Odoo 18.0 (its requirements.txt, then `pip install -e "
            "<odoo source>`) or set ODOO_PATH to an Odoo 18.0 source folder.\n%s"
            % (sys.executable, probe.stderr.strip().splitlines()[-1:])
        )
    series, package_dir = json.loads(probe.stdout)
    if series != "18.0":
        raise CommandError(f"Odoo {series} found in {package_dir}; oms_addon needs 18.0.")
    # Only the package's own addons folder: a source tree may also carry an older
    # top-level addons/ that must never shadow it.
    addons = [os.path.join(package_dir, "addons"), str(REPO)]
    return [sys.executable, "-m", "odoo"], ",".join(addons), env


# ----------------------------------------------------------------------
# PostgreSQL
# ----------------------------------------------------------------------
def pg_bindir():
    """Folder of initdb/pg_ctl: Debian keeps them out of PATH."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(re.search(r"/(\d+)/bin", p).group(1)),
    )
    if candidates:
        return os.path.dirname(candidates[-1])
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(initdb)
    raise CommandError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's "
        "`postgresql` package (apt-get install postgresql)."
    )


def free_port():
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster listening on a unix socket only, in ``folder``."""

    def __init__(self, folder, port=None):
        self.folder = Path(folder)
        self.data = self.folder / "data"
        self.port = port or free_port()
        self.bindir = pg_bindir()
        # PostgreSQL refuses to run as root: use the postgres account instead.
        self.owner = "postgres" if RUN_AS_ROOT else None
        if RUN_AS_ROOT:
            try:
                pwd.getpwnam("postgres")
            except KeyError as exc:
                raise CommandError(
                    "Running as root needs the `postgres` system user (Debian's "
                    "postgresql package creates it)."
                ) from exc

    def _run(self, *cmd, **kwargs):
        if self.owner:
            cmd = ("runuser", "-u", self.owner, "--") + cmd
        return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)

    def _bin(self, name):
        return os.path.join(self.bindir, name)

    @property
    def exists(self):
        return (self.data / "PG_VERSION").is_file()

    def init(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.owner:
            shutil.chown(self.folder, user=self.owner)
        self._run(
            self._bin("initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
        )

    def start(self):
        options = (
            f"-k {self.folder} -p {self.port} -c listen_addresses='' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        self._run(
            self._bin("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "postgresql.log"),
            "-w",
            "start",
        )
        self.psql(
            "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%s') THEN "
            "CREATE ROLE %s LOGIN CREATEDB; END IF; END$$;" % (PG_ROLE, PG_ROLE)
        )

    def stop(self):
        if self.exists and (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run(self._bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def psql(self, sql, dbname="postgres"):
        return self._run(
            self._bin("psql"),
            "-h",
            str(self.folder),
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            dbname,
            "-v",
            "ON_ERROR_STOP=1",
            "-tAc",
            sql,
        ).stdout.strip()

    def odoo_args(self):
        return ["--db_host", str(self.folder), "--db_port", str(self.port), "--db_user", PG_ROLE]

    def env(self):
        return {"PGHOST": str(self.folder), "PGPORT": str(self.port), "PGUSER": PG_ROLE}

    def odoo(self, odoo_cmd, addons_path, dbname, *args):
        """The command line running Odoo on ``dbname`` of this cluster."""
        return [*odoo_cmd, *self.odoo_args(), "--addons-path", addons_path, "-d", dbname, *args]


@contextlib.contextmanager
def throwaway_cluster(keep=False):
    folder = tempfile.mkdtemp(prefix="oms-pg-")
    os.chmod(folder, 0o755)
    cluster = Cluster(folder)

    def _terminate(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        signal.signal(signal.SIGTERM, previous)
        cluster.stop()
        if keep:
            print(f"Kept the cluster in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


# ----------------------------------------------------------------------
# test
# ----------------------------------------------------------------------
def stream(cmd, log_path, env, echo):
    """Run ``cmd``, write its output to ``log_path``, echo the lines ``echo`` keeps."""
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=REPO,
            errors="replace",
        )
        for line in proc.stdout:
            log.write(line)
            if echo(line):
                sys.stdout.write(line)
                sys.stdout.flush()
        return proc.wait()


def run_problems(runner, ran, skipped, exit_code, failed):
    """What makes a test run fail besides its failed tests: nothing ran, a test was
    skipped, or the runner exited non-zero with no failure to explain it."""
    problems = []
    if exit_code and not failed:
        problems.append(f"{runner} exited with code {exit_code}")
    if ran == 0:
        problems.append(f"no {runner} test ran")
    if skipped:
        problems.append(f"{skipped} {runner} test(s) skipped")
    return problems


def run_odoo_tests(cluster, odoo_cmd, addons_path, env, workdir):
    """Install the addon with its demo data in a fresh database and run its tests and
    those of its host modules (``HOST_TEST_MODULES``), all with the addon installed.

    Any failure or error fails the run, and so does a skipped test of the addon; a
    host module's test may skip itself (Odoo's own choice, e.g. a module it needs is
    not installed): that is reported, not counted as a failure."""
    log_path = workdir / "odoo-tests.log"
    cmd = cluster.odoo(
        # Odoo's command line, with the at_install tests run once the install is done.
        [odoo_cmd[0], str(LAUNCHER)],
        addons_path,
        "oms_test",
        "-i",
        ADDON,
        "--test-enable",
        "--test-tags",
        odoo_test_tags(),
        "--stop-after-init",
        "--http-port",
        str(free_port()),
        "--gevent-port",
        str(free_port()),
        "--log-level",
        "info",
        "--max-cron-threads",
        "0",
        # A filestore of this run's own: another run on the machine (same database
        # name, another cluster) must not collect this one's files, nor this one its.
        "--data-dir",
        str(workdir / "odoo-data"),
    )
    print("$", " ".join(cmd), flush=True)
    for tag, reason in sorted(HOST_TESTS_EXCLUDED.items()):
        print(f"Left out: {tag[1:]} ({reason})", flush=True)
    started = time.time()

    def echo(line):
        return (
            BAD_LOG_LINE.match(line)
            or " WARNING " in line
            or "odoo.tests.stats" in line
            or "odoo.tests.result" in line
            or line.startswith(("Traceback", "  File", "AssertionError"))
        )

    code = stream(cmd, log_path, env, echo)
    text = log_path.read_text(encoding="utf-8", errors="replace")
    failed = errors = run = 0
    for match in TEST_RESULT_LINE.finditer(text):
        failed, errors, run = (int(g) for g in match.groups())
    counts = count_tests_per_module(text)
    skipped = counts.get(ADDON, {}).get("skipped", 0)
    bad_lines = [line for line in text.splitlines() if BAD_LOG_LINE.match(line)]
    problems = run_problems("Odoo", run, skipped, code, failed or errors)
    if bad_lines and not (failed or errors):
        problems.append(f"{len(bad_lines)} ERROR/CRITICAL line(s) in Odoo's log")
    for module in (ADDON, *HOST_TEST_MODULES):
        if module not in counts:
            problems.append(f"no test of {module} ran")
    for module, count in sorted(counts.items()):
        print(
            f"  {module}: {count['run']} run, {count['passed']} passed, "
            f"{count['failed']} failed, {count['skipped']} skipped",
            flush=True,
        )
    host_skipped = sum(c["skipped"] for m, c in counts.items() if m != ADDON)
    print(
        f"Odoo tests: {run} run, {failed} failed, {errors} errors, {skipped} skipped "
        f"(+{host_skipped} skipped by the host modules themselves) "
        f"in {time.time() - started:.0f}s (log: {log_path})",
        flush=True,
    )
    passed = sum(c["passed"] for c in counts.values())
    not_passed = failed + errors + skipped + (1 if problems and not (failed or errors) else 0)
    return passed, not_passed, problems


def odoo_test_tags():
    """The addon's tests, its host modules' tests, less the excluded ones."""
    tags = [f"/{module}" for module in (ADDON, *HOST_TEST_MODULES)]
    return ",".join(tags + sorted(HOST_TESTS_EXCLUDED))


def count_tests_per_module(text):
    """{module: {run, passed, failed, skipped}} from the test runner's log lines; a
    test counts as failed once however many of its subtests failed."""
    started, skipped, failed = {}, {}, {}
    for match in TEST_EVENT_LINE.finditer(text):
        event, test, rest = match["event"], match["test"], match["rest"]
        module = re.match(r"odoo\.addons\.(\w+)\.tests\.", match["logger"])
        if not module:  # a class whose set-up failed: "setUpClass (odoo.addons.x....)"
            module = re.search(r"\(odoo\.addons\.(\w+)\.tests\.", rest)
        if not module:
            continue
        module = module.group(1)
        if event == "Starting":
            started.setdefault(module, set()).add(test)
        elif event == "skipped":
            skipped.setdefault(module, set()).add(test)
        else:
            failed.setdefault(module, set()).add(test if "." in test else test + rest)
    counts = {}
    for module in started.keys() | failed.keys():
        run = len(started.get(module, ()))
        bad = len(failed.get(module, ()))
        skip = len(skipped.get(module, ()))
        counts[module] = {
            "run": run,
            "failed": bad,
            "skipped": skip,
            "passed": max(run - bad - skip, 0),
        }
    return counts


def run_pytest(cluster, odoo_cmd, addons_path, env, workdir):
    """Run the database-free and end-to-end pytest tests of ``tests/``."""
    junit = workdir / "pytest.xml"
    env = dict(env, **cluster.env())
    env["OMS_ODOO_CMD"] = json.dumps(odoo_cmd)
    env["OMS_ADDONS_PATH"] = addons_path
    cmd = [sys.executable, "-m", "pytest", "-q", "-rfEs", f"--junitxml={junit}", "tests"]
    print("$", " ".join(cmd), flush=True)
    code = subprocess.run(cmd, cwd=REPO, env=env, check=False).returncode
    if not junit.exists():
        return 0, 1, [f"pytest exited with code {code} and wrote no report"]
    suite = ET.parse(junit).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    tests, failures, errors, skipped = (
        int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped")
    )
    problems = run_problems("pytest", tests, skipped, code, failures or errors)
    return tests - failures - errors - skipped, failures + errors + skipped, problems


def run_lint():
    """ruff, then pylint-odoo's mandatory checks for 18.0."""
    problems = []
    for name, cmd in (
        ("ruff", [sys.executable, "-m", "ruff", "check", "."]),
        ("ruff format", [sys.executable, "-m", "ruff", "format", "--check", "."]),
        (
            "pylint-odoo",
            [sys.executable, "-m", "pylint", "--rcfile=.pylintrc-mandatory", ADDON],
        ),
    ):
        print("$", " ".join(cmd), flush=True)
        if subprocess.run(cmd, cwd=REPO, check=False).returncode:
            problems.append(f"{name} found problems")
    return problems


def cmd_test(args):
    odoo_cmd, addons_path, env = find_odoo()
    workdir = Path(tempfile.mkdtemp(prefix="oms-test-"))
    started = time.time()
    passed = not_passed = 0
    problems = []
    with throwaway_cluster(keep=args.keep) as cluster:
        if not (args.pytest_only or args.lint_only):
            p, n, probs = run_odoo_tests(cluster, odoo_cmd, addons_path, env, workdir)
            passed, not_passed, problems = passed + p, not_passed + n, problems + probs
        if not (args.odoo_only or args.lint_only):
            p, n, probs = run_pytest(cluster, odoo_cmd, addons_path, env, workdir)
            passed, not_passed, problems = passed + p, not_passed + n, problems + probs
    if not (args.odoo_only or args.pytest_only):
        problems += run_lint()
    print(f"Took {time.time() - started:.0f}s; logs in {workdir}")
    for problem in problems:
        print(f"FAILED: {problem}")
    print(f"oms: {passed} passed, {not_passed} failed")
    return 1 if problems or not_passed else 0


# ----------------------------------------------------------------------
# demo
# ----------------------------------------------------------------------
def cmd_demo(args):
    odoo_cmd, addons_path, env = find_odoo()
    dbname = args.database
    if os.environ.get("PGHOST"):
        cluster = None
        db_args = []  # Odoo reads PGHOST, PGPORT, PGUSER, PGPASSWORD itself.
    else:
        cluster = Cluster(REPO / ".demo" / "postgresql", port=args.pg_port)
        if not cluster.exists:
            print(f"Creating a PostgreSQL cluster in {cluster.folder}")
            cluster.init()
        cluster.stop()
        cluster.start()
        db_args = cluster.odoo_args()
    try:
        options = db_args + ["--addons-path", addons_path, "-d", dbname]
        base = odoo_cmd + options
        exists = _database_has_addon(odoo_cmd + ["shell"] + options, env)
        if args.reset and exists:
            cluster_env = dict(env, **cluster.env()) if cluster else env
            subprocess.run(["dropdb", "--if-exists", dbname], env=cluster_env, check=False)
            exists = False
        if not exists:
            print(f"Creating database {dbname} with {ADDON} and its demo data...", flush=True)
            subprocess.run(
                base
                + [
                    "-i",
                    ADDON,
                    "--stop-after-init",
                    "--log-level",
                    "warn",
                    "--http-port",
                    str(free_port()),
                ],
                env=env,
                check=True,
            )
        print(
            f"\nOdoo with {ADDON} is starting on http://localhost:{args.port}/odoo"
            f"\nLogin: admin  Password: admin  Database: {dbname}"
            "\nStop with Ctrl+C.\n",
            flush=True,
        )
        return subprocess.run(
            base + ["--http-port", str(args.port), "--db-filter", f"^{dbname}$"],
            env=env,
            check=False,
        ).returncode
    except KeyboardInterrupt:
        return 0
    finally:
        if cluster:
            cluster.stop()


def _database_has_addon(shell_cmd, env):
    probe = subprocess.run(
        shell_cmd + ["--no-http", "--log-level", "critical"],
        input="print('OMS-STATE', env['ir.module.module'].search("
        f"[('name', '=', '{ADDON}')]).state)\n",
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return "OMS-STATE installed" in probe.stdout


# ----------------------------------------------------------------------
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    test = sub.add_parser("test", help="run every test and lint on a throwaway cluster")
    only = test.add_mutually_exclusive_group()
    only.add_argument("--odoo-only", action="store_true")
    only.add_argument("--pytest-only", action="store_true")
    only.add_argument("--lint-only", action="store_true")
    test.add_argument("--keep", action="store_true", help="keep the cluster for a look")
    test.set_defaults(func=cmd_test)
    demo = sub.add_parser("demo", help="run Odoo with the addon and demo data")
    demo.add_argument("--port", type=int, default=int(os.environ.get("OMS_DEMO_PORT", "8069")))
    demo.add_argument("--pg-port", type=int, default=54329)
    demo.add_argument("--database", default="oms_demo")
    demo.add_argument("--reset", action="store_true", help="drop and recreate the database")
    demo.set_defaults(func=cmd_demo)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CommandError as exc:
        print(f"oms_dev: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
