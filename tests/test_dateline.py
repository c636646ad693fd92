"""Tests of dateline detection and normalisation, one wire style per case."""
import datetime

import pytest

from wirestream.transforms.wire.dateline import find_dateline

REF = datetime.date(2024, 5, 14)
D = datetime.date

STYLES = [
    # Reuters
    ("LONDON, March 3 (Reuters) - British retail sales rose more than expected last month.",
     "London", "GB", D(2024, 3, 3), "Reuters"),
    ("GENEVA (Reuters) - The United Nations refugee agency appealed for more funding on Tuesday.",
     "Geneva", "CH", REF, "Reuters"),
    # AP: stand-alone city, state abbreviations, full state names, Canadian provinces
    ("WASHINGTON (AP) — Senators struck a tentative deal on border funding late on Monday.",
     "Washington", "US", REF, "AP"),
    ("SPRINGFIELD, Ill. (AP) — State lawmakers approved a new budget after a long night of talks.",
     "Springfield", "US", REF, "AP"),
    ("PORTLAND, Ore. (AP) — A wildfire east of the city forced hundreds of families to leave.",
     "Portland", "US", REF, "AP"),
    ("PORTLAND, Maine (AP) — Fishermen said the lobster season started later than usual this year.",
     "Portland", "US", REF, "AP"),
    ("AUSTIN, Texas (AP) — The governor signed a bill on property taxes into law on Friday.",
     "Austin", "US", REF, "AP"),
    ("ALBANY, N.Y. (AP) — The state assembly adjourned without voting on the housing plan.",
     "Albany", "US", REF, "AP"),
    ("CALGARY, Alta. (AP) — Oil producers in the province cut spending for a second year.",
     "Calgary", "CA", REF, "AP"),
    # AFP
    ("Paris (AFP) - French farmers blocked roads around the capital for a third day.",
     "Paris", "FR", REF, "AFP"),
    ("NAIROBI, Kenya (AFP) - Heavy rains have displaced thousands of people in the east of the country.",
     "Nairobi", "KE", REF, "AFP"),
    # TASS
    ("MOSCOW, May 13. /TASS/. The Russian government approved a programme for Arctic shipping.",
     "Moscow", "RU", D(2024, 5, 13), "TASS"),
    # Xinhua
    ("BEIJING, Jan. 5 (Xinhua) -- Chinese exports of new energy vehicles grew strongly last year.",
     "Beijing", "CN", D(2024, 1, 5), "Xinhua"),
    # dpa
    ("BERLIN, June 2 (dpa) - Germany's rail operator announced new night trains to Scandinavia.",
     "Berlin", "DE", D(2024, 6, 2), "dpa"),
    # Kyodo
    ("TOKYO, May 7 (Kyodo) - Japan's central bank kept its policy rate unchanged on Friday.",
     "Tokyo", "JP", D(2024, 5, 7), "Kyodo"),
    # Yonhap
    ("SEOUL, Jan. 3 (Yonhap) -- South Korea's exports rose for a third straight month in December.",
     "Seoul", "KR", D(2024, 1, 3), "Yonhap"),
    # Interfax: a full stop after the city
    ("MOSCOW. Jan 3 (Interfax) - The Central Bank of Russia has revoked the licence of a small lender.",
     "Moscow", "RU", D(2024, 1, 3), "Interfax"),
    # ANSA, both orders
    ("ROME, May 10 (ANSA) - Italy's cabinet approved a decree on energy prices on Friday.",
     "Rome", "IT", D(2024, 5, 10), "ANSA"),
    ("(ANSA) - ROME, MAY 10 - Italy's cabinet approved a decree on energy prices on Friday.",
     "Rome", "IT", D(2024, 5, 10), "ANSA"),
    # PTI: no separator after the credit
    ("NEW DELHI, Jan 3 (PTI) The Union Cabinet on Wednesday approved a scheme for rural roads.",
     "New Delhi", "IN", D(2024, 1, 3), "PTI"),
    # UPI, with and without a city
    ("WASHINGTON, May 13 (UPI) -- The Supreme Court agreed to hear a dispute over water rights.",
     "Washington", "US", D(2024, 5, 13), "UPI"),
    ("May 13 (UPI) -- The Supreme Court agreed to hear a dispute over water rights.",
     None, None, D(2024, 5, 13), "UPI"),
    # Bloomberg, with and without a city
    ("(Bloomberg) -- Treasuries rallied as traders priced in earlier interest-rate cuts.",
     None, None, REF, "Bloomberg"),
    ("NEW YORK (Bloomberg) -- Treasuries rallied as traders priced in earlier interest-rate cuts.",
     "New York", "US", REF, "Bloomberg"),
    # EFE
    ("Madrid, May 13 (EFE).- Spain's unemployment fell to its lowest level since 2008.",
     "Madrid", "ES", D(2024, 5, 13), "EFE"),
    # Anadolu's credit form; the place alone on its own line names no agency, so none is credited
    ("ANKARA (AA) - Turkish officials said talks on grain shipments would resume next week.",
     "Ankara", "TR", REF, "Anadolu"),
    ("ANKARA\n\nTurkey's parliament approved a bill on stray animals after a heated debate.",
     "Ankara", "TR", REF, None),
    ("NAIROBI\n\nKenya's health ministry said on Monday that cholera cases had fallen again.",
     "Nairobi", "KE", REF, None),
    # a dash form without a credit takes an old spelling of a big city's name
    ("KIEV — Ukrainian officials said on Monday that the talks would resume next week.",
     "Kiev", "UA", REF, None),
    # Reuters corpus layout: place and ISO date on their own line, optionally after a headline
    ("ROME 1996-12-06\nItaly's centre-left government survived a confidence vote on Friday.",
     "Rome", "IT", D(1996, 12, 6), "Reuters"),
    ("SOCCER - LATE GOAL SINKS HOSTS .\nAL-AIN , United Arab Emirates 1996-12-06\n"
     "A late header gave the visitors a win .",
     "Al Ain", "AE", D(1996, 12, 6), "Reuters"),
    # agency-less dash form with an all-capitals city
    ("NEW YORK — Shares of regional banks fell sharply on Tuesday after a weak earnings report.",
     "New York", "US", REF, None),
    # accents, multi-word and hyphenated cities, qualifiers
    ("SAO PAULO, May 13 (Reuters) - Brazil's central bank held rates steady as expected.",
     "Sao Paulo", "BR", D(2024, 5, 13), "Reuters"),
    ("PORT-AU-PRINCE, Haiti (AP) — Gangs blocked the main road out of the capital again.",
     "Port-au-Prince", "HT", REF, "AP"),
    ("Rio de Janeiro (AFP) - Floods swept through hillside neighbourhoods overnight.",
     "Rio de Janeiro", "BR", REF, "AFP"),
    # the agency's home country breaks ties between same-named cities
    ("CORDOBA, May 13 (EFE).- The regional government opened a new hospital wing on Monday.",
     "Cordoba", "ES", D(2024, 5, 13), "EFE"),
    # no place: Reuters' multi-location form and AP's UNDATED
    ("March 3 (Reuters) - Several carmakers recalled vehicles over faulty airbags.",
     None, None, D(2024, 3, 3), "Reuters"),
    ("UNDATED (AP) — Storms swept across the Midwest, knocking out power to thousands.",
     None, None, REF, "AP"),
    # a city-state names its own country; an unknown agency credit is kept as written
    ("SINGAPORE (Reuters) - The city-state's economy grew faster than expected.",
     "Singapore", "SG", REF, "Reuters"),
    ("KUALA LUMPUR, May 13 (Bernama) -- Malaysia's cabinet discussed the flood relief plan.",
     "Kuala Lumpur", "MY", D(2024, 5, 13), "Bernama"),
    # an explicit year wins over the reference
    ("LONDON, March 3, 2021 (Reuters) - The Bank of England said it would keep buying bonds.",
     "London", "GB", D(2021, 3, 3), "Reuters"),
    ("LONDON, 3 March (Reuters) - The Bank of England said it would keep buying bonds.",
     "London", "GB", D(2024, 3, 3), "Reuters"),
]


