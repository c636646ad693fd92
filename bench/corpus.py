"""A reproducible corpus of synthetic wire stories for the benchmark.

Self-contained on purpose (no evaluation stories are copied): agencies, datelines, names, quotes and
stance sentences vary the way real copy does, so spaCy sees realistic sentence lengths, entity density
and parse shapes. Story lengths follow the evaluation stories' (briefs of 80-140 words, a few longer
features): 50 to 550 words, median about 130, mean about 190. Most are `.txt` wire copy, some ninjs
`.json` and `.jsonl`.
"""
from __future__ import annotations

import datetime
import json
import random
from collections.abc import Callable
from pathlib import Path

MIN_WORDS, MAX_WORDS = 50, 550
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
MONTHS_AP = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

CITIES = [
    ("BRUSSELS", "Belgium"), ("GENEVA", "Switzerland"), ("MOSCOW", "Russia"), ("BEIJING", "China"),
    ("NAIROBI", "Kenya"), ("LAGOS", "Nigeria"), ("DAKAR", "Senegal"), ("CAIRO", "Egypt"), ("TOKYO", "Japan"),
    ("SEOUL", "South Korea"), ("HANOI", "Vietnam"), ("JAKARTA", "Indonesia"), ("MANILA", "Philippines"),
    ("NEW DELHI", "India"), ("ISLAMABAD", "Pakistan"), ("ANKARA", "Turkey"), ("BERLIN", "Germany"),
    ("PARIS", "France"), ("MADRID", "Spain"), ("ROME", "Italy"), ("WARSAW", "Poland"), ("KYIV", "Ukraine"),
    ("BRASILIA", "Brazil"), ("BUENOS AIRES", "Argentina"), ("MEXICO CITY", "Mexico"), ("OTTAWA", "Canada"),
    ("CANBERRA", "Australia"), ("WELLINGTON", "New Zealand"), ("JOHANNESBURG", "South Africa"),
    ("ADDIS ABABA", "Ethiopia"), ("HAMBURG", "Germany"), ("LYON", "France"), ("OSAKA", "Japan"),
]
US_CITIES = [("PORTLAND, Ore.", "Oregon"), ("DENVER", "Colorado"), ("AUSTIN, Texas", "Texas"),
             ("SACRAMENTO, Calif.", "California"), ("ALBANY, N.Y.", "New York"), ("CHICAGO", "Illinois"),
             ("ATLANTA", "Georgia"), ("BOISE, Idaho", "Idaho"), ("MADISON, Wis.", "Wisconsin")]
AGENCIES = ["Reuters", "AP", "AFP", "TASS", "Xinhua", "dpa", "Kyodo", "ANSA"]

FIRST = ["Maria", "John", "Ahmed", "Li", "Olga", "Carlos", "Fatima", "Hiroshi", "Anna", "David", "Priya",
         "Kwame", "Elena", "Thomas", "Yusuf", "Sofia", "Michael", "Ngozi", "Pedro", "Ingrid", "Rahul", "Chen",
         "Lucia", "Omar", "Katrin", "Samuel", "Aiko", "Victor", "Grace", "Mikhail"]
LAST = ["Alvarado", "Okafor", "Schmidt", "Nakamura", "Petrova", "Haddad", "Mensah", "Rossi", "Kowalski",
        "Fernandes", "Johansson", "Wang", "Singh", "Dubois", "Moreno", "Kimura", "Novak", "Adeyemi", "Brennan",
        "Vogel", "Tanaka", "Ivanov", "Hoffmann", "Silva", "Kariuki", "Lindqvist", "Nguyen", "Oduya", "Harper"]
TITLES = ["Foreign Minister", "Finance Minister", "President", "Prime Minister", "Trade Minister",
          "Health Minister", "spokesman", "spokeswoman", "chief executive", "Governor", "Mayor", "Senator",
          "union leader", "central bank governor", "Defence Minister", "Energy Minister"]
