"""Plain-text emails: rendered without HTML escaping.

Django's templates escape HTML by default, which suits web pages, not the
text part or subject of an email: an outlet called “Lille Centre & Co's”
would read “Lille Centre &amp; Co&#x27;s”. Every email the app sends renders
its text templates here, so a project's overriding template is safe too.
"""

from django.template import Context, Engine


def render_text(template_name, context=None):
    """``template_name`` rendered as plain text (no HTML escaping)."""
    template = Engine.get_default().get_template(template_name)
    return template.render(Context(context or {}, autoescape=False))


def render_subject(template_name, context=None):
    """An email subject: one line, without HTML escaping."""
    return " ".join(render_text(template_name, context).split())
