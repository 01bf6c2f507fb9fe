from django_tasks import task


@task()
def import_contacts_task(import_id):
    """Run the contact import ``import_id`` as the user who started it."""
    from ..models import ContactImport
    from .services import ImportContactsAction

    contact_import = ContactImport.objects.select_related("outlet", "created_by").get(
        pk=import_id
    )
    if contact_import.status != ContactImport.Status.PENDING:
        return contact_import.status  # enqueued twice (a double submit): run once
    action = ImportContactsAction(contact_import, contact_import.created_by)
    return action.execute().status
