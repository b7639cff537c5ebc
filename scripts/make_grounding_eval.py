"""Write the labelled evaluation set of the grounding check (``unsupported_claims``).

Each row is a context (what a retrieval step handed the model), a response, and the
claims of the response that the context does not support, as ``[kind, text]`` pairs
(empty when the response is grounded). Two parts:

- ``template``: 40 seeded fact sheets (a person, an organisation, a city, a date, an
  amount, a percentage, a URL, a quotation). Each gives a grounded response that
  restates the facts in other formats (``2021-03-04`` as ``4 March 2021``, ``2,400,000``
  as ``2.4 million``, ``3`` as ``three``) and one response per claim kind with that
  claim changed (another person, amount, date, percentage, URL, or quotation);
- ``hand``: cases written by hand for what templates do not produce: sentence-initial
  capitals, list numbering, paraphrased quotations, claims split across documents,
  partial dates, and an answer that mixes supported and unsupported claims;
- ``blind``: 18 more hand-written cases, written after the scanner's last change and
  scored once, never tuned on.

    python scripts/make_grounding_eval.py     # writes data/llm_eval/grounding_eval.jsonl
"""

from __future__ import annotations

import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "llm_eval" / "grounding_eval.jsonl"
SEED = 20260117
FIRST = ["Amara", "Helen", "Jonas", "Priya", "Mateo", "Ingrid", "Kofi", "Lena", "Tomasz",
         "Yuki", "Carmen", "Olu"]  # fmt: skip
LAST = ["Okafor", "Lindqvist", "Moreau", "Sharma", "Castillo", "Berg", "Mensah", "Novak",
        "Tanaka", "Duarte", "Byrne"]  # fmt: skip
ORGS = ["Northwind Energy", "Bluefin Logistics", "Harbor Health", "Cobalt Robotics",
        "Juniper Foods", "Alder Bank", "Quarry Labs", "Summit Rail"]  # fmt: skip
CITIES = ["Porto Alegre", "Cape Town", "San Diego", "New Delhi", "Hong Kong", "Buenos Aires"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip
QUOTES = [
    "we will double our capacity within two years",
    "safety comes before every deadline",
    "the pilot exceeded every target we set",
    "customers asked for this for a decade",
    "this is only the first step for the region",
]
WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}


def template_rows(rng: random.Random) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for n in range(40):
        person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        other = person
        while other == person:
            other = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        org, city = rng.choice(ORGS), rng.choice(CITIES)
        year, month, day = rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28)
        millions = rng.choice([1.2, 2.4, 3.5, 4.8, 7.5, 12.0, 15.5])
        amount = int(millions * 1_000_000)
        share = rng.randint(11, 89)
        sites = rng.choice(list(WORDS))
        slug = org.lower().replace(" ", "-")
        url = f"https://www.{slug}.example/news/{year}/{n}"
        quote = rng.choice(QUOTES)
        context = (
            f"{org} announced on {year}-{month:02d}-{day:02d} that it will open {sites} new "
            f"sites in {city}, an investment of ${amount:,}. Chief executive {person} said "
            f'"{quote}". The company expects {share}% of the new jobs to go to local '
            f"residents. Details: {url}"
        )
        grounded = (
            f"On {day} {MONTHS[month - 1]} {year}, {org} said it would open {WORDS[sites]} "
            f"sites in {city}, investing ${millions:g} million. {person} said "
            f'"{quote}". About {share}% of the jobs should go to locals ({url}).'
        )
        rows.append({"part": "template", "context": [context], "response": grounded,
                     "unsupported": []})  # fmt: skip
        changed_date = f"{day} {MONTHS[month % 12]} {year}"
        changed_amount = f"${millions + 1.1:g} million"
        changed_share = f"{share + 7}%"
        changed_url = url.replace("/news/", "/press/")
        changed_quote = quote.replace("we", "they").replace("the", "our", 1)
        variants = [
            ("date", changed_date, grounded.replace(f"{day} {MONTHS[month - 1]} {year}",
                                                    changed_date)),
            ("number", f"{millions + 1.1:g} million",
             grounded.replace(f"${millions:g} million", changed_amount)),
            ("number", changed_share, grounded.replace(f"{share}%", changed_share)),
            ("url", changed_url, grounded.replace(url, changed_url)),
            ("name", other, grounded.replace(f"{person} said", f"{other} said")),
            ("quote", f'"{changed_quote}"', grounded.replace(quote, changed_quote)),
        ]  # fmt: skip
        for kind, text, response in variants:
            if text.strip('"') and response != grounded:
                rows.append({"part": "template", "context": [context], "response": response,
                             "unsupported": [[kind, text]]})  # fmt: skip
    return rows


