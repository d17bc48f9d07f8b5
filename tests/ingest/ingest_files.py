"""Helpers for ingest tests: write small import directories from literal text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ORGANIZATIONS = """\
id,name,domains,kind,segment,arr,renewal_date
home,Home Inc.,home.example,home,,,
acme,Acme,acme.example;acme-corp.example,account,enterprise,120000,2025-06-30
globex,Globex,globex.example,account,smb,9000.5,
"""
PEOPLE = """\
id,name,emails,organization_id,outreach_capacity
h1,Hana Home,hana@home.example,home,3
h2,Hugo Home,hugo@home.example;HUGO.H@home.example,home,
a1,Ada Acme,ada@acme.example;ada.alias@acme-corp.example,acme,
a2,Abe Acme,abe@acme.example,acme,
g1,Gil Globex,gil@globex.example,,
"""
ROLES = """\
person_id,organization_id,title,level,function,start,end,buying_role
a1,acme,CTO,c_level,engineering,2021-01-01,,sponsor
a2,acme,Buyer,ic,procurement,2020-05-01,2023-01-31,
a2,acme,Head of Procurement,director,procurement,2023-02-01,,Economic_Buyer
"""
RENEWALS = """\
account_id,date,outcome,arr_before,arr_after,reason
acme,2024-06-30,renewed,100000,120000,
globex,2024-03-31,churned,9000.5,,budget cuts
"""
ENGAGEMENTS = """\
account_id,kind,date,status,person_id,our_person_id
acme,qbr,2024-03-15,attended,a1,h1
acme,qbr,2024-03-15,no_show,a2,h1
acme,beta,2024-04-02,declined,,h2
globex,check_in,2024-02-01,Attended,g1,
"""
KNOWS = """\
person_a,person_b,since,source
h1,a1,2019-04-01,linkedin
h2,g1,,
"""
INTERACTIONS = """\
id,kind,at,from,to,cc,subject,thread_id,in_reply_to,account_id
e1,email,2024-05-01T10:00:00Z,h1,a1,a2,Hello,t1,,acme
e2,email,2024-05-01T12:30:00+02:00,ada.alias@acme-corp.example,hana@home.example,,Re: Hello,t1,e1,
m1,meeting,2024-05-02T09:00:00,h2,a1;a2,,Sync,,,
c1,call,2024-05-03T09:00:00Z,h1,gil@globex.example,,Check-in,,,globex
"""


def write_import(directory: Path, **files: str) -> Path:
    """Write ``name=text`` as ``name.csv`` (or ``name.jsonl`` when the key ends in _jsonl)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        filename = name.replace("_jsonl", ".jsonl") if name.endswith("_jsonl") else f"{name}.csv"
        (directory / filename).write_text(text, encoding="utf-8")
    return directory


def full_import(directory: Path, **overrides: str) -> Path:
    files = {
        "organizations": ORGANIZATIONS,
        "people": PEOPLE,
        "roles": ROLES,
        "renewals": RENEWALS,
        "knows": KNOWS,
        "engagements": ENGAGEMENTS,
        "interactions": INTERACTIONS,
    }
    files.update(overrides)
    return write_import(directory, **files)


def jsonl(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


# What a rejected timestamp's reason adds after the value: the forms that are read.
TIMESTAMP_FORMATS = " such as 2024-03-05T10:00:00Z, 2024-03-05 10:00:00+02:00 or 2024-03-05"
