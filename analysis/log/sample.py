"""Seeded synthetic complaint logs: the bundled sample, its messy twin, and big logs for benchmarks.

Real complaint logs hold personal data and are not public, so the suite ships a log made here. It is
synthetic through and through - fictional organisations, names drawn at random from common-name lists,
phone numbers from Ofcom's drama ranges, e-mail addresses on reserved ``example`` domains - but shaped
by published facts (the numbers and their sources are the constants below and ``data/README.md``):

* the school year 2021/22, with a wave of TikTok abuse across November 2021 on a lower background;
* the four nations weighted by their teacher workforce;
* two logging organisations whose logs overlap through ``content_ref`` (SHA-256 of the post's URL), so
  that capture-recapture has something to estimate from;
* heavy-tailed, platform-specific response times with a large share never answered by the extract date.

The same seed gives the same log, byte for byte: every random draw comes from numpy's PCG64 seeded
from the seed (structure and text use separate child streams, so ``with_text=False`` gives the same
rows as ``with_text=True`` less the free text), and nothing depends on dict or set order or the clock.

``python -m analysis sample --bundled`` regenerates every file under ``data/sample/``.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import SAMPLE_AS_OF, SAMPLE_DIR, SAMPLE_LOG, SAMPLE_MESSY_LOG, SAMPLE_SEED
from analysis.log.contract import CATEGORIES, COLUMNS, NATIONS, PHASES, PLATFORMS, ROLES
from analysis.log.dates import parse_as_of

# ----------------------------------------------------------------------------------------------
# Calibration. Figures quoted from ../shared/data/*.csv are copied into data/README.md with URLs.
# ----------------------------------------------------------------------------------------------

#: Rows in the bundled sample: small enough to read, big enough that Union A logs over 50 TikTok
#: reports in the fortnight before 11 Nov 2021, as ASCL did ("over 50", a lower bound).
DEFAULT_ROWS = 600

#: The two logging organisations: fictional, and labelled so nobody mistakes them for real ones.
#: Union A plays a school leaders' union (members in England, Wales and Northern Ireland, like ASCL);
#: Helpline B a UK-wide helpline for school staff (like the Professionals Online Safety Helpline).
ORGANISATIONS: tuple[str, str] = ("Union A (synthetic)", "Helpline B (synthetic)")
ID_PREFIXES: tuple[str, str] = ("UA-", "HB-")

#: Complaints are received over the school year 2021/22 (first day of the autumn term in England to
#: the end of the summer term, approximately); the extract is taken a week later.
PERIOD = (pd.Timestamp("2021-09-01"), pd.Timestamp("2022-07-22"))

#: Teachers (full-time equivalent) by nation, 2021/22, approximate - the weights of the four nations.
#: England: DfE School Workforce in England, Nov 2021: 465,500 FTE teachers.
#: Scotland: Summary Statistics for Schools in Scotland 2021 (Sept 2021 census): 53,581 FTE.
#: Wales: School Workforce Annual Census, Nov 2021: 24,700 FTE.
#: Northern Ireland: DE "Teacher workforce statistics in grant-aided schools" puts FTE teachers at
#: about 18,500 in 2017/18 and rising; 20,000 is a rounded assumption for 2021/22, not a published figure.
NATION_WORKFORCE: dict[str, float] = {
    "England": 465_500,
    "Scotland": 53_581,
    "Wales": 24_700,
    "Northern Ireland": 20_000,
}

#: The November 2021 wave: a Gaussian bump on the background rate, peaking the week before ASCL's
#: statement (11 Nov) and POSH's 249 contacts in the five days to 12 Nov ("about 20 a week" normally,
#: "twelvefold"); the Welsh Government condemned the trend on 25 Nov, by when it was subsiding.
WAVE_PEAK = pd.Timestamp("2021-11-08")
WAVE_SD_DAYS = 7.0
WAVE_PEAK_RATIO = 12.0
#: "99 per cent TikTok" (POSH project lead, Tes, 12 Nov 2021).
WAVE_PLATFORMS: dict[str, float] = {"TikTok": 0.99, "Instagram": 0.005, "Snapchat": 0.005}
#: Outside the wave. POSH: in 2020 most such content was on Instagram; in 2023-24, 76% of its cases
#: were linked to TikTok; NAHT's 2024 survey names Facebook and WhatsApp parent groups. An assumed
#: mix between those points.
BACKGROUND_PLATFORMS: dict[str, float] = {
    "TikTok": 0.34,
    "Instagram": 0.20,
    "Facebook": 0.18,
    "Snapchat": 0.07,
    "X": 0.06,
    "WhatsApp": 0.06,
    "YouTube": 0.05,
    "Other": 0.03,
    "Reddit": 0.01,
}

#: School holidays in England 2021/22 (most local authorities; approximate), when fewer complaints come in.
HOLIDAYS: tuple[tuple[str, str], ...] = (
    ("2021-10-25", "2021-10-29"),
    ("2021-12-20", "2022-01-03"),
    ("2022-02-21", "2022-02-25"),
    ("2022-04-11", "2022-04-22"),
    ("2022-05-30", "2022-06-03"),
)
HOLIDAY_FACTOR = 0.35
WEEKEND_FACTOR = 0.3
#: Relative rate of complaints by hour of day (office hours, some evenings).
HOUR_WEIGHTS = np.array(
    [
        0.2,
        0.1,
        0.1,
        0.1,
        0.1,
        0.2,
        0.5,
        1.5,
        3,
        4,
        4,
        4,
        3.5,
        4,
        4,
        4,
        3.5,
        2.5,
        2,
        2,
        2,
        1.5,
        1,
        0.5,
    ]
)

#: Phases: outside the wave close to the workforce (England 2021/22: 48% of teachers in nursery and
#: primary, 46% secondary, 6% special/PRU); the TikTok wave was driven by secondary pupils.
BACKGROUND_PHASES: dict[str, float] = {
    "nursery": 0.02,
    "primary": 0.38,
    "secondary": 0.42,
    "all-through": 0.04,
    "special": 0.05,
    "alternative provision": 0.03,
    "further education": 0.06,
}
WAVE_PHASES: dict[str, float] = {
    "primary": 0.10,
    "secondary": 0.80,
    "all-through": 0.04,
    "special": 0.02,
    "alternative provision": 0.02,
    "further education": 0.02,
}
#: Roles of the staff targeted (assumed; the TikTok videos often targeted heads and senior leaders).
ROLE_WEIGHTS: dict[str, float] = {
    "headteacher": 0.20,
    "senior leader": 0.20,
    "teacher": 0.45,
    "teaching assistant": 0.06,
    "support staff": 0.07,
    "governor": 0.02,
}

#: Chance that each abuse category applies (several may), in the wave and outside it. In the wave:
#: "often defamatory (staff falsely labelled paedophiles), some homophobic" (ASCL), with racist and
#: sexist abuse (NAHT), and fake accounts impersonating schools and staff (POSH 2020-21 annual report).
WAVE_CATEGORIES: dict[str, float] = {
    "defamatory allegation": 0.55,
    "homophobic": 0.30,
    "racist": 0.08,
    "sexist": 0.15,
    "threat": 0.05,
    "impersonation": 0.30,
    "sexualised": 0.12,
    "personal information exposed": 0.06,
    "other": 0.10,
}
BACKGROUND_CATEGORIES: dict[str, float] = {
    "defamatory allegation": 0.30,
    "homophobic": 0.08,
    "racist": 0.10,
    "sexist": 0.15,
    "threat": 0.15,
    "impersonation": 0.20,
    "sexualised": 0.08,
    "personal information exposed": 0.12,
    "other": 0.20,
}
#: Share of complaints whose coded categories deliberately disagree with their description.
MISCODED_SHARE = 0.03

#: Platform response to a report made through the ordinary in-app route:
#: (share never answered, share acted on (removed/restricted) when answered, median hours to the first
#: answer, log-normal sigma). Acted-on shares reproduce CCDH "Failure to Protect" (2021): TikTok 22/119
#: = 18.5%, Facebook 14/129 = 10.9%, Instagram 52/277 = 18.8%, Twitter 15/137 = 11%, YouTube 11/52 = 21.2%.
#: ADL (2021): YouTube took over 72 hours on average. Never-answered shares, medians and the rows for
#: Snapchat, WhatsApp, Reddit and Other are assumptions (no published figure for these reports).
PLATFORM_RESPONSE: dict[str, tuple[float, float, float, float]] = {
    "TikTok": (0.50, 0.36, 18.0, 1.8),
    "Facebook": (0.50, 0.22, 48.0, 1.4),
    "Instagram": (0.45, 0.34, 36.0, 1.5),
    "X": (0.55, 0.24, 24.0, 1.5),
    "YouTube": (0.40, 0.35, 80.0, 1.2),
    "Snapchat": (0.35, 0.30, 6.0, 1.6),
    "WhatsApp": (0.75, 0.10, 72.0, 1.2),
    "Reddit": (0.50, 0.25, 48.0, 1.4),
    "Other": (0.60, 0.20, 72.0, 1.4),
}
#: TikTok during the wave: "TikTok frequently fails to respond" (ASCL); ASCL's letter said "in the
#: majority of cases, no action has been taken".
WAVE_TIKTOK_NEVER = 0.65
#: Reports the organisation makes itself go through a trusted route: POSH's takedown rate of escalated
#: URLs was 94.2% (2023-24) and >95% for fake TikTok school accounts (Q4 2021); Report Harmful Content
#: got 80% actioned, 39% of it within 72 hours of escalation (Q4 2021) - hence a slower median.
TRUSTED_NEVER_FACTOR = 0.25
TRUSTED_ACTED = 0.90
TRUSTED_MEDIAN_HOURS, TRUSTED_SIGMA = 90.0, 1.0
#: Of the content acted on, the share restricted rather than removed (assumed).
RESTRICTED_SHARE = 0.15

#: Who reported the post to the platform, by organisation: (staff member, school, organisation).
REPORTER_WEIGHTS: tuple[tuple[float, float, float], ...] = ((0.45, 0.35, 0.20), (0.25, 0.35, 0.40))
#: Share of complaints not (yet) reported to the platform when logged: outcome "pending".
NOT_REPORTED = 0.04
#: Reported within this many days of the extract date and unanswered: still "pending", not "no response".
PENDING_DAYS = 7

#: Capture: the chance each organisation hears of a post at all, and extra reports of the same post
#: to the same organisation (several staff named in one video). Union A has few members in Scotland.
CAPTURE_UNION, CAPTURE_UNION_SCOTLAND, CAPTURE_HELPLINE = 0.50, 0.10, 0.40
REPEAT_MEAN = 0.2

#: Names of people and schools are filled in for most rows, not all (callers may stay anonymous).
STAFF_NAME_SHARE, SCHOOL_NAME_SHARE = 0.9, 0.95

# ----------------------------------------------------------------------------------------------
# Name pools. Two disjoint pools, so redaction can be tested on names its deny-lists never saw.
# Common UK names, combined at random: any resemblance to a real person is chance.
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamePool:
    """Names a synthetic log draws from."""

    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]
    school_stems: tuple[str, ...]
    saints: tuple[str, ...]
    handle_stems: tuple[str, ...]

    def tokens(self) -> set[str]:
        """Every name in the pool, for the disjointness check."""
        return {
            *self.female,
            *self.male,
            *self.surnames,
            *self.school_stems,
            *self.saints,
            *self.handle_stems,
        }


NAME_POOLS: dict[str, NamePool] = {
    "main": NamePool(
        female=(
            "Sarah", "Emma", "Laura", "Rachel", "Hannah", "Claire", "Joanne", "Nicola", "Helen",
            "Rebecca", "Charlotte", "Amy", "Louise", "Gemma", "Katie", "Lucy", "Sophie", "Victoria",
            "Natalie", "Zoe", "Kerry", "Lisa", "Michelle", "Karen", "Jennifer", "Alison", "Fiona",
            "Megan", "Chloe", "Jessica", "Amelia", "Olivia", "Isla", "Ruby", "Ella", "Poppy",
            "Freya", "Priya", "Aisha", "Fatima", "Siobhan", "Niamh", "Ffion", "Carys", "Eilidh",
            "Morag", "Aoife",
        ),
        male=(
            "James", "David", "Daniel", "Matthew", "Andrew", "Christopher", "Gordon", "Richard",
            "Stephen", "Thomas", "Robert", "Simon", "Adam", "Ben", "Craig", "Gareth", "Neil",
            "Darren", "Jamie", "Ryan", "Liam", "Connor", "Callum", "Jack", "Harry", "Oliver",
            "Charlie", "Alfie", "Leo", "Noah", "Mohammed", "Imran", "Rhys", "Dylan", "Euan",
            "Fraser", "Ciaran",
        ),
        surnames=(
            "Smith", "Jones", "Taylor", "Williams", "Whitaker", "Johnson", "Davies", "Robinson",
            "Wright", "Thompson", "Evans", "Walker", "Roberts", "Jackson", "Clarke", "Patel", "Khan",
            "Lewis", "Harrison", "Turner", "Cooper", "Morris", "Hughes", "Edwards", "Whitfield",
            "Ashworth", "Pemberton", "Holloway", "Fairbairn", "Kavanagh", "McAllister", "Campbell",
            "Stewart", "Murray", "O'Neill", "Quinn", "Fletcher", "Barker", "Ellison", "Gallagher",
            "Lloyd", "Morgan", "Hussain", "Begum", "Sharma", "Kowalczyk", "Adeyemi", "MacDonald",
        ),
        school_stems=(
            "Oakfield", "Riverside", "Hillcrest", "Meadowbank", "Brookfield", "Ashgrove",
            "Westfield", "Kingsmead", "Fernhill", "Elmwood", "Beechwood", "Thornbury",
            "Highcliffe", "Millbrook", "Redhill", "Stonebridge", "Woodlands", "Parkside",
            "Lakeside", "Northgate", "Southview", "Eastbrook",
        ),
        saints=("Mary", "John", "Peter", "Joseph", "Anne", "Margaret", "Andrew", "Patrick"),
        handle_stems=("exposed", "tea", "spill", "roast", "rates", "leaks", "unfiltered", "banter"),
    ),
    "heldout": NamePool(
        female=(
            "Bethany", "Abigail", "Danielle", "Samantha", "Kirsty", "Leanne", "Stacey", "Hayley",
            "Jodie", "Tamsin", "Imogen", "Harriet", "Eleanor", "Florence", "Matilda", "Evie",
            "Maisie", "Darcy", "Phoebe", "Anjali", "Zara", "Yasmin", "Roisin", "Orla", "Caitlin",
            "Mairi", "Catriona", "Seren", "Elin", "Nadia",
            # Accented Irish, Welsh and Polish names: redaction must not be ASCII-only.
            "Áine", "Gráinne", "Siân", "Małgorzata", "Zofia",
        ),
        male=(
            "Jonathan", "Timothy", "Nathan", "Gavin", "Martin", "Graham", "Keith", "Dominic",
            "Marcus", "Luke", "Joel", "Reece", "Kieran", "Declan", "Owen", "Ewan", "Hamish",
            "Angus", "Iwan", "Gethin", "Tariq", "Arjun", "Hassan", "Theo", "Archie", "Freddie",
            "Finley", "Toby", "Elliot", "Stanley",
            "Seán", "Pádraig", "Siôn", "Łukasz", "Dafydd",
        ),
        surnames=(
            "Bennett", "Hartley", "Marsden", "Sutcliffe", "Ormerod", "Pickering", "Rowntree",
            "Thistlewood", "Blackwood", "Castleton", "Dunmore", "Ellery", "Fenwick", "Galloway",
            "Hargreaves", "Ingram", "Jarvis", "Kendrick", "Lockwood", "Mossop", "Nettleton",
            "Oakley", "Prescott", "Radcliffe", "Selby", "Tennant", "Underwood", "Varley",
            "Wainwright", "Yardley", "Mahmood", "Chaudhry", "Okafor", "Mensah", "Nowak",
            "Doherty", "Devlin", "MacLeod", "Crawford", "Gillespie",
            # One word each: the generator builds handles and emails from surnames as they are.
            "Łukasik", "Wójcik", "Wiśniewska", "Kowalska", "Llywelyn",
        ),
        school_stems=(
            "Hawthorne", "Foxdale", "Bramley", "Kestrelmoor", "Juniper", "Heatherbank",
            "Sandpiper", "Copperfield", "Marshgate", "Orchardleigh", "Tanglewood", "Birchfield",
            "Ravensworth", "Silverdale", "Wyvern", "Ambleside", "Corrieburn", "Glenmorrow",
            "Loughview", "Cwmderw",
        ),
        saints=("Bede", "Aidan", "Hilda", "Chad", "Cuthbert", "Bernadette", "Columba", "Brigid"),
        handle_stems=("uncovered", "gossip", "secrets", "confess", "burns", "truths", "drama", "dirt"),
    ),
}  # fmt: skip

POSTCODE_AREAS: dict[str, tuple[str, ...]] = {
    "England": (
        "LS", "M", "B", "NE", "S", "L", "BS", "NG", "LE", "SO", "PL", "EX", "CB", "OX", "YO",
        "HU", "BN", "RG", "CV", "ST", "DE", "WF", "BD", "SR",
    ),
    "Scotland": ("EH", "G", "AB", "DD", "KY", "FK", "PA", "IV", "KA", "ML"),
    "Wales": ("CF", "SA", "LL", "NP", "SY", "LD"),
    "Northern Ireland": ("BT",),
}  # fmt: skip
#: Ofcom reserves these numbers for drama: no real line answers them.
DRAMA_LANDLINES: dict[str, tuple[str, ...]] = {
    "England": ("0113 496 0", "0114 496 0", "0115 496 0", "0116 496 0", "0117 496 0",
                "0121 496 0", "0151 496 0", "0161 496 0", "0191 498 0", "020 7946 0"),
    "Scotland": ("0131 496 0", "0141 496 0"),
    "Wales": ("029 2018 0",),
    "Northern Ireland": (),
}  # fmt: skip
MOBILE_FORMATS = ("07700 900{d}", "07700900{d}", "+44 7700 900{d}", "+44 (0)7700 900{d}")
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")

# ----------------------------------------------------------------------------------------------
# Phrase templates for the free text. Each category's phrases carry its own words, so a category
# can be derived from the text; {staff} is a reference to the member of staff targeted.
# ----------------------------------------------------------------------------------------------

CATEGORY_PHRASES: dict[str, tuple[str, ...]] = {
    "defamatory allegation": (
        "The video falsely claims that {staff} is a paedophile.",
        "Comments accuse {staff} of grooming children, which is untrue and defamatory.",
        "A post alleges {staff} was arrested for abusing children; the allegation is false.",
        "The caption calls {staff} a nonce and says they are on the sex offenders register, which is a lie.",
        "It spreads the false allegation that {staff} was sacked for inappropriate contact with children.",
    ),
    "homophobic": (
        "Homophobic slurs are used about {staff}.",
        "The comments ridicule {staff} for being gay and use anti-gay slurs.",
        "Several replies contain homophobic abuse aimed at {staff}.",
        "The video speculates about the sexuality of {staff} with homophobic jokes.",
    ),
    "racist": (
        "The comments include racist abuse directed at {staff}.",
        "Racial slurs are used about the ethnicity of {staff}.",
        "Monkey emojis and racist remarks are posted under a photo of {staff}.",
        "A reply tells {staff} to go back to their own country, with racist insults.",
    ),
    "sexist": (
        "There are sexist comments about the appearance and body of {staff}.",
        "Misogynistic remarks rate female staff, including {staff}, by their looks.",
        "The post says women like {staff} should not be in charge, with sexist insults.",
    ),
    "threat": (
        "One comment threatens to hurt {staff} after school.",
        "A reply says they know where {staff} lives and will come round to sort them out.",
        "There is a threat to smash the car of {staff}.",
        "The account posted a threat of violence against {staff}.",
    ),
    "impersonation": (
        "The account impersonates {staff}, using their name and photo.",
        "It is a fake account posing as the school and using the school badge.",
        "Someone set up a fake profile in the name of {staff} to post messages as them.",
        "The profile pretends to be {staff} and sends messages to children.",
    ),
    "sexualised": (
        "Sexualised edits of a photo of {staff} have been posted.",
        "The video puts the face of {staff} onto sexual images.",
        "Comments make crude sexual remarks about {staff}.",
        "An explicit sexualised meme uses a picture of {staff}.",
    ),
    "personal information exposed": (
        "The post gives the home postcode of {staff}, {postcode}.",
        "The personal mobile number of {staff}, {phone}, has been posted in the comments.",
        "The video shows the personal email address of {staff}, {email}.",
        "A reply gives the home address near {postcode} and the phone number {phone} of {staff}.",
    ),
    "other": (
        "The video was filmed in class without consent and makes fun of the voice of {staff}.",
        "The post is a wind-up making fun of the clothes {staff} wears.",
        "Pupils edited a clip of {staff} teaching to laugh at them.",
        "Unflattering photos of {staff} taken in school are shared with jeering captions.",
    ),
}
OPENINGS: tuple[str, ...] = (
    "{staff_title} ({role_text} at {school}) reports an account on {platform}, {handle}, posting about them.",
    "{staff_full}, {role_text} at {school}, contacted us about posts on {platform} from {handle}.",
    "Call from {school} about a video on {platform} targeting {staff_title}. Link: {url}",
    "Email from {staff_full} ({email}) at {school} about a post on {platform}: {url}",
    "{school} reported content on {platform} naming {staff_title}, {role_text}.",
    "{staff_title} from {school} says the account {handle} on {platform} is posting about them.",
)
POSTER_PHRASES: tuple[str, ...] = (
    "The account is thought to be run by {pupil}, a Year {year} pupil.",
    "Staff believe the poster is {pupil} (Year {year}).",
    "Pupils {pupil} and {pupil2} are tagged in the comments.",
)
CONTACT_PHRASES: tuple[str, ...] = (
    "Contact: {phone}.",
    "Best contact {email} or {phone}.",
    "Please call back on {phone}.",
    "Reply to {email}.",
)
CLOSINGS: tuple[str, ...] = (
    "Reported through the in-app tool.",
    "The school has asked for advice on next steps.",
    "Member is very distressed.",
    "Headteacher and governors informed.",
    "Asked us to chase the platform.",
    "",
)
ROLE_TEXT: dict[str, tuple[str, ...]] = {
    "headteacher": ("headteacher", "head teacher", "principal"),
    "senior leader": ("deputy head", "assistant head", "head of year"),
    "teacher": ("teacher", "class teacher", "form tutor"),
    "teaching assistant": ("teaching assistant",),
    "support staff": ("receptionist", "site manager", "lunchtime supervisor"),
    "governor": ("chair of governors", "governor"),
}
PLATFORM_TEXT: dict[str, str] = {p: p for p in PLATFORMS} | {"X": "Twitter", "Other": "a forum"}
#: Post URLs by platform ({h}: account handle without '@', {n}: a long number, {t}: an 11-character token).
URL_TEMPLATES: dict[str, str] = {
    "TikTok": "https://www.tiktok.com/@{h}/video/{n}",
    "Facebook": "https://www.facebook.com/{h}/posts/{n}",
    "Instagram": "https://www.instagram.com/p/{t}/",
    "X": "https://twitter.com/{h}/status/{n}",
    "YouTube": "https://www.youtube.com/watch?v={t}",
    "Snapchat": "https://www.snapchat.com/spotlight/{t}",
    "WhatsApp": "https://chat.whatsapp.com/{t}",
    "Reddit": "https://www.reddit.com/r/{h}/comments/{t}/",
    "Other": "https://forum.example.org/t/{h}/{n}",
}
SCHOOL_SHAPES: dict[str, tuple[str, ...]] = {
    "primary": ("{stem} Primary School", "St {saint}'s Primary School",
                "St {saint}'s C of E Primary School", "{stem} Infant School"),
    "secondary": ("{stem} Academy", "{stem} High School", "St {saint}'s Catholic High School",
                  "{stem} Community College", "{stem} Grammar School"),
    "other": ("{stem} School", "{stem} College", "{stem} Academy"),
}  # fmt: skip
PHASE_SHAPES = {"nursery": "primary", "primary": "primary", "secondary": "secondary"}
TOKEN_ALPHABET = np.frombuffer(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", dtype=np.uint8
)
IDENTIFIER_KINDS = ("person", "school", "handle", "email", "phone", "postcode", "url")


# ----------------------------------------------------------------------------------------------
# The generator
# ----------------------------------------------------------------------------------------------


@dataclass
class SampleLog:
    """A synthetic complaint log and what was planted in it.

    ``frame``: the log in the contract's columns and canonical values (timestamps datetime64).
    ``identifiers``: complaint_id, kind, value - every identifier written into a row's description.
    ``text_categories``: the categories each description actually expresses (aligned with ``frame``).
    ``miscoded``: the rows whose coded ``categories`` deliberately disagree with their description.
    """

    frame: pd.DataFrame
    identifiers: pd.DataFrame
    text_categories: pd.Series
    miscoded: pd.DataFrame
    seed: int
    name_pool: str
    as_of: pd.Timestamp

    def write(self, path: str | Path) -> list[Path]:
        """Write the log and, beside it, ``<stem>.identifiers.csv`` and ``<stem>.miscoded.csv``."""
        path = Path(path)
        written = [path, _beside(path, "identifiers"), _beside(path, "miscoded")]
        _write_csv(self.frame, written[0])
        _write_csv(self.identifiers, written[1])
        _write_csv(self.miscoded, written[2])
        return written


def _beside(path: Path, what: str) -> Path:
    return path.with_name(f"{path.stem}.{what}.csv")


def _write_csv(frame: pd.DataFrame, path: Path, encoding: str = "utf-8") -> None:
    """Fixed formatting, so that the same frame always gives the same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as handle:
        frame.to_csv(handle, index=False, lineterminator="\n", date_format="%Y-%m-%d %H:%M")


