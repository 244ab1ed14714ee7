"""Loading products checks each cost cap against the legal ceiling of the profile in force."""

from __future__ import annotations

import pytest
import yaml

from arrears.cli import main
from arrears.errors import InputError
from arrears.ledger.catalogue import read_catalogue, save_catalogue
from arrears.ledger.models import Product

pytestmark = pytest.mark.django_db


def _file(tmp_path, cap: int):
    path = tmp_path / "products.yaml"
    path.write_text(yaml.safe_dump({"products": [{
        "code": "HIGH", "name_zh": "高息", "name_en": "High", "repayment_method": "annuity", "annual_rate_bp": 1800,
        "cost_cap_bp": cap,
    }]}, allow_unicode=True), encoding="utf-8")
    return path


def test_products_load_refuses_a_cap_above_the_profiles_ceiling(tmp_path, capsys, settings):
    settings.ARREARS_PROFILE = "cn"
    assert main(["products", "load", str(_file(tmp_path, 3000))]) == 1
    error = capsys.readouterr().err
    assert "超过辖区的法定上限 2400" in error and "legal ceiling of 2400" in error and "Traceback" not in error
    assert not Product.objects.filter(code="HIGH").exists()


def test_the_same_cap_loads_under_a_profile_whose_ceiling_is_higher(tmp_path, settings):
    settings.ARREARS_PROFILE = "us-regf"
    assert main(["products", "load", str(_file(tmp_path, 3000))]) == 0
    assert Product.objects.get(code="HIGH").cost_cap_bp == 3000


def test_saving_checks_the_ceiling_whoever_read_the_file(tmp_path, settings):
    settings.ARREARS_PROFILE = "cn"
    specs = read_catalogue(_file(tmp_path, 2401))  # read without a ceiling
    with pytest.raises(InputError) as refused:
        save_catalogue(specs)
    assert "HIGH.cost_cap_bp" in str(refused.value)
    assert not Product.objects.filter(code="HIGH").exists()
