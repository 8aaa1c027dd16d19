"""The `migstat` console command."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from error


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="migstat",
        description="International migration statistics from administrative records.",
    )
    commands = top.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="write a simulated sample delivery")
    generate.add_argument("--out", type=Path, required=True, help="delivery folder to write")
    generate.add_argument("--scale", type=float, default=0.01, help="1.0 is the Maldives")
    generate.add_argument("--seed", type=int, default=1)
    generate.add_argument(
        "--truth", type=Path, default=None, help="where the truth goes (default <out>_truth)"
    )

    ingest = commands.add_parser("ingest", help="land a delivery into the warehouse only")
    ingest.add_argument("--source", required=True, help="folder, s3:// or s3://BUCKET")
    ingest.add_argument("--warehouse", type=Path, required=True, help="DuckDB file")

    run = commands.add_parser("run", help="land, validate, build, test and export")
    run.add_argument("--source", required=True, help="folder, s3:// or s3://BUCKET")
    run.add_argument("--warehouse", type=Path, required=True, help="DuckDB file")
    run.add_argument("--vintage", type=_date, default=None, help="data cut-off YYYY-MM-DD")
    run.add_argument("--no-docs", action="store_true", help="skip the docs site")
    run.add_argument(
        "--full-rebuild",
        action="store_true",
        help="rebuild every model, not only those the newly landed objects feed",
    )

    revisions = commands.add_parser(
        "revisions",
        help="how far provisional figures of past vintages were from later final ones",
        description=(
            "Compare an earlier vintage of marts.migration_statistics_history with a later "
            "one, per indicator and frequency, for the cells the earlier vintage flagged "
            "provisional (P) and final (A). With --build or --months-back, first rebuild the "
            "warehouse at those earlier cut-offs and then at the latest data again."
        ),
    )
    revisions.add_argument("--warehouse", type=Path, required=True, help="DuckDB file")
    revisions.add_argument(
        "--source", default=None, help="land this delivery first (folder, s3:// or s3://BUCKET)"
    )
    revisions.add_argument(
        "--build",
        type=_date,
        action="append",
        default=[],
        metavar="YYYY-MM-DD",
        help="rebuild at this earlier cut-off first (repeatable)",
    )
    revisions.add_argument(
        "--months-back",
        type=int,
        action="append",
        default=[],
        metavar="N",
        help="rebuild at N months before the latest vintage held (repeatable)",
    )
    revisions.add_argument(
        "--no-restore",
        action="store_true",
        help="after the earlier builds, leave the marts at the last of them",
    )
    revisions.add_argument(
        "--earlier",
        type=_date,
        action="append",
        default=None,
        metavar="YYYY-MM-DD",
        help="earlier vintage(s) to compare (default: every one before --later)",
    )
    revisions.add_argument(
        "--later", type=_date, default=None, help="the later vintage (default: the latest held)"
    )
    revisions.add_argument(
        "--final-only",
        action="store_true",
        help="compare only the cells that are final in the later vintage",
    )
    revisions.add_argument(
        "--out", type=Path, default=None, help="folder for revisions.csv/.md (default: beside)"
    )
    return top


def _revisions(args: argparse.Namespace) -> None:
    from migstat import revisions

    warehouse = args.warehouse.resolve()
    cutoffs = list(args.build)
    if args.months_back:
        held = revisions.vintages(warehouse) if warehouse.exists() else []
        if not held:
            raise ValueError("--months-back needs a warehouse built at least once (migstat run)")
        cutoffs += [revisions.months_before(held[-1], months) for months in args.months_back]
    if cutoffs or args.source:
        timings = revisions.build_vintages(
            warehouse, cutoffs, source=args.source, restore_latest=not args.no_restore
        )
        for name, seconds in timings.items():
            print(f"  build {name}: {seconds:.1f} s")
    report = revisions.revision_report(
        warehouse, args.earlier, args.later, final_only=args.final_only
    )
    out = args.out or warehouse.parent / "revisions"
    csv_path, md_path = revisions.write_report(report, out)
    print(revisions.to_markdown(report), end="")
    print(f"written: {csv_path}, {md_path}")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "generate":
            from migstat.generate import generate

            summary = generate(args.out, args.scale, args.seed, args.truth)
            print(f"delivery written to {args.out.resolve()}")
            for name, value in (summary or {}).items():
                print(f"  {name}: {value}")
        elif args.command == "ingest":
            from migstat.landing import land

            report = land(args.source, args.warehouse)
            print(report)
        elif args.command == "revisions":
            _revisions(args)
        elif args.command == "run":
            from migstat.pipeline import run

            report = run(
                args.source,
                args.warehouse,
                args.vintage,
                docs=not args.no_docs,
                full=args.full_rebuild,
            )
            print(f"warehouse: {report.warehouse}")
            if report.exports:
                print(f"exports:   {report.exports}")
                print(f"report:    {report.exports / 'report' / 'index.html'}")
            quality = report.warehouse.parent / "quality" / "index.html"
            if quality.exists():
                print(f"quality:   {quality}")
            if report.docs_site:
                print(f"docs site: {report.docs_site}")
            print("stage timings:")
            for stage, seconds in report.timings.items():
                print(f"  {stage}: {seconds:.1f} s")
    except Exception as error:  # noqa: BLE001 - every failure ends in one clear line
        name = type(error).__name__
        print(f"migstat {args.command}: {name}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