def _stream(seed: int, key: int) -> np.random.Generator:
    """An independent PCG64 stream per purpose (0 structure, 1 text, 2 messy variant)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(key,))))


def _weights(mapping: dict[str, float], vocabulary: tuple[str, ...]) -> np.ndarray:
    p = np.array([mapping.get(v, 0.0) for v in vocabulary], dtype=float)
    return p / p.sum()


def _choice(rng: np.random.Generator, p: np.ndarray, size: int) -> np.ndarray:
    """Indices drawn with probabilities ``p`` (inverse CDF: fast and stable across numpy versions)."""
    return np.searchsorted(np.cumsum(p), rng.random(size) * p.sum(), side="right").clip(
        0, len(p) - 1
    )


def _daily_intensity(end: pd.Timestamp) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """Days from the start of the period to ``end``, and the background and wave rates on each day."""
    days = pd.date_range(PERIOD[0], end, freq="D")
    background = np.ones(len(days))
    for start, end in HOLIDAYS:
        background[(days >= start) & (days <= end)] = HOLIDAY_FACTOR
    offset = (days - WAVE_PEAK).days.to_numpy()
    wave = (WAVE_PEAK_RATIO - 1) * np.exp(-0.5 * (offset / WAVE_SD_DAYS) ** 2)
    weekday = np.where(days.dayofweek.to_numpy() >= 5, WEEKEND_FACTOR, 1.0)
    return days, background * weekday, wave * weekday


def _lognormal_minutes(
    rng: np.random.Generator, median_hours: float | np.ndarray, sigma: float | np.ndarray, size: int
) -> np.ndarray:
    """Heavy-tailed delays in minutes: log-normal with the given median (hours) and sigma."""
    return np.exp(
        np.log(np.asarray(median_hours) * 60.0) + np.asarray(sigma) * rng.standard_normal(size)
    )


@dataclass
class _Posts:
    """Per-post attributes (a post may be the subject of several complaints)."""

    base: np.ndarray  # minutes since epoch of the first complaint about it
    wave: np.ndarray
    platform: np.ndarray
    nation: np.ndarray
    phase: np.ndarray
    role: np.ndarray
    categories: np.ndarray  # bool (posts x categories)
    staff: np.ndarray  # (gender, first, surname, title)
    school: np.ndarray  # (shape, stem, saint)


def _draw_posts(rng: np.random.Generator, n: int, end: pd.Timestamp) -> tuple[_Posts, np.ndarray]:
    """Enough posts to give ``n`` complaints; returns them and the (union, helpline) counts per post."""
    nation_p = _weights(NATION_WORKFORCE, NATIONS)
    expected = CAPTURE_UNION * (1 + REPEAT_MEAN) + CAPTURE_HELPLINE * (1 + REPEAT_MEAN)
    m = int(np.ceil(n / expected * 1.3)) + 100
    nation = _choice(rng, nation_p, m)
    p_union = np.where(nation == NATIONS.index("Scotland"), CAPTURE_UNION_SCOTLAND, CAPTURE_UNION)
    counts = np.stack(
        [
            (rng.random(m) < p_union) * (1 + rng.poisson(REPEAT_MEAN, m)),
            (rng.random(m) < CAPTURE_HELPLINE) * (1 + rng.poisson(REPEAT_MEAN, m)),
        ],
        axis=1,
    )
    total = np.cumsum(counts.sum(axis=1))
    if total[-1] < n:  # with m at 1.3 times the expectation plus 100 this does not happen
        raise RuntimeError("not enough posts drawn")
    k = int(np.searchsorted(total, n)) + 1
    nation, counts = nation[:k], counts[:k]

    days, background, wave_rate = _daily_intensity(end)
    total_rate = background + wave_rate
    day = _choice(rng, total_rate, k)
    wave = rng.random(k) < wave_rate[day] / total_rate[day]
    minute = _choice(rng, HOUR_WEIGHTS, k) * 60 + rng.integers(0, 60, k)
    day_minutes = (days.to_numpy().astype("datetime64[m]").astype(np.int64))[day]

    platform = np.where(
        wave,
        _choice(rng, _weights(WAVE_PLATFORMS, PLATFORMS), k),
        _choice(rng, _weights(BACKGROUND_PLATFORMS, PLATFORMS), k),
    )
    phase = np.where(
        wave,
        _choice(rng, _weights(WAVE_PHASES, PHASES), k),
        _choice(rng, _weights(BACKGROUND_PHASES, PHASES), k),
    )
    role = _choice(rng, _weights(ROLE_WEIGHTS, ROLES), k)
    wave_p = np.array([WAVE_CATEGORIES[c] for c in CATEGORIES])
    back_p = np.array([BACKGROUND_CATEGORIES[c] for c in CATEGORIES])
    cats = np.empty((k, len(CATEGORIES)), dtype=bool)
    for j in range(len(CATEGORIES)):  # column by column: a 10M-row log stays within memory
        cats[:, j] = rng.random(k) < np.where(wave, wave_p[j], back_p[j])
    none = ~cats.any(axis=1)  # every complaint has at least one category
    first = np.where(
        wave[none],
        _choice(rng, wave_p / wave_p.sum(), int(none.sum())),
        _choice(rng, back_p / back_p.sum(), int(none.sum())),
    )
    cats[np.flatnonzero(none), first] = True

    gender = np.where(cats[:, CATEGORIES.index("sexist")], 0, rng.integers(0, 2, k))
    staff = np.stack([gender, *(rng.integers(0, 1 << 30, k) for _ in range(3))], 1)
    school = np.stack([rng.integers(0, 1 << 30, k) for _ in range(3)], 1)
    posts = _Posts(
        base=day_minutes + minute,
        wave=wave,
        platform=platform,
        nation=nation,
        phase=phase,
        role=role,
        categories=cats,
        staff=staff,
        school=school,
    )
    return posts, counts


def _handle(pool: NamePool, kind: int, a: int, b: int, digits: int) -> str:
    """A poster account: about the school, a nickname from a pupil's name, or a gossip account."""
    stem = pool.school_stems[a % len(pool.school_stems)].lower()
    word = pool.handle_stems[b % len(pool.handle_stems)]
    sep = "_."[digits % 2]
    if kind == 0:
        return f"@{stem}{sep}{word}"
    if kind == 1:
        first = (pool.female + pool.male)[a % (len(pool.female) + len(pool.male))].lower()
        last = pool.surnames[b % len(pool.surnames)].lower().replace("'", "")
        return f"@{first}{sep}{last}{digits:02d}"
    return f"@{word}{sep}{stem}{digits}"


