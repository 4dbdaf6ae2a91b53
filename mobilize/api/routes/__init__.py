"""The routers, assembled in one place."""

from mobilize.api.routes import (
                                 dashboard,
                                 directory,
                                 dispatches,
                                 field,
                                 incidents,
                                 organisation,
                                 people,
                                 records,
                                 responders,
                                 roll_calls,
                                 shifts,
                                 sites,
                                 stream,
                                 task_forces,
                                 views,
)

ROUTERS = [organisation.router, people.router, task_forces.router, incidents.router, sites.router, shifts.router,
           dispatches.router, views.router, directory.router, records.router, stream.router, dashboard.router,
           field.router, responders.router, roll_calls.router]