@pytest.mark.parametrize(("body", "city", "country", "date", "agency"), STYLES)
def test_styles(body: str, city: str | None, country: str | None, date: D | None, agency: str | None) -> None:
    found = find_dateline(body, REF)
    assert found is not None
    assert (found.city, found.country_code, found.date, found.agency) == (city, country, date, agency)
    assert found.start == 0 or body[: found.start].strip()  # anything before it is a headline or byline
    assert body[found.end:][:1].strip()  # the lede starts right at `end`


@pytest.mark.parametrize(
    "body",
    [
        "By Jane Doe\nLONDON, March 3 (Reuters) - Britain's economy grew faster than forecast.",
        "By Jane Doe, Reuters\n\nLONDON, March 3 (Reuters) - Britain's economy grew faster than forecast.",
        "By JANE DOE and JOHN ROE\nAssociated Press\nLONDON, March 3 (Reuters) - Britain's economy grew faster.",
        "By Jane Doe and John Roe LONDON, March 3 (Reuters) - Britain's economy grew faster than forecast.",
    ],
)
def test_byline_before_dateline(body: str) -> None:
    found = find_dateline(body, REF)
    assert found is not None and (found.city, found.agency) == ("London", "Reuters")
    assert body[found.start:].startswith("LONDON")
    assert body[found.end:].startswith("Britain's")


