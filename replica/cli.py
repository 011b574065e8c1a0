"""`python -m replica`: serve the replica, print a week's ground truth, write the members file."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import date, datetime
from types import FrameType

from replica.clock import DEFAULT_NOW, DEFAULT_SEED, parse_now
from replica.faults import DEFAULT_KINDS, KINDS, FaultPlan, parse_kinds
from replica.members import members_csv, write_members
from replica.server import make_server
from replica.sources import names, week_truth


def _now_arg(text: str) -> datetime:
    """argparse type for --now."""
    try:
        return parse_now(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO time: {text!r}") from exc


def _fault_arg(text: str) -> float:
    """argparse type for --fault-rate."""
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be within [0, 1]")
    return value


def _kinds_arg(text: str) -> tuple[str, ...]:
    """argparse type for --fault-kinds."""
    try:
        return parse_kinds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser; every command's help ends with an example."""
    example = names()[-1]
    parser = argparse.ArgumentParser(
        prog="python -m replica",
        description="Deterministic local stand-ins for the crawled sites, with a clock and truth.",
        epilog=f"Example: python -m replica serve --source {example} --port 8080",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    fmt = argparse.RawDescriptionHelpFormatter

    serve = sub.add_parser(
        "serve",
        help="serve one source's replica over HTTP",
        formatter_class=fmt,
        epilog=(
            "Example:\n"
            f"  python -m replica serve --source {example} --port 0 \\\n"
            "      --now 2019-02-11T09:00:00+08:00 --fault-rate 0.2 --fault-kinds all"
        ),
    )
    serve.add_argument("--source", choices=names(), default=names()[0], help="which site to serve")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one")
    serve.add_argument("--now", type=_now_arg, default=DEFAULT_NOW, help="the clock (ISO time)")
    serve.add_argument("--seed", type=int, default=DEFAULT_SEED, help="world seed (default 7)")
    serve.add_argument(
        "--fault-rate",
        type=_fault_arg,
        default=0.0,
        help="share of requests that fail (first attempts only, unless --fault-repeat)",
    )
    serve.add_argument(
        "--fault-kinds",
        type=_kinds_arg,
        default=DEFAULT_KINDS,
        metavar="KINDS",
        help=f"comma-separated, or 'all': {', '.join(KINDS)} (default 429,503)",
    )
    serve.add_argument(
        "--fault-repeat", action="store_true", help="fail every attempt at a faulty page"
    )
    serve.add_argument(
        "--timeout-seconds",
        type=float,
        default=3.0,
        help="how long a 'timeout' fault keeps the client waiting (default 3)",
    )
    serve.add_argument(
        "--js-challenge",
        action="store_true",
        help="answer every page with a JavaScript challenge until its cookie is sent",
    )
    serve.add_argument("--members-out", metavar="PATH", help="also write the members CSV here")
    serve.add_argument("--verbose", action="store_true", help="log every request to stderr")

    truth = sub.add_parser(
        "truth",
        help="print a week's ground truth as JSON",
        formatter_class=fmt,
        epilog=(
            f"Example:\n  python -m replica truth --source {example} --week 2019-02-04 > truth.json"
        ),
    )
    truth.add_argument("--source", choices=names(), default=names()[0], help="which site's truth")
    truth.add_argument("--week", required=True, help="the week's Monday, YYYY-MM-DD")
    truth.add_argument("--now", type=_now_arg, default=DEFAULT_NOW, help="the clock (ISO time)")
    truth.add_argument("--seed", type=int, default=DEFAULT_SEED, help="world seed (default 7)")

    mem = sub.add_parser(
        "members",
        help="write the CRM members CSV (member_id,platform,handle)",
        formatter_class=fmt,
        epilog="Example:\n  python -m replica members -o var/members.csv",
    )
    mem.add_argument("--seed", type=int, default=DEFAULT_SEED, help="world seed (default 7)")
    mem.add_argument("-o", "--output", metavar="PATH", help="file to write (default stdout)")
    return parser


def _serve(args: argparse.Namespace) -> int:
    """Run the server until SIGINT or SIGTERM."""
    if args.members_out:
        write_members(args.members_out, args.seed)
    plan = FaultPlan(args.fault_rate, args.fault_kinds, args.fault_repeat, args.timeout_seconds)
    server = make_server(
        args.source,
        args.now,
        args.seed,
        args.fault_rate,
        args.host,
        args.port,
        args.verbose,
        plan,
        args.js_challenge,
    )

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    threading.Thread(target=server.site.warm, name="replica-warm", daemon=True).start()
    print(
        f"replica serving {args.source} at {server.url} now={server.site.now.isoformat()} "
        f"seed={args.seed}",
        flush=True,
    )
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _truth(args: argparse.Namespace) -> int:
    """Print the week's truth."""
    try:
        week = date.fromisoformat(args.week)
    except ValueError:
        print(
            f"replica truth: error: --week {args.week!r} is not a date (YYYY-MM-DD)",
            file=sys.stderr,
        )
        return 2
    if week.weekday() != 0:
        print(f"replica truth: error: --week {week} is a {week:%A}, not a Monday", file=sys.stderr)
        return 2
    truth = week_truth(args.source, week, args.now, args.seed)
    json.dump(truth, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


def _members(args: argparse.Namespace) -> int:
    """Write the members CSV."""
    if args.output:
        write_members(args.output, args.seed)
    else:
        sys.stdout.write(members_csv(args.seed))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the replica CLI and return its exit code."""
    args = build_parser().parse_args(argv)
    handlers = {"serve": _serve, "truth": _truth, "members": _members}
    try:
        return handlers[args.command](args)
    except BrokenPipeError:  # e.g. `python -m replica truth ... | head`
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return 0
