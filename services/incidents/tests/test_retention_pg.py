"""``ssp retention due|apply`` on a real incidents store: the expired subject is shredded."""

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest

from services.cli.main import main
from services.incidents.application import IncidentsApplication
from services.incidents.domain.search import SearchFacts
from services.incidents.tests.conftest import PUPIL, actor, at, now
from services.incidents.tests.stories import search_facts
from services.runtime.dbroles import migrate
from services.runtime.eventstore import open_application
from services.runtime.retention import RetentionSchedule
from services.runtime.sealed import ERASED
from services.runtime.settings import ServiceSettings

pytestmark = pytest.mark.stack


def test_retention_due_then_apply_shreds_the_expired_subject(
    fresh_db: Callable[[str], str], capsys: pytest.CaptureFixture[str]
) -> None:
    db = fresh_db("retention")
    settings = ServiceSettings.for_service("incidents", db_name=db)
    asyncio.run(migrate(settings, IncidentsApplication))
    app = open_application(IncidentsApplication, settings)
    try:
        facts = SearchFacts(**search_facts(), officer_id="officer-001")
        search_id = app.record_search(facts, now=now(), actor=actor())
        expiry = RetentionSchedule().until("search", at(1, 11, 17))
        before = (expiry - timedelta(days=1)).isoformat()
        after = (expiry + timedelta(days=1)).isoformat()

        assert main(["retention", "due", "incidents", "--db", db, "--at", before]) == 0
        assert "0 subjects of incidents due" in capsys.readouterr().out
        assert main(["retention", "due", "incidents", "--db", db, "--at", after]) == 0
        listed = capsys.readouterr().out
        assert "1 subjects of incidents due" in listed and " search expired " in listed
        assert PUPIL not in listed  # the listing names pseudonyms only
        assert main(["retention", "apply", "incidents", "--db", db, "--at", after]) == 0
        assert "1 subjects of incidents erased at expiry" in capsys.readouterr().out

        person = app.get_search(search_id).facts.person
        app.subjects.cache_seconds = 0  # the erasure was another process's (the command's)
        assert app.subjects.open(person, "person") == ERASED
    finally:
        app.close()
