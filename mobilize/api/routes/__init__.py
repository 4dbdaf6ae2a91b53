"""The routers, assembled in one place."""

from mobilize.api.routes import (
                                 candidates,
                                 dashboard,
                                 directory,
                                 dispatches,
                                 drills,
                                 grid_matters,
                                 incidents,
                                 organisation,
                                 peace_page,
                                 peace_views,
                                 people,
                                 records,
                                 rota,
                                 shifts,
                                 sites,
                                 stream,
                                 task_forces,
                                 views,
                                 visits,
)

# rota before sites: /sites/{id}/rota is a literal path that the sites' /sites/{id}/{transition} would take
ROUTERS = [organisation.router, people.router, task_forces.router, incidents.router, rota.router, sites.router,
           shifts.router, candidates.router, dispatches.router, views.router, directory.router, records.router,
           stream.router, dashboard.router, visits.router, grid_matters.router,
           peace_views.router, drills.router]
PAGES = [dashboard.router, peace_page.router]
"""Pages for people, served at the root and kept out of the OpenAPI (the dashboard's JSON also under /api)."""
