"""Benchmark the Zengin kernel against DuckDB on the unprocessed-payment desk's workload.

Run: PYTHONPATH=src .venv/bin/python bench/settlement.py [--records 1000000]
     [--per-file 250000] [--runs 5] [--dir DIR] [--duckdb-threads N]
     [--postgres postgresql://postgres@127.0.0.1:5432/postgres] [--no-sqlite] [--ten-million]

The desk imports a backlog of 総合振込 files after an outage, totals it per receiving bank
and per bank+branch, and orders it for resending: same-day transfers (振込指定区分 7, 電信)
first, then larger amounts first, ties in file order. This generates Zengin files holding
``--records`` data records in all (files of at most ``--per-file`` <= 999,999 records, cut
by the kernel's own ``write_volumes``, so every trailer total also fits its 12 digits),
CRLF after each record, then times in the same run:

- antei: read each file's bytes, ``zengin.parse_file`` (every field validated, trailers
  reconciled), concatenate the columns, ``totals_by_bank``, ``totals_by_branch``,
  ``priority_order``; numpy, one thread.
- duckdb: ``read_csv`` of the same files, one VARCHAR column per line (latin-1, so one
  character per byte and ``substr`` positions are byte positions), into a table of the same
  14 columns with ``substr`` and ``CAST``; the same two GROUP BYs and ORDER BY, fetched as
  numpy arrays. The load is inside its time. CAST refuses non-numbers but nothing else is
  validated.
- duckdb+checks: as duckdb, plus what the kernel checks that SQL can say briefly: record
  length, digits of the numeric fields and the name character set by regular expression,
  blank names, and each file's trailer count and total against its data.

- antei-sqlite / antei-postgres: the whole desk through the application, once per database:
  ``settlement.services.import_batch`` for every file (read, parse and validate with the
  kernel, content hash, bulk insert - executemany in one transaction on SQLite, COPY on
  PostgreSQL - the priority rank cache and one audit entry per batch), then consolidation
  (``selectors.summary`` by bank and by bank+branch: SQL GROUP BY) and the plan
  (``selectors.plan``: the priority order over all open items and each channel's clearing
  time). A fresh database each: SQLite in a temporary directory; on PostgreSQL (given with
  ``--postgres``, any database on the server) a dedicated database ``bench_settlement`` is
  created and dropped afterwards. Compared with duckdb (which keeps its table in memory).

Each side runs in its own subprocess (``--worker``), which times ``--runs`` runs with
time.perf_counter and reports its peak RSS (VmHWM) and its RSS after imports (VmRSS).
Before printing, the parent checks that all sides computed the same totals and the same
order. The figures are medians; the ratio is the peer's median over antei's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from antei.kernels import zengin, zengin_desk, zengin_write
from antei.kernels.zengin_layout import CounterpartyRule, Header, Kind, Records

SIDES = ("antei", "duckdb", "duckdb+checks")
DB_SIDES = ("antei-sqlite", "antei-postgres")
BENCH_DB = "bench_settlement"
RESULT_KEYS = ("bank", "bank_count", "bank_total", "branch_bank", "branch", "branch_count",
               "branch_total", "order")
FAMILY = ["ﾔﾏﾀﾞ", "ｽｽﾞｷ", "ﾀﾅｶ", "ｻﾄｳ", "ﾀｶﾊｼ", "ﾜﾀﾅﾍﾞ", "ｲﾄｳ", "ﾅｶﾑﾗ", "ｺﾊﾞﾔｼ", "ｶﾄｳ",
          "ﾖｼﾀﾞ", "ﾔﾏﾓﾄ", "ｻｻｷ", "ﾔﾏｸﾞﾁ", "ﾏﾂﾓﾄ", "ｲﾉｳｴ", "ｷﾑﾗ", "ﾊﾔｼ", "ｼﾐｽﾞ", "ﾔﾏｻﾞｷ"]
GIVEN = ["ﾀﾛｳ", "ﾊﾅｺ", "ｲﾁﾛｳ", "ｼﾞﾛｳ", "ﾕｳｺ", "ｹﾝｼﾞ", "ﾐﾎ", "ｻｸﾗ", "ﾋﾛｼ", "ｱｷﾗ", "ﾒｸﾞﾐ",
         "ﾏｺﾄ", "ﾅｵｷ", "ﾕｶﾘ", "ｼﾖｳﾀ", "ｱﾔ"]
COMPANIES = ["ｶ)ｱﾝｴｲｼﾖｳｼﾞ", "ｶ)ﾄｳｷﾖｳﾌﾞﾂﾘﾕｳ", "ﾕ)ﾔﾏﾀﾞｼﾖｳﾃﾝ", "ｲ)ｻｸﾗｶｲ", "ｶ)ﾆﾎﾝｹﾝｾﾂ"]
HEADER = Header(requester_code="1234567890", requester_name="ｶ)ｱﾝｴｲｼﾖｳｼﾞ",
                transfer_date="0401", bank_code=1, bank_name="ﾐｽﾞﾎ", branch_code=100,
                branch_name="ﾎﾝﾃﾝ", account_type=1, account_number=1234567)


# -- data --------------------------------------------------------------------------------------


def make_records(n: int, seed: int) -> Records:
    """Transfers to 1,200 banks (a few large ones take most), lognormal amounts."""
    rng = np.random.default_rng(seed)
    banks = np.sort(rng.choice(np.arange(1, 10_000), size=1200, replace=False))
    weights = 1 / np.arange(1, banks.size + 1) ** 1.1
    bank = rng.choice(banks, size=n, p=weights / weights.sum())
    pool = [f"{f} {g}" for f in FAMILY for g in GIVEN] + COMPANIES
    names = np.array([s.encode("cp932").ljust(30) for s in pool], dtype="S30")
    amount = np.clip(rng.lognormal(11.5, 1.3, size=n), 1, 50_000_000).astype(np.int64)
    return Records.build(
        bank_code=bank.astype(np.int16),
        branch_code=rng.integers(1, 1000, size=n).astype(np.int16),
        account_number=rng.integers(1, 10_000_000, size=n).astype(np.int32),
        amount=amount,
        name=names[rng.integers(0, names.size, size=n)],
        bank_name=np.full(n, b"\xc3\xbd\xc4".ljust(15), dtype="S15"),  # ﾃｽﾄ
        designation=np.where(rng.random(n) < 0.3, b"7", b" ").astype("S1"),
    )


def generate(directory: Path, n: int, per_file: int) -> list[Path]:
    rule = CounterpartyRule(max_records=per_file)
    volumes = zengin_write.write_volumes(Kind.TRANSFER, HEADER, make_records(n, 20270401),
                                         rule=rule, line_breaks=True)
    paths = []
    for i, volume in enumerate(volumes, 1):
        path = directory / f"sogo_{i:04d}.txt"
        path.write_bytes(volume)
        paths.append(path)
    return paths


# -- the sides (each in its own process) -------------------------------------------------------


def run_antei(files: list[Path]) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    began = time.perf_counter()
    parsed = [zengin.parse_file(path.read_bytes(), expect_kind=Kind.TRANSFER) for path in files]
    if not all(p.ok for p in parsed):
        raise SystemExit(f"antei found problems: {[p.problems[:3] for p in parsed if not p.ok]}")
    records = Records.concat([p.records for p in parsed])
    parsed_at = time.perf_counter()
    by_bank = zengin_desk.totals_by_bank(records)
    by_branch = zengin_desk.totals_by_branch(records)
    grouped_at = time.perf_counter()
    order = zengin_desk.priority_order(records, records.designation == b"7")
    done = time.perf_counter()
    if by_branch.branch_code is None:
        raise SystemExit("totals_by_branch returned no branch codes")
    return ({"load": parsed_at - began, "group-by": grouped_at - parsed_at,
             "sort": done - grouped_at},
            {"bank": by_bank.bank_code, "bank_count": by_bank.count,
             "bank_total": by_bank.total, "branch_bank": by_branch.bank_code,
             "branch": by_branch.branch_code, "branch_count": by_branch.count,
             "branch_total": by_branch.total, "order": order})


COLUMNS = """
    CAST(substr(line, 2, 4) AS SMALLINT) AS bank_code, substr(line, 6, 15) AS bank_name,
    CAST(substr(line, 21, 3) AS SMALLINT) AS branch_code, substr(line, 24, 15) AS branch_name,
    substr(line, 39, 4) AS clearing_house, CAST(substr(line, 43, 1) AS TINYINT) AS account_type,
    CAST(substr(line, 44, 7) AS INTEGER) AS account_number, substr(line, 51, 30) AS name,
    CAST(substr(line, 81, 10) AS BIGINT) AS amount, substr(line, 91, 1) AS new_code,
    substr(line, 92, 10) AS customer_code1, substr(line, 102, 10) AS customer_code2,
    substr(line, 112, 1) AS designation, substr(line, 113, 1) AS edi_flag"""
READ = """read_csv($files, columns = {'line': 'VARCHAR'}, header = false, delim = '\x01',
    quote = '', escape = '', encoding = 'latin-1', new_line = '\\r\\n', auto_detect = false,
    filename = true)"""
# Latin-1 ± .. ß are the bytes 0xB1-0xDF: half-width ｱ .. ﾝ ﾞ ﾟ.
CHECKS = """SELECT
    count(*) FILTER (WHERE length(line) <> 120),
    count(*) FILTER (WHERE substr(line, 1, 1) = '2' AND NOT (
        regexp_full_match(substr(line, 2, 4) || substr(line, 21, 3) || substr(line, 44, 7)
                          || substr(line, 81, 10), '[0-9]{24}')
        AND regexp_full_match(substr(line, 6, 15) || substr(line, 24, 15)
                              || substr(line, 51, 30), '[0-9A-Z ()./±-ß-]{60}')
        AND trim(substr(line, 51, 30)) <> ''))
    FROM raw"""
TRAILERS = """SELECT count(*) FROM (
    SELECT filename,
        count(*) FILTER (WHERE substr(line, 1, 1) = '2') AS n,
        sum(TRY_CAST(substr(line, 81, 10) AS BIGINT)) FILTER (WHERE substr(line, 1, 1) = '2')
            AS s,
        max(TRY_CAST(substr(line, 2, 6) AS BIGINT)) FILTER (WHERE substr(line, 1, 1) = '8')
            AS tn,
        max(TRY_CAST(substr(line, 8, 12) AS BIGINT)) FILTER (WHERE substr(line, 1, 1) = '8')
            AS ts
    FROM raw GROUP BY filename) WHERE n IS DISTINCT FROM tn OR s IS DISTINCT FROM ts"""


def run_duckdb(files: list[Path], checks: bool, threads: int | None
               ) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    import duckdb  # only the DuckDB workers need it

    began = time.perf_counter()
    con = duckdb.connect(config={"threads": threads} if threads else {})
    names = [str(path) for path in files]
    if checks:
        # S608: the SQL is built from this module's constants only; file names are parameters.
        con.execute(f"CREATE TABLE raw AS SELECT filename, line FROM {READ}",  # noqa: S608
                    {"files": names})
        bad_length, bad_fields = con.execute(CHECKS).fetchone() or (1, 1)
        (bad_trailers,) = con.execute(TRAILERS).fetchone() or (1,)
        if bad_length or bad_fields or bad_trailers:
            raise SystemExit(f"duckdb found problems: {bad_length} {bad_fields} {bad_trailers}")
        con.execute(f"CREATE TABLE d AS SELECT {COLUMNS} FROM raw "  # noqa: S608 - constants
                    "WHERE substr(line, 1, 1) = '2'")
    else:
        con.execute(f"CREATE TABLE d AS SELECT {COLUMNS} FROM {READ} "  # noqa: S608 - constants
                    "WHERE substr(line, 1, 1) = '2'", {"files": names})
    loaded_at = time.perf_counter()
    by_bank = con.execute("SELECT bank_code, count(*), sum(amount)::BIGINT FROM d "
                          "GROUP BY bank_code ORDER BY bank_code").fetchnumpy()
    by_branch = con.execute("SELECT bank_code, branch_code, count(*), sum(amount)::BIGINT "
                            "FROM d GROUP BY ALL ORDER BY 1, 2").fetchnumpy()
    grouped_at = time.perf_counter()
    order = con.execute("SELECT rowid FROM d ORDER BY designation = '7' DESC, amount DESC, "
                        "rowid").fetchnumpy()["rowid"]
    done = time.perf_counter()
    con.close()
    bank, branch = list(by_bank.values()), list(by_branch.values())
    return ({"load": loaded_at - began, "group-by": grouped_at - loaded_at,
             "sort": done - grouped_at},
            {"bank": bank[0], "bank_count": bank[1], "bank_total": bank[2],
             "branch_bank": branch[0], "branch": branch[1], "branch_count": branch[2],
             "branch_total": branch[3], "order": order})


def run_desk(files: list[Path]) -> dict[str, float]:
    """Import every file through the service, consolidate, plan (one run, a fresh DB)."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from datetime import UTC, datetime

    from antei.core.actor import cli_actor
    from antei.incidents import services as incident_services
    from antei.inventory import services as inventory_services
    from antei.org import services as org_services
    from antei.settlement import selectors, services

    actor = cli_actor()
    org_services.create_department(actor=actor, code="FX", name="為替部", kind="business")
    inventory_services.create_system(actor=actor, code="FXS", name="為替システム",
                                     tier="critical", owner_department="FX")
    incident = incident_services.open_incident(actor=actor, title="bench", rank=1,
                                               systems=["FXS"],
                                               detected_at=datetime.now(tz=UTC))
    began = time.perf_counter()
    imported = 0
    for path in files:
        batch, created = services.import_batch(actor=actor, incident_id=incident.pk,
                                               format="zengin", data=path.read_bytes(),
                                               file_name=path.name)
        if not created:
            raise SystemExit(f"{path.name} was taken for a re-import")
        imported += batch.item_count
    imported_at = time.perf_counter()
    by_bank = selectors.summary(incident.pk, ["bank_code"])
    by_branch = selectors.summary(incident.pk, ["bank_code", "branch_code"])
    grouped_at = time.perf_counter()
    result = selectors.plan(incident.pk)
    done = time.perf_counter()
    if sum(r["count"] for r in by_bank) != imported or result.queue.ids.size != imported:
        raise SystemExit("the desk lost items")
    del by_branch
    return {"load": imported_at - began, "group-by": grouped_at - imported_at,
            "sort": done - grouped_at}