ORGS = ["the World Health Organization", "the European Commission", "the International Monetary Fund",
        "the United Nations", "the African Union", "the World Bank", "NATO", "the Asian Development Bank",
        "the Transit Riders Union", "the Chamber of Commerce", "the National Farmers Federation",
        "Greenpeace", "Amnesty International", "the Federal Reserve", "the European Central Bank",
        "Siemens", "Toyota", "Petrobras", "Shell", "the Verdi trade union", "the Red Cross",
        "the Ministry of Transport", "the Supreme Court", "the electoral commission", "OPEC"]
ISSUES = ["the proposed carbon tax", "the new trade agreement", "the pension reform", "the fishing accord",
          "the ban on coal imports", "the cross-border rail link", "sanctions on steel exports",
          "the minimum wage increase", "the privatisation of the port", "the vaccine mandate",
          "the airport expansion", "the ceasefire proposal", "the mining licence", "the budget cuts",
          "the data protection law", "the transit levy", "the wind farm project", "the grain export deal"]
FAVOR = ["supports", "backs", "welcomed", "endorsed", "praised", "called for", "voted for", "defended"]
AGAINST = ["opposes", "rejected", "criticised", "condemned", "protested against", "voted against",
           "warned against", "called for an end to"]
SECTORS = ["farmers", "exporters", "workers", "investors", "small businesses", "commuters", "hospitals",
           "local authorities", "fishing communities", "airlines", "households", "students"]
NUMBERS = ["1.2 billion", "340 million", "15 percent", "2.5 percent", "4,000", "12,500", "70", "three",
           "nine", "half", "a third of"]


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def dateline(rng: random.Random, agency: str, day: datetime.date) -> tuple[str, str]:
    """The dateline in the agency's own style, and the country it names (for later sentences)."""
    if agency == "AP":
        city, region = rng.choice(US_CITIES + CITIES)
        return f"{city} (AP) —", region
    city, country = rng.choice(CITIES)
    month = MONTHS[day.month - 1]
    if agency == "TASS":
        return f"{city}, {month} {day.day}. /TASS/.", country
    if agency == "Xinhua":
        return f"{city}, {month} {day.day} (Xinhua) --", country
    if agency == "AFP":
        return f"{city}, {country} ({agency}) -", country
    return f"{city}, {month} {day.day} ({agency}) -", country


def sentence(rng: random.Random, country: str, issue: str, holder: str) -> str:
    """One sentence of copy, drawn from the shapes wire stories are made of."""
    kind = rng.randrange(9)
    day = rng.choice(WEEKDAYS)
    if kind == 0:
        return (f"{rng.choice(TITLES).title() if rng.random() < 0.5 else 'Deputy ' + rng.choice(TITLES)} "
                f"{person(rng)} {rng.choice(FAVOR + AGAINST)} {issue} on {day}, saying it would affect "
                f"{rng.choice(NUMBERS)} {rng.choice(SECTORS)} in {country}.")
    if kind == 1:
        return (f"\"We will not accept a deal that leaves {rng.choice(SECTORS)} behind,\" {holder} told "
                f"reporters in {rng.choice(CITIES)[0].title()}.")
    if kind == 2:
        return (f"{rng.choice(ORGS)[0].upper() + rng.choice(ORGS)[1:]} {rng.choice(AGAINST)} {issue}, "
                f"arguing that it would drive {rng.choice(SECTORS)} to neighbouring countries.")
    if kind == 3:
        return (f"The government of {country} has said it expects {rng.choice(NUMBERS)} dollars in revenue "
                f"from the measure over the next {rng.randint(2, 10)} years.")
    if kind == 4:
        return (f"{person(rng)}, {rng.choice(['a professor', 'a researcher', 'an analyst', 'an economist'])} at "
                f"{rng.choice(['the University of ' + rng.choice(CITIES)[0].title(), 'Oxford Economics', 'the Brookings Institution', 'Capital Economics'])}, "
                f"said the plan was {rng.choice(['ambitious', 'overdue', 'unrealistic', 'a step in the right direction'])}.")
    if kind == 5:
        return (f"Talks between {country} and {rng.choice(CITIES)[1]} are due to resume in "
                f"{rng.choice(MONTHS)}, {rng.choice(['officials', 'diplomats', 'two sources familiar with the matter'])} said.")
    if kind == 6:
        return (f"{holder} {rng.choice(FAVOR)} {rng.choice(ISSUES)} but {rng.choice(AGAINST)} "
                f"{issue}, which {rng.choice(ORGS)} had proposed in {rng.choice(MONTHS)}.")
    if kind == 7:
        return (f"Protesters gathered outside the parliament in {rng.choice(CITIES)[0].title()} on {day}, "
                f"where police estimated the crowd at {rng.choice(NUMBERS)} people.")
    return (f"The {rng.choice(['opposition', 'ruling coalition', 'Green Party', 'Social Democrats'])} "
            f"{rng.choice(FAVOR + AGAINST)} the proposal, and a vote is expected before the end of the year.")


