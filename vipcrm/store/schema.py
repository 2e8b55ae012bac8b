"""The database shape, as named migrations applied on every open.

Each migration is a step recorded in `_sqlite_migrations`; never edit an applied one, add a new
one. Money columns are integer fen, NAVs integer millionths, ratios integer ten-thousandths,
dates ISO text.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("vipcrm")

_INITIAL = """
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);

CREATE TABLE rms (
    rm_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    branch TEXT NOT NULL,
    grade TEXT NOT NULL CHECK (grade IN ('senior','l1','l2','l3','l4','trainee')),
    exam_passed INTEGER NOT NULL DEFAULT 1,
    active INTEGER NOT NULL DEFAULT 1,
    supervisor_id TEXT,
    hired_on TEXT,
    daily_capacity INTEGER
);
CREATE INDEX rms_branch ON rms(branch);

CREATE TABLE clients (
    client_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    segment TEXT NOT NULL DEFAULT 'retail' CHECK (segment IN ('retail','corporate')),
    gender TEXT,
    birth_date TEXT,
    wedding_date TEXT,
    phone TEXT,
    email TEXT,
    id_number TEXT,
    id_expiry TEXT,
    home_branch TEXT NOT NULL,
    risk_level TEXT,
    risk_assessed_on TEXT,
    occupation TEXT,
    marital_status TEXT,
    family TEXT,
    hobbies TEXT,
    product_preferences TEXT,
    wealth_source TEXT,
    preferred_channel TEXT,
    address TEXT,
    contact_consent TEXT NOT NULL DEFAULT 'all',
    opened_on TEXT,
    closed_on TEXT
);
CREATE INDEX clients_home_branch ON clients(home_branch);

CREATE TABLE products (
    product_code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    asset_class TEXT NOT NULL,
    risk_level TEXT,
    launch_date TEXT,
    maturity_date TEXT,
    status TEXT NOT NULL DEFAULT 'on_sale',
    min_amount INTEGER
);

-- Holdings as change points: a row is stored only when a position's balance (or class or
-- maturity) differs from what carry-forward already gives for that day.
CREATE TABLE positions (
    client_id TEXT NOT NULL REFERENCES clients(client_id),
    product_code TEXT NOT NULL REFERENCES products(product_code),
    as_of TEXT NOT NULL,
    balance INTEGER NOT NULL,
    asset_class TEXT NOT NULL,
    maturity_date TEXT,
    PRIMARY KEY (client_id, product_code, as_of)
) WITHOUT ROWID;
CREATE INDEX positions_as_of ON positions(as_of);

CREATE TABLE navs (
    product_code TEXT NOT NULL REFERENCES products(product_code),
    date TEXT NOT NULL,
    nav INTEGER NOT NULL,
    PRIMARY KEY (product_code, date)
) WITHOUT ROWID;

CREATE TABLE transactions (
    txn_id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients(client_id),
    date TEXT NOT NULL,
    branch TEXT NOT NULL,
    amount INTEGER,
    channel TEXT
);
CREATE INDEX transactions_client_date ON transactions(client_id, date);
CREATE INDEX transactions_date ON transactions(date);

CREATE TABLE followups (
    followup_id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients(client_id),
    rm_id TEXT NOT NULL REFERENCES rms(rm_id),
    date TEXT NOT NULL,
    channel TEXT NOT NULL,
    minutes INTEGER,
    outcome TEXT NOT NULL DEFAULT 'reached',
    stage TEXT,
    note TEXT,
    product_code TEXT REFERENCES products(product_code),
    amount INTEGER,
    satisfaction INTEGER,
    next_date TEXT,
    joint_rm_id TEXT REFERENCES rms(rm_id),
    visit_level TEXT,
    referral TEXT,
    override_reason TEXT,
    elderly_confirmed INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT 'import'
);
CREATE INDEX followups_client_date ON followups(client_id, date);
CREATE INDEX followups_rm_date ON followups(rm_id, date);

CREATE TABLE timesheets (
    rm_id TEXT NOT NULL REFERENCES rms(rm_id),
    date TEXT NOT NULL,
    category TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    PRIMARY KEY (rm_id, date, category)
) WITHOUT ROWID;

CREATE TABLE corporates (
    client_id TEXT NOT NULL REFERENCES clients(client_id),
    review_year INTEGER NOT NULL,
    contract_volume INTEGER,
    unit_price INTEGER,
    revenue INTEGER,
    collection_rate INTEGER,
    profit INTEGER,
    quality_loss INTEGER,
    industry_influence INTEGER,
    credit_rating TEXT,
    PRIMARY KEY (client_id, review_year)
) WITHOUT ROWID;