def test_offsets_and_raw() -> None:
    body = "MOSCOW, December 30. /TASS/. The Kremlin said talks would continue."
    found = find_dateline(body, D(2021, 12, 29))
    assert found is not None
    assert found.raw == "MOSCOW, December 30. /TASS/."
    assert (found.start, body[found.end:]) == (0, "The Kremlin said talks would continue.")


@pytest.mark.parametrize(
    ("reference", "written", "expected"),
    [
        (D(2022, 12, 31), "January 1", D(2023, 1, 1)),
        (D(2023, 1, 1), "December 31", D(2022, 12, 31)),
        (D(2023, 1, 2), "Dec. 30", D(2022, 12, 30)),
        (D(2021, 12, 29), "December 30", D(2021, 12, 30)),
        (D(2024, 6, 15), "June 14", D(2024, 6, 14)),
        (D(2025, 3, 1), "Feb. 29", D(2024, 2, 29)),
        (None, "March 3", None),
    ],
)
def test_year_from_reference(reference: D | None, written: str, expected: D | None) -> None:
    found = find_dateline(f"SYDNEY, {written} (Reuters) - Australia's opposition attacked a fuel tax rise.", reference)
    assert found is not None and found.date == expected


def test_reference_timestamp_is_accepted() -> None:
    found = find_dateline("SEOUL, Jan. 3 (Yonhap) -- Exports rose.", datetime.datetime(2024, 1, 3, 23, 59))
    assert found is not None and found.date == D(2024, 1, 3)


def test_no_month_day_takes_reference() -> None:
    body = "GENEVA (Reuters) - The World Health Organization issued new guidance on Thursday."
    assert find_dateline(body, D(2023, 11, 9)).date == D(2023, 11, 9)
    assert find_dateline(body, None).date is None


def test_weekday_dateline() -> None:
    body = "LONDON, Monday (Reuters) - British lawmakers returned from their summer break."
    assert find_dateline(body, D(2024, 9, 2)).date == D(2024, 9, 2)  # a Monday
    assert find_dateline(body, D(2024, 9, 4)).date is None


@pytest.mark.parametrize(
    "body",
    [
        "However, the minister said the plan would not be changed before the summer.",
        "Separately, officials in the capital said the talks had stalled again.",
        "In Paris, officials said the strike would continue into next week.",
        '"We oppose any such move," Putin said, adding that Moscow would respond.',
        "Putin backs China in rejecting Olympic diplomatic boycott\n\nPresident Vladimir Putin said on Tuesday.",
        "Members of the World Trade Organization remain divided over a deal to curb fishing subsidies.",
        "The World Health Organization (WHO) said on Monday that cases had fallen.",
        "Trade ministers met (Reuters) - and then left without a deal.",
        "SOCCER - JAPAN GET LUCKY WIN , CHINA IN SURPRISE DEFEAT .",
        "RUGBY\n\nEngland named an unchanged side for the match against Wales on Saturday.",
        "BREAKING - Shares of the company fell sharply in early trading on Tuesday.",
        # GeoNames lists "White House" among Casablanca's names: a translation, not a dateline
        "WHITE HOUSE — President Joe Biden on Thursday announced new sanctions on Russia's banks.",
        "(Corrects paragraph 3) Shares of the company fell sharply in early trading on Tuesday.",
        "",
    ],
)
def test_no_dateline(body: str) -> None:
    assert find_dateline(body, REF) is None


@pytest.mark.parametrize("body", ["LONDON, March 3 (Reuters) -", "ROME, June 4 (ANSA) - \n", "MOSCOW, May 3. /TASS/."])
def test_a_dateline_with_nothing_after_it_is_found_and_ends_the_body(body):
    found = find_dateline(body)
    assert found is not None and found.city and not body[found.end:].strip()


