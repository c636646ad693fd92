"""Tests of the shared gazetteer lookups."""
import pytest

from wirestream.transforms.wire import geo


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("United States", "US"),
        ("U.S.", "US"),
        ("US", "US"),
        ("the United States", "US"),
        ("United States of America", "US"),
        ("Britain", "GB"),
        ("UK", "GB"),
        ("United Kingdom", "GB"),
        ("Russia", "RU"),
        ("Russian Federation", "RU"),
        ("South Korea", "KR"),
        ("Republic of Korea", "KR"),
        ("North Korea", "KP"),
        ("Laos", "LA"),
        ("Kenya", "KE"),
        ("the Netherlands", "NL"),
        ("Ivory Coast", "CI"),
        ("Côte d'Ivoire", "CI"),
        ("Czech Republic", "CZ"),
        ("Vietnam", "VN"),
        ("UAE", "AE"),
    ],
)
def test_country_code(name: str, code: str) -> None:
    assert geo.country_code(name) == code


def test_parts_of_a_country_locate_in_it_but_are_marked_as_parts() -> None:
    assert geo.country_code("Scotland") == "GB" and geo.is_country_part("Scotland")
    assert geo.country_code("Wales") == "GB" and geo.is_country_part("wales")
    assert not geo.is_country_part("Britain") and not geo.is_country_part("UK")
    # "Papua" alone is Indonesia's province, not Papua New Guinea
    assert geo.country_code("Papua") is None and geo.place_country("Papua") == "ID"
    assert geo.country_code("Papua New Guinea") == "PG"


@pytest.mark.parametrize("name", ["us", "uk", "Bavaria", "Paris", "European Union", "Reuters", ""])
def test_country_code_rejects_non_countries(name: str) -> None:
    assert geo.country_code(name) is None


@pytest.mark.parametrize(
    ("name", "prefer", "code"),
    [
        ("Germany", None, "DE"),
        ("Bavaria", None, "DE"),
        ("Lower Saxony", None, "DE"),
        ("Queensland", None, "AU"),
        ("Yunnan", None, "CN"),
        ("Illinois", None, "US"),
        ("West Bank", None, "PS"),
        ("Murmansk", None, "RU"),
        ("Vientiane", None, "LA"),
        ("Sao Paulo", None, "BR"),
        ("São Paulo", None, "BR"),
        ("Cologne", None, "DE"),
        ("Islamabad", None, "PK"),
        ("Birmingham", None, "GB"),
        ("Birmingham", "US", "US"),
        ("Atlantis Nowhere", None, None),
    ],
)
def test_place_country(name: str, prefer: str | None, code: str | None) -> None:
    assert geo.place_country(name, prefer) == code


@pytest.mark.parametrize(
    ("written", "prefer", "expected"),
    [
        ("MOSCOW", None, ("Moscow", "RU")),
        ("SAO PAULO", None, ("Sao Paulo", "BR")),
        ("AL-AIN", None, ("Al Ain", "AE")),
        ("NEW DELHI", None, ("New Delhi", "IN")),
        ("ZURICH", None, ("Zurich", "CH")),
        ("ST. PETERSBURG", None, ("Saint Petersburg", "RU")),
        ("FRANKFURT", None, ("Frankfurt", "DE")),
        ("SAN JOSE", None, ("San Jose", "CR")),
        ("SAN JOSE", "US", ("San Jose", "US")),
        ("NOWHEREVILLE", None, None),
    ],
)
def test_canonical_city(written: str, prefer: str | None, expected: tuple[str, str] | None) -> None:
    assert geo.canonical_city(written, prefer) == expected


def test_canonical_city_within_and_min_population() -> None:
    assert geo.canonical_city("SPRINGFIELD", within="US") == ("Springfield", "US")
    assert geo.canonical_city("RUGBY", min_population=100_000) is None
    assert geo.canonical_city("VALLETTA", min_population=100_000) == ("Valletta", "MT")  # capitals pass


def test_canonical_city_spelling_only_refuses_translated_alternate_names() -> None:
    # GeoNames gives Casablanca the English name "White House"
    assert geo.canonical_city("WHITE HOUSE", min_population=100_000) == ("White House", "MA")
    assert geo.canonical_city("WHITE HOUSE", min_population=100_000, spelling_only=True) is None
    # an older spelling of the same name is kept
    assert geo.canonical_city("KIEV", min_population=100_000, spelling_only=True) == ("Kiev", "UA")
    assert geo.canonical_city("MOSCOW", min_population=100_000, spelling_only=True) == ("Moscow", "RU")


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("Russian", "RU"),
        ("Chinese", "CN"),
        ("Laotian", "LA"),
        ("Kenyan", "KE"),
        ("Kenyans", "KE"),
        ("British", "GB"),
        ("Swiss", "CH"),
        ("French", "FR"),
        ("American", "US"),
        ("Congolese", None),
        ("Martian", None),
    ],
)
def test_demonym_country(word: str, code: str | None) -> None:
    assert geo.demonym_country(word) == code
