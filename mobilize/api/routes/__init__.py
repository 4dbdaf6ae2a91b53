"""The routers, assembled in one place."""

from mobilize.api.routes import (
                                 dashboard,
                                 dispatches,
                                 drills,
                                 grid_matters,
                                 incidents,
                                 organisation,
                                 peace_page,
                                 peace_views,
                                 people,
                                 records,
                                 shifts,
                                 sites,
                                 stream,
                                 task_forces,
                                 views,
                                 visits,
)

ROUTERS = [organisation.router, people.router, task_forces.router, incidents.router, sites.router, shifts.router,
           dispatches.router, views.router, records.router, stream.router, dashboard.router, visits.router,
           grid_matters.router, peace_views.router, drills.router,
           peace_page.router]
