"""{% lazyform key label form %}…{% endlazyform %}: a form on a record's page, drawn only when it is opened.

A record's page offers many steps (a complaint's judgment, proposals, replies; a repair's eight steps) but a
clerk does one or two. Drawing every form (widgets, the choices of every select) was two thirds of the page's
time, so each form sits in a closed <details>; opening it asks the page for `?form=<key>` (htmx) and the body
comes back alone (`core.views.generic.render_page`). The body — the form's markup — is written once, in
place, and is rendered:

- inline, open, when `form` is a real form: the user posted it and it came back with its errors (or the
  form has no fields to draw: a bare button is not worth a round trip);
- alone, when the page is asked for `?form=<key>` (every other part of the page is then skipped);
- not at all otherwise: the page carries only the closed <details>.

`form` is a `core.forms.lazy_form(factory)`: the factory runs only when the body is drawn. Without a form
argument the body is drawn on request alone (a form of plain inputs).
"""

from django import template
from django.utils.functional import SimpleLazyObject, empty
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

ONLY = "lazyform_only"  # the key asked for (?form=)
OUT = "lazyform_out"  # {key: html} filled when the key is asked for
URL = "lazyform_url"  # the page the forms are fetched from (the record's page, whatever URL drew it)


def unopened(form) -> bool:
    return form is None or (isinstance(form, SimpleLazyObject) and form._wrapped is empty)


class LazyFormNode(template.Node):
    def __init__(self, key, label, form, nodelist):
        self.key, self.label, self.form, self.nodelist = key, label, form, nodelist

    def render(self, context):
        key = str(self.key.resolve(context))
        only = context.get(ONLY)
        if only is not None:  # a fragment request: only the asked-for body, captured for the view
            if only == key:
                context[OUT][key] = self.nodelist.render(context)
            return ""
        form = self.form.resolve(context) if self.form else None
        label = self.label.resolve(context)
        if not unopened(form):
            body = self.nodelist.render(context)
            return format_html(
                '<details class="lazy-form" data-form="{}" open><summary>{}</summary><div class="lazy-body">{}'
                "</div></details>",
                key,
                label,
                body,
            )
        request = context.get("request")
        url = context.get(URL) or (request.path if request else "")
        return format_html(
            '<details class="lazy-form" data-form="{}" hx-get="{}?form={}" hx-trigger="toggle once" '
            'hx-target="find .lazy-body"><summary>{}</summary><div class="lazy-body">'
            '<span class="lazy-pending muted">{}</span></div></details>',
            key,
            url,
            key,
            label,
            _("加载中…"),
        )


@register.tag
def lazyform(parser, token):
    bits = token.split_contents()
    if len(bits) not in (3, 4):
        raise template.TemplateSyntaxError("{% lazyform key label [form] %}")
    key = parser.compile_filter(bits[1])
    label = parser.compile_filter(bits[2])
    form = parser.compile_filter(bits[3]) if len(bits) == 4 else None
    nodelist = parser.parse(("endlazyform",))
    parser.delete_first_token()
    return LazyFormNode(key, label, form, nodelist)
