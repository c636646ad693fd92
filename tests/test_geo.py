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


@pytest.mark.parametrize(
    ("name", "country", "admin1", "geonames_id"),
    [
        ("Moscow", "RU", None, 524901),
        ("Moscow", None, None, 524901),  # Moscow, Idaho is 400 times smaller
        ("Hanoi", "VN", None, 1581130),
        ("Dakar", "SN", None, 2253354),
        ("Kiev", "UA", None, 703448),  # a spelling of Kyiv
        ("Washington", "US", None, 4140963),  # the capital, not the state: 2 million people fewer, but a capital
        ("Springfield", "US", "IL", 4250542),  # "SPRINGFIELD, Ill." names one
        ("Portland", "US", "OR", 5746545),
        ("Portland", "US", "ME", 4975802),
        ("Russia", "RU", None, 2017370),  # a country: its own id
        ("Springfield", "US", None, None),  # Missouri, Massachusetts, Illinois, Oregon, Ohio ...
        ("Springfield", None, None, None),
        ("Portland", "US", None, None),  # Oregon is ten times Maine's, but not more
        ("Kansas City", "US", None, None),  # Missouri and Kansas
        ("Oregon", "US", None, None),  # the state, which has no point, not Oregon, Ohio
        ("New York", "US", None, None),  # the state as much as the city
        ("Victoria", "AU", None, None),  # a state; the cities of that name are elsewhere
        ("Scotland", "GB", None, None),  # a part of a country, not its capital
        ("Moscow", "US", None, 5601538),  # in a US story, the one in Idaho
        ("Qwertyville", None, None, None),
    ],
)
def test_place_point_resolves_only_a_name_that_means_one_place(name, country, admin1, geonames_id) -> None:
    point = geo.place_point(name, country, admin1=admin1)
    assert (point and point.geonames_id) == geonames_id


def test_place_point_coordinates_and_a_countrys_point_at_its_capital() -> None:
    hanoi = geo.place_point("Hanoi", "VN")
    assert (round(hanoi.latitude, 2), round(hanoi.longitude, 2)) == (21.02, 105.84)
    russia, moscow = geo.place_point("Russia"), geo.place_point("Moscow")
    assert russia.geonames_id != moscow.geonames_id
    assert (russia.latitude, russia.longitude) == (moscow.latitude, moscow.longitude)
    # a capital filed under another name than the country table's (Nur-Sultan: Astana)
    assert geo.place_point("Kazakhstan").geonames_id == 1522867 and round(geo.place_point("Kazakhstan").latitude) == 51


def test_a_dateline_city_is_a_city_even_where_a_state_shares_its_name() -> None:
    assert geo.place_point("New York", "US", city=True).geonames_id == 5128581
    assert geo.place_point("Singapore", "SG", city=True).geonames_id == 1880252
    assert geo.point_fields(None) == {"geonames_id": None, "latitude": None, "longitude": None}