HAND = [
    # (context documents, response, unsupported claims)
    (["The library opens at 9 and closes at 17 on weekdays."],
     "The library opens at 9 and closes at 17 on weekdays.", []),
    (["The library opens at 9 and closes at 17 on weekdays."],
     "The library opens at 9 and closes at 18 on weekdays.", [["number", "18"]]),
    (["Steps: preheat the oven to 180 degrees, then bake for 25 minutes."],
     "1. Preheat the oven to 180 degrees.\n2. Bake for 25 minutes.", []),
    (["Steps: preheat the oven to 180 degrees, then bake for 25 minutes."],
     "1. Preheat the oven to 200 degrees.\n2. Bake for 25 minutes.", [["number", "200"]]),
    (["Revenue grew 12% in 2023, to 4.1 billion euros."],
     "Revenue rose by 12 percent in 2023 and reached 4.1 billion euros.", []),
    (["Revenue grew 12% in 2023, to 4.1 billion euros."],
     "Revenue rose by 15 percent in 2023 and reached 4.1 billion euros.",
     [["number", "15 percent"]]),
    (["The treaty was signed in Lisbon on 13 December 2007."],
     "The Treaty of Lisbon was signed in December 2007.", []),
    (["The treaty was signed in Lisbon on 13 December 2007."],
     "It was signed on December 31, 2007 in Lisbon.", [["date", "December 31, 2007"]]),
    (["Grace Hopper worked on the Harvard Mark I.", "She later led work on COBOL."],
     "Grace Hopper worked on the Harvard Mark I and later on COBOL.", []),
    (["Grace Hopper worked on the Harvard Mark I."],
     "Grace Hopper worked on the Harvard Mark I with Alan Turing.", [["name", "Alan Turing"]]),
    (["The mayor said the bridge would reopen in spring."],
     'The mayor said "the bridge will reopen next week".',
     [["quote", '"the bridge will reopen next week"']]),
    (["The mayor said the bridge would reopen in spring."],
     "According to the mayor, the bridge reopens in spring.", []),
    (["Docs: https://docs.python.org/3/library/json.html"],
     "See https://docs.python.org/3/library/json.html for details.", []),
    (["Docs: https://docs.python.org/3/library/json.html"],
     "See https://docs.python.org/3/library/pickle.html for details.",
     [["url", "https://docs.python.org/3/library/pickle.html"]]),
    (["Order 55120 shipped on 2024-05-02 and should arrive within three days."],
     "Your order 55120 shipped on 2 May 2024; expect it within 3 days.", []),
    (["Order 55120 shipped on 2024-05-02 and should arrive within three days."],
     "Your order 55210 shipped on 2 May 2024; expect it within 3 days.", [["number", "55210"]]),
    (["The plan costs $30 a month; annual billing saves 20%."],
     "The plan is $30 per month, and paying yearly saves 20%.", []),
    (["The plan costs $30 a month; annual billing saves 20%."],
     "The plan is $30 per month, and paying yearly saves 25%. Contact Sales Team Lead Maria Gomez.",
     [["number", "25%"], ["name", "Maria Gomez"]]),
    (["Mount Kilimanjaro is 5,895 metres high and lies in Tanzania."],
     "Kilimanjaro, in Tanzania, rises to 5895 metres.", []),
    (["Mount Kilimanjaro is 5,895 metres high and lies in Tanzania."],
     "Kilimanjaro, in Kenya, rises to 5,985 metres.", [["number", "5,985"]]),
    (["The Acme Corp board met on Monday. Chair Ruth Bader presided."],
     "The Acme Corp board met on Monday, with Ruth Bader presiding.", []),
    (["Version 2.4 added streaming; version 2.5 fixed memory leaks."],
     "Streaming arrived in version 2.4 and the leak fixes in 2.6.", [["number", "2.6"]]),
]  # fmt: skip


