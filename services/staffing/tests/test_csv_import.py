"""CSV import: validated row by row; a file with bad rows imports nothing and lists every one."""

import httpx
from fastapi.testclient import TestClient

from services.staffing.tests.conftest import supervisor

SCHOOLS_HEADER = "school_id,name,borough,phase,pupil_count,programme,protocol_signed_on\n"
GOOD_SCHOOLS = (
    SCHOOLS_HEADER + "warwick-boys,Warwick School for Boys,waltham-forest,secondary,950,"
    "safer_schools_partnership,2024-09-01\n"
    + "chase-lane,Chase Lane Primary,waltham-forest,primary,420,schools_involvement,\n"
)


def post_csv(
    client: TestClient, kind: str, text: str, borough: str = "waltham-forest"
) -> httpx.Response:
    headers = {**supervisor(borough), "content-type": "text/csv"}
    return client.post(f"/imports/{kind}", content=text.encode(), headers=headers)


def test_a_valid_file_imports_every_row(client: TestClient) -> None:
    # When a supervisor uploads two schools as a multipart file
    response = client.post(
        "/imports/schools",
        files={"file": ("schools.csv", GOOD_SCHOOLS.encode(), "text/csv")},
        headers=supervisor(),
    )
    # Then both are registered, the first with its protocol signed
    assert response.status_code == 201, response.text
    assert response.json()["imported"] == 2
    school = client.get("/schools/warwick-boys", headers=supervisor()).json()
    assert school["protocol_signed_on"] == "2024-09-01"
    assert school["review_due"] == "2025-09-01"


def test_a_file_with_bad_rows_imports_nothing_and_lists_each_bad_row(client: TestClient) -> None:
    # Given warwick-boys is already registered
    post_csv(client, "schools", SCHOOLS_HEADER + GOOD_SCHOOLS.splitlines()[1] + "\n")
    text = (
        SCHOOLS_HEADER
        + "highams-park,Highams Park,waltham-forest,secondary,1100,schools_involvement,\n"  # ok
        + "bad id,Somewhere,waltham-forest,primary,many,schools_involvement,\n"  # line 3
        + "warwick-boys,Again,waltham-forest,secondary,950,schools_involvement,\n"  # line 4
        + "camden-sch,Camden,camden,secondary,800,schools_involvement,\n"  # line 5
        + "highams-park,Twice,waltham-forest,secondary,1100,schools_involvement,\n"  # line 6
        + "kelmscott,Kelmscott,waltham-forest,secondary,900,schools_involvement,31/02/2024\n"
    )
    response = post_csv(client, "schools", text)
    # Then the answer is 422 with every bad row, its line and its reason
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail["rule"] == "csv-rows-valid"
    found = {(e["line"], e["field"]) for e in detail["errors"]}
    assert found == {
        (3, "school_id"),
        (3, "pupil_count"),
        (4, "school_id"),
        (5, "borough"),
        (6, "school_id"),
        (7, "protocol_signed_on"),
    }
    assert any("already registered" in e["reason"] for e in detail["errors"] if e["line"] == 4)
    # And nothing was imported, not even the good row
    assert client.get("/schools/highams-park", headers=supervisor()).status_code == 404


def test_a_file_missing_columns_is_refused_at_line_1(client: TestClient) -> None:
    response = post_csv(client, "officers", "officer_id,rank\npc-1,constable\n")
    detail = response.json()["detail"]
    assert response.status_code == 422
    assert detail["rule"] == "csv-rows-valid"
    assert detail["errors"][0]["line"] == 1
    assert "borough" in detail["errors"][0]["reason"]


def test_officers_import_checks_the_panel_rule(client: TestClient) -> None:
    text = (
        "officer_id,rank,borough,selection_panel\n"
        "pc-1,constable,waltham-forest,police;school;local_education_authority\n"
        "pc-2,pcso,waltham-forest,school\n"
    )
    response = post_csv(client, "officers", text)
    assert response.status_code == 422
    errors = response.json()["detail"]["errors"]
    assert errors == [
        {
            "line": 3,
            "field": "selection_panel",
            "reason": "the selection panel must include a police representative",
        }
    ]
    assert client.get("/officers/pc-1", headers=supervisor()).status_code == 404


def test_rosters_import_one_shift_a_row(client: TestClient) -> None:
    # Given a deployed officer and the autumn calendar
    post_csv(client, "schools", GOOD_SCHOOLS)
    post_csv(
        client,
        "officers",
        "officer_id,rank,borough,selection_panel\npc-1,constable,waltham-forest,police\n",
    )
    client.post(
        "/deployments",
        json={"officer_id": "pc-1", "school_id": "warwick-boys", "share_percent": 100,
              "start_date": "2025-09-01"},
        headers=supervisor(),
    )  # fmt: skip
    client.put(
        "/calendars/waltham-forest/2025-autumn",
        json={"starts_on": "2025-09-03", "ends_on": "2025-12-19"},
        headers=supervisor(),
    )
    header = "officer_id,term,date,start,hours\n"
    # A bad file: a date outside the term, a day twice, an unknown officer
    bad = (
        header
        + "pc-1,2025-autumn,2025-09-03,08:00,8\n"
        + "pc-1,2025-autumn,2026-01-05,08:00,8\n"
        + "pc-1,2025-autumn,2025-09-03,12:00,4\n"
        + "pc-404,2025-autumn,2025-09-03,08:00,8\n"
    )
    rejected = post_csv(client, "rosters", bad)
    errors = rejected.json()["detail"]["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [
        (3, "date"),
        (4, "date"),
        (5, "officer_id"),
    ]
    # A good file makes one roster of the officer's shifts
    good = header + "pc-1,2025-autumn,2025-09-03,07:30,9\npc-1,2025-autumn,2025-09-04,08:00,8\n"
    assert post_csv(client, "rosters", good).status_code == 201
    roster = client.get("/officers/pc-1/rosters/2025-autumn", headers=supervisor()).json()
    assert roster["rostered_hours"] == 17.0
    assert [s["start"] for s in roster["shifts"]] == ["07:30:00", "08:00:00"]


def test_an_empty_or_unknown_body_is_refused(client: TestClient) -> None:
    empty = post_csv(client, "schools", SCHOOLS_HEADER)
    assert empty.status_code == 422
    assert empty.json()["detail"]["rule"] == "csv-rows-valid"
    response = client.post("/imports/schools", json=[], headers=supervisor())
    assert response.status_code == 415
    assert response.json()["detail"]["rule"] == "csv-content-type"


def test_a_file_the_csv_reader_cannot_read_is_refused_naming_the_line(client: TestClient) -> None:
    # Given a bare carriage return inside an unquoted field (found by the fuzz: it answered 500)
    text = "officer_id,rank,borough,selection_panel\nab\rc,pcso,waltham-forest,police\n"

    # When a supervisor imports it
    response = post_csv(client, "officers", text)

    # Then it is refused as a bad file, with the line, and nothing is imported
    assert response.status_code == 422, response.text
    assert response.json()["detail"]["rule"] == "csv-rows-valid"
    errors = response.json()["detail"]["errors"]
    assert errors[0]["line"] >= 1 and "not a readable CSV file" in errors[0]["reason"]
