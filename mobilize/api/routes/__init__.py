"""The routers, assembled in one place."""

from mobilize.api.routes import (
                                 auditing,
                                 dashboard,
                                 dispatches,
                                 history,
                                 ics,
                                 incidents,
                                 organisation,
                                 people,
                                 records,
                                 shifts,
                                 sites,
                                 stream,
                                 task_forces,
                                 views,
                                 whatif,
)

ROUTERS = [organisation.router, people.router, task_forces.router, incidents.router, sites.router, shifts.router,
           dispatches.router, views.router, records.router, stream.router, dashboard.router,
           auditing.router, ics.router, history.router, whatif.router]
