"""Celery side of the sync service: the app, its beat schedule and the tasks."""
