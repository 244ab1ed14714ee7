"""The form renderer: Django's Jinja2 widget templates, and Django templates for any widget that has
no Jinja2 one (the admin's: related-object wrappers, filtered selects, date and time pickers).

The Jinja2 templates draw the same HTML as Django's at a fraction of the cost on pages with many
fields (the account page has five forms), but Django ships the admin's widget templates only for
its own template language: with the Jinja2 renderer alone, every admin page with such a widget
failed with TemplateDoesNotExist.
"""

from __future__ import annotations

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class JinjaFirstRenderer(BaseRenderer):
    def __init__(self) -> None:
        self._jinja = Jinja2()
        self._django = DjangoTemplates()

    def get_template(self, template_name: str):
        try:
            return self._jinja.get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)
