"""`mobilize audit verify|anchor|trail`: the chain checked and anchored, the trail (ICS 214) printed or exported."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from mobilize.application import Mobilize, open_app
from mobilize.cli.console import as_csv, as_json, table
from mobilize.cli.ids import BadId, check_args
from mobilize.cli.views import moment
from mobilize.log.codec import iso
from mobilize.privacy.seal import Opener
from mobilize.projections.anchors import BAD_SIGNATURE, REWRITTEN, TRUNCATED, AnchorError, anchor, check
from mobilize.projections.audit import AuditTrail, trail, verify
from mobilize.projections.base import Runner
from mobilize.projections.replay import BadMoment
from mobilize.projections.store import ViewStore
from mobilize.settings import Settings


def add_commands(commands: Any) -> None:
    """Add `audit` to the CLI."""
    audit = commands.add_parser("audit", help="the audit trail and its hash chain")
    audit_verbs = audit.add_subparsers(dest="verb", required=True)
    audit_verbs.add_parser("verify", help="check the hash chain against the stored events and the latest anchor")
    anchor = audit_verbs.add_parser("anchor", help="sign the chain's head; record it in the log and the anchor file")
    anchor.add_argument("--reason", help="why (default: anchor the audit chain)")
    export = audit_verbs.add_parser("trail", help="print or export the audit trail")
    export.add_argument("--incident"), export.add_argument("--person")
    export.add_argument("--since", help="recorded at or after (ISO time with zone)")
    export.add_argument("--until", help="recorded at or before (ISO time with zone)")
    export.add_argument("--format", choices=("table", "csv", "json"), default="table")
    export.add_argument("--limit", type=int)
    audit.set_defaults(func=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Carry out `audit …`; returns the exit status."""
    app, views = open_app(settings), ViewStore.for_store(settings.store)
    try:
        check_args(app, args, "incident", "person")
        return _audit(app, views, settings, args)
    except AnchorError as error:
        print(f"mobilize: {error}", file=sys.stderr)
        return 1
    except (BadMoment, BadId) as error:
        print(f"mobilize: {error}", file=sys.stderr)
        return 2
    finally:
        views.close()


def _audit(app: Mobilize, views: ViewStore, settings: Settings, args: argparse.Namespace) -> int:
    Runner(app, views, AuditTrail()).catch_up()
    if args.verb == "anchor":
        checkpoint = anchor(app, views, settings, actor=f"cli:{getpass.getuser()}", reason=args.reason)
        print(f"anchored position {checkpoint.position}, head {checkpoint.head}, signed {checkpoint.signed_at} "
              f"(anchor {checkpoint.anchor_id}; appended to {settings.anchors})")
        return 0
    if args.verb == "verify":
        return _verify(app, views, settings)
    since, until = (iso(moment(t)) if t else None for t in (args.since, args.until))
    rows = trail(views, incident_id=args.incident, person_id=args.person, since=since, until=until, limit=args.limit,
                 opener=Opener(app.keyring))  # the console is the operators' own: entitled
    if args.format == "csv":
        sys.stdout.write(as_csv(rows))
    elif args.format == "json":
        print(as_json(rows))
    else:
        print(table(rows, ("position", "event_type", "actor", "ordered_by", "reason", "occurred_at", "recorded_at",
                           "command_id"), "Audit trail"))
    return 0


def _verify(app: Mobilize, views: ViewStore, settings: Settings) -> int:
    """The chain, then the latest anchor; exit 1 on anything that does not hold."""
    verdict = verify(app, views)
    if not verdict.ok:
        print(f"AUDIT CHAIN BROKEN at position {verdict.broken_at}: {verdict.problem} "
              f"({verdict.checked} events checked before it)", file=sys.stderr)
        return 1
    anchored = check(app, settings)
    if not anchored.ok:
        title = {TRUNCATED: "LOG TRUNCATED", REWRITTEN: "CHAIN REWRITTEN", BAD_SIGNATURE: "ANCHOR SIGNATURE BAD"}
        print(f"{title[anchored.kind or '']} since the last anchor: {anchored.problem}", file=sys.stderr)
        return 1
    print(f"audit chain holds: {verdict.checked} events checked; head {verdict.head}")
    last = anchored.checkpoint
    print("no anchor yet: run `mobilize audit anchor`" if last is None else
          f"last anchor holds: position {last.position}, head {last.head}, signed {last.signed_at}")
    return 0