def story_text(rng: random.Random, words: int) -> tuple[str, str, str, datetime.date]:
    """(headline, body, agency, date) of one story of about `words` words."""
    agency = rng.choice(AGENCIES)
    day = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(366))
    line, country = dateline(rng, agency, day)
    issue = rng.choice(ISSUES)
    holder = f"{rng.choice(TITLES).title()} {person(rng)}"
    paragraphs, count = [], 0
    first = f"{line} {holder} {rng.choice(FAVOR + AGAINST)} {issue} on {rng.choice(WEEKDAYS)}."
    paragraph = [first]
    count = len(first.split())
    while count < words:
        text = sentence(rng, country, issue, holder.split()[-1])
        paragraph.append(text)
        count += len(text.split())
        if len(paragraph) >= rng.randint(1, 3):
            paragraphs.append(" ".join(paragraph))
            paragraph = []
    if paragraph:
        paragraphs.append(" ".join(paragraph))
    headline = f"{holder.split()[-1]} {rng.choice(FAVOR + AGAINST).split()[0]} {issue.removeprefix('the ')}"
    return headline[0].upper() + headline[1:], "\n\n".join(paragraphs), agency, day


StoryText = Callable[[random.Random, int], tuple[str, str, str, datetime.date]]


def write_corpus(directory: Path, stories: int, seed: int = 8, language: str = "en",
                 write_story: StoryText = story_text) -> list[Path]:
    """Writes `stories` story files (distinct ids) under `directory`: 80% .txt, 15% .json, 5% as .jsonl lines;
    the French corpus passes `language="fr"` and `corpus_fr.story_text`."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    written, jsonl_lines = [], []
    for number in range(stories):
        headline, body, agency, day = write_story(rng, MIN_WORDS + int((MAX_WORDS - MIN_WORDS) * rng.random() ** 3))
        kind = rng.random()
        if kind < 0.80:
            path = directory / f"bench-{number:05d}.txt"
            path.write_text(f" date {day.isoformat()}\n{headline}\n\n{body}\n", encoding="utf-8")
            written.append(path)
            continue
        item = {"uri": f"urn:wirestream:bench:{number:05d}", "versioncreated": f"{day.isoformat()}T12:00:00Z",
                "language": language, "headline": headline, "body_text": body}
        if kind < 0.95:
            path = directory / f"bench-{number:05d}.json"
            path.write_text(json.dumps(item), encoding="utf-8")
            written.append(path)
        else:
            jsonl_lines.append(json.dumps(item))
    if jsonl_lines:
        path = directory / "bench-batch.jsonl"
        path.write_text("\n".join(jsonl_lines) + "\n", encoding="utf-8")
        written.append(path)
    return written


def raw_inputs(directory: Path) -> list:
    """The corpus as the read stage hands it on: one RawInput per file, or per line of a .jsonl."""
    from wirestream.transforms.read import CONTENT_TYPE_BY_EXTENSION, file_extension
    from wirestream.transforms.wire.story import RawInput

    inputs = []
    for path in sorted(directory.iterdir()):
        content_type = CONTENT_TYPE_BY_EXTENSION.get(file_extension(path.name))
        payloads = path.read_bytes().splitlines() if path.suffix == ".jsonl" else [path.read_bytes()]
        inputs += [RawInput(payload, str(path), path.stem, content_type) for payload in payloads if payload]
    return inputs