# French wire copy: one case per agency's shape. `city` is the English name an English dateline gives
# (consumers join both languages on it); `raw` keeps the dateline as written.
FRENCH_STYLES = [
    # AFP: day, French month and year; day and month; no date; "1er" for the first of the month
    ("PARIS, 3 décembre 2025 (AFP) - Le Sénat a adopté dans la nuit le budget de la sécurité sociale.",
     "Paris", "FR", D(2025, 12, 3), "AFP"),
    ("MARSEILLE, 12 août (AFP) - Un incendie a parcouru plusieurs centaines d'hectares au nord de la ville.",
     "Marseille", "FR", D(2024, 8, 12), "AFP"),
    ("Abidjan (AFP) - Les producteurs de cacao ont réclamé mardi une hausse du prix garanti.",
     "Abidjan", "CI", REF, "AFP"),
    ("SAINT-ÉTIENNE, 1er février (AFP) - « Nous irons jusqu'au bout », ont lancé les grévistes devant l'usine.",
     "Saint-Etienne", "FR", D(2024, 2, 1), "AFP"),
    # Belga: no comma, day/month in figures, "=" before the lede
    ("BRUXELLES 14/02 (BELGA) = Les syndicats ont appelé à une journée de grève dans les services publics.",
     "Brussels", "BE", D(2024, 2, 14), "Belga"),
    # ATS and Keystone-ATS: the credit in lower case, the exonym of the capital
    ("Genève (ats) - Le Conseil d'État a présenté mercredi un plan pour le logement des étudiants.",
     "Geneva", "CH", REF, "ATS"),
    ("BERNE, 5 juin (Keystone-ATS) - Le Conseil national a approuvé jeudi la révision de la loi sur le CO2.",
     "Bern", "CH", D(2024, 6, 5), "Keystone-ATS"),
    # MAP: day/month/year in figures
    ("Rabat, 08/04/2025 (MAP) - Le gouvernement a lancé lundi un programme d'irrigation dans le Sud.",
     "Rabat", "MA", D(2025, 4, 8), "MAP"),
    # Xinhua's French service: the French spelling of the city, without its accent
    ("PEKIN, 9 janvier (Xinhua) -- La Chine a annoncé jeudi une hausse de ses exportations de véhicules.",
     "Beijing", "CN", D(2024, 1, 9), "Xinhua"),
    # Reuters in French, abbreviated month
    ("VARSOVIE, 2 déc. (Reuters) - Le gouvernement polonais a présenté un plan de défense antiaérienne.",
     "Warsaw", "PL", D(2023, 12, 2), "Reuters"),
]


@pytest.mark.parametrize(("body", "city", "country", "date", "agency"), FRENCH_STYLES)
def test_french_styles(body: str, city: str | None, country: str | None, date: D | None, agency: str | None) -> None:
    found = find_dateline(body, REF, "fr")
    assert found is not None
    assert (found.city, found.country_code, found.date, found.agency) == (city, country, date, agency)
    assert found.start == 0 and body[found.end:][:1].strip()
    assert found.raw == body[:found.end].rstrip()  # as written, in French


def test_la_presse_canadienne_credits_itself_at_the_end_of_the_story() -> None:
    body = (
        "MONTRÉAL — Les chauffeurs d'autobus de la société de transport ont voté lundi en faveur d'une grève.\n\n"
        "Le syndicat réclame une hausse de salaire de 4 % par année.\n\n(La Presse Canadienne)"
    )
    found = find_dateline(body, REF, "fr")
    assert found is not None
    assert (found.raw, found.city, found.country_code, found.date, found.agency) == (
        "MONTRÉAL —", "Montreal", "CA", REF, "La Presse Canadienne"
    )


def test_a_french_day_month_takes_its_year_from_the_reference_as_in_english() -> None:
    body = "LYON, {} (AFP) - Les transports en commun ont été perturbés toute la journée par une grève."
    assert find_dateline(body.format("31 décembre"), D(2026, 1, 2), "fr").date == D(2025, 12, 31)
    assert find_dateline(body.format("02/01"), D(2025, 12, 30), "fr").date == D(2026, 1, 2)
    assert find_dateline(body.format("31/02"), D(2025, 12, 30), "fr").date is None  # no such day


def test_english_copy_keeps_the_name_it_is_written_with() -> None:
    body = "KIEV — Ukrainian officials said on Monday that the talks would resume next week."
    assert find_dateline(body, REF, "en").city == find_dateline(body, REF).city == "Kiev"