def memory_mib() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MiB.

    /proc's VmHWM starts afresh at exec; getrusage's ru_maxrss would carry the parent's
    peak (the data generation) into the worker, so it is only the fallback.
    """
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return peak, peak
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def worker(side: str, directory: Path, runs: int, threads: int | None) -> None:
    files = sorted(directory.glob("sogo_*.txt"))
    if side == "duckdb" or side == "duckdb+checks":
        import duckdb  # noqa: F401 - imported before the baseline is taken, as numpy is
    baseline = memory_mib()[0]
    phases: list[dict[str, float]] = []
    if side in DB_SIDES:
        phases.append(run_desk(files))
        print(json.dumps({"phases": phases, "peak_mib": memory_mib()[1],
                          "baseline_mib": baseline}))
        return
    for i in range(runs):
        if side == "antei":
            timing, result = run_antei(files)
        else:
            timing, result = run_duckdb(files, side == "duckdb+checks", threads)
        phases.append(timing)
        if i == 0:
            np.savez(directory / f"result-{side}.npz", *(result[k] for k in RESULT_KEYS))
        del result
    print(json.dumps({"phases": phases, "peak_mib": memory_mib()[1], "baseline_mib": baseline}))


# -- the parent --------------------------------------------------------------------------------


def same_results(directory: Path) -> None:
    ours = np.load(directory / "result-antei.npz")
    for side in SIDES[1:]:
        theirs = np.load(directory / f"result-{side}.npz")
        for i, key in enumerate(RESULT_KEYS):
            mine, peer = ours[f"arr_{i}"], theirs[f"arr_{i}"]
            if not np.array_equal(mine.astype(np.int64), peer.astype(np.int64)):
                raise SystemExit(f"antei and {side} disagree on {key}; not benchmarking")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--per-file", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, help="keep the files here (reused if present)")
    parser.add_argument("--duckdb-threads", type=int, help="default: DuckDB's (all cores)")
    parser.add_argument("--postgres", help="PostgreSQL server URL: also run the desk there, "
                        f"in a database {BENCH_DB} created and dropped by the bench")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite desk run")
    parser.add_argument("--ten-million", action="store_true",
                        help="10,000,000 records (overrides --records)")
    parser.add_argument("--worker", choices=SIDES + DB_SIDES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.runs < 3:
        parser.error("--runs must be at least 3 (the figures are medians)")
    if args.ten_million:
        args.records = 10_000_000
    if args.worker:
        worker(args.worker, args.dir, args.runs, args.duckdb_threads)
        return

    directory = args.dir or Path(tempfile.mkdtemp(prefix="zengin-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    marker = directory / f"generated-{args.records}-{args.per_file}"
    try:
        if not marker.exists():
            for old in directory.glob("sogo_*.txt"):
                old.unlink()
            began = time.perf_counter()
            generate(directory, args.records, args.per_file)
            print(f"generated in {time.perf_counter() - began:.1f} s (zengin_write, vectorised)")
            marker.touch()
        files = sorted(directory.glob("sogo_*.txt"))
        size = sum(f.stat().st_size for f in files)
        print(f"{args.records:,} data records in {len(files)} files of <= {args.per_file:,} "
              f"(CRLF, {size / 2**20:.1f} MiB); {os.cpu_count()} cores, load average "
              f"{os.getloadavg()[0]:.2f}; {args.runs} runs per side, each side in its own "
              f"process")
        reports = {}
        for side in SIDES:
            command = [sys.executable, __file__, "--worker", side, "--dir", str(directory),
                       "--runs", str(args.runs)]
            if args.duckdb_threads:
                command += ["--duckdb-threads", str(args.duckdb_threads)]
            done = subprocess.run(command, check=False, capture_output=True, text=True)
            if done.returncode:
                raise SystemExit(f"the {side} worker failed:\n{done.stderr}")
            reports[side] = json.loads(done.stdout)
        same_results(directory)
        desk_sides = [] if args.no_sqlite else ["antei-sqlite"]
        if args.postgres:
            desk_sides.append("antei-postgres")
        for side in desk_sides:
            reports[side] = run_desk_side(side, directory, args.postgres)
        print_table(reports)
    finally:
        if args.dir is None:
            shutil.rmtree(directory)


def _server_url(url: str, database: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


def run_desk_side(side: str, directory: Path, postgres: str | None) -> dict[str, object]:
    """One run of the whole desk in a fresh database, in its own process."""
    env = dict(os.environ)
    env.pop("ANTEI_DATABASE_URL", None)
    scratch = Path(tempfile.mkdtemp(prefix="settlement-db-"))
    env["ANTEI_VAR_DIR"] = str(scratch)
    env["DJANGO_SETTINGS_MODULE"] = "antei.settings"
    admin = None
    if side == "antei-postgres":
        import psycopg

        admin = psycopg.connect(_server_url(postgres or "", "postgres"), autocommit=True)
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")
        env["ANTEI_DATABASE_URL"] = _server_url(postgres or "", BENCH_DB)
    try:
        command = [sys.executable, __file__, "--worker", side, "--dir", str(directory),
                   "--runs", "3"]
        done = subprocess.run(command, check=False, capture_output=True, text=True, env=env)
        if done.returncode:
            raise SystemExit(f"the {side} worker failed:\n{done.stderr}")
        report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
        return report
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if admin is not None:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            admin.close()


def print_table(reports: dict[str, dict[str, object]]) -> None:
    import duckdb  # for its version only

    medians: dict[str, float] = {}
    print(f"\n{'side':15} {'median':>8} {'min':>8} {'max':>8}   {'load':>6} {'group':>6} "
          f"{'sort':>6}   {'peak RSS':>9} {'after imports':>14}")
    for side, report in reports.items():
        phases = report["phases"]
        if not isinstance(phases, list):
            raise SystemExit(f"the {side} worker reported no phases")
        totals = [sum(p.values()) for p in phases]
        medians[side] = statistics.median(totals)
        parts = {k: statistics.median(p[k] for p in phases) for k in phases[0]}
        print(f"{side:15} {medians[side]:7.3f}s {min(totals):7.3f}s {max(totals):7.3f}s   "
              f"{parts['load']:5.3f}s {parts['group-by']:5.3f}s {parts['sort']:5.3f}s   "
              f"{report['peak_mib']:6.0f} MiB {report['baseline_mib']:10.0f} MiB")
    print(f"\nload = read + parse/validate (antei) or read_csv into a table (DuckDB "
          f"{duckdb.__version__}); antei is single-threaded numpy {np.__version__}")
    for side in SIDES[1:]:
        print(f"ratio {side} / antei (medians): {medians[side] / medians['antei']:.2f}")
    for side in DB_SIDES:
        if side in medians:
            print(f"ratio {side} / duckdb: {medians[side] / medians['duckdb']:.2f}, "
                  f"{side} / duckdb+checks: {medians[side] / medians['duckdb+checks']:.2f} "
                  f"(one run; load = import through the service into the database)")
    print("all kernel sides computed the same totals per bank and per branch and the same "
          "order; the desk runs checked that every record was stored and planned")


if __name__ == "__main__":
    main()
