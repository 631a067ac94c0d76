"""Search records exported in the data.police.uk stop-and-search CSV layout."""

import csv
import io

from fastapi.testclient import TestClient
from ssp_contracts.vocab import STOP_AND_SEARCH_COLUMNS

from services.incidents.tests.conftest import officer_headers
from services.incidents.tests.stories import PERSON, search_body
from services.runtime.testing import bearer


def test_the_export_has_the_columns_and_coarse_locations(client: TestClient) -> None:
    # Given a search at a precise spot
    assert (
        client.post("/searches", json=search_body(), headers=officer_headers()).status_code == 201
    )
    # When an analyst exports
    response = client.get(
        "/searches/export.csv?purpose=statistics", headers=bearer("analyst", "analyst-1")
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))
    # Then the header is data.police.uk's and the location is rounded to 0.01 degree
    assert tuple(rows[0]) == STOP_AND_SEARCH_COLUMNS
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["Latitude"], row["Longitude"]) == ("51.59", "-0.02")
    assert row["Type"] == "Person search"
    assert row["Date"].endswith(":00:00+00:00")  # to the hour
    assert row["Legislation"] == "Criminal Justice Act 1988 (section 139B)"
    assert row["Outcome linked to object of search"] == "False"
    assert PERSON not in response.text
