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
    return top


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
        elif args.command == "run":
            from migstat.pipeline import run

            report = run(args.source, args.warehouse, args.vintage, docs=not args.no_docs)
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