def generate(
    seed: int,
    n: int = DEFAULT_ROWS,
    name_pool: str = "main",
    with_text: bool = True,
    as_of: str | pd.Timestamp = SAMPLE_AS_OF,
) -> SampleLog:
    """A synthetic complaint log of ``n`` rows, the same for the same arguments.

    ``with_text=False`` leaves description, staff_name and school_name empty and plants no
    identifiers; ``content_ref`` is then a random reference instead of a URL hash (the same posts
    share it), and every other column is identical. A million rows take a few seconds.
    """
    if name_pool not in NAME_POOLS:
        raise ValueError(f"name_pool must be one of {sorted(NAME_POOLS)}, not {name_pool!r}")
    if n < 1:
        raise ValueError("n must be at least 1")
    as_of_ts = parse_as_of(as_of) if isinstance(as_of, str) else pd.Timestamp(as_of)
    # An earlier extract date cuts the school year short: complaints stop a week before it.
    end = min(PERIOD[1], as_of_ts.normalize() - pd.Timedelta(days=PENDING_DAYS))
    if end < PERIOD[0] + pd.Timedelta(days=28):
        raise ValueError(f"the extract date must be at least five weeks after {PERIOD[0]:%Y-%m-%d}")
    pool = NAME_POOLS[name_pool]
    rng = _stream(seed, 0)
    posts, counts = _draw_posts(rng, n, end)

    # One row per complaint: the post's union reports, then its helpline reports; keep the first n.
    per_post = counts.sum(axis=1)
    post = np.repeat(np.arange(len(per_post)), per_post)[:n]
    org = np.repeat(np.tile([0, 1], len(counts)), counts.ravel())[:n]
    starts = np.concatenate([[0], np.cumsum(per_post)[:-1]])
    nth = np.arange(n) - starts[post]
    as_of_min = int(np.datetime64(as_of_ts, "m").astype(np.int64))
    # Later complaints about the same post come in over the next days (mean two days).
    received = posts.base[post] + np.where(nth > 0, rng.exponential(2 * 1440, n), 0).astype(
        np.int64
    )
    received = np.minimum(received, as_of_min - PENDING_DAYS * 1440)

    order = np.argsort(received, kind="stable")
    post, org, received = post[order], org[order], received[order]
    platform = posts.platform[post]
    wave = posts.wave[post]

    # Who reported it to the platform, and when.
    reporter = np.where(
        org == 0,
        _choice(rng, np.array(REPORTER_WEIGHTS[0]), n),
        _choice(rng, np.array(REPORTER_WEIGHTS[1]), n),
    )
    gap = np.select(
        [reporter == 0, reporter == 1],
        [
            -(5 + rng.exponential(1.5 * 1440, n)),
            np.where(rng.random(n) < 0.5, -1, 1) * (5 + rng.exponential(0.5 * 1440, n)),
        ],
        30 + _lognormal_minutes(rng, 20.0, 1.0, n),
    ).astype(np.int64)
    reported = received + gap
    not_reported = (rng.random(n) < NOT_REPORTED) | (reported > as_of_min)

    # The platform's answer: never, or after a log-normal delay; trusted routes answer more often.
    never_p, acted_p, median_h, sigma = (
        np.array([PLATFORM_RESPONSE[p][i] for p in PLATFORMS]) for i in range(4)
    )
    trusted = reporter == 2
    p_never = np.where(
        wave & (platform == PLATFORMS.index("TikTok")), WAVE_TIKTOK_NEVER, never_p[platform]
    )
    p_never = np.where(trusted, p_never * TRUSTED_NEVER_FACTOR, p_never)
    delay = np.where(
        trusted,
        _lognormal_minutes(rng, TRUSTED_MEDIAN_HOURS, TRUSTED_SIGMA, n),
        _lognormal_minutes(rng, median_h[platform], sigma[platform], n),
    )
    response = reported + np.maximum(1, delay).astype(np.int64)
    answered = ~not_reported & (rng.random(n) >= p_never) & (response <= as_of_min)
    acted = answered & (rng.random(n) < np.where(trusted, TRUSTED_ACTED, acted_p[platform]))
    restricted = rng.random(n) < RESTRICTED_SHARE
    removal_lag = np.where(rng.random(n) < 0.6, 0, _lognormal_minutes(rng, 6.0, 1.2, n))
    removed = response + removal_lag.astype(np.int64)
    removed = np.where(removed > as_of_min, response, removed)
    pending = not_reported | (~answered & (reported > as_of_min - PENDING_DAYS * 1440))
    outcome = np.select(
        [pending, ~answered, acted & restricted, acted],
        ["pending", "no response", "restricted", "removed"],
        "no breach found",
    ).astype(object)

    cats = posts.categories[post]
    police = rng.random(n) < (
        0.03 + 0.30 * cats[:, CATEGORIES.index("threat")]
        + 0.15 * cats[:, CATEGORIES.index("sexualised")]
        + 0.05 * cats[:, CATEGORIES.index("personal information exposed")]
    )  # fmt: skip
    regulator = rng.random(n) < np.where(outcome == "no response", 0.05, 0.02)
    escalation = np.array(["none", "police", "regulator", "police and regulator"], dtype=object)[
        police.astype(int) + 2 * regulator.astype(int)
    ]

    coded = _miscode(rng, cats)
    nan = np.iinfo(np.int64).min
    frame = pd.DataFrame(
        {
            "complaint_id": _ids(org),
            "received_at": _stamps(received),
            "organisation": np.array(ORGANISATIONS, dtype=object)[org],
            "nation": np.array(NATIONS, dtype=object)[posts.nation[post]],
            "phase": np.array(PHASES, dtype=object)[posts.phase[post]],
            "role": np.array(ROLES, dtype=object)[posts.role[post]],
            "platform": np.array(PLATFORMS, dtype=object)[platform],
            "categories": _category_strings(coded),
            "reported_at": _stamps(np.where(not_reported, nan, reported)),
            "reported_by": np.where(
                not_reported,
                None,
                np.array(["staff member", "school", "organisation"], dtype=object)[reporter],
            ),
            "first_response_at": _stamps(np.where(answered, response, nan)),
            "outcome": outcome,
            "removed_at": _stamps(np.where(acted, removed, nan)),
            "escalation": escalation,
            "content_ref": None,
            "description": None,
            "staff_name": None,
            "school_name": None,
        },
        copy=False,  # the arrays are new: copying a million-row log would only cost time
    )
    text_categories = pd.Series(_category_strings(cats), name="text_categories")
    miscoded_rows = np.flatnonzero((coded != cats).any(axis=1))
    miscoded = pd.DataFrame(
        {
            "complaint_id": frame["complaint_id"].to_numpy()[miscoded_rows],
            "categories": frame["categories"].to_numpy()[miscoded_rows],
            "text_categories": text_categories.to_numpy()[miscoded_rows],
        }
    )
    identifiers = pd.DataFrame(columns=["complaint_id", "kind", "value"])
    used, post_row = np.unique(post, return_inverse=True)
    if with_text:
        text_rng = _stream(seed, 1)
        handles, urls = _post_urls(text_rng, pool, posts.platform[used])
        frame["content_ref"] = _sha256(urls)[post_row]
        identifiers = _add_text(frame, posts, post, post_row, handles, urls, cats, pool, text_rng)
    else:  # no URL text to hash: a random 256-bit reference of the same shape
        frame["content_ref"] = _random_refs(_stream(seed, 3), len(used))[post_row]
    return SampleLog(frame, identifiers, text_categories, miscoded, seed, name_pool, as_of_ts)


