"""Officer-shifts as the figures count them: rostered, on leave, abstracted, delivered.

One row per officer-shift (a roster's day). Leave (any notified absence) takes the whole
shift; abstractions of the day are summed; the shift is a breach when any of its
abstractions breached the ring-fence, so a breach counts once per officer-shift. At school
level a shift is split between the schools it served by the officer's deployment shares
valid that day (a deployment's share spread evenly over its schools), so school figures sum
to the borough's; a shift with no deployment known is split equally.
"""

SHIFTS = """
abs_day AS (
    SELECT roster_id, shift_date, min(officer_id) AS officer_id, min(borough) AS borough,
           min(term) AS term, min(school_ids) AS school_ids, sum(hours) AS hours,
           bool_or(breach) AS breach, array_agg(abstraction_id ORDER BY abstraction_id) AS ids
    FROM abs_abstractions WHERE ($1::text IS NULL OR borough = $1) GROUP BY 1, 2
), shift AS (
    SELECT roster_id, shift_date,
           COALESCE(s.officer_id, a.officer_id) AS officer_id,
           COALESCE(s.borough, a.borough) AS borough, COALESCE(s.term, a.term) AS term,
           COALESCE(s.school_ids, a.school_ids) AS school_ids,
           COALESCE(s.hours, 0) AS rostered,
           CASE WHEN s.hours IS NOT NULL AND EXISTS (
               SELECT 1 FROM abs_absences l WHERE l.officer_id = s.officer_id
                 AND s.shift_date BETWEEN l.starts_on AND l.ends_on) THEN s.hours ELSE 0 END
               AS leave,
           COALESCE(a.hours, 0) AS abstracted, COALESCE(a.breach, false) AS breach,
           COALESCE(a.ids, '{}') AS abstraction_ids
    FROM (SELECT * FROM abs_shifts WHERE $1::text IS NULL OR borough = $1) s
    FULL JOIN abs_day a USING (roster_id, shift_date)
)"""
# The deployment shares of each school a shift served (school level only).
SHARES = """, share AS (
    SELECT f.roster_id, f.shift_date, w.school_id,
           CASE WHEN sum(w.dw) OVER (PARTITION BY f.roster_id, f.shift_date) > 0
                THEN COALESCE(w.dw, 0) / sum(w.dw) OVER (PARTITION BY f.roster_id, f.shift_date)
                ELSE 1.0::float8 / cardinality(f.school_ids) END AS weight
    FROM shift f CROSS JOIN LATERAL (
        SELECT sch AS school_id, (
            SELECT sum(COALESCE(d.share_percent, 100)::float / cardinality(d.school_ids))
            FROM ctx_deployments d
            WHERE d.officer_id = f.officer_id AND sch = ANY(d.school_ids)
              AND d.start_date <= f.shift_date
              AND f.shift_date <= LEAST(COALESCE(d.ended_on, 'infinity'),
                                        COALESCE(d.tenure_end, 'infinity'))) AS dw
        FROM unnest(f.school_ids) AS sch) w
)"""
PERIOD = {
    "week": "to_char(f.shift_date, 'IYYY-\"W\"IW')",
    "month": "to_char(f.shift_date, 'YYYY-MM')",
    "term": "f.term",
}
# level -> (key, borough, join, weight)
KEY = {
    "officer": ("f.officer_id", "f.borough", "", "1.0::float8"),
    "school": (
        "w.school_id",
        "f.borough",
        "JOIN share w USING (roster_id, shift_date)",
        "w.weight",
    ),
    "borough": ("f.borough", "f.borough", "", "1.0::float8"),
    "london": ("'London'", "''", "", "1.0::float8"),  # '' not NULL: the joins match on borough
}


def units(level: str, period: str) -> str:
    """The CTEs up to ``unit``: one row per officer-shift (per school, with its weight)."""
    key, borough, join, weight = KEY[level]
    return f"""WITH {SHIFTS}{SHARES if level == "school" else ""}, unit AS (
    SELECT {key} AS key, {borough} AS borough, f.officer_id, {PERIOD[period]} AS period,
           f.roster_id, f.shift_date, {weight} AS w, f.rostered, f.leave, f.abstracted,
           GREATEST(f.rostered - f.leave - f.abstracted, 0) AS delivered, f.breach,
           f.abstraction_ids
    FROM shift f {join}
)"""
