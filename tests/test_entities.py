"""Grouping mentions into one entity per referent, canonical names, offsets and country codes."""
from __future__ import annotations

from spacy.tokens import Doc

from wirestream.transforms.nlp.entities import extract_entities, mention_form, norm
from wirestream.transforms.wire.record import Entity


def referents(nlp, body: str, headline: str | None = None, skip: tuple[int, int] | None = None):
    """Runs the pipeline on a story laid out as the analyse stage does; `skip` is in body offsets."""
    offset = len(headline) + 2 if headline else 0
    doc: Doc = nlp(f"{headline}\n\n{body}" if headline else body)
    doc_skip = (skip[0] + offset, skip[1] + offset) if skip else None
    return extract_entities(doc, body_offset=offset, skip=doc_skip)


def analyse(nlp, body: str, headline: str | None = None, skip: tuple[int, int] | None = None):
    return [referent.entity for referent in referents(nlp, body, headline, skip)]


def by_text(entities: list[Entity]) -> dict[str, Entity]:
    return {e.text: e for e in entities}


def test_putin_title_surname_and_possessive_are_one_person(nlp):
    headline = "Putin backs China on boycott"
    body = ("President Vladimir Putin said on Tuesday that Russia backed China. "
            "Putin's spokesman later repeated it, and Putin said he would travel.")
    people = [r for r in referents(nlp, body, headline) if r.entity.label == "PERSON"]
    assert len(people) == 1
    putin, spans = people[0]
    assert (putin.text, putin.aliases, putin.mentions, putin.in_headline) == ("Vladimir Putin", ("Putin",), 4, True)
    assert body[putin.start : putin.end] == "Vladimir Putin"
    assert [s.text for s in spans] == ["Putin", "Vladimir Putin", "Putin", "Putin"]


def test_xi_jinping_counterpart_and_surname(nlp):
    body = "Putin will meet his Chinese counterpart Xi Jinping in Beijing. Xi said the meeting mattered."
    xi = by_text(analyse(nlp, body))["Xi Jinping"]
    assert xi.label == "PERSON" and xi.aliases == ("Xi",) and xi.mentions == 2
    assert not xi.in_headline


def test_zhang_hanhui_loses_his_title_and_every_mention_is_found(nlp):
    body = ("Chinese Ambassador to Russia Zhang Hanhui said in an interview that ties were strong. "
            '"We are looking forward to the meeting," Zhang Hanhui said.')
    zhang = by_text(analyse(nlp, body))["Zhang Hanhui"]
    assert zhang.mentions == 2 and zhang.aliases == ()
    assert (zhang.start, zhang.end) == (body.index("Zhang"), body.index("Zhang") + len("Zhang Hanhui"))


def test_united_states_short_forms_are_one_country_and_washington_stays_a_city(nlp):
    body = ("The United States declared a boycott. US athletes will still compete, the U.S. "
            "embassy said. Officials in Washington notified allies.")
    found = by_text(analyse(nlp, body))
    us = found["United States"]
    assert us.label == "GPE" and us.country_code == "US" and us.mentions == 3
    assert set(us.aliases) == {"US", "U.S."}
    assert found["Washington"].country_code == "US" and found["Washington"].aliases == ()


def test_parts_of_a_country_stay_apart_from_it_and_each_other(nlp):
    body = ("Britain had turned a corner, the minister said. Households in Scotland and the north of "
            "England were struggling, while the UK economy grew.")
    found = by_text(analyse(nlp, body))
    assert {"Britain", "Scotland", "England"} <= set(found)
    assert found["Scotland"].country_code == "GB" and found["England"].country_code == "GB"
    assert "UK" in found["Britain"].aliases


def test_acronym_is_linked_to_its_expansion(nlp):
    body = ('The athletes compete for the Nordic Ski Federation under the acronym "NSF," '
            "as they did last year. The NSF said it would appeal.")
    orgs = [e for e in analyse(nlp, body) if e.label == "ORG"]
    assert [(e.text, e.aliases, e.mentions) for e in orgs] == [("Nordic Ski Federation", ("NSF",), 3)]


def test_acronym_spelt_out_in_parentheses_is_linked_even_without_matching_initials(nlp):
    body = "The Kurdistan Workers Party (PKK) said it would disarm. The PKK gave no date."
    found = by_text(analyse(nlp, body))
    assert "PKK" not in found
    assert found["Kurdistan Workers Party"].aliases == ("PKK",) and found["Kurdistan Workers Party"].mentions == 3


def test_surname_shared_by_two_people_is_not_guessed(nlp):
    body = "Anna Schmidt met Peter Schmidt in Berlin. Schmidt said the talks went well."
    people = {e.text for e in analyse(nlp, body) if e.label == "PERSON"}
    assert {"Anna Schmidt", "Peter Schmidt"} <= people
    assert all(e.aliases == () for e in analyse(nlp, body) if e.label == "PERSON")


