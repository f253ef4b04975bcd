"""``{% todo_widget %}``: the user's to-do counts on the home page."""

from django import template

from jingzhun.workflows.todo import todo_summary

register = template.Library()


@register.inclusion_tag("workflows/todo_widget.html", takes_context=True)
def todo_widget(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"todo": todo_summary(user) if user is not None else {"items": [], "total": 0, "overdue": 0}}
