"""The REST API and the dashboard; see :func:`cosmodrome.web.app.create_app`."""