def test_titles_and_article_are_not_part_of_the_canonical_name(nlp):
    body = "Treasurer Ruth Ann Calloway defended the increase. The Netherlands opposed it."
    found = by_text(analyse(nlp, body))
    assert found["Ruth Ann Calloway"].label == "PERSON"
    assert found["Netherlands"].country_code == "NL"


def test_dateline_entities_are_skipped_and_offsets_are_in_body_coordinates(nlp):
    headline = "Germany backs bicycle duties"
    body = "BRUSSELS, March 3 (Reuters) - The European Commission proposed duties that Germany backed."
    entities = analyse(nlp, body, headline, skip=(0, body.index("The European")))
    found = by_text(entities)
    assert "BRUSSELS" not in found and "Reuters" not in found
    commission, germany = found["European Commission"], found["Germany"]
    assert body[commission.start : commission.end] == "European Commission"
    assert not commission.in_headline
    assert germany.in_headline and body[germany.start : germany.end] == "Germany" and germany.mentions == 2


def test_headline_only_entity_has_no_body_offsets(nlp):
    entities = analyse(nlp, "Ministers met on Tuesday to discuss it.", headline="Kenya hosts climate talks")
    kenya = by_text(entities)["Kenya"]
    assert kenya.in_headline and kenya.start is None and kenya.end is None


def test_country_codes_for_countries_cities_regions_and_demonyms(nlp):
    body = ("Russian officials said Russia would send ships to Murmansk. Moscow accused the West "
            "and said the Arctic was calm.")
    found = by_text(analyse(nlp, body))
    assert found["Russia"].country_code == "RU"
    assert found["Murmansk"].country_code == "RU"
    assert found["Moscow"].country_code == "RU"
    assert found["Russian"].label == "NORP" and found["Russian"].country_code == "RU"
    assert found["West"].label == "LOC" and found["West"].country_code is None


def test_a_region_takes_a_country_only_if_the_story_names_it(nlp):
    text = "Australia's farmers in New South Wales welcomed it. Ships sailed into the Gulf."
    doc = nlp(text)
    doc.ents = [
        doc.char_span(text.index(name), text.index(name) + len(name), label)
        for name, label in [("Australia", "GPE"), ("New South Wales", "LOC"), ("Gulf", "LOC")]
    ]
    found = by_text([referent.entity for referent in extract_entities(doc)])
    assert found["New South Wales"].country_code == "AU"
    assert found["Gulf"].country_code is None


def test_all_caps_headline_names_are_linked_to_the_body(nlp):
    headline = "RUSSIA SAYS U.S. SANCTIONS WILL FAIL, PUTIN WARNS"
    body = "Russian President Vladimir Putin said on Monday that U.S. sanctions against Russia would fail."
    found = by_text(analyse(nlp, body, headline))
    assert found["Vladimir Putin"].in_headline and found["Vladimir Putin"].aliases == ("PUTIN",)
    assert found["Russia"].in_headline and found["U.S."].in_headline
    assert not any(e.label == "ORG" for e in found.values())


def test_entities_come_in_order_of_first_mention(nlp):
    body = "Canada and Australia joined the boycott; Canada said so first."
    assert [e.text for e in analyse(nlp, body) if e.label == "GPE"] == ["Canada", "Australia"]


def test_mention_form_and_norm(nlp):
    doc = nlp("The Netherlands and Russian President Vladimir Putin's aides met.")
    doc.ents = [doc.char_span(0, 15, "GPE"), doc.char_span(20, 52, "PERSON")]
    assert [mention_form(s) for s in doc.ents] == ["Netherlands", "Vladimir Putin"]
    assert norm("U.S.") == norm("US") == "us"
    assert norm("Médecins  Sans Frontières") == "medecins sans frontieres"


def test_a_company_with_and_without_its_legal_form_is_one_referent(nlp):
    entities = analyse(nlp, "Halvern Maritime AG said profit rose. Halvern Maritime will pay a dividend, the company said.")
    orgs = [e for e in entities if e.label == "ORG"]
    assert len(orgs) == 1
    assert orgs[0].text == "Halvern Maritime AG"
    assert "Halvern Maritime" in orgs[0].aliases


def test_a_referent_takes_the_label_most_of_its_mentions_carry(nlp):
    from spacy.tokens import Span

    from wirestream.transforms.nlp.entities import _Group

    doc = nlp.make_doc("Harlow Dynamics Inc said so. Harlow Dynamics agreed, and Harlow Dynamics left.")
    spans = [Span(doc, 0, 3, "PERSON"), Span(doc, 6, 8, "ORG"), Span(doc, 11, 13, "ORG")]
    group = _Group(spans, ["Harlow Dynamics Inc", "Harlow Dynamics", "Harlow Dynamics"])
    assert group.canonical == "Harlow Dynamics Inc" and group.label == "ORG"
    tie = _Group(spans[:2], ["Harlow Dynamics Inc", "Harlow Dynamics"])
    assert tie.label == "PERSON"  # a tie goes to the fullest form's mentions
