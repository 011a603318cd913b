from decimal import Decimal

import pytest

from ciodispatch.audit.models import AuditEvent
from ciodispatch.localgov.models import Kind, LocalGovernment
from ciodispatch.localgov.services import (
    BUNDLED_REGISTRY,
    RegistryImportError,
    import_local_governments,
)

HEADER = (
    "code,prefecture_code,prefecture,name,name_kana,kind,population_2020,"
    "fiscal_strength_index_fy2021\n"
)


def csv_bytes(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode("utf-8")


def test_registry_holds_all_1788_local_governments(registry):
    assert LocalGovernment.objects.count() == 1788
    assert LocalGovernment.objects.prefectures().count() == 47
    assert LocalGovernment.objects.municipalities().count() == 1741
    counts = {kind: LocalGovernment.objects.filter(kind=kind).count() for kind in Kind.values}
    assert counts == {
        "prefecture": 47,
        "designated_city": 20,
        "city": 772,
        "special_ward": 23,
        "town": 743,
        "village": 183,
    }


def test_entries_carry_region_population_and_fiscal_strength(registry):
    taku = LocalGovernment.objects.get(code="412040")
    assert (taku.name, taku.name_kana, taku.prefecture) == ("多久市", "タクシ", "佐賀県")
    assert taku.region == "kyushu" and taku.kind == "city"
    assert taku.population == 18304 and taku.fiscal_strength_index == Decimal("0.37")
    assert LocalGovernment.objects.get(code="131016").region == "kanto"
    assert LocalGovernment.objects.get(code="010006").region == "hokkaido"
    assert LocalGovernment.objects.get(code="240001").region == "kinki"  # 三重県
    assert LocalGovernment.objects.get(code="150002").region == "chubu"  # 新潟県


def test_futaba_has_no_population(registry):
    futaba = LocalGovernment.objects.get(code="075469")
    assert futaba.population is None
    assert futaba.fiscal_strength_index == Decimal("0.70")


def test_import_is_idempotent(registry):
    events = AuditEvent.objects.count()
    result = import_local_governments(BUNDLED_REGISTRY, actor=None)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1788)
    assert AuditEvent.objects.count() == events  # nothing changed, nothing to record


def test_changed_rows_are_updated_and_audited(registry):
    source = BUNDLED_REGISTRY.read_text(encoding="utf-8").replace(
        "412040,41,佐賀県,多久市,タクシ,city,18304,0.37",
        "412040,41,佐賀県,多久市,タクシ,city,18000,0.38",
    )
    result = import_local_governments(source.encode(), actor=None)
    assert (result.created, result.updated) == (0, 1)
    taku = LocalGovernment.objects.get(code="412040")
    assert taku.population == 18000
    event = AuditEvent.objects.filter(action="localgov.import").first()
    assert event.changes["updated_fields"]["412040"]["population"] == [18304, 18000]


def test_a_bad_file_changes_nothing_and_reports_every_line(registry):
    before = list(LocalGovernment.objects.filter(prefecture_code="41").values())
    bad = csv_bytes(
        "412040,41,佐賀県,多久市,タクシ,city,99999,0.37",  # valid, would update
        "412041,41,佐賀県,多久市,タクシ,city,18304,0.37",  # bad check digit
        "412091,42,佐賀県,嬉野市,ウレシノシ,city,25867,0.37",  # prefecture code mismatch
        "412040,41,佐賀県,多久市,たくし,town,1.5,abc",  # duplicate, hiragana, population, index
        "414018,41,佐賀県,有田町,アリタチョウ,hamlet,19028,0.36",  # unknown kind
    )
    with pytest.raises(RegistryImportError) as raised:
        import_local_governments(bad, actor=None)
    found = {(error.line, error.column) for error in raised.value.errors}
    assert found == {
        (3, "code"),
        (4, "prefecture_code"),
        (5, "code"),
        (5, "name_kana"),
        (5, "population_2020"),
        (5, "fiscal_strength_index_fy2021"),
        (6, "kind"),
    }
    assert "check digit" in next(e.message for e in raised.value.errors if e.line == 3)
    assert list(LocalGovernment.objects.filter(prefecture_code="41").values()) == before


def test_a_wrong_header_is_refused_with_the_expected_columns(registry):
    with pytest.raises(RegistryImportError) as raised:
        import_local_governments(b"code,name\n412040,x\n", actor=None)
    (error,) = raised.value.errors
    assert error.line == 1 and "missing" in error.message and "prefecture_code" in error.message


def test_a_file_that_is_not_utf8_is_refused(registry):
    with pytest.raises(RegistryImportError, match="UTF-8"):
        import_local_governments(
            csv_bytes("412040,41,佐賀県,多久市,タクシ,city,1,0.3").replace(
                "多久市".encode(), "多久市".encode("shift_jis")
            ),
            actor=None,
        )


def test_short_rows_are_refused(registry):
    with pytest.raises(RegistryImportError, match="8 columns"):
        import_local_governments(csv_bytes("412040,41,佐賀県"), actor=None)


def test_empty_file_is_refused(db):
    with pytest.raises(RegistryImportError, match="no rows"):
        import_local_governments(HEADER.encode(), actor=None)


def test_a_name_longer_than_its_column_is_refused_with_line_and_column(registry):
    # SQLite would store all 5,000 characters; the column holds 40.
    long_name = "多" * 5000
    bad = csv_bytes(
        "412040,41,佐賀県,多久市,タクシ,city,99999,0.37",  # valid, would update
        f"412091,41,佐賀県,{long_name},ウレシノシ,city,25867,0.37",
    )
    with pytest.raises(RegistryImportError) as raised:
        import_local_governments(bad, actor=None)
    (error,) = raised.value.errors
    assert (error.line, error.column) == (3, "name")
    assert "at most 40 characters" in error.message and "5000" in error.message
    assert LocalGovernment.objects.get(code="412040").population == 18304  # nothing written
    assert LocalGovernment.objects.get(code="412091").name == "嬉野市"


@pytest.mark.parametrize(
    ("character", "column"),
    [("\x00", "name"), ("\x1b", "prefecture"), ("\x7f", "name_kana"), ("\n", "name")],
)
def test_a_control_character_is_refused_with_line_and_column(registry, character, column):
    values = {"prefecture": "佐賀県", "name": "嬉野市", "name_kana": "ウレシノシ"}
    values[column] = values[column][:1] + character + values[column][1:]
    bad = csv_bytes(
        "412040,41,佐賀県,多久市,タクシ,city,99999,0.37",
        '412091,41,"{prefecture}","{name}","{name_kana}",city,25867,0.37'.format(**values),
    )
    with pytest.raises(RegistryImportError) as raised:
        import_local_governments(bad, actor=None)
    (error,) = raised.value.errors
    assert (error.line, error.column) == (3, column)
    assert f"U+{ord(character):04X}" in error.message and "character 2" in error.message
    assert LocalGovernment.objects.get(code="412040").population == 18304
    assert "\x00" not in LocalGovernment.objects.get(code="412091").name
