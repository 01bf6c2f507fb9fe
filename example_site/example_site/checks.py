"""An example brand check: no shouting in what outlets write.

Registered in ``wagtail_hooks.py``; documented in docs/extending.md.
"""

import re

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from wagtail_distmark.workflows.checks import Check, Finding, part_leaves, text_of

# Five capitals or more in a row: "SOLDES", "GRATIS". Short acronyms pass.
SHOUTING = re.compile(r"\b[A-ZÀ-ÖØ-Þ]{5,}\b")


class NoShoutingCheck(Check):
    name = "no_shouting"
    label = _("No words in capitals")

    def run(self, subject):
        for part in subject.local_parts:
            words = {
                word
                for _block, value in part_leaves(part)
                for word in SHOUTING.findall(text_of(value))
            }
            for word in sorted(words):
                yield Finding(
                    format_lazy(_("Write “{word}” in lower case."), word=word),
                    part.where,
                )
