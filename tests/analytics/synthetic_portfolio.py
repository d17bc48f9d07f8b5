"""A simple, fast random portfolio for analytics tests and timing (not a realistic generator)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stakegraph.analytics.frames import PortfolioFrames
from stakegraph.dates import DAY
from stakegraph.vocabulary import FUNCTIONS, LEVELS

SEGMENTS = ("smb", "mid_market", "enterprise")
START = 1_600_000_000  # 2020-09-13, any fixed epoch will do


def random_portfolio(
    n_accounts: int = 50,
    n_interactions: int = 20_000,
    *,
    days: int = 730,
    seed: int = 0,
    bulk_share: float = 0.005,
) -> PortfolioFrames:
    """Accounts with 8-30 contacts and a 3-6 person team of ours, random mail and meetings."""
    rng = np.random.default_rng(seed)
    n_home = max(20, n_accounts // 5)
    contacts = rng.integers(8, 31, n_accounts)
    offsets = np.concatenate([[0], np.cumsum(contacts)[:-1]])
    n_customers = int(contacts.sum())
    team_size = rng.integers(3, 7, n_accounts)
    team = rng.integers(0, n_home, (n_accounts, 6))

    home_ids = np.array([f"h{i:05d}" for i in range(n_home)], dtype=object)
    account_of_customer = np.repeat(np.arange(n_accounts), contacts)
    customer_ids = np.array(
        [f"a{a:05d}-p{i:03d}" for a, i in zip(account_of_customer, _local(contacts), strict=True)],
        dtype=object,
    )
    account_ids = np.array([f"a{a:05d}" for a in range(n_accounts)], dtype=object)
    person_ids = np.concatenate([home_ids, customer_ids])
    people = pd.DataFrame(
        {
            "person_id": person_ids,
            "name": person_ids,
            "org_id": np.concatenate(
                [np.full(n_home, "home", dtype=object), account_ids[account_of_customer]]
            ),
            "is_home": np.concatenate([np.ones(n_home, bool), np.zeros(n_customers, bool)]),
        }
    )
    level_p = np.array([0.45, 0.25, 0.15, 0.1, 0.05])
    role_level = rng.choice(len(LEVELS), len(person_ids), p=level_p)
    role_function = rng.integers(0, len(FUNCTIONS), len(person_ids))
    roles = pd.DataFrame(
        {
            "person_id": person_ids,
            "org_id": people["org_id"],
            "title": "",
            "level": np.asarray(LEVELS, dtype=object)[role_level],
            "function": np.asarray(FUNCTIONS, dtype=object)[role_function],
            "start": np.full(len(person_ids), START - 400 * DAY, dtype=np.int64),
            "end": np.nan,
        }
    )

    # Interactions: accounts differ in activity; a fifth fade out over the period.
    weight = rng.lognormal(0, 0.6, n_accounts)
    account = rng.choice(n_accounts, n_interactions, p=weight / weight.sum())
    fading = rng.random(n_accounts) < 0.2
    u = rng.random(n_interactions)
    u = np.where(fading[account], 1 - np.sqrt(1 - u), u)  # fading: more mass early on
    at = START + (u * days * DAY).astype(np.int64)
    kind = rng.choice(
        np.array(["email", "meeting", "call", "ticket", "note"], dtype=object),
        n_interactions,
        p=[0.7, 0.15, 0.08, 0.05, 0.02],
    )
    ours_send = rng.random(n_interactions) < 0.5
    team_pick = team[account, (rng.random(n_interactions) * team_size[account]).astype(int)]
    customer_pick = offsets[account] + (rng.random(n_interactions) * contacts[account]).astype(int)
    sender = np.where(ours_send, team_pick, n_home + customer_pick)

    n_recipients = np.minimum(1 + rng.poisson(1.0, n_interactions), 6)
    bulk = rng.random(n_interactions) < bulk_share
    n_recipients = np.where(bulk, contacts[account] + team_size[account], n_recipients)
    rec_interaction = np.repeat(np.arange(n_interactions), n_recipients)
    rec_account = account[rec_interaction]
    other_side = rng.random(len(rec_interaction)) < 0.8
    to_customer = np.where(other_side, ours_send[rec_interaction], ~ours_send[rec_interaction])
    rec_customer = (
        n_home
        + offsets[rec_account]
        + (rng.random(len(rec_interaction)) * contacts[rec_account]).astype(int)
    )
    rec_home = team[
        rec_account, (rng.random(len(rec_interaction)) * team_size[rec_account]).astype(int)
    ]
    recipient = np.where(to_customer, rec_customer, rec_home)

    is_meeting = kind == "meeting"
    sender_role = np.where(is_meeting, "organizer", "from")
    rec_role = np.where(
        is_meeting[rec_interaction],
        "attendee",
        np.where(rng.random(len(rec_interaction)) < 0.8, "to", "cc"),
    )
    interaction_ids = np.array([f"i{i:08d}" for i in range(n_interactions)], dtype=object)
    participations = pd.DataFrame(
        {
            "interaction_id": np.concatenate([interaction_ids, interaction_ids[rec_interaction]]),
            "person_id": person_ids[np.concatenate([sender, recipient])],
            "role": np.concatenate([sender_role, rec_role]).astype(object),
        }
    )
    is_email = kind == "email"
    reply = is_email & (rng.random(n_interactions) < 0.4)
    latency_scale = rng.lognormal(np.log(4 * 3600), 0.5, n_accounts)
    latency = np.where(reply, rng.lognormal(0, 1, n_interactions) * latency_scale[account], np.nan)
    participants_count = participations.groupby("interaction_id")["person_id"].nunique()
    interactions = pd.DataFrame(
        {
            "interaction_id": interaction_ids,
            "account_id": account_ids[account],
            "kind": kind,
            "at": at,
            "thread_id": None,
            "reply_latency_s": latency,
            "participants": participants_count.reindex(interaction_ids)
            .fillna(0)
            .to_numpy(np.int64),
        }
    )
    accounts = pd.DataFrame(
        {
            "account_id": account_ids,
            "name": account_ids,
            "segment": rng.choice(np.asarray(SEGMENTS, dtype=object), n_accounts),
            "arr": rng.lognormal(11, 1, n_accounts),
            "renewal_date": np.nan,
            "owner_id": home_ids[team[:, 0]],
        }
    )
    renewals = pd.DataFrame(
        {
            "account_id": account_ids,
            "at": START + rng.integers(200, days, n_accounts) * DAY,
            "outcome": np.where(fading, "churned", "renewed").astype(object),
        }
    )
    return PortfolioFrames(
        interactions=interactions,
        participations=participations,
        people=people,
        roles=roles,
        accounts=accounts,
        renewals=renewals,
    )


def _local(counts: np.ndarray) -> np.ndarray:
    return np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
