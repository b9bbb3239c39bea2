"""Seeded synthetic interview corpus for the themes benchmark.

~15 topics, each with its own vocabulary, mixed into generic interview templates plus some
off-topic filler, so that sentences read like transcript segments ("I mean, the waiting list for
the clinic was just endless.") and topics overlap in wording the way real interviews do.
Deterministic for a given (n, seed).
"""
from __future__ import annotations

import random

TOPICS: dict[str, dict[str, list[str]]] = {
    "waiting_times": {
        "subj": ["the waiting list", "the wait for an appointment", "getting a referral",
                 "the queue at the clinic", "waiting for the specialist", "the delay for my scan"],
        "pred": ["took nearly six months", "was just endless", "kept getting pushed back",
                 "meant weeks without any treatment", "was longer than anyone told us",
                 "left me in pain for months"],
    },
    "housing": {
        "subj": ["the rent on our flat", "finding somewhere to live", "the landlord",
                 "the damp in the bedroom", "our tenancy", "the council housing list"],
        "pred": ["went up again this year", "never fixed the mould", "was a constant worry",
                 "could end with two months notice", "had us on it for years",
                 "made the kids ill every winter"],
    },
    "transport": {
        "subj": ["the bus service", "the last train home", "getting to work without a car",
                 "the timetable", "the cost of a rail ticket", "the cycle lane"],
        "pred": ["was cancelled half the time", "stops running before nine",
                 "takes me two buses and an hour", "changed without any notice",
                 "costs more than my lunch all week", "just ends at the roundabout"],
    },
    "childcare": {
        "subj": ["nursery fees", "finding a childminder", "the after school club",
                 "childcare over the holidays", "the free hours", "my mum looking after the kids"],
        "pred": ["cost more than my salary", "had a waiting list of a year",
                 "closes at half five", "is a nightmare every summer",
                 "never cover the whole week", "is the only reason I can work"],
    },
    "workload": {
        "subj": ["my workload", "the overtime", "the staffing on our ward", "the shift pattern",
                 "the paperwork", "covering for colleagues"],
        "pred": ["has doubled since the restructure", "is unpaid most weeks",
                 "is two nurses short every night", "leaves no time to recover",
                 "eats the whole afternoon", "has become completely normal"],
    },
    "management": {
        "subj": ["my manager", "senior leadership", "the line manager", "the new director",
                 "head office", "the team leader"],
        "pred": ["never listens to the staff", "made decisions without asking us",
                 "was supportive when my dad died", "only cares about the targets",
                 "sends emails instead of talking", "changed the rota without consulting anyone"],
    },
    "digital_access": {
        "subj": ["the online form", "the app", "booking through the website",
                 "the broadband in the village", "the login", "doing everything on a phone"],
        "pred": ["crashed every time I tried", "asks for a password I never set",
                 "is impossible without a laptop", "drops out whenever it rains",
                 "locked me out twice", "is hard when your eyesight is going"],
    },
    "mental_health": {
        "subj": ["my anxiety", "the counselling service", "talking therapy",
                 "the crisis team", "my depression", "the mental health nurse"],
        "pred": ["got much worse during lockdown", "offered six sessions and that was it",
                 "helped me more than the tablets", "never called back",
                 "made it hard to leave the house", "was the first person who really listened"],
    },
    "cost_of_living": {
        "subj": ["the energy bills", "the food shop", "the price of petrol",
                 "our gas and electric", "the weekly budget", "the food bank"],
        "pred": ["have tripled since last year", "costs twice what it used to",
                 "means we skip meals some days", "is on a prepayment meter now",
                 "doesn't stretch to the end of the month", "is where we go most weeks now"],
    },
    "school": {
        "subj": ["the school", "his teacher", "the special needs support", "the head teacher",
                 "the homework", "the school run"],
        "pred": ["didn't pick up on his dyslexia", "was brilliant with him",
                 "took two years to get an assessment", "excluded him twice",
                 "is too much for a seven year old", "takes forty minutes each way"],
    },
    "community": {
        "subj": ["the community centre", "the neighbours", "the local library",
                 "the youth club", "the church group", "the park"],
        "pred": ["closed because of the cuts", "look out for each other",
                 "is the only warm place in the day", "gave the teenagers somewhere to go",
                 "runs a lunch every Thursday", "doesn't feel safe after dark"],
    },
    "benefits": {
        "subj": ["universal credit", "the assessment", "the jobcentre", "the sanction",
                 "my disability payment", "the five week wait"],
        "pred": ["was stopped without any warning", "felt like an interrogation",
                 "made me apply for jobs I couldn't do", "left us with nothing for a month",
                 "was reduced after the review", "pushed us into debt straight away"],
    },
    "caring": {
        "subj": ["looking after my mum", "being a carer", "respite care", "the carers allowance",
                 "caring for my husband", "the home visits"],
        "pred": ["is a full time job on its own", "means I never get a break",
                 "was cancelled at the last minute", "is barely anything for the hours",
                 "has changed our whole marriage", "last fifteen minutes at most"],
    },
    "environment": {
        "subj": ["the flooding", "the air quality", "the recycling collection", "the litter",
                 "the river", "the new development on the fields"],
        "pred": ["came into the kitchen twice", "is terrible near the main road",
                 "changed to every three weeks", "is everywhere after the weekend",
                 "smells of sewage in the summer", "took away the only green space"],
    },
    "training": {
        "subj": ["the training", "the apprenticeship", "the induction", "the online course",
                 "my qualification", "the mentoring scheme"],
        "pred": ["was a box ticking exercise", "got me my first proper job",
                 "lasted one afternoon", "had nothing to do with the actual role",
                 "isn't recognised by employers here", "paired me with someone really experienced"],
    },
}

OPENERS = ["", "", "", "I mean, ", "Honestly, ", "To be fair, ", "You know, ", "Well, ",
           "The thing is, ", "For me, ", "I suppose ", "Yeah, ", "If I'm honest, "]
FRAMES = ["{s} {p}.", "{s} {p}.", "I think {s} {p}.", "I feel like {s} {p}.",
          "What really got to me is that {s} {p}.", "{s} {p}, and nobody seemed to care.",
          "{s} {p}, which was really hard.", "It's just that {s} {p}.",
          "My sister says {s} {p} for her too.", "{s} {p}, to be honest with you.",
          "Last year {s} {p}.", "And {s} {p}, so that's another thing."]
FILLER = ["Yeah, I mean, it's hard to say really.", "I don't know, it depends on the day.",
          "Sorry, can you repeat the question?", "That's a good question.",
          "I'd have to think about that one.", "Mm, yeah, I suppose so.",
          "It is what it is, isn't it.", "I wouldn't know where to start."]


def make_corpus(
    n: int, seed: int = 7, filler_rate: float = 0.04
) -> tuple[list[str], list[str], list[str]]:
    """Return (texts, topic labels, document ids); ~40 segments per interview document."""
    rng = random.Random(seed)
    names = list(TOPICS)
    texts, labels, docs = [], [], []
    for i in range(n):
        doc = f"interview-{i // 40:04d}"
        if rng.random() < filler_rate:
            texts.append(rng.choice(FILLER))
            labels.append("filler")
        else:
            t = rng.choice(names)
            s = rng.choice(TOPICS[t]["subj"])
            p = rng.choice(TOPICS[t]["pred"])
            sent = rng.choice(OPENERS) + rng.choice(FRAMES).format(s=s, p=p)
            texts.append(sent[0].upper() + sent[1:])
            labels.append(t)
        docs.append(doc)
    return texts, labels, docs
