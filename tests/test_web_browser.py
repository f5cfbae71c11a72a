"""The coordinator's page in a real headless Chromium (Debian's package), served by `integrity-bot web`.

A coordinator of Ommen asks the Telegram bot (python-telegram-bot against the local fake Bot API)
for `/dashboard`, opens the link it sent, and reads the annual report, the question statistics and
the reminders; every chart and table is checked against the database; the report is printed to
PDF and downloaded as CSV. Wrong, expired and reused links, another organisation's coordinator and
a form without its CSRF token are refused.
"""

from __future__ import annotations

import asyncio
import base64
import csv
import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions
from sqlalchemy import text

from bot.app import build_core
from bot.settings import Settings
from handlers.dispatcher import Core
from handlers.reminders.jobs import run_due
from handlers.reminders.schedule import TZ, ReminderConfig
from handlers.reminders.seed import seed_org
from storage.cases import CaseStatistic
from storage.crypto import Cipher
from storage.db import session_scope
from storage.roles import add_role
from tests.confide_support import Chat, open_case, pseudonym
from tests.telegram_fake import FakeBotApi, message
from tests.telegram_harness import running
from tests.telegram_harness import until as until_async
from tests.web_support import chart, chromium, log_in, login_link, need_chromium, table, until, web_process

COBY_TG = 4242  # the fake coordinator's Telegram id
SCREENSHOTS = os.environ.get("INTEGRITY_SCREENSHOTS_DIR")  # set to docs/screenshots to refresh the README's
YEAR = datetime.now(TZ).year
QUESTIONS = [
    "Mag ik een fles wijn van 25 euro van een leverancier aannemen?",
    "Een leverancier biedt me een etentje aan, mag ik daarop ingaan?",
    "Moet ik mijn bijbaan melden?",
    "Mag ik een bijbaan als fietsenmaker hebben?",
    "Mag ik op Facebook iets over een raadsbesluit schrijven?",
    "Een collega pest mij, bij wie kan ik melden?",
    "Wat zijn onze kernwaarden?",
    "xyzzy plover quux",
    "Hoe laat gaat de kantine open?",
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator:  # type: ignore[type-arg]
    need_chromium()
    downloads = tmp_path_factory.mktemp("downloads")
    driver = chromium(downloads)
    driver.downloads = downloads  # type: ignore[attr-defined]
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def web(db_url: str, browser) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with web_process(db_url) as url:
        browser.delete_all_cookies()
        yield url


@pytest.fixture
def bot(db_url: str, web: str, kb, monkeypatch: pytest.MonkeyPatch) -> Core:  # type: ignore[no-untyped-def]
    """The chat bot on the same database, its login links pointing at the running page."""
    monkeypatch.setenv("INTEGRITY_WEB_BASE_URL", web)
    return build_core(Settings(database_url=db_url, encryption_keys=Cipher.new_key(), _env_file=None), kb)  # type: ignore[call-arg]


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    api = FakeBotApi().start()
    yield api
    api.close()


def link_by_telegram(core: Core, fake: FakeBotApi, user_id: int, org: str = "ommen") -> list[str]:
    """What the bot sends to `user_id` on Telegram after they type /dashboard."""
    async def scenario() -> list[str]:
        async with running(core, fake, org):
            fake.push(message(user_id, "/dashboard"))
            sent = await until_async(lambda: fake.sent(user_id), "the bot's answer to /dashboard")
            return [m["text"] for m in sent]
    return asyncio.run(scenario())


def seed(core: Core) -> None:
    """A year of Ommen: questions, two real confidential cases, earlier counts, reminders."""
    chat = Chat(core, org="ommen")
    with session_scope(core.services.engine) as s:
        add_role(s, "ommen", "trusted_person", "console", "tp-anna", "Anna")
        add_role(s, "ommen", "coordinator", "telegram", str(COBY_TG), "Coby")
        s.add(CaseStatistic(org="ommen", year=YEAR, kind="unwanted_behaviour", channel="trusted_person",
                            outcome="advice", count=4))
        s.add(CaseStatistic(org="ommen", year=YEAR, kind="integrity_violation", channel="trusted_person",
                            outcome="formal_report", count=3))
        s.add(CaseStatistic(org="ommen", year=YEAR - 1, kind="unwanted_behaviour", channel="trusted_person",
                            outcome="advice", count=6))
        s.add(CaseStatistic(org="ommen", year=YEAR - 1, kind="misconduct", channel="trusted_person",
                            outcome="referred", count=2))
    for i, q in enumerate(QUESTIONS):
        chat.send(f"e{i}", q)
    r = open_case(chat, "e20", first="Mijn teamleider kleineert mij in het overleg.")
    name = pseudonym(r)
    chat.send("tp-anna", f"/oppakken {name}")
    r = chat.send("tp-anna", f"/sluit {name}")
    r = chat.press("tp-anna", r, "Ongewenst gedrag")
    chat.press("tp-anna", r, "doorverwezen")
    open_case(chat, "e21", first="Ik zag een collega geld uit de kas nemen.", kind="Integriteitsschending")
    # Reminders: seeded on 1 January, the March agenda reminder sent on time and done, the
    # September one sent a day late (the bot was down) and snoozed.
    config = ReminderConfig()
    with session_scope(core.services.engine) as s:
        seed_org(s, core.services.kb.org("ommen"), config, datetime(YEAR, 1, 1, 8, tzinfo=TZ))
    run_due(core.services, config, datetime(YEAR, 1, 15, 9, 1, tzinfo=TZ))
    run_due(core.services, config, datetime(YEAR, 3, 2, 9, 1, tzinfo=TZ))
    run_due(core.services, config, datetime(YEAR, 9, 8, 10, 0, tzinfo=TZ))
    with session_scope(core.services.engine) as s:
        rows = s.execute(text("SELECT d.id, d.due_at, r.kind FROM reminder_delivery d JOIN reminder r "
                              "ON r.id = d.reminder_id WHERE r.kind = 'agenda' ORDER BY d.due_at")).all()
    assert len(rows) == 2, rows
    chat.send(str(COBY_TG), action=f"reminder:done:{rows[0].id}", platform="telegram")
    chat.send(str(COBY_TG), action=f"reminder:snooze:{rows[1].id}", platform="telegram")


# --- the database, read independently of the page's own queries -----------------------------

def db_year(core: Core, year: int) -> dict[str, dict[str, int]]:
    kinds: dict[str, int] = {}
    outcomes: dict[str, int] = {}
    with session_scope(core.services.engine) as s:
        for kind, outcome, n in s.execute(text(
                "SELECT kind, outcome, SUM(count) FROM confide_statistic WHERE org = 'ommen' AND year = :y "
                "GROUP BY kind, outcome"), {"y": year}):
            kinds[kind] = kinds.get(kind, 0) + n
            outcomes[outcome] = outcomes.get(outcome, 0) + n
        for kind, at in s.execute(text("SELECT kind, handed_off_at FROM confide_case WHERE org = 'ommen' "
                                       "AND counted_at IS NULL AND handed_off_at IS NOT NULL")):
            if str(at).startswith(str(year)):
                kinds[kind or "unknown"] = kinds.get(kind or "unknown", 0) + 1
                outcomes["ongoing"] = outcomes.get("ongoing", 0) + 1
        manual = dict(s.execute(text("SELECT channel, count FROM report_channel_count WHERE org = 'ommen' "
                                     "AND year = :y"), {"y": year}).all())
    return {"kinds": kinds, "outcomes": outcomes, "channels": {"trusted_person": sum(kinds.values()), **manual}}


def db_topics(core: Core) -> dict[str, int]:
    with session_scope(core.services.engine) as s:
        return {topic: n for topic, n in s.execute(text(
            "SELECT topic, SUM(count) FROM answer_count WHERE org = 'ommen' "
            "AND intent IN ('rule', 'route', 'info', 'confide') GROUP BY topic"))}


def db_not_placed(core: Core) -> int:
    with session_scope(core.services.engine) as s:
        return s.execute(text("SELECT COALESCE(SUM(count), 0) FROM answer_count WHERE org = 'ommen' "
                              "AND intent = 'fallback'")).scalar_one()


def drawn(table_cells: dict[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    """What the chart must show of a table: every category with a count in some series."""
    keys = {k for (k, _), v in table_cells.items() if v != "0" and k != "total"}
    return {(k, s): v for (k, s), v in table_cells.items() if k in keys}


def shown(table_cells: dict[tuple[str, str], str], series: str) -> dict[str, str]:
    return {k: v for (k, s), v in table_cells.items() if s == series and k != "total"}


def download_csv(driver) -> str:  # type: ignore[no-untyped-def]
    """Press the annual report's CSV button; the text of the file the browser saved."""
    for old in driver.downloads.iterdir():
        old.unlink()
    driver.find_element(By.ID, "csv").click()
    target = driver.downloads / f"jaarverslag-ommen-{YEAR}.csv"
    until(lambda: target.exists() and target.stat().st_size > 0, "the CSV download")
    return target.read_text(encoding="utf-8-sig")


def snap(driver, name: str) -> None:  # type: ignore[no-untyped-def]
    """A full-page screenshot (kept for the README when INTEGRITY_SCREENSHOTS_DIR is set)."""
    if not SCREENSHOTS:
        return
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.get_window_size()["width"]
    driver.set_window_size(width, min(height + 40, 4000))
    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(Path(SCREENSHOTS) / f"{name}.png"))
    driver.set_window_size(width, 1400)


# --- the coordinator's whole visit ---------------------------------------------------------------

def test_ommen_coordinator_logs_in_from_the_telegram_link_and_reads_prints_and_downloads(
        bot: Core, web: str, browser, fake: FakeBotApi) -> None:  # type: ignore[no-untyped-def]
    seed(bot)
    sent = link_by_telegram(bot, fake, COBY_TG)
    assert len(sent) == 1 and "10 minuten geldig" in sent[0]
    link = login_link(sent[0])
    assert link.startswith(f"{web}/login/")
    log_in(browser, link)

    cookie = next(c for c in browser.get_cookies() if c["name"] == "ib_session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict" and cookie["secure"] is False
    assert "Gemeente Ommen" in browser.find_element(By.CSS_SELECTOR, "header .org").text

    # Jaarverslag with the default threshold 3: small counts hidden, the rest exact.
    kinds = table(browser, "kinds")
    assert shown(kinds, str(YEAR)) == {"unwanted_behaviour": "5", "integrity_violation": "4", "misconduct": "0",
                                       "external_aggression": "0", "crime": "0", "unknown": "0"}
    outcomes = shown(table(browser, "outcomes"), str(YEAR))
    assert outcomes["advice"] == "4" and outcomes["formal_report"] == "3"
    assert outcomes["referred"] == "< 3" and outcomes["ongoing"] == "< 3"
    last_year = shown(kinds, str(YEAR - 1))
    assert last_year["misconduct"] == "< 3"
    assert last_year["unwanted_behaviour"] == "≥ 3"  # else 8 − 6 would give the hidden 2 away
    assert chart(browser, "kinds") == drawn(kinds)

    # The coordinator adds the reports that went past the bot (as the 2021 report counts them).
    browser.find_element(By.ID, "m-integrity_desk").clear()
    browser.find_element(By.ID, "m-integrity_desk").send_keys("1")
    browser.find_element(By.ID, "m-coordinator").clear()
    browser.find_element(By.ID, "m-coordinator").send_keys("2")
    browser.find_element(By.ID, "save-manual").click()
    until(lambda: "saved=1" in browser.current_url, "saved")
    channels = shown(table(browser, "channels"), str(YEAR))
    assert channels["trusted_person"] == "9" and channels["integrity_desk"] == "< 3"

    # The organisation chooses to show every count exactly.
    browser.get(f"{web}/instellingen")
    browser.find_element(By.ID, "threshold").clear()
    browser.find_element(By.ID, "threshold").send_keys("1")
    browser.find_element(By.ID, "save-threshold").click()
    until(lambda: "saved=1" in browser.current_url, "threshold saved")

    browser.get(f"{web}/jaarverslag")
    for year in (YEAR, YEAR - 1):
        expected = db_year(bot, year)
        for section in ("channels", "kinds", "outcomes"):
            cells = shown(table(browser, section), str(year))
            for key, n in expected[section].items():
                assert cells[key] == str(n), (section, year, key)
            assert all(v == "0" for k, v in cells.items() if k not in expected[section])
            assert chart(browser, section) == drawn(table(browser, section))
    assert table(browser, "channels")[("total", str(YEAR))] == "12"
    assert browser.find_element(By.ID, "total").text == f"In {YEAR} zijn 12 kwesties besproken of behandeld."
    snap(browser, "jaarverslag")

    # Print to PDF (what the browser's "Save as PDF" makes): A4, the figures, no navigation.
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7
    printed = base64.b64decode(browser.print_page(options))
    if SCREENSHOTS:
        (Path(SCREENSHOTS) / "jaarverslag-afdruk.pdf").write_bytes(printed)
    pdf = PdfReader(io.BytesIO(printed))
    words = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    box = pdf.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2  # A4 in points
    assert f"Jaarverslag integriteit {YEAR}" in words
    assert f"In {YEAR} zijn 12 kwesties besproken of behandeld." in words
    for label in ("Vertrouwenspersoon", "Meldpunt Integriteit", "Integriteitscoördinator", "Ongewenst gedrag",
                  "formele melding of klacht gedaan", "nog lopend"):
        assert label in words, label
    assert "Uitloggen" not in words and "Opslaan" not in words

    # CSV download: the same figures as the tables.
    rows = list(csv.reader(io.StringIO(download_csv(browser)), delimiter=";"))
    assert rows[0] == ["onderdeel", "code", "categorie", str(YEAR), str(YEAR - 1)]
    by_key = {(r[0], r[1]): r[3:] for r in rows[1:]}
    assert by_key[("channels", "integrity_desk")] == ["1", "0"]
    assert by_key[("kinds", "unwanted_behaviour")] == ["5", "6"]
    assert by_key[("channels", "total")] == ["12", "8"]

    # Wat vragen medewerkers: the counting table, per topic and week; nothing else.
    browser.find_element(By.LINK_TEXT, "Wat vragen medewerkers").click()
    until(lambda: browser.current_url.endswith("/vragen"), "the questions page")
    topics = table(browser, "topics")
    expected_topics = db_topics(bot)
    assert sum(expected_topics.values()) >= len(QUESTIONS) - 3
    assert {k: int(v) for (k, _), v in topics.items() if k != "total"} == expected_topics
    assert chart(browser, "topics") == drawn(topics)
    weeks = table(browser, "weeks")
    assert chart(browser, "weeks") == {k: v for k, v in weeks.items() if k[0] != "total"}  # zeros too
    assert int(table(browser, "not_placed")[("total", "Antwoorden")]) == db_not_placed(bot) >= 1
    assert int(table(browser, "weeks")[("total", "Antwoorden")]) == sum(expected_topics.values())
    snap(browser, "vragen")

    # Herinneringen: what the reminder tables hold for Ommen.
    browser.find_element(By.LINK_TEXT, "Herinneringen").click()
    until(lambda: browser.current_url.endswith("/herinneringen"), "the reminders page")
    with session_scope(bot.services.engine) as s:
        deliveries = s.execute(text("SELECT COUNT(*) FROM reminder_delivery d JOIN reminder r ON r.id = "
                                    "d.reminder_id WHERE r.org = 'ommen' AND r.kind != 'case_term'")).scalar_one()
    rows_ = browser.find_elements(By.CSS_SELECTOR, 'table[data-section="occurrences"] tbody tr')
    sent_total = sum(int(r.find_element(By.CSS_SELECTOR, 'td[data-col="sent"]').text) for r in rows_)
    assert sent_total == deliveries >= 3
    agenda = [r.text for r in rows_ if r.text.startswith("Integriteit op de agenda")]
    assert len(agenda) == 2
    done = sum(int(r.find_element(By.CSS_SELECTOR, 'td[data-col="done"]').text) for r in rows_)
    snoozed = sum(int(r.find_element(By.CSS_SELECTOR, 'td[data-col="snoozed"]').text) for r in rows_)
    late = sum(int(r.find_element(By.CSS_SELECTOR, 'td[data-col="late"]').text) for r in rows_)
    assert (done, snoozed) == (1, 1) and late >= 1
    planned = browser.find_element(By.CSS_SELECTOR, 'table[data-section="planned"]').text
    assert "Integriteit op de agenda" in planned
    snap(browser, "herinneringen")

    browser.get(f"{web}/instellingen")
    snap(browser, "instellingen")
    browser.set_window_size(390, 1400)  # a phone
    browser.get(f"{web}/jaarverslag")
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    snap(browser, "jaarverslag-telefoon")
    browser.set_window_size(1100, 1400)


# --- refusals ------------------------------------------------------------------------------------

def _coordinator(core: Core, org: str, user: str, platform: str = "console") -> None:
    with session_scope(core.services.engine) as s:
        add_role(s, org, "coordinator", platform, user)


def test_wrong_expired_and_reused_links_are_refused(bot: Core, web: str, browser) -> None:  # type: ignore[no-untyped-def]
    _coordinator(bot, "ommen", "coby")
    chat = Chat(bot, org="ommen")

    browser.get(f"{web}/login/{'A' * 43}")
    until(lambda: "Deze inloglink klopt niet." in browser.page_source, "a wrong link refused")
    assert not browser.find_elements(By.ID, "login")

    real_clock = bot.services.clock
    bot.services.clock = lambda: datetime.now(UTC) - timedelta(minutes=11)
    expired = login_link(chat.send("coby", "/dashboard")[0].text)
    bot.services.clock = real_clock
    browser.get(expired)
    assert "verlopen" in browser.find_element(By.TAG_NAME, "h1").text

    link = login_link(chat.send("coby", "/dashboard")[0].text)
    log_in(browser, link)
    browser.find_element(By.CSS_SELECTOR, "form.logout button").click()
    until(lambda: "Je bent uitgelogd." in browser.page_source, "logged out")
    browser.get(f"{web}/jaarverslag")
    until(lambda: "Je bent niet (meer) ingelogd." in browser.page_source, "the page refused without a login")
    browser.get(link)
    assert "al gebruikt" in browser.find_element(By.TAG_NAME, "h1").text

    # Two tabs opened on one link before either pressed the button: only the first gets in.
    link = login_link(chat.send("coby", "/dashboard")[0].text)
    browser.get(link)
    browser.switch_to.new_window("tab")
    browser.get(link)
    browser.find_element(By.ID, "login").click()
    until(lambda: browser.current_url.endswith("/jaarverslag"), "first tab logged in")
    browser.close()
    browser.switch_to.window(browser.window_handles[0])
    browser.delete_all_cookies()
    browser.get(link)
    assert "al gebruikt" in browser.find_element(By.TAG_NAME, "h1").text


def test_a_form_without_its_csrf_token_is_refused(bot: Core, web: str, browser) -> None:  # type: ignore[no-untyped-def]
    _coordinator(bot, "ommen", "coby")
    log_in(browser, login_link(Chat(bot, org="ommen").send("coby", "/dashboard")[0].text))
    browser.get(f"{web}/instellingen")
    browser.find_element(By.ID, "threshold").clear()
    browser.find_element(By.ID, "threshold").send_keys("1")
    # What a forged form from elsewhere looks like: the session cookie, but no token of this page.
    browser.execute_script("document.querySelector('main form input[name=csrf]').remove()")
    browser.find_element(By.ID, "save-threshold").click()
    until(lambda: "Dit formulier is verlopen" in browser.page_source, "the CSRF refusal")
    with session_scope(bot.services.engine) as s:
        assert s.execute(text("SELECT COUNT(*) FROM org_setting")).scalar_one() == 0
    # A wrong token is refused just the same; the logout form too.
    browser.get(f"{web}/jaarverslag")
    browser.execute_script("document.querySelector('form.logout input[name=csrf]').value = 'forged'")
    browser.find_element(By.CSS_SELECTOR, "form.logout button").click()
    until(lambda: "Dit formulier is verlopen" in browser.page_source, "the CSRF refusal of logout")
    browser.get(f"{web}/jaarverslag")
    assert browser.find_elements(By.CSS_SELECTOR, "form.logout")  # still logged in


def test_another_organisations_coordinator_gets_no_link_and_sees_only_their_own(
        bot: Core, web: str, browser) -> None:  # type: ignore[no-untyped-def]
    _coordinator(bot, "haarlem", "henk")
    with session_scope(bot.services.engine) as s:
        s.add(CaseStatistic(org="ommen", year=YEAR, kind="crime", channel="trusted_person", outcome="advice",
                            count=7))
        s.add(CaseStatistic(org="haarlem", year=YEAR, kind="misconduct", channel="trusted_person",
                            outcome="advice", count=4))
    # Henk asks the Ommen bot: he is no coordinator there.
    refused = Chat(bot, org="ommen").send("henk", "/dashboard")
    assert "/login/" not in refused[0].text and "coördinatoren en beheerders" in refused[0].text
    with session_scope(bot.services.engine) as s:
        assert s.execute(text("SELECT COUNT(*) FROM web_login_link")).scalar_one() == 0
    # A trusted person is no coordinator either.
    with session_scope(bot.services.engine) as s:
        add_role(s, "ommen", "trusted_person", "console", "tp-anna")
    assert "/login/" not in Chat(bot, org="ommen").send("tp-anna", "/dashboard")[0].text

    log_in(browser, login_link(Chat(bot, org="haarlem").send("henk", "/dashboard")[0].text))
    assert "Gemeente Haarlem" in browser.find_element(By.CSS_SELECTOR, "header .org").text
    kinds = shown(table(browser, "kinds"), str(YEAR))
    assert kinds["misconduct"] == "4" and kinds["crime"] == "0"  # Ommen's 7 is not Haarlem's
    assert "Ommen" not in browser.page_source
    # There is no organisation in any address to change: the page follows the session.
    browser.get(f"{web}/jaarverslag.csv?year={YEAR}&org=ommen")
    browser.get(f"{web}/jaarverslag?org=ommen")
    assert "Ommen" not in browser.page_source


def test_an_english_coordinator_gets_the_page_in_english(bot: Core, web: str, browser) -> None:  # type: ignore[no-untyped-def]
    _coordinator(bot, "ommen", "kate")
    chat = Chat(bot, org="ommen")
    chat.send("kate", "May I accept a bottle of wine from a supplier?")
    reply = chat.send("kate", "/dashboard")[0].text
    assert "valid for 10 minutes" in reply
    log_in(browser, login_link(reply))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert browser.find_element(By.TAG_NAME, "h1").text == f"Integrity annual report {YEAR}"
    browser.find_element(By.LINK_TEXT, "What employees ask").click()
    until(lambda: browser.current_url.endswith("/vragen"), "questions page")
    assert "Answers per topic" in browser.page_source


def test_pages_and_csv_hold_no_message_text_and_no_platform_id(bot: Core, web: str, browser) -> None:  # type: ignore[no-untyped-def]
    secret_user, coordinator = "U0SECRETEMPL", "U0COORDSECRET"
    _coordinator(bot, "ommen", coordinator, platform="slack")
    chat = Chat(bot, org="ommen")
    with session_scope(bot.services.engine) as s:
        add_role(s, "ommen", "trusted_person", "console", "tp-zwannie", "Zwannie")
    words = ["Mag ik de kerstbarbecue van leverancier Grasbaas aannemen?", "kwispelstaartfabriek"]
    for w in words:
        chat.send(secret_user, w, platform="slack")
    r = open_case(chat, "emp-vertrouwelijk", first="Wethouder Pietersma intimideert mij sinds maart.")
    chat.send("tp-zwannie", f"/oppakken {pseudonym(r)}")
    chat.send("tp-zwannie", f"/antwoord {pseudonym(r)} Dank je, ik bel je morgen terug.")
    chat.send(coordinator, "Mag ik een cadeaubon van Bolderbast houden?", platform="slack")
    link = login_link(chat.send(coordinator, "/dashboard", platform="slack")[0].text)
    log_in(browser, link)
    pages = []
    for path in ("/jaarverslag", "/vragen", "/herinneringen", "/instellingen"):
        browser.get(f"{web}{path}")
        pages.append(browser.page_source)
    browser.get(f"{web}/jaarverslag")
    csv_text = download_csv(browser)
    assert "onderdeel;code;categorie" in csv_text
    everything = "\n".join([*pages, csv_text])
    forbidden = [secret_user, coordinator, "emp-vertrouwelijk", "tp-zwannie", "Zwannie", "Grasbaas",
                 "kerstbarbecue", "kwispelstaartfabriek", "Pietersma", "intimideert", "bel je morgen",
                 "Bolderbast", pseudonym(r), link.rsplit("/", 1)[1]]
    assert [f for f in forbidden if f in everything] == []
    # and the counting table holds nothing but labels and numbers
    with session_scope(bot.services.engine) as s:
        dump = repr(s.execute(text("SELECT * FROM answer_count")).all())
    assert [f for f in forbidden if f in dump] == [] and "slack" not in dump
