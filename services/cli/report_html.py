"""The demo's report as one self-contained HTML page with inline SVG charts (no network)."""

import html
import json
from pathlib import Path
from typing import Any

from services.cli import report_chronologies as chronologies
from services.cli import report_school_records as school_records
from services.cli.report_definitions import DEFINITIONS
from services.cli.report_text import _hours, _money, _pct

STYLE = """body{font:14px system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}table{border-collapse:collapse}
td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}td:first-child,
th:first-child{text-align:left}.note{color:#666}svg text{font-size:11px}"""


def bar_chart(
    title: str,
    items: list[tuple[str, float]],
    fmt: str = "{:.1f}",
    line: float | None = None,
    line_label: str = "",
    defined: str = "",
) -> str:
    """A horizontal bar chart as inline SVG; ``line`` draws a threshold."""
    width, left, row = 760, 190, 20
    top = max((v for _, v in items), default=0) or 1
    top = max(top, line or 0) * 1.1
    height = row * len(items) + 30
    scale = (width - left - 60) / top
    parts = [
        f'<svg class="chart" role="img" aria-label="{html.escape(title)}" width="{width}"'
        f' height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{html.escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(items):
        y = 10 + i * row
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">{html.escape(label)}</text>'
            f'<rect x="{left}" y="{y + 2}" width="{value * scale:.1f}" height="{row - 6}"'
            f' fill="#3a6ea5"/><text x="{left + value * scale + 4:.1f}" y="{y + 13}">'
            f"{fmt.format(value)}</text>"
        )
    if line is not None:
        x = left + line * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="5" x2="{x:.1f}" y2="{height - 15}" stroke="#c0392b"'
            f' stroke-dasharray="4 3"/><text x="{x + 3:.1f}" y="{height - 3}" fill="#c0392b">'
            f"{html.escape(line_label)}</text>"
        )
    parts.append("</svg>")
    return f"<h2>{html.escape(title)}</h2>" + "".join(parts) + _note(defined)


def _note(key: str) -> str:
    """The definition of a table's or chart's figures, printed under it."""
    return f"<p class='note'>{html.escape(DEFINITIONS[key])}</p>" if key else ""


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _outcomes(fig: dict[str, Any]) -> str:
    """Outcomes beside the comparison group, the baselines and the census; activities."""
    bullying, absence = "bullying_per_1000_pupils_per_day", "unauthorised_absence_rate"
    groups = [
        [g, c["schools"], f"{c[bullying] or 0:.3f}", _pct(c[absence])]
        for g, c in fig["comparison"].items()
    ]
    activities = [
        [k.replace("_", " "), v["activities"], v["hours"], v["pupils_reached"]]
        for k, v in fig["activities"]["by_kind"].items()
    ]
    base = fig["baseline"]
    ethnic = [
        [r["ethnic_group"], r["searches"], _pct(r["search_share"]), _pct(r["pupil_share"]),
         "-" if r["ratio"] is None else f"{r['ratio']:.2f}"]
        for r in fig["search_ethnicity"]
    ]  # fmt: skip
    return (
        "<h2>Recorded activities</h2>"
        + _table(["activity", "recorded", "hours", "pupils reached"], activities)
        + _note("activities")
        + "<h2>Outcomes beside the comparison group</h2>"
        + _table(["group", "schools", "bullying per 1,000 a day", "unauthorised absence"], groups)
        + _note("comparison")
        + f"<p>{base['with_baseline']} of {base['schools']} served schools have a baseline;"
        f" median change in bullying {base[bullying + '_median_change']}, in unauthorised"
        f" absence {base[absence + '_median_change']}.</p>"
        + _note("baseline")
        + "<h2>Searches by ethnicity beside the pupils</h2>"
        + _table(["group", "searches", "share of searches", "share of pupils", "ratio"], ethnic)
        + _note("ethnicity")
    )


def _school_records(fig: dict[str, Any]) -> str:
    """Allegations against staff (counts only) and staff searches, per school and term; the
    chronologies consulted."""
    if "school_records" not in fig:
        return ""
    rows = school_records.table_rows(fig["school_records"])
    consulted = fig.get("chronologies")
    return (
        "<h2>The school's own records</h2>"
        + _table(school_records.HEADERS, rows)
        + _note("allegations")
        + _note("school_searches")
        + (f"<p>{html.escape(chronologies.line(consulted))}</p>" if consulted else "")
        + (_note("chronologies") if consulted else "")
    )


