"""Wagtail's own admin as local roles reach it: scoped to their outlets.

Wagtail's generic screens (choosers, reports, filters, bulk actions, the
admin API, tag autocomplete) answer for the whole installation. In a network
that means other outlets' names, people and media. This package narrows each
of them, for users who hold an outlet role and are not HQ staff, through
Wagtail's own seams (hooks, viewsets, API endpoints, bulk action
registration); where Wagtail offers none, the route middleware answers with
a scoped subclass of Wagtail's view, or hides the route. ``routes.py`` lists
every such decision; docs/roles.md says what each role sees.
"""
