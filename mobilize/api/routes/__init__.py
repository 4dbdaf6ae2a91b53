"""The routers, assembled in one place."""

from mobilize.api.routes import (
                                 dashboard,
                                 directory,
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
           dispatches.router, views.router, directory.router, records.router, stream.router, dashboard.router]
