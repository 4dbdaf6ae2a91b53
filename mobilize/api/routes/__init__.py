"""The routers, assembled in one place."""

from mobilize.api.routes import (
                                 console,
                                 dashboard,
                                 dispatches,
                                 incidents,
                                 organisation,
                                 people,
                                 records,
                                 shifts,
                                 sites,
                                 stream,
                                 task_forces,
                                 views,
)

ROUTERS = [organisation.router, people.router, task_forces.router, incidents.router, sites.router, shifts.router,
           dispatches.router, views.router, records.router, stream.router, dashboard.router,
           console.router]