CREATE TABLE calendar (
    date TEXT PRIMARY KEY,
    type TEXT NOT NULL CHECK (type IN ('holiday','workday')),
    name TEXT
);

-- The latest data date seen per feed (DOMAIN §10), kept even when nothing changed.
CREATE TABLE freshness (
    feed TEXT PRIMARY KEY,
    latest TEXT NOT NULL
);

CREATE TABLE import_log (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    user TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    read INTEGER NOT NULL,
    inserted INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    options TEXT
);
CREATE INDEX import_log_sha ON import_log(sha256);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    command TEXT NOT NULL,
    details TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);

-- Current tier per client and every change, so any past date can be rebuilt (DOMAIN §1).
CREATE TABLE tiers (
    client_id TEXT PRIMARY KEY REFERENCES clients(client_id),
    tier TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok','watch')),
    basis_aum INTEGER NOT NULL,
    aum INTEGER NOT NULL,
    since TEXT NOT NULL,
    as_of TEXT NOT NULL
);
CREATE INDEX tiers_tier ON tiers(tier);

CREATE TABLE tier_history (
    id INTEGER PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients(client_id),
    effective TEXT NOT NULL,
    from_tier TEXT,
    to_tier TEXT,
    status TEXT,
    basis_aum INTEGER NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX tier_history_client ON tier_history(client_id, effective);
CREATE INDEX tier_history_effective ON tier_history(effective);

CREATE TABLE tier_runs (
    as_of TEXT PRIMARY KEY,
    basis TEXT NOT NULL,
    ran_at TEXT NOT NULL,
    clients INTEGER NOT NULL,
    changes INTEGER NOT NULL
);

CREATE TABLE corporate_ratings (
    client_id TEXT NOT NULL REFERENCES clients(client_id),
    review_year INTEGER NOT NULL,
    score REAL NOT NULL,
    rank INTEGER NOT NULL,
    big INTEGER NOT NULL,
    factors TEXT NOT NULL,
    missing TEXT,
    PRIMARY KEY (client_id, review_year)
) WITHOUT ROWID;

-- Ownership branch per client (DOMAIN §3) and when it moved.
CREATE TABLE ownership (
    client_id TEXT PRIMARY KEY REFERENCES clients(client_id),
    branch TEXT NOT NULL,
    since TEXT NOT NULL,
    basis TEXT NOT NULL
);
CREATE TABLE ownership_history (
    id INTEGER PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients(client_id),
    changed_on TEXT NOT NULL,
    from_branch TEXT,
    to_branch TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX ownership_history_client ON ownership_history(client_id);

CREATE TABLE assignments (
    client_id TEXT PRIMARY KEY REFERENCES clients(client_id),
    rm_id TEXT REFERENCES rms(rm_id),
    pinned INTEGER NOT NULL DEFAULT 0,
    grade_gap INTEGER NOT NULL DEFAULT 0,
    reason TEXT NOT NULL,
    since TEXT NOT NULL
);
CREATE INDEX assignments_rm ON assignments(rm_id);
CREATE TABLE assignment_history (
    id INTEGER PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients(client_id),
    changed_on TEXT NOT NULL,
    from_rm TEXT,
    to_rm TEXT,
    reason TEXT NOT NULL
);
CREATE INDEX assignment_history_client ON assignment_history(client_id);

-- Prospects brought by referrals (DOMAIN §6).
CREATE TABLE prospects (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    referred_by TEXT NOT NULL REFERENCES clients(client_id),
    rm_id TEXT REFERENCES rms(rm_id),
    followup_id TEXT REFERENCES followups(followup_id),
    created_on TEXT NOT NULL
);
"""


@migrations()
def m001_initial(db: Database) -> None:
    _run_script(db, _INITIAL)


def _run_script(db: Database, script: str) -> None:
    # executescript() would COMMIT the migration's transaction; run statement by statement.
    for statement in script.split(";\n"):
        if statement.strip() and not _only_comments(statement):
            db.execute(statement)


def _only_comments(statement: str) -> bool:
    return all(line.strip().startswith("--") or not line.strip() for line in statement.splitlines())


@migrations()
def m002_followup_recognition(db: Database) -> None:
    # A `celebrate` entry names the sale it celebrates and who was recognised (DOMAIN §6).
    db.execute("ALTER TABLE followups ADD COLUMN sale_id TEXT REFERENCES followups(followup_id)")
    db.execute("ALTER TABLE followups ADD COLUMN recognised TEXT")
    db.execute("CREATE INDEX followups_stage_date ON followups(stage, date)")


@migrations()
def m003_ownership(db: Database) -> None:
    # Ownership counts transactions per (client, branch) over a trailing window (DOMAIN §3): a
    # covering index walks them already grouped, with no table lookup and no sort.
    db.execute("CREATE INDEX transactions_client_branch_date "
               "ON transactions(client_id, branch, date)")


# The asset classes of the day plan.maturity_lead_days was split; migrations never change.
_LEAD_CLASSES = ("deposit", "wealth", "fund", "insurance", "bond", "metal", "custody", "loan",
                 "credit")


@migrations()
def m004_maturity_lead_per_class(db: Database) -> None:
    # One maturity lead for every class became one key per class: a lead the user chose applies
    # to every class they did not set, as it did before.
    row = db.execute("SELECT value, changed_at, changed_by FROM settings "
                     "WHERE key = 'plan.maturity_lead_days'").fetchone()
    if row is None:
        return
    for cls in _LEAD_CLASSES:
        db.execute("INSERT OR IGNORE INTO settings (key, value, changed_at, changed_by) "
                   "VALUES (?, ?, ?, ?)", [f"plan.maturity_lead.{cls}", *row])
    db.execute("DELETE FROM settings WHERE key = 'plan.maturity_lead_days'")


@migrations()
def m005_sale_compliance(db: Database) -> None:
    # Compliance-grade sales (DOMAIN §5): the dual-recording (双录) id of an elderly client's
    # R4-R5 purchase, the risk-warning confirmation behind an override, the client's risk level
    # when it bought (levels have no history) and the end of the cooling-off period during
    # which the client may cancel.
    db.execute("ALTER TABLE followups ADD COLUMN client_risk TEXT")
    db.execute("ALTER TABLE followups ADD COLUMN recording_id TEXT")
    db.execute("ALTER TABLE followups ADD COLUMN risk_warning_id TEXT")
    db.execute("ALTER TABLE followups ADD COLUMN cooling_off_until TEXT")


@migrations()
def m006_client_data_changes(db: Database) -> None:
    # Compliance tasks close on data (DOMAIN §4): a risk assessment or ID expiry replaced by
    # import or `client update` is kept with the day its successor arrived, so the tasks of the
    # old dates can be judged done, and on time, in past periods. A client's values on its first
    # import are not stored: a client without a row here has held its current values all along.
    db.execute("""
        CREATE TABLE client_data_changes (
            id INTEGER PRIMARY KEY,
            client_id TEXT NOT NULL REFERENCES clients(client_id),
            field TEXT NOT NULL CHECK (field IN ('risk_assessed_on', 'id_expiry')),
            old_value TEXT,
            new_value TEXT,
            changed_on TEXT NOT NULL,
            source TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX client_data_changes_client ON client_data_changes(client_id, changed_on)")
@migrations()
def m007_import_today(db: Database) -> None:
    # The business date an import ran on (the command's today, which a replay or a test may
    # set): the go-live date of planning is the first positions import's (DOMAIN §4 cadence).
    db.execute("ALTER TABLE import_log ADD COLUMN today TEXT")


@migrations()
def m008_corporate_file(db: Database) -> None:
    # The big-client business file (seed §3.2): key people and decision makers, keyed by name
    # within their company (a file an RM keeps by hand has no person ids), and the yearly
    # share-of-wallet plan. Money in fen.
    db.execute("""
        CREATE TABLE corporate_contacts (
            client_id TEXT NOT NULL REFERENCES clients(client_id),
            name TEXT NOT NULL,
            role TEXT,
            decision_maker INTEGER NOT NULL DEFAULT 0,
            phone TEXT,
            birth_date TEXT,
            note TEXT,
            PRIMARY KEY (client_id, name)
        ) WITHOUT ROWID""")
    db.execute("""
        CREATE TABLE corporate_plans (
            client_id TEXT NOT NULL REFERENCES clients(client_id),
            year INTEGER NOT NULL,
            wallet_total INTEGER,
            our_amount INTEGER,
            products TEXT,
            plan TEXT,
            owner TEXT REFERENCES rms(rm_id),
            PRIMARY KEY (client_id, year)
        ) WITHOUT ROWID""")
    # The sales strategy per big client (seed §3.4), derived with the year's rating; `meets`
    # lists every rule met. An override, with its reason, outlives re-ratings of its year.
    db.execute("ALTER TABLE corporate_ratings ADD COLUMN strategy TEXT")
    db.execute("ALTER TABLE corporate_ratings ADD COLUMN commission TEXT")
    db.execute("ALTER TABLE corporate_ratings ADD COLUMN meets TEXT")
    db.execute("""
        CREATE TABLE corporate_strategy_overrides (
            client_id TEXT NOT NULL REFERENCES clients(client_id),
            review_year INTEGER NOT NULL,
            strategy TEXT NOT NULL,
            reason TEXT NOT NULL,
            set_by TEXT NOT NULL,
            set_on TEXT NOT NULL,
            PRIMARY KEY (client_id, review_year)
        ) WITHOUT ROWID""")


@migrations()
def m009_households(db: Database) -> None:
    # Households (家庭客户): a client belongs to at most one, so the client id is the key and a
    # move to another household is an update of its row.
    db.execute("""
        CREATE TABLE household_members (
            client_id TEXT PRIMARY KEY REFERENCES clients(client_id),
            household_id TEXT NOT NULL,
            role TEXT
        ) WITHOUT ROWID""")
    db.execute("CREATE INDEX household_members_household "
               "ON household_members(household_id, client_id)")
    # With tiering.household on a member is tiered by its household's AUM: each tier change
    # that made names the household whose AUM was the basis (NULL: the client's own).
    db.execute("ALTER TABLE tier_history ADD COLUMN household_id TEXT")
    # Stated product preferences (seed §2.7), so product design sees the demand per tier.
    db.execute("ALTER TABLE clients ADD COLUMN pref_protection TEXT")
    db.execute("ALTER TABLE clients ADD COLUMN pref_term_months INTEGER")
    db.execute("ALTER TABLE clients ADD COLUMN pref_yield_band TEXT")


@migrations()
def m010_campaigns_attrition(db: Database) -> None:
    # Transfers out to (and in from) other banks, for the attrition warning: the core system
    # marks a transaction's type; other transactions leave it empty.
    db.execute("ALTER TABLE transactions ADD COLUMN type TEXT")
    # Only the few typed rows are indexed: the nightly's attrition step reads the last 90 days
    # of transfers without walking every transaction of those days.
    db.execute("CREATE INDEX transactions_typed ON transactions(date, type) "
               "WHERE type IS NOT NULL")
    # Campaigns (新品发售): a product, a window and the ranked target list made when the campaign
    # was created. Each target's slot is the working day its call opens, spread so that no RM
    # gets more than campaign.daily_per_rm campaign calls a day; rm_id and branch are the RM
    # (none: the branch's unassigned list) it was spread for. A closed campaign's tasks are
    # withdrawn from the day after closed_on.
    db.execute("""
        CREATE TABLE campaigns (
            campaign_id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            product_code TEXT NOT NULL REFERENCES products(product_code),
            starts_on TEXT NOT NULL,
            ends_on TEXT NOT NULL,
            tiers TEXT NOT NULL,
            min_aum INTEGER,
            branch TEXT,
            target_limit INTEGER,
            created_on TEXT NOT NULL,
            created_by TEXT NOT NULL,
            closed_on TEXT
        )""")
    db.execute("""
        CREATE TABLE campaign_targets (
            campaign_id INTEGER NOT NULL REFERENCES campaigns(campaign_id),
            client_id TEXT NOT NULL REFERENCES clients(client_id),
            rank INTEGER NOT NULL,
            score INTEGER NOT NULL,
            preference INTEGER NOT NULL,
            idle_cash INTEGER NOT NULL,
            maturing_on TEXT,
            rm_id TEXT,
            branch TEXT NOT NULL,
            slot TEXT NOT NULL,
            PRIMARY KEY (campaign_id, client_id)
        ) WITHOUT ROWID""")
    db.execute("CREATE INDEX campaign_targets_client ON campaign_targets(client_id)")
    # Attrition scores (客户流失预警) as change points, like positions: a client's row on a run
    # date is stored only when its score or a factor's points differ from the row in force
    # before (no row: 0), so the score on any day is the latest row on or before it. Plans read
    # them; they never compute the whole bank's scores themselves. Each factor's contribution
    # to the score is kept in tenths of a point.
    db.execute("""
        CREATE TABLE attrition_scores (
            client_id TEXT NOT NULL REFERENCES clients(client_id),
            as_of TEXT NOT NULL,
            score INTEGER NOT NULL,
            trend INTEGER NOT NULL,
            outflow INTEGER NOT NULL,
            contact INTEGER NOT NULL,
            maturity INTEGER NOT NULL,
            PRIMARY KEY (client_id, as_of)
        ) WITHOUT ROWID""")
    db.execute("CREATE INDEX attrition_scores_as_of ON attrition_scores(as_of)")
    db.execute("""
        CREATE TABLE attrition_runs (
            as_of TEXT PRIMARY KEY,
            ran_at TEXT NOT NULL,
            clients INTEGER NOT NULL,
            at_risk INTEGER NOT NULL,
            changed INTEGER NOT NULL
        )""")
