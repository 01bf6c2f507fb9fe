"""Approvers resolved from the outlet: its managers, else its region's, else HQ."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail_distmark.workflows.approvers import approver_groups, approvers_for

pytestmark = pytest.mark.django_db


def usernames(users):
    return sorted(user.username for user in users)


def test_an_outlets_managers_approve(demo):
    assert usernames(approvers_for(demo.lille)) == ["lille-manager"]


def test_nobody_approves_their_own_work(demo):
    # Lille's only manager submitted: the North region's manager approves.
    manager = demo.users["lille-manager"]
    assert usernames(approvers_for(demo.lille, submitter=manager)) == ["north-manager"]


def test_an_outlet_without_managers_falls_back_to_its_region(demo):
    # Gent (North) has no manager account in the demo.
    assert usernames(approvers_for(demo.gent)) == ["north-manager"]


def test_inactive_managers_do_not_count(demo):
    north_manager = demo.users["north-manager"]
    north_manager.is_active = False
    north_manager.save()
    # Neither Gent nor North has an active manager: HQ approves.
    assert usernames(approvers_for(demo.gent)) == ["hq"]


def test_hq_content_is_approved_by_hq(demo):
    assert usernames(approvers_for(None)) == ["hq"]


def test_many_outlets_resolve_in_constant_queries(demo):
    requests = [(demo.lille.pk, None), (demo.gent.pk, None), (demo.marseille.pk, None)]
    with CaptureQueriesContext(connection) as few:
        resolved = approver_groups(requests[:1])
    with CaptureQueriesContext(connection) as many:
        resolved = approver_groups(requests)
    assert len(many) == len(few)
    assert resolved[(demo.lille.pk, None)] == demo.lille.managers_group_id
    assert resolved[(demo.gent.pk, None)] == demo.north.managers_group_id
