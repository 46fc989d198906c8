"""The figures the synthetic sample is calibrated on, each with its source.

Published figures (Ofcom, DfE, CCDH, ASCL, POSH and others, copied with URLs into
``data/README.md``) and the assumptions made where none is published: the period, the nations'
weights, the November 2021 wave, platforms, phases, roles, categories, response times and capture.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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