def _ids(org: np.ndarray) -> np.ndarray:
    """Per-organisation sequential ids in order of receipt, e.g. UA-000123."""
    out = np.empty(len(org), dtype=object)
    for i, prefix in enumerate(ID_PREFIXES):
        rows = np.flatnonzero(org == i)
        width = max(6, len(str(len(rows))))
        out[rows] = [f"{prefix}{k:0{width}d}" for k in range(1, len(rows) + 1)]
    return out


def _stamps(minutes: np.ndarray) -> np.ndarray:
    """Minutes since the epoch (int64 min = missing) as datetime64[ns], with the spring-forward hour
    (01:00-01:59 on 27 Mar 2022, which does not exist in UK local time) moved to 02:00."""
    minutes = np.asarray(minutes, dtype=np.int64)
    gap = int(np.datetime64("2022-03-27T01:00", "m").astype(np.int64))
    minutes = np.where((minutes >= gap) & (minutes < gap + 60), gap + 60, minutes)
    missing = minutes == np.iinfo(np.int64).min
    out = (minutes * 60_000_000_000).astype("datetime64[ns]")
    out[missing] = np.datetime64("NaT")
    return out


def _category_strings(mask: np.ndarray) -> np.ndarray:
    """Bool (rows x categories) as ';'-joined canonical categories, via a lookup on the bit pattern."""
    codes = np.zeros(len(mask), dtype=np.int16)
    for j in range(len(CATEGORIES)):
        codes |= mask[:, j].astype(np.int16) << j
    table = np.array(
        [
            ";".join(c for i, c in enumerate(CATEGORIES) if code >> i & 1)
            for code in range(1 << len(CATEGORIES))
        ],
        dtype=object,
    )
    return table[codes]


