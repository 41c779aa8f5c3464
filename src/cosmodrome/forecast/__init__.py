"""What is likely next: vehicle reliability, launch probability by date, cadence forecasts.

Every answer carries what it rests on (flights, snapshots, years) and refuses, with
:class:`~cosmodrome.errors.ThinHistoryError`, where the history is too thin; the models and
their backtests are described in ``docs/FORECASTS.md``.
"""
