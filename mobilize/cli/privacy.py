"""`mobilize person erase|export` and `mobilize privacy erase-household|migrate|sweep|rotate-master|new-key`:
personal data (PIPL)."""

from __future__ import annotations

import getpass
import json
import sys
from typing import Any
from uuid import UUID

from mobilize.application import Mobilize, open_app
from mobilize.cli.views import moment
from mobilize.domain.base import CommandContext, DomainError
from mobilize.domain.person import Person
from mobilize.log.codec import iso
from mobilize.privacy.retention import Retention, finish_erasures, people, sweep, unfinished_erasures
from mobilize.privacy.subject import subject_access
from mobilize.projections.audit import AuditTrail
from mobilize.projections.base import Runner
from mobilize.projections.store import ViewStore
from mobilize.settings import BadSetting, Settings, new_master_key, read_master_key_file, write_master_key


def add_commands(commands: Any) -> None:
    """Add `person` and `privacy` to the CLI."""
    person = commands.add_parser("person", help="a person's personal data: erase it, export what is held")
    verbs = person.add_subparsers(dest="verb", required=True)
    erase = verbs.add_parser("erase", help="erase a person's phone, ID number and home unit (destroys their key)")
    erase.add_argument("person_id")
    erase.add_argument("--reason", required=True, help="why (recorded with the erasure)")
    export = verbs.add_parser("export", help="what is held about a person and where it came from, as JSON")
    export.add_argument("person_id")
    person.set_defaults(func=run_person)

    privacy = commands.add_parser("privacy", help="erasing a household, sealing old logs, retention sweeps, "
                                  "master key handling")
    verbs = privacy.add_subparsers(dest="verb", required=True)
    household = verbs.add_parser("erase-household", help="erase a household's address and care flags and the text "
                                 "of its visits, requests and small wishes (destroys their keys)")
    household.add_argument("household_id")
    household.add_argument("--reason", required=True, help="why (recorded with the erasure)")
    verbs.add_parser("migrate", help="record again, sealed, personal data an older log holds in plain text")
    swept = verbs.add_parser("sweep", help="erase the personal data whose retention rule has run out")
    swept.add_argument("--now", help="as of this moment (ISO time with zone; default: now)")
    swept.add_argument("--dry-run", action="store_true", help="name them, erase nothing")
    rotate = verbs.add_parser("rotate-master", help="re-wrap every data key under a new master key")
    rotate.add_argument("--new-key-file", required=True, help="file holding the new key (privacy new-key --file)")
    new_key = verbs.add_parser("new-key", help="make a master key: printed, or written to a file only you can read")
    new_key.add_argument("--file")
    privacy.set_defaults(func=run_privacy)


def _ctx(reason: str) -> CommandContext:
    return CommandContext(actor=f"cli:{getpass.getuser()}", reason=reason)


def run_person(settings: Settings, args: Any) -> int:
    """Carry out `person …`."""
    app = open_app(settings)
    try:
        person_id = UUID(args.person_id)
        if args.verb == "erase":
            app.erase_personal_data(person_id, ctx=_ctx(args.reason))
            print(f"personal data of {person_id} erased; its key is destroyed")
            return 0
        views = ViewStore.for_store(settings.store)
        try:
            Runner(app, views, AuditTrail()).catch_up()
            print(json.dumps(subject_access(app, person_id, views), ensure_ascii=False, indent=2))
        finally:
            views.close()
        return 0
    except (DomainError, ValueError) as error:
        print(f"mobilize: {getattr(error, 'message', error)}", file=sys.stderr)
        return 2
    finally:
        app.close()


def run_privacy(settings: Settings, args: Any) -> int:
    """Carry out `privacy …`."""
    if args.verb == "new-key":
        if args.file:
            write_master_key(args.file)
            print(f"a new master key is in {args.file} (readable by you only)")
        else:
            print(new_master_key())
        return 0
    app = open_app(settings)
    try:
        if args.verb == "erase-household":
            household_id = UUID(args.household_id)
            app.erase_household_data(household_id, ctx=_ctx(args.reason))
            print(f"personal data of household {household_id} and of the records naming it erased; their keys "
                  "are destroyed")
            return 0
        if args.verb == "migrate":
            sealed = migrate(app)
            print(f"sealed forward the personal data of {sealed} people; no event was rewritten")
            return 0
        if args.verb == "sweep":
            at = moment(args.now) if args.now else app.clock()
            named = sweep(app, at, Retention(*settings.retention_days), f"cli:{getpass.getuser()} (privacy sweep)",
                          dry_run=args.dry_run)
            for person in named:
                print(f"{person.person_id}  {person.name}  {person.reason}")
            print(f"{'would erase' if args.dry_run else 'erased'} the personal data of {len(named)} people "
                  f"as of {iso(at)}")
            actor = f"cli:{getpass.getuser()} (privacy sweep)"
            for kind, subject in unfinished_erasures(app) if args.dry_run else finish_erasures(app, actor):
                print(f"{subject}  {kind}  {'would finish' if args.dry_run else 'finished'} an erasure a crash "
                      "left with its keys in place")
            return 0
        new = read_master_key_file(args.new_key_file)
        count = app.keyring.rotate(new)
        print(f"re-wrapped {count} data keys under the new master key; events untouched. Point "
              f"MOBILIZE_MASTER_KEY_FILE at {args.new_key_file} before the next start.")
        return 0
    except (BadSetting, DomainError, ValueError) as error:
        print(f"mobilize: {error}", file=sys.stderr)
        return 2
    finally:
        app.close()


def migrate(app: Mobilize) -> int:
    """Seal forward each person whose latest personal data lies in plain text; returns how many."""
    sealed = 0
    for person_id in people(app):
        if app.plain_text_recorded(person_id) and not app.load(Person, person_id, "person").erased:
            app.seal_personal_data(person_id, ctx=_ctx("mobilize privacy migrate: plain text sealed forward"))
            sealed += 1
    return sealed