def _miscode(rng: np.random.Generator, cats: np.ndarray) -> np.ndarray:
    """The categories as coded: a few rows lose a category the text shows or gain one it does not."""
    coded = cats.copy()
    rows = np.flatnonzero(rng.random(len(cats)) < MISCODED_SHARE)
    scores = rng.random((len(rows), cats.shape[1]))
    present = coded[rows]
    drop = (present.sum(axis=1) > 1) & (rng.random(len(rows)) < 0.5)
    dropped = np.where(present, scores, -1).argmax(axis=1)  # a category left out
    added = np.where(~present, scores, -1).argmax(axis=1)  # one the text does not support
    coded[rows[drop], dropped[drop]] = False
    coded[rows[~drop], added[~drop]] = True
    return coded


def _sha256(urls: list[str]) -> np.ndarray:
    return np.array([hashlib.sha256(u.encode()).hexdigest() for u in urls], dtype=object)


def _random_refs(rng: np.random.Generator, k: int) -> np.ndarray:
    """``k`` random 64-character hex strings, vectorised (for big logs without text)."""
    raw = rng.integers(0, 256, (k, 32), dtype=np.uint8).tobytes()
    return np.array([raw[i : i + 32].hex() for i in range(0, len(raw), 32)], dtype=object)


def _post_urls(
    rng: np.random.Generator, pool: NamePool, platform: np.ndarray
) -> tuple[list[str], list[str]]:
    """Poster handles and post URLs (the URL's SHA-256 is the post's content_ref)."""
    k = len(platform)
    kind, a, b = rng.integers(0, 3, k), rng.integers(0, 1 << 30, k), rng.integers(0, 1 << 30, k)
    digits = rng.integers(0, 100, k)
    handles = [
        _handle(pool, int(kd), int(x), int(y), int(d))
        for kd, x, y, d in zip(kind, a, b, digits, strict=True)
    ]
    numbers = rng.integers(7_000_000_000_000_000_000, 7_300_000_000_000_000_000, k, dtype=np.uint64)
    tokens = TOKEN_ALPHABET[rng.integers(0, 64, (k, 11))].view("S11").ravel().astype(str)
    urls = [
        URL_TEMPLATES[PLATFORMS[p]].format(h=h[1:], n=int(num), t=tok)
        for p, h, num, tok in zip(platform, handles, numbers, tokens, strict=True)
    ]
    return handles, urls


