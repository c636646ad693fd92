"""French synthetic wire stories for the benchmark's French rows, written for it (no evaluation story copied).

The same shapes as `corpus.py` in the French agencies' styles: AFP, Belga, ATS/Keystone-ATS, MAP, La Presse
Canadienne and Xinhua datelines, French month names and numeric dates, generated names, reported speech
("a-t-il déclaré"), and FOR/AGAINST sentences with the verbs French copy uses, some negated.
"""
from __future__ import annotations

import datetime
import random

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]

CITIES = [
    ("PARIS", "la France"), ("LYON", "la France"), ("MARSEILLE", "la France"), ("SAINT-ÉTIENNE", "la France"),
    ("BRUXELLES", "la Belgique"), ("LIÈGE", "la Belgique"), ("GENÈVE", "la Suisse"), ("BERNE", "la Suisse"),
    ("LAUSANNE", "la Suisse"), ("RABAT", "le Maroc"), ("CASABLANCA", "le Maroc"), ("MONTRÉAL", "le Canada"),
    ("QUÉBEC", "le Canada"), ("DAKAR", "le Sénégal"), ("ABIDJAN", "la Côte d'Ivoire"), ("ALGER", "l'Algérie"),
    ("TUNIS", "la Tunisie"), ("BAMAKO", "le Mali"), ("KINSHASA", "la République démocratique du Congo"),
    ("PÉKIN", "la Chine"), ("MOSCOU", "la Russie"), ("LONDRES", "le Royaume-Uni"), ("BERLIN", "l'Allemagne"),
    ("MADRID", "l'Espagne"), ("BEYROUTH", "le Liban"), ("NIAMEY", "le Niger"),
]
AGENCIES = ["AFP", "Belga", "ATS", "Keystone-ATS", "MAP", "La Presse Canadienne", "Xinhua"]

FIRST = ["Camille", "Jean", "Aminata", "Luc", "Sophie", "Karim", "Nathalie", "Moussa", "Élodie", "Pierre",
         "Fatou", "Olivier", "Isabelle", "Youssef", "Claire", "Thierry", "Mariam", "François", "Anne", "Didier",
         "Hélène", "Abdoulaye", "Margaux", "Sébastien", "Leïla"]
LAST = ["Lefèvre", "Diallo", "Marchand", "Benali", "Girard", "Traoré", "Lambert", "Mercier", "Haddad", "Fontaine",
        "Kaboré", "Rousseau", "Van den Berg", "Peeters", "Chevalier", "Ndiaye", "Morel", "Gauthier", "Tremblay",
        "Bouchard", "El Amrani", "Masson", "Dupuis", "Keita", "Roussel"]
TITLES = ["le ministre des Affaires étrangères", "la ministre de la Santé", "le Premier ministre",
          "la présidente de la commission", "le porte-parole du gouvernement", "la maire", "le sénateur",
          "le secrétaire général du syndicat", "la gouverneure de la banque centrale", "le ministre de l'Économie",
          "la députée", "le président du patronat"]
ORGS = ["la Commission européenne", "l'Organisation mondiale de la santé", "le Fonds monétaire international",
        "l'Union africaine", "la Banque mondiale", "l'OTAN", "la CGT", "le Conseil fédéral", "Greenpeace",
        "Amnesty International", "la Banque centrale européenne", "la Croix-Rouge", "le Medef",
        "le Parti socialiste", "les Verts", "la Cour constitutionnelle", "le syndicat des enseignants"]
ISSUES = ["la réforme des retraites", "le projet de taxe carbone", "le nouvel accord commercial",
          "la hausse du salaire minimum", "la privatisation du port", "le plan de relance", "l'accord de pêche",
          "le projet d'extension de l'aéroport", "les sanctions contre les exportations d'acier", "le budget",
          "la loi sur la protection des données", "le cessez-le-feu", "le permis minier", "les coupes budgétaires",
          "le projet de parc éolien", "l'interdiction des importations de charbon"]
# (verb, preposition it takes): the preposition is contracted with the issue's article as French requires
FAVOR = [("soutient", ""), ("appuie", ""), ("a salué", ""), ("approuve", ""), ("s'est prononcé en faveur", "de"),
         ("plaide pour", ""), ("réclame", ""), ("a apporté son soutien", "à")]
AGAINST = [("s'oppose", "à"), ("rejette", ""), ("a dénoncé", ""), ("condamne", ""), ("critique", ""),
           ("refuse", ""), ("conteste", ""), ("s'insurge contre", "")]
SECTORS = ["les agriculteurs", "les exportateurs", "les salariés", "les investisseurs", "les petites entreprises",
           "les usagers", "les hôpitaux", "les collectivités locales", "les pêcheurs", "les ménages", "les étudiants"]
AMOUNTS = ["1,2 milliard d'euros", "340 millions d'euros", "75 millions de francs", "2,5 milliards de dirhams",
           "900 millions de dollars canadiens"]
CROWDS = ["4.000", "12.500", "700", "plusieurs centaines de", "quelque 2.000"]


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def governed(preposition: str, phrase: str) -> str:
    """`phrase` after `preposition`, contracted: à + le -> au, de + les -> des, de + l' -> de l'."""
    if not preposition:
        return phrase
    article, _, rest = phrase.partition(" ")
    contracted = {("à", "le"): "au", ("à", "les"): "aux", ("de", "le"): "du", ("de", "les"): "des"}
    if (preposition, article) in contracted:
        return f"{contracted[preposition, article]} {rest}"
    return f"{preposition} {phrase}"


