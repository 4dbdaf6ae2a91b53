"""The routers, assembled in one place."""

from mobilize.api.routes import (
                                 audit_page,
                                 auditing,
                                 candidates,
                                 console,
                                 dashboard,
                                 directory,
                                 dispatches,
                                 drills,
                                 field,
                                 field_command,
                                 field_page,
                                 field_stream,
                                 grid_matters,
                                 history,
                                 ics,
                                 incidents,
                                 organisation,
                                 paging,
                                 peace_page,
                                 peace_views,
                                 people,
                                 privacy,
                                 records,
                                 responders,
                                 roll_calls,
                                 rota,
                                 shifts,
                                 sites,
                                 stream,
                                 task_forces,
                                 views,
                                 visits,
                                 whatif,
)

# rota before sites: /sites/{id}/rota is a literal path that the sites' /sites/{id}/{transition} would take
ROUTERS = [organisation.router, people.router, task_forces.router, incidents.router, rota.router, sites.router,
           shifts.router, candidates.router, dispatches.router, views.router, directory.router, records.router,
           stream.router, dashboard.router, privacy.router, auditing.router, ics.router, history.router,
           whatif.router, visits.router, grid_matters.router, peace_views.router, drills.router, field.router,
           field_command.router, field_stream.router,
           responders.router, roll_calls.router, paging.router]
PAGES = [dashboard.router, peace_page.router, audit_page.router, console.pages, field_page.router]
"""Pages for people, served at the root and kept out of the OpenAPI (the dashboard's JSON also under /api)."""
