from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter


@hooks.register("register_log_actions")
def register_workflow_log_actions(actions):
    @actions.register_action("wagtail_distmark.workflow.skip")
    class SkipTaskFormatter(LogFormatter):
        label = _("Skip workflow step")

        def format_message(self, log_entry):
            try:
                return _("Skipped “%(task)s”: %(reason)s") % {
                    "task": log_entry.data["workflow"]["task"]["title"],
                    "reason": log_entry.data["reason"],
                }
            except (KeyError, TypeError):
                return _("Skipped a workflow step")