def stance(rng: random.Random, issue: str, negated: bool = False) -> str:
    """A FOR or AGAINST verb with its object; negated as `ne ... pas` when asked."""
    verb, preposition = rng.choice(FAVOR + AGAINST)
    if negated:
        first, _, rest = verb.partition(" ")
        elided = "n'" if first[0] in "aeiouéh" else "ne "
        if first.startswith("s'"):
            verb = f"ne s'{first[2:]} pas {rest}".strip()
        else:
            verb = f"{elided}{first} pas {rest}".strip()
    return f"{verb} {governed(preposition, issue)}"


def dateline(rng: random.Random, agency: str, day: datetime.date) -> tuple[str, str, str]:
    """(line opening the story, line closing it, the country it names)."""
    city, country = rng.choice(CITIES)
    month = MONTHS[day.month - 1]
    if agency == "AFP":
        return f"{city}, {day.day} {month} {day.year} (AFP) -", "", country
    if agency == "Belga":
        return f"{city} {day.day:02d}/{day.month:02d} (BELGA) =", "", country
    if agency == "ATS":
        return f"{city.title()} (ats) -", "", country
    if agency == "Keystone-ATS":
        return f"{city}, {day.day} {month} (Keystone-ATS) -", "", country
    if agency == "MAP":
        return f"{city.title()}, {day.day:02d}/{day.month:02d}/{day.year} (MAP) -", "", country
    if agency == "La Presse Canadienne":
        return f"{city} —", "(La Presse Canadienne)", country
    return f"{city}, {day.day} {month} (Xinhua) --", "", country


def sentence(rng: random.Random, country: str, issue: str, holder: str) -> str:
    """One sentence of copy, drawn from the shapes French wire stories are made of."""
    kind = rng.randrange(8)
    day = rng.choice(WEEKDAYS)
    if kind == 0:
        return (f"{rng.choice(TITLES).capitalize()} {person(rng)} {stance(rng, issue, rng.random() < 0.15)} "
                f"{day}, estimant que la mesure toucherait {rng.choice(SECTORS)}.")
    if kind == 1:
        return (f"« Nous n'accepterons pas un accord qui laisse {rng.choice(SECTORS)} de côté », a déclaré "
                f"{holder} à la presse à {rng.choice(CITIES)[0].title()}.")
    if kind == 2:
        org = rng.choice(ORGS)
        return f"{org[0].upper() + org[1:]} {stance(rng, issue)}, jugeant qu'elle pénaliserait {rng.choice(SECTORS)}."
    if kind == 3:
        return (f"Selon le gouvernement, {country} attend {rng.choice(AMOUNTS)} de recettes "
                f"sur les {rng.randint(2, 10)} prochaines années.")
    if kind == 4:
        return (f"{person(rng)}, {rng.choice(['économiste', 'chercheuse', 'professeur', 'analyste'])} à "
                f"{rng.choice(['l’Université de ' + rng.choice(CITIES)[0].title(), 'Sciences Po', 'l’Institut Montaigne'])}, "
                f"a jugé le projet {rng.choice(['ambitieux', 'tardif', 'irréaliste', 'nécessaire'])}.")
    if kind == 5:
        return (f"Les discussions entre {country} et {rng.choice(CITIES)[1]} doivent reprendre en "
                f"{rng.choice(MONTHS)}, ont indiqué {rng.choice(['des diplomates', 'des sources proches du dossier', 'les autorités'])}.")
    if kind == 6:
        return (f"{holder} {stance(rng, rng.choice(ISSUES))} mais {stance(rng, issue)}, "
                f"proposé en {rng.choice(MONTHS)} par {rng.choice(ORGS)}, a-t-il déclaré.")
    return (f"Des manifestants se sont rassemblés {day} devant le parlement à {rng.choice(CITIES)[0].title()}, "
            f"où la police a compté {rng.choice(CROWDS)} personnes.")


def story_text(rng: random.Random, words: int) -> tuple[str, str, str, datetime.date]:
    """(headline, body, agency, date) of one French story of about `words` words."""
    agency = rng.choice(AGENCIES)
    day = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(366))
    opening, closing, country = dateline(rng, agency, day)
    issue = rng.choice(ISSUES)
    holder = f"{rng.choice(TITLES)} {person(rng)}"
    first = f"{opening} {holder[0].upper() + holder[1:]} {stance(rng, issue)} {rng.choice(WEEKDAYS)}."
    paragraphs, paragraph, count = [], [first], len(first.split())
    while count < words:
        text = sentence(rng, country, issue, holder.split()[-1])
        paragraph.append(text)
        count += len(text.split())
        if len(paragraph) >= rng.randint(1, 3):
            paragraphs.append(" ".join(paragraph))
            paragraph = []
    if paragraph:
        paragraphs.append(" ".join(paragraph))
    if closing:
        paragraphs.append(closing)
    headline = f"{holder.split()[-1]} {stance(rng, issue)}"
    return headline, "\n\n".join(paragraphs), agency, day