def write_report(path: Path, term: str, fig: dict[str, Any], links: dict[str, str]) -> Path:
    """Write the HTML report (and its figures as JSON beside it); returns the HTML path."""
    ldn, boroughs = fig["london"], fig["boroughs"]
    charts = [
        bar_chart(
            "Abstraction rate by borough (% of rostered hours)",
            [(b["borough"], b["abstraction_rate"] * 100) for b in boroughs],
            "{:.1f}%", 10.0, "10% ring-fence threshold", "abstraction_chart",
        ),
        bar_chart(
            "Ring-fence breaches by borough (officer-shifts)",
            [(b["borough"], float(b["ring_fence_breaches"])) for b in boroughs], "{:.0f}",
            defined="breaches_chart",
        ),
        bar_chart(
            "Abstracted hours by category (London)",
            sorted(ldn["hours_by_category"].items(), key=lambda kv: -kv[1]), "{:.0f} h",
            defined="categories_chart",
        ),
        bar_chart(
            "Incidents per 1,000 pupils by borough",
            [(b["borough"], b["per_1000_pupils"] or 0.0) for b in boroughs], "{:.1f}",
            defined="incidents",
        ),
        bar_chart(
            "Incidents by category (London)",
            [(k, float(v)) for k, v in fig["incidents_by_category"].items()], "{:.0f}",
            defined="incidents",
        ),
        bar_chart(
            "Searches by outcome (London)",
            [(k, float(v)) for k, v in fig["searches_by_outcome"].items()], "{:.0f}",
            defined="searches",
        ),
        bar_chart(
            "Disclosure turnaround to decision (median, hours)",
            [(u, d["median_turnaround_hours"] or 0) for u, d in fig["disclosures"].items()],
            "{:.1f} h", defined="disclosures",
        ),
        bar_chart(
            "Notional cost per pupil by borough (£ this term)",
            [(b["borough"], b["cost_per_pupil"] or 0.0) for b in boroughs], "£{:.2f}",
            defined="value",
        ),
    ]  # fmt: skip
    rows = [
        [b["borough"], b["schools"], f"{b['officers']} ({b['fte']:g})", f"{b['pupils']:,}",
         *(f"{b[k]:,.0f}" for k in ("rostered_hours", "leave_hours", "abstracted_hours",
                                    "delivered_hours")),
         _pct(b["abstraction_rate"]), f"{b['ring_fence_breaches']:g}", b["incidents"],
         b["per_1000_pupils"], _money(b["cost_per_pupil"])]
        for b in [*boroughs, {**ldn, "borough": "London"}]
    ]  # fmt: skip
    disclosures = [
        [u, d["requests"], d["decided"], _hours(d["median_turnaround_hours"]),
         _hours(d["median_hours_from_submission"]), d["overdue_confirmations"]]
        for u, d in fig["disclosures"].items()
    ]  # fmt: skip
    programmes = [
        [p.replace("_", " "), r["officers"], f"{r['fte']:g}", r["schools"], f"{r['pupils']:,}",
         _money(r["period_cost"]), _money(r["cost_per_pupil"]), "; ".join(r["notes"])]
        for p, r in fig["programmes"].items()
    ]  # fmt: skip
    summary = (
        f"{ldn['schools']} schools, {ldn['pupils']:,} pupils, {ldn['officers']} officers"
        f" ({ldn['fte']:g} FTE); {ldn['delivered_hours']:,.0f} hours delivered of"
        f" {ldn['rostered_hours']:,.0f} rostered; abstraction {_pct(ldn['abstraction_rate'])};"
        f" {ldn['ring_fence_breaches']:g} ring-fence breaches; {ldn['incidents']} incidents"
        f" ({ldn['per_1000_pupils']} per 1,000 pupils); {ldn['searches']} searches;"
        f" {_money(ldn['period_cost'])} this term ({_money(ldn['cost_per_pupil'])} per pupil)"
        + "".join(f"; {n}" for n in ldn["cost_notes"])
        + "."
    )
    link_list = "".join(
        f'<li>{html.escape(k)}: <a href="{html.escape(v)}">{html.escape(v)}</a></li>'
        for k, v in links.items()
    )
    page = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>SSP {term}</title>"
        f"<style>{STYLE}</style></head><body><h1>Safer Schools Partnership, London, {term}</h1>"
        f"<p>{html.escape(summary)}</p>"
        + _table(
            [
                "borough",
                "schools",
                "officers (FTE)",
                "pupils",
                "rostered h",
                "leave h",
                "abstracted h",
                "delivered h",
                "abstraction",
                "breaches",
                "incidents",
                "per 1,000 pupils",
                "£ per pupil",
            ],
            rows,
        )
        + _note("boroughs")
        + "".join(charts)
        + "<h2>Value for money by programme</h2>"
        + _table(
            [
                "programme",
                "officers",
                "FTE",
                "schools",
                "pupils",
                "cost this term",
                "£ per pupil",
                "notes",
            ],
            programmes,
        )
        + _note("value")
        + "<h2>Disclosures</h2>"
        + _table(
            [
                "urgency",
                "requests",
                "decided",
                "median turnaround",
                "from submission",
                "overdue confirmations",
            ],
            disclosures,
        )
        + _note("disclosures")
        + _outcomes(fig)
        + _school_records(fig)
        + f"<h2>Where to look</h2><ul>{link_list}</ul></body></html>"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    path.with_suffix(".json").write_text(json.dumps(fig, indent=2, default=str), encoding="utf-8")
    return path
