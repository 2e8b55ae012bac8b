"""Deleting the personal data of clients whose relationship ended (PIPL minimisation, DOMAIN §9).

A purged client keeps its numbers (balances, transactions, contacts, tiers) under a pseudonym so
that aggregates and past KPIs stay true, but nothing that identifies the person remains: the
client id is replaced everywhere by a one-way pseudonym (the audit log's entries about the
client included) and every personal field and free-text note is erased. The caller then
rewrites the file (VACUUM), so the erased values do not linger on disk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from vipcrm.store.dates import closed_sql

PERSONAL_FIELDS = (
    "gender", "birth_date", "wedding_date", "phone", "email", "id_number", "id_expiry",
    "risk_level", "risk_assessed_on", "occupation", "marital_status", "family", "hobbies",
    "product_preferences", "wealth_source", "preferred_channel", "address", "pref_protection",
    "pref_term_months", "pref_yield_band",
)
# Every table with a column that holds a client id.
CLIENT_REFERENCES = (
    ("positions", "client_id"), ("transactions", "client_id"), ("followups", "client_id"),
    ("corporates", "client_id"), ("tiers", "client_id"), ("tier_history", "client_id"),
    ("corporate_ratings", "client_id"), ("ownership", "client_id"),
    ("ownership_history", "client_id"), ("assignments", "client_id"),
    ("assignment_history", "client_id"), ("prospects", "referred_by"),
    ("corporate_plans", "client_id"), ("corporate_strategy_overrides", "client_id"),
    ("campaign_targets", "client_id"), ("attrition_scores", "client_id"),
    ("client_data_changes", "client_id"),
)


def ended_before_ids(conn, ended_before: dt.date) -> list[str]:
    """The clients not yet purged whose relationship ended before the date."""
    return [row[0] for row in conn.execute(
        f"SELECT client_id FROM clients WHERE {closed_sql('closed_on', '?')} "
        "AND name <> '(purged)'", [(ended_before - dt.timedelta(days=1)).isoformat()])]


def purge_ended(conn, ended_before: dt.date) -> int:
    """Pseudonymise every client whose closed_on is before the date; returns how many.

    Runs inside the caller's transaction.
    """
    ids = ended_before_ids(conn, ended_before)
    if not ids:
        return 0
    # A random salt per run: the pseudonym cannot be recomputed from a known client id.
    salt = secrets.token_bytes(16)
    conn.execute("PRAGMA defer_foreign_keys = ON")
    conn.execute("CREATE TEMP TABLE purge_map (old TEXT PRIMARY KEY, new TEXT NOT NULL)")
    conn.executemany(
        "INSERT INTO temp.purge_map VALUES (?, ?)",
        [(old, "P-" + hashlib.sha256(salt + old.encode()).hexdigest()[:16]) for old in ids],
    )
    # Family ties are personal data: the client leaves its household.
    conn.execute("DELETE FROM household_members WHERE client_id IN "
                 "(SELECT old FROM temp.purge_map)")
    # A company's key people are people: nothing of them is a number to keep.
    conn.execute("DELETE FROM corporate_contacts WHERE client_id IN "
                 "(SELECT old FROM temp.purge_map)")
    blanks = ", ".join(f"{field} = NULL" for field in PERSONAL_FIELDS)
    conn.execute(
        f"UPDATE clients SET name = '(purged)', {blanks}, "
        "client_id = (SELECT new FROM temp.purge_map WHERE old = clients.client_id) "
        "WHERE client_id IN (SELECT old FROM temp.purge_map)"
    )
    for table, column in CLIENT_REFERENCES:
        conn.execute(
            f"UPDATE {table} SET {column} = (SELECT new FROM temp.purge_map WHERE old = {column}) "
            f"WHERE {column} IN (SELECT old FROM temp.purge_map)"
        )
    # The replaced assessment dates and ID expiries are the person's, as the fields above: the
    # day each was replaced, and by what, stays.
    conn.execute("UPDATE client_data_changes SET old_value = NULL, new_value = NULL "
                 "WHERE client_id IN (SELECT new FROM temp.purge_map)")
    # Free text about the person goes too.
    conn.execute(
        "UPDATE followups SET note = NULL, referral = NULL, override_reason = NULL "
        "WHERE client_id IN (SELECT new FROM temp.purge_map)"
    )
    # The audit log keeps what was done, but no longer to whom.
    conn.execute(
        "UPDATE audit_log SET details = json_set(details, '$.client_id', m.new) "
        "FROM temp.purge_map m WHERE json_valid(details) "
        "AND json_extract(details, '$.client_id') = m.old"
    )
    conn.execute("DROP TABLE temp.purge_map")
    return len(ids)
