"""The admin speaks the reader's language: in Chinese, the index's app and model names and every
list's column headings carry no English word (Django's own name aside)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

ALLOWED = {"Django", "IP"}  # the framework's own name in the page title; IP, as Chinese writes it too


class _Headings(HTMLParser):
    """The text of the index's app captions and model rows, or of a list's column headings."""

    def __init__(self, tags: set[str]) -> None:
        super().__init__()
        self.tags, self.depth, self.parts = tags, 0, []

    def handle_starttag(self, tag, attrs):
        if tag in self.tags:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.tags and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def english_words(html: str, tags: set[str]) -> set[str]:
    reader = _Headings(tags)
    reader.feed(html)
    return set(re.findall(r"[A-Za-z]{2,}", " ".join(reader.parts))) - ALLOWED


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", password="a-long-test-password-1")
    client.force_login(user)
    return client


def test_the_admin_index_names_apps_and_models_in_chinese(admin_client):
    page = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert english_words(page, {"caption", "th"}) == set()


def test_every_admin_list_heads_its_columns_in_chinese(admin_client):
    found = {}
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        page = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        words = english_words(page, {"thead"})
        if words:
            found[model._meta.label] = sorted(words)
    assert found == {}, found