# ----------------------------------------------------------------------------------------------
# Free text
# ----------------------------------------------------------------------------------------------


def _school_name(pool: NamePool, phase: str, shape: int, stem: int, saint: int) -> str:
    shapes = SCHOOL_SHAPES[PHASE_SHAPES.get(phase, "other")]
    return shapes[shape % len(shapes)].format(
        stem=pool.school_stems[stem % len(pool.school_stems)],
        saint=pool.saints[saint % len(pool.saints)],
    )


def _postcode(nation: str, r: int) -> str:
    areas = POSTCODE_AREAS[nation]
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    area = areas[r % len(areas)]
    r //= len(areas)
    return f"{area}{1 + r % 29} {r // 29 % 10}{letters[r // 290 % 20]}{letters[r // 5800 % 20]}"


def _phone(nation: str, r: int) -> str:
    landlines = DRAMA_LANDLINES[nation]
    if landlines and r % 3 == 0:
        return f"{landlines[(r // 3) % len(landlines)]}{(r // 97) % 1000:03d}"
    return MOBILE_FORMATS[(r // 3) % len(MOBILE_FORMATS)].format(d=f"{(r // 101) % 1000:03d}")


def _add_text(
    frame: pd.DataFrame,
    posts: _Posts,
    post: np.ndarray,
    post_row: np.ndarray,
    handles: list[str],
    urls: list[str],
    cats: np.ndarray,
    pool: NamePool,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Fill description, staff_name and school_name; return the identifiers planted in each row."""
    n = len(frame)
    draws = rng.integers(0, 1 << 40, (n, 16))
    chance = rng.random((n, 6))
    firsts = (pool.female, pool.male)
    pupils = pool.female + pool.male
    descriptions, staff_names, school_names = [], [], []
    planted: list[tuple[str, str, str]] = []
    titles = (("Ms", "Mrs", "Miss", "Dr"), ("Mr", "Mr", "Mr", "Dr"))
    platforms = frame["platform"].to_numpy()
    nations = frame["nation"].to_numpy()
    phases = frame["phase"].to_numpy()
    roles = frame["role"].to_numpy()
    ids = frame["complaint_id"].to_numpy()
    for i in range(n):
        p = post[i]
        gender, first_i, last_i, title_i = posts.staff[p]
        first = firsts[gender][first_i % len(firsts[gender])]
        last = pool.surnames[last_i % len(pool.surnames)]
        title = titles[gender][title_i % 4]
        school = _school_name(pool, phases[i], *posts.school[p])
        d = draws[i]
        email = _email(first, last, school, int(d[0]))
        phone = _phone(nations[i], int(d[1]))
        postcode = _postcode(nations[i], int(d[2]))
        role_choices = ROLE_TEXT[roles[i]]
        # template field -> (text written, identifier planted or None); a title is not identifying.
        base: dict[str, tuple[str, tuple[str, str] | None]] = {
            "staff_title": (f"{title} {last}", ("person", last)),
            "staff_full": (f"{first} {last}", ("person", f"{first} {last}")),
            "school": (school, ("school", school)),
            "handle": (handles[post_row[i]], ("handle", handles[post_row[i]])),
            "url": (urls[post_row[i]], ("url", urls[post_row[i]])),
            "email": (email, ("email", email)),
            "phone": (phone, ("phone", phone)),
            "postcode": (postcode, ("postcode", postcode)),
            "platform": (PLATFORM_TEXT[platforms[i]], None),
            "role_text": (role_choices[d[4] % len(role_choices)], None),
        }
        found: list[tuple[str, str]] = []

        def fill(template: str, _base=base, _found=found, **extra) -> str:
            """Format a template and note the identifiers it planted."""
            values = _base | extra
            for key, (_, ident) in values.items():
                if ident and "{" + key + "}" in template:
                    _found.append(ident)
            return template.format(**{key: text for key, (text, _) in values.items()})

        opening = OPENINGS[d[3] % len(OPENINGS)]
        parts = [fill(opening)]
        for j in np.flatnonzero(cats[i]):
            phrases = CATEGORY_PHRASES[CATEGORIES[j]]
            staff = base["staff_full"] if d[6] >> j & 1 else base["staff_title"]
            parts.append(fill(phrases[(d[5] >> j) % len(phrases)], staff=staff))
        if chance[i, 0] < 0.35:
            pupil, pupil2 = (
                f"{pupils[a % len(pupils)]} {pool.surnames[b % len(pool.surnames)]}"
                for a, b in ((d[8], d[9]), (d[10], d[11]))
            )
            parts.append(
                fill(
                    POSTER_PHRASES[d[7] % len(POSTER_PHRASES)],
                    pupil=(pupil, ("person", pupil)),
                    pupil2=(pupil2, ("person", pupil2)),
                    year=(
                        str(
                            3 + d[12] % 4 if phases[i] in ("nursery", "primary") else 7 + d[12] % 5
                        ),
                        None,
                    ),
                )
            )
        if chance[i, 1] < 0.4:
            parts.append(fill(CONTACT_PHRASES[d[13] % len(CONTACT_PHRASES)]))
        if chance[i, 2] < 0.5 and "{url}" not in opening:
            parts.append(fill("Link: {url}"))
        parts.append(CLOSINGS[d[14] % len(CLOSINGS)])
        descriptions.append(" ".join(part for part in parts if part))
        staff_names.append(f"{first} {last}" if chance[i, 3] < STAFF_NAME_SHARE else None)
        school_names.append(school if chance[i, 4] < SCHOOL_NAME_SHARE else None)
        for kind, value in dict.fromkeys(found):  # first appearance order, no repeats
            planted.append((ids[i], kind, value))
    frame["description"] = np.array(descriptions, dtype=object)
    frame["staff_name"] = np.array(staff_names, dtype=object)
    frame["school_name"] = np.array(school_names, dtype=object)
    return pd.DataFrame(planted, columns=["complaint_id", "kind", "value"])


def _email(first: str, last: str, school: str, r: int) -> str:
    local_first, local_last = first.lower(), last.lower().replace("'", "")
    shape = r % 4
    if shape == 3:
        stem = school.split()[0].lower().replace("'", "").replace(".", "")
        if stem == "st":
            stem = school.split()[1].lower().replace("'s", "")
        return f"{local_first[0]}.{local_last}@{stem}school.example"
    local = (
        f"{local_first}.{local_last}",
        f"{local_first[0]}{local_last}",
        f"{local_last}{r % 90 + 10}",
    )[shape]
    return f"{local}@{EMAIL_DOMAINS[(r // 4) % len(EMAIL_DOMAINS)]}"


# ----------------------------------------------------------------------------------------------
# The messy variant: the same log as a spreadsheet export kept by hand, with the errors recorded
# ----------------------------------------------------------------------------------------------

#: Headers as a log keeper might type them: aliases, odd case and stray spaces (all accepted).
MESSY_HEADERS: dict[str, str] = {
    "complaint_id": "Case Ref",
    "received_at": "Date Received",
    "organisation": "Org",
    "nation": "Country",
    "phase": "School phase",
    "role": "Staff Role",
    "platform": " Platform ",
    "categories": "Abuse type",
    "reported_at": "Date reported to platform",
    "reported_by": "Reported By",
    "first_response_at": "Platform response",
    "outcome": "OUTCOME",
    "removed_at": "Date removed",
    "escalation": "Escalated to",
    "content_ref": "URL hash",
    "description": "Details",
    "staff_name": "Staff member",
    "school_name": "School",
}
#: How each column's timestamps are written: ISO in some columns, UK day-first in others.
MESSY_DATE_FORMATS: dict[str, str] = {
    "received_at": "%Y-%m-%d %H:%M",
    "reported_at": "%d/%m/%Y %H:%M",
    "first_response_at": "%Y-%m-%d %H:%M",
    "removed_at": "%d/%m/%Y %H:%M",
}
#: Spellings the contract accepts (case, spaces, aliases): messy but valid, so not errors.
ACCEPTED_VARIANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "platform": {
        "TikTok": ("Tiktok ", "tik tok", "TIKTOK", " TikTok"),
        "X": ("Twitter", "twitter", "X (Twitter)"),
        "Facebook": ("FB", "facebook"),
        "Instagram": ("Insta", "instagram"),
        "YouTube": ("Youtube", "You Tube"),
        "Snapchat": ("snapchat",),
        "WhatsApp": ("Whatsapp",),
    },
    "nation": {"Northern Ireland": ("NI", "N. Ireland"), "England": ("england", "England ")},
    "phase": {
        "secondary": ("Secondary School", "Secondary"),
        "primary": ("primary school", "Primary"),
        "special": ("SEN",),
        "alternative provision": ("PRU",),
        "further education": ("FE",),
        "all-through": ("All through",),
    },
    "role": {
        "headteacher": ("Head", "Head Teacher", "Principal"),
        "senior leader": ("Deputy Head", "SLT", "Assistant Head"),
        "teaching assistant": ("TA",),
        "teacher": ("Teacher",),
    },
    "outcome": {
        "removed": ("Removed", "Taken down"),
        "no response": ("No reply", "No Response"),
        "no breach found": ("No breach found",),
        "pending": ("Pending",),
    },
    "escalation": {"none": ("", "No", "None"), "police": ("Police",)},
    "reported_by": {"staff member": ("Member", "Staff member"), "organisation": ("Organisation",)},
}
CATEGORY_VARIANTS: dict[str, str] = {
    "defamatory allegation": "Defamation",
    "homophobic": "Homophobia",
    "racist": "Racism",
    "sexist": "Sexism",
    "threat": "Threats",
    "personal information exposed": "Doxxing",
}
ERROR_COLUMNS = ["source_row", "complaint_id", "column", "reason", "value", "note"]


@dataclass
class MessyLog:
    """The messy file's cells (strings, headers as written) and the errors injected into it.

    ``errors.reason`` is the code :mod:`analysis.log.validate` gives the problem; ``source_row`` counts
    as a spreadsheet does (header row 1, first data row 2).
    """

    table: pd.DataFrame
    errors: pd.DataFrame

    def write(self, path: str | Path) -> list[Path]:
        """Write the log (UTF-8 with a BOM, as Excel saves it) and ``<stem>.errors.csv`` beside it."""
        path = Path(path)
        errors_path = _beside(path, "errors")
        _write_csv(self.table, path, encoding="utf-8-sig")
        _write_csv(self.errors, errors_path)
        return [path, errors_path]


def messy(log: SampleLog) -> MessyLog:
    """The log as a hand-kept spreadsheet: accepted variants everywhere, and a known set of errors.

    Rows keep their order, so source row ``r`` is ``log.frame`` row ``r - 2``.
    """
    rng = _stream(log.seed, 2)
    frame = log.frame
    n = len(frame)
    table = pd.DataFrame(index=range(n))
    for name in COLUMNS:
        values = frame[name]
        if name in MESSY_DATE_FORMATS:
            table[name] = values.dt.strftime(MESSY_DATE_FORMATS[name]).fillna("")
        else:
            table[name] = values.fillna("").astype(str)
    for name, variants in ACCEPTED_VARIANTS.items():
        hit = rng.random(n) < 0.25
        for canonical, spellings in variants.items():
            rows = np.flatnonzero(hit & (frame[name].to_numpy() == canonical))
            table.loc[rows, name] = np.array(spellings, dtype=object)[
                rng.integers(0, len(spellings), len(rows))
            ]
    recoded = np.flatnonzero(rng.random(n) < 0.3)
    table.loc[recoded, "categories"] = [
        ", ".join(
            CATEGORY_VARIANTS.get(c, c.capitalize()) for c in frame.at[r, "categories"].split(";")
        )
        for r in recoded
    ]
    errors = _inject_errors(table, frame, rng, log.as_of)
    table.columns = [MESSY_HEADERS[c] for c in COLUMNS]
    return MessyLog(table, errors)


def _inject_errors(
    table: pd.DataFrame, frame: pd.DataFrame, rng: np.random.Generator, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Overwrite cells with realistic data-entry errors, each in its own row; return the record."""
    used: set[int] = set()
    records: list[tuple[int, str, str, str, str]] = []

    def pick(mask: pd.Series | np.ndarray) -> int:
        candidates = [r for r in np.flatnonzero(np.asarray(mask)) if r not in used and r > 0]
        row = int(candidates[int(rng.integers(0, len(candidates)))])
        used.add(row)
        return row

    def put(row: int, column: str, value: str, reason: str, note: str) -> None:
        table.at[row, column] = value
        records.append((row, column, reason, value, note))

    received, reported = frame["received_at"], frame["reported_at"]
    response, outcome = frame["first_response_at"], frame["outcome"]
    not_org = frame["reported_by"].isin(["staff member", "school"])
    all_rows = np.ones(len(frame), dtype=bool)

    row = pick(received.dt.day > 12)
    put(row, "received_at", f"{received[row]:%m/%d/%Y %H:%M}", "us_date", "month-first date")
    row = pick(reported.notna() & not_org)
    put(row, "reported_at", f"{reported[row]:%d/%m/%y %H:%M}", "ambiguous_date", "two-digit year")
    row = pick(frame["platform"] == "X")
    put(row, "platform", "Twiter", "unknown_value", "platform misspelt")
    row = pick(frame["platform"] == "Instagram")
    put(row, "platform", "Instagarm", "unknown_value", "platform misspelt")
    row = pick(frame["nation"] == "England")
    put(row, "nation", "Englnd", "unknown_value", "nation misspelt")
    row = pick(frame["role"] == "teacher")
    put(row, "role", "Teachre", "unknown_value", "role misspelt")
    row = pick(frame["outcome"] == "removed")
    put(row, "outcome", "Deleted", "unknown_value", "outcome not in the list")
    row = pick(all_rows)
    first = table.at[row, "categories"].split(";")[0].split(",")[0]
    put(row, "categories", f"{first}, Bullying", "unknown_value", "category not in the list")
    row = pick(all_rows)
    put(row, "complaint_id", "", "missing_required", "id left blank")
    row = pick(all_rows)
    put(row, "phase", "", "missing_required", "phase left blank")
    row = pick(frame["outcome"] == "removed")
    put(row, "removed_at", "", "outcome_contradiction", "outcome 'removed' without a removal time")
    row = pick(frame["outcome"] == "no response")
    removal = reported[row] + pd.Timedelta(days=2)
    put(
        row,
        "removed_at",
        f"{removal:%d/%m/%Y %H:%M}",
        "outcome_contradiction",
        "removal time with outcome 'no response'",
    )
    row = pick(frame["removed_at"].notna() & frame["first_response_at"].notna())
    early = reported[row] - pd.Timedelta(days=2)
    put(
        row,
        "removed_at",
        f"{early:%d/%m/%Y %H:%M}",
        "removal_before_report",
        "removal before the report",
    )
    row = pick(response.notna())
    early = reported[row] - pd.Timedelta(hours=3)
    put(
        row,
        "first_response_at",
        f"{early:%Y-%m-%d %H:%M}",
        "response_before_report",
        "response before the report",
    )
    row = pick(frame["reported_by"] == "organisation")
    early = received[row] - pd.Timedelta(days=3)
    put(
        row,
        "reported_at",
        f"{early:%d/%m/%Y %H:%M}",
        "report_before_received",
        "organisation reported before receiving",
    )
    row = pick(not_org & (outcome == "no response"))
    late = as_of.normalize() + pd.Timedelta(days=45, hours=10)
    put(
        row, "received_at", f"{late:%Y-%m-%d %H:%M}", "after_extract", "date after the extract date"
    )
    row = pick(response.notna())
    put(row, "first_response_at", "n/k", "bad_date", "'not known' typed in a date column")

    # The same id on two different complaints: both rows are in error.
    a, b = pick(all_rows), pick(all_rows)
    put(
        b,
        "complaint_id",
        table.at[a, "complaint_id"],
        "duplicate_id",
        "id reused for another complaint",
    )
    records.append(
        (a, "complaint_id", "duplicate_id", table.at[a, "complaint_id"], "id reused on another row")
    )
    # A complaint entered twice: the copy (the later row) is the error.
    original = pick(all_rows)
    copy = original + 1
    if copy in used or copy >= len(table):
        copy = pick(all_rows)
    used.add(copy)
    table.loc[copy] = table.loc[original]
    records.append(
        (copy, "complaint_id", "duplicate_id", table.at[copy, "complaint_id"], "row entered twice")
    )

    errors = pd.DataFrame(records, columns=["row", "column", "reason", "value", "note"])
    errors.insert(0, "source_row", errors.pop("row") + 2)
    errors.insert(1, "complaint_id", table.loc[errors["source_row"] - 2, "complaint_id"].to_numpy())
    return errors.sort_values(["source_row", "column"], kind="stable").reset_index(drop=True)[
        ERROR_COLUMNS
    ]


# ----------------------------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------------------------


def write_bundled(seed: int = SAMPLE_SEED, rows: int = DEFAULT_ROWS) -> list[Path]:
    """Regenerate every file under ``data/sample/`` (clean log, messy log, and their records)."""
    log = generate(seed, rows)
    return log.write(SAMPLE_LOG) + messy(log).write(SAMPLE_MESSY_LOG)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis sample",
        description="Generate a synthetic complaint log (same seed, same bytes). Writes the log and, "
        "beside it, <stem>.identifiers.csv and <stem>.miscoded.csv (or <stem>.errors.csv with --messy).",
    )
    parser.add_argument(
        "--seed", type=int, default=SAMPLE_SEED, help=f"random seed (default {SAMPLE_SEED})"
    )
    parser.add_argument("--out", type=Path, help="CSV file to write")
    parser.add_argument(
        "--rows", type=int, default=DEFAULT_ROWS, help=f"complaints (default {DEFAULT_ROWS})"
    )
    parser.add_argument(
        "--messy", action="store_true", help="write the messy variant with injected errors"
    )
    parser.add_argument(
        "--name-pool", choices=sorted(NAME_POOLS), default="main", help="names to draw from"
    )
    parser.add_argument(
        "--no-text", action="store_true", help="skip descriptions and names (fast, for big logs)"
    )
    parser.add_argument(
        "--bundled",
        action="store_true",
        help=f"regenerate every file in {SAMPLE_DIR} with the default seed and rows",
    )
    args = parser.parse_args(argv)
    if args.bundled:
        written = write_bundled()
    elif args.out is None:
        parser.error("give --out PATH (or --bundled)")
    else:
        try:
            log = generate(args.seed, args.rows, args.name_pool, with_text=not args.no_text)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        written = messy(log).write(args.out) if args.messy else log.write(args.out)
    for path in written:
        print(path)
    return 0
