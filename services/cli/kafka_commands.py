"""``ssp kafka``: the local stack's Kafka principals, passwords and ACLs."""

import argparse
import sys

HELP = """Actions:
  credentials  write a random password for each principal that has none (local stack)
  secure       as the admin principal: create the SCRAM users, add and drop ACLs to match
               the table (only under SSP_TOPIC_PREFIX: other prefixes keep theirs)
  acls         print the ACL table derived from the topic catalogue
  strimzi      write (--check: verify) deploy/k8s/kafka/{topics,users}.yaml from the catalogue
--test adds the fault-injection principal 'poison' (the local stack only, never production)."""


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``ssp kafka`` to the CLI."""
    kafka = sub.add_parser(
        "kafka",
        help="Kafka principals, passwords and ACLs",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    kafka.add_argument("action", choices=["credentials", "secure", "acls", "strimzi"])
    kafka.add_argument("--test", action="store_true", help="include the test-only principal")
    kafka.add_argument("--check", action="store_true", help="strimzi: fail if files are stale")
    kafka.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run one ``ssp kafka`` action."""
    from services.runtime.kafka_acls import acl_table, apply_security, write_local_credentials
    from services.runtime.kafka_security import credentials_dir, username

    if args.action == "credentials":
        made = write_local_credentials(credentials_dir(), test=args.test)
        print(f"kafka credentials: {len(made)} new in {credentials_dir()}")
    elif args.action == "strimzi":
        from services.cli import strimzi

        if args.check:
            stale = strimzi.stale()
            for path in stale:
                print(f"stale: {path} (run 'ssp kafka strimzi')")
            return 1 if stale else 0
        print(f"strimzi: {len(strimzi.write())} files written")
    elif args.action == "secure":
        try:
            users, added, dropped = apply_security(test=args.test)
        except ValueError as exc:
            print(f"ssp kafka secure: {exc}", file=sys.stderr)
            return 2
        print(f"kafka security: {users} SCRAM users, {added} ACLs added, {dropped} dropped")
    else:
        for g in acl_table(test=args.test):
            kind = "prefixed" if g.prefixed else "literal"
            print(f"User:{username(g.principal)}\t{g.operation}\t{g.resource}\t{kind}\t{g.name}")
    return 0