# Written after the scanner was last changed and scored once, untuned: the honest part.
BLIND = [
    (["Our support line is open Monday to Friday, 8:00 to 18:00 CET."],
     "Support is available Monday through Friday from 8:00 to 18:00 CET.", []),
    (["Our support line is open Monday to Friday, 8:00 to 18:00 CET."],
     "Support is available every day from 7:00 to 18:00 CET.", [["number", "7"]]),
    (["The Great Barrier Reef covers about 344,400 square kilometres."],
     "The Great Barrier Reef spans roughly 344,400 km2.", []),
    (["The Great Barrier Reef covers about 344,400 square kilometres."],
     "The Great Barrier Reef spans roughly 348,000 square kilometres.", [["number", "348,000"]]),
    (["Refunds are issued within 14 days of receiving the returned item."],
     "You will get your refund within two weeks of us receiving the item.", []),
    (["Refunds are issued within 14 days of receiving the returned item."],
     "You will get your refund within 30 days, says Customer Care Director Paul Weber.",
     [["number", "30"], ["name", "Paul Weber"]]),
    (["Paris hosted the Summer Olympics in 1900, 1924 and 2024."],
     "Paris has hosted the Summer Olympics three times: 1900, 1924 and 2024.", []),
    (["Paris hosted the Summer Olympics in 1900, 1924 and 2024."],
     "Paris has hosted the Summer Olympics in 1900, 1928 and 2024.", [["number", "1928"]]),
    (["The meeting is on 7 October 2025 in Room 4B."],
     "The meeting takes place on October 7, 2025, in Room 4B.", []),
    (["The meeting is on 7 October 2025 in Room 4B."],
     "The meeting takes place on October 17, 2025, in Room 4B.", [["date", "October 17, 2025"]]),
    (["Install with pip install watchkeeper; the docs are at https://watchkeeper.example/docs."],
     "Run pip install watchkeeper and read https://watchkeeper.example/docs/.", []),
    (["Install with pip install watchkeeper; the docs are at https://watchkeeper.example/docs."],
     "Run pip install watchkeeper and read https://watchkeeper-docs.example.",
     [["url", "https://watchkeeper-docs.example"]]),
    (["Dr. Lena Fischer leads the study at Charite Hospital."],
     "The study is led by Dr. Lena Fischer at Charite Hospital.", []),
    (["Dr. Lena Fischer leads the study at Charite Hospital."],
     "The study is led by Dr. Lena Fischer and Prof. Mark Olsen.", [["name", "Mark Olsen"]]),
    (["The report says: \"demand fell sharply in the third quarter\"."],
     "As the report puts it, \"demand fell sharply in the third quarter\".", []),
    (["The report says: \"demand fell sharply in the third quarter\"."],
     "As the report puts it, \"demand collapsed in the third quarter\".",
     [["quote", "\"demand collapsed in the third quarter\""]]),
    (["Battery life: up to 11 hours of video playback."],
     "Yes! It lasts up to 11 hours when playing video. Hope That Helps.", []),
    (["Battery life: up to 11 hours of video playback."],
     "It lasts up to 15 hours of video playback.", [["number", "15"]]),
]  # fmt: skip


def main() -> None:
    rows = template_rows(random.Random(SEED))
    for context, response, unsupported in HAND:
        rows.append({"part": "hand", "context": context, "response": response,
                     "unsupported": unsupported})  # fmt: skip
    for context, response, unsupported in BLIND:
        rows.append({"part": "blind", "context": context, "response": response,
                     "unsupported": unsupported})  # fmt: skip
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} rows to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
