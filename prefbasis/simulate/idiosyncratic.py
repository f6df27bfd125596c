"""One-off, idiosyncratic reasons: the long tail that no canonical preference category covers.

Real annotations contain reasons like "it mentioned the exact bus route I take": specific to one
judge and one comparison, unrelated to any recurring quality. Each is built as
``opener + verb obj1 + and + verb2 obj2`` from banks of unrelated specifics (no two reasons share
both specifics), so they are neither paraphrases of each other nor of a planted category
(checked with all-MiniLM-L6-v2 in tests/test_simulate.py and docs/simulate.md).

Example:
    >>> import numpy as np
    >>> reasons = idiosyncratic_reasons(3, np.random.default_rng(0))
    >>> len(set(reasons)), all(r.endswith(".") for r in reasons)
    (3, True)
"""
from __future__ import annotations

import numpy as np

LABEL = "(idiosyncratic)"   # their planted_category in planted_descriptions / planted_comparisons

OPENERS: tuple[str, ...] = (
    "I picked it because it {s}.", "The winner {s}.", "Mostly because it {s}.", "I went with it since it {s}.",
    "It won me over when it {s}.", "Oddly, what swayed me is that it {s}.", "I chose it because it {s}.",
    "The deciding thing was that it {s}.", "Honestly, it {s}.", "It got my vote because it {s}.",
)
VERBS: tuple[str, ...] = (
    "mentioned", "brought up", "referred to", "named", "talked about", "noted", "happened to mention",
    "said something about", "pointed out", "remembered",
)
# unrelated specifics from many walks of life; none names a quality of an answer
OBJECTS: tuple[str, ...] = tuple(o.strip() for o in """
the exact bus route I take|metric units|my cat's name|the ferry timetable to Lisbon|a 1970s jazz album|
the tides at Brighton|my grandmother's village|the price of oat milk|a chess opening called the Sicilian|
the bakery on my street|the Tour de France|my dentist appointment|sourdough starters|the Rhine valley|
left-handed scissors|the night sky over Chile|my old bicycle|the 1998 World Cup final|beekeeping|
the moons of Jupiter|my sister's wedding|Portuguese tiles|a vintage typewriter|the Dutch rail strike|
pickled herring|my allergy to peanuts|the Berlin marathon|origami cranes|the Mongolian steppe|
a squeaky floorboard|my favourite football club|rainfall in Kerala|the violin concerto by Sibelius|
the parking rules downtown|my lost umbrella|the ferry to Staten Island|a broken dishwasher|
the migration of monarch butterflies|my knitting club|the Finnish sauna|a flat tyre|Icelandic horses|
the lunar eclipse next month|my landlord|Japanese maple trees|the Eurovision contest|a leaking roof|
the snow in Sapporo|my night shift at the hospital|the Andes|vinyl records|the town library's opening hours|
a Moroccan tagine|my daughter's school play|the volcano on La Palma|a sourdough pizza oven|
the Amazon river dolphins|my vegetable allotment|the Victorian railway|tango lessons|the Sahara|
my noisy neighbours|the cherry blossom season|an antique clock|the Scottish Highlands|my passport renewal|
wild mushrooms|the Hubble telescope|my favourite mug|a canal boat holiday|the price of petrol|
the Great Barrier Reef|my broken phone screen|Greek olive harvests|the Norwegian fjords|a yoga retreat|
my commute through the tunnel|a medieval castle in Wales|the jazz bar near my flat|a hot-air balloon|
my parrot's vocabulary|the Venice carnival|a frozen lake in Minnesota|my late uncle's record collection|
the Sydney Opera House|vegan cheese|my running shoes|the Hong Kong skyline|a haunted lighthouse|
the cost of a plumber|the Mekong delta|my birthday in February|a pottery wheel|the Kentucky Derby|
the Welsh language|my houseplants|an earthquake drill|the Camino de Santiago|my favourite pen|
Swiss trains|the local farmers' market|my dog's vet bill|a total solar eclipse|the Istanbul bazaar|
homemade kimchi|my fantasy football team|the Bolshoi ballet|a rusty padlock|the Patagonian glaciers|
my tax return|a sunflower field|the London Underground map|my insomnia|Belgian waffles|the Arctic fox|
a bonsai tree|my wedding anniversary|the Panama canal|my first car|a harp seal pup|the Alhambra|
my stamp collection|the Kyoto temples|a thunderstorm last night|my grandfather's war medals|
the price of saffron|a ukulele|the Galapagos tortoises|my evening swim|the Tokyo fish market|
my spare bedroom|a hedgehog in the garden|the Mardi Gras parade|my broken kettle|the Dead Sea|
a Persian rug|my climbing gym|the Northern Lights|my bread machine|a pilgrimage to Mecca|the Irish coast|
my friend's food truck|the Loch Ness legend|a wooden rowing boat|my allotment shed|the Havana cars|
the Nile cruise|my electricity bill|a chess clock|my son's football boots|the Atacama desert|
a cuckoo clock from the Black Forest|my meditation app|the Boston Tea Party|a red squirrel|
my sewing machine|the Sardinian beaches|my gluten intolerance|a fountain pen|the Grand Canyon|
my model railway|a jar of marmalade|the Budapest baths|my step counter|a lighthouse keeper|
the Serengeti|my old school reunion|a saxophone|the Siberian railway|my balcony garden|
the bees in my attic|Cornish pasties|the Louvre queue|my work laptop|a kayak trip|the Taj Mahal|
my neighbour's rooster|the Paris catacombs|a falcon|my flu jab|the Zambezi|a barbershop quartet|
my recycling bins|the Milan fashion week|a carousel|my favourite crossword|the Faroe Islands|
a pot of honey|my caravan|the Shetland ponies|a wind turbine|my cousin in Nairobi|the Okavango delta|
""".split("|") if o.strip())


def short_preference(reason: str) -> str:
    """The 2-6 word `preference` of a reason: its first specific (``"mentions beekeeping"`` if one word)."""
    found = [(reason.find(o), o) for o in OBJECTS if o in reason]
    obj = min(found)[1] if found else "a personal detail"
    words = obj.split()
    return "mentions " + obj if len(words) < 2 else " ".join(words[:6])


def idiosyncratic_reasons(n: int, rng: np.random.Generator) -> list[str]:
    """`n` distinct one-sentence idiosyncratic reasons, each object used about equally often.

    Objects are dealt from shuffled decks, so a sentence shares at most one specific with
    any of the ~2n/len(OBJECTS) others that use one of its objects, never both.
    """
    out: list[str] = []
    seen_pairs: set[frozenset[str]] = set()
    deck: list[int] = []
    while len(out) < n:
        if len(deck) < 2:
            deck += rng.permutation(len(OBJECTS)).tolist()
        a, b = OBJECTS[deck.pop()], OBJECTS[deck.pop()]
        pair = frozenset((a, b))
        if a == b or pair in seen_pairs:
            if len(seen_pairs) >= len(OBJECTS) * (len(OBJECTS) - 1) // 2:
                break   # every pair used: the banks are exhausted
            continue
        seen_pairs.add(pair)
        v1, v2 = (VERBS[int(i)] for i in rng.choice(len(VERBS), size=2, replace=False))
        opener = OPENERS[int(rng.integers(len(OPENERS)))]
        out.append(opener.format(s=f"{v1} {a} and {v2} {b}"))
    return out
