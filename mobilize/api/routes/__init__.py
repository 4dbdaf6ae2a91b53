"""The routers, assembled in one place."""

from mobilize.api.routes import (
                                 auditing,
                                 candidates,
                                 dashboard,
                                 directory,
                                 dispatches,
                                 history,
                                 ics,
                                 incidents,
                                 organisation,
                                 people,
                                 privacy,
                                 records,
                                 rota,
                                 shifts,
                                 sites,
                                 stream,
                                 task_forces,
                                 views,
                                 whatif,
)

# rota before sites: /sites/{id}/rota is a literal path that the sites' /sites/{id}/{transition} would take
ROUTERS = [organisation.router, people.router, task_forces.router, incidents.router, rota.router, sites.router,
           shifts.router, candidates.router, dispatches.router, views.router, directory.router, records.router,
           stream.router, dashboard.router, privacy.router, auditing.router, ics.router, history.router,
           whatif.router]
