"""The seeded London workload of the demo: a plan of HTTP steps, and the drivers that run it.

``london`` and ``calendar`` hold the facts (boroughs, schools named in the source, term
dates), ``world`` builds schools, officers and deployments, ``plan_*`` turn a term into
chains of HTTP steps, and ``runner`` executes the chains against the services.
"""
