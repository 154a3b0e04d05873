"""Participant texts (issue 11, and issue 10's points on them): the telephone script on
explicit consent, the draft mark, second person throughout, third-party guidance and
withdrawal as it works for each method. Built for the contract example and the two
examples of tests/data: capacity-example.yaml (may_lack_capacity, personal consultee) and
telephone-example.yaml (telephone survey on explicit consent, called by a processor)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA
from texts_helpers import build_texts, example_data

from dpia.answers.loader import parse
from dpia.render import readability
from dpia.render.participant import country_name, second_person

FOLDER = "participant-information/"


def data_of(name: str) -> dict[str, Any]:
    if name == "contract":
        return example_data("contract")
    data, _ = parse((DATA / f"{name}-example.yaml").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    return {
        name: build_texts(data_of(name), tmp_path_factory.mktemp(name))
        for name in ("contract", "capacity", "telephone")
    }


def participant(files: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in files.items() if k.startswith(FOLDER)}


def flat(text: str) -> str:
    return " ".join(text.split())


def test_telephone_script_asks_for_explicit_consent_after_saying_everything(
    built: dict[str, dict[str, str]],
) -> None:
    script = flat(built["telephone"][FOLDER + "survey-introduction.txt"])
    # The caller gives their own name and organisation, and says for whom a processor calls.
    assert "My name is [your first name]. I am calling from CallCo Research Ltd." in script
    assert "We are doing a survey for Healthwatch Northtown and Northtown Carers Centre." in script
    # Said before the consent question: health questions, who holds the answers (the
    # processor abroad by country), who receives what.
    consent = script.index("Do you agree to take part")
    for said in ("Some questions are about your health.",
                 "FormsCo Ltd keeps its copy on computers in the United States.",
                 "Healthwatch Northtown will keep your answers.",
                 "Northtown General Hospital NHS Foundation Trust gets only aggregate findings"):
        assert 0 <= script.index(said) < consent, said
    assert "[Record the answer, yes or no" in script[consent:]
    assert "This includes what you tell us about your health." in script[consent:]
    # A web address is offered to be sent, never read aloud.
    assert "I can send you a link" in script
    assert "http" not in script and "Are you happy to start?" not in script


def test_telephone_script_without_explicit_consent_asks_to_start(tmp_path: Path) -> None:
    data = data_of("telephone")
    data["processing"]["lawful_basis"] = "public_task"
    data["processing"]["special_category_condition"] = "health_or_social_care"
    data["processing"]["schedule1_condition"] = "Schedule 1, paragraph 2: health or social care purposes"
    script = flat(build_texts(data, tmp_path)[FOLDER + "survey-introduction.txt"])
    assert "Are you happy to start?" in script and "Do you agree" not in script


def test_every_participant_text_of_an_unsigned_project_starts_with_the_draft_mark(
    built: dict[str, dict[str, str]], tmp_path: Path,
) -> None:
    for name, files in built.items():  # signed off: no mark
        assert not any("DRAFT" in t for t in participant(files).values()), name
    data = data_of("contract")
    data.pop("signoff")
    files = participant(build_texts(data, tmp_path))
    assert len(files) >= 5
    for path, text in files.items():
        first = re.sub(r"<[^>]+>", "", text.split("<main>", 1)[-1]).strip().splitlines()[0]
        assert first.strip().startswith(readability.DRAFT_MARK), path
    # The mark is removed before use, so it does not count against the word limit.
    intro = files[FOLDER + "survey-introduction.txt"]
    assert readability.measure(intro).words == readability.measure(intro.split("\n", 2)[2]).words


def test_texts_that_say_you_never_speak_of_participants(built: dict[str, dict[str, str]]) -> None:
    for name, files in built.items():
        for path, text in participant(files).items():
            assert not re.search(r"\bparticipants? (can|may|will)\b", text, re.I), (name, path)
    assert second_person("Participants can withdraw their answers until 1 July.") == (
        "You can withdraw your answers until 1 July.")
    assert second_person("Data is kept for a year.") == "Data is kept for a year."


def test_third_party_subjects_are_described_not_forbidden(built: dict[str, dict[str, str]]) -> None:
    intro = flat(built["contract"][FOLDER + "survey-introduction.txt"])  # carers write about others
    assert "You can write about other people, but please leave out their names." in intro
    assert "do not name anyone" not in intro
    sheet = flat(built["capacity"][FOLDER + "focus-group.txt"])  # none expected
    assert "Please do not tell us other people's names or details." in sheet
    for path in ("focus-group.txt", "interview.txt"):  # the information sheets too, spoken
        assert "You can tell us about other people, but please do not say their names." in flat(
            built["contract"][FOLDER + path])
    script = flat(built["telephone"][FOLDER + "survey-introduction.txt"])  # said aloud
    assert "You can tell me about other people, but please do not say their names." in script
    assert "Please do not give us other people's names" not in script
    easy = easy_read_lines(built["contract"][FOLDER + "easy-read.html"])
    assert "You can tell us about other people." in easy and "Please do not say their names." in easy
    short = flat(built["capacity"][FOLDER + "short-version-focus-group.txt"])
    assert "Please do not tell us other people's names or details." in short


def test_withdrawal_as_it_works_for_each_method(built: dict[str, dict[str, str]], tmp_path: Path) -> None:
    group = flat(built["contract"][FOLDER + "focus-group.txt"]).split("Changing your mind", 1)[1]
    # the answers' own withdrawal, not a rule of the template's (dpia check advises when the
    # answer does not say how it works in a group: tests/test_dpo_review.py)
    assert "You can leave the group at any time. You can withdraw your answers until 1 July 2026" in group
    assert "stays in our notes" not in group
    interview = flat(built["contract"][FOLDER + "interview.txt"]).split("Changing your mind", 1)[1]
    assert "You can stop the interview at any time" in interview
    assert "You can withdraw your answers until 1 July 2026" in interview
    data = data_of("contract")
    data["project"]["methods"] = ["engagement_event"]
    data["project"].pop("participation_minutes")
    event = flat(build_texts(data, tmp_path)[FOLDER + "engagement-event.txt"])
    assert "we cannot find what you told us later" in event
    assert "withdraw your answers until" not in event


def test_capacity_is_explained_when_people_may_lack_it(built: dict[str, dict[str, str]]) -> None:
    sheet = flat(built["capacity"][FOLDER + "interview.txt"])
    assert "If it is hard to decide" in sheet
    assert "we may ask someone who knows you well" in sheet
    assert "If it is hard to decide" not in built["contract"][FOLDER + "interview.txt"]


# capacity_approach as staff write it: assessment, the two-stage test, a consultee.
STAFF_WORDING = ("We will assess capacity using the two-stage test. Where participants lack "
                 "capacity we consult a personal consultee under section 32.")


def test_staff_wording_on_capacity_reaches_no_participant(tmp_path: Path) -> None:
    """capacity_approach is printed as typed only for staff and the consultee: each text a
    participant reads says what happens in plain words instead."""
    data = data_of("capacity")
    data["processing"]["capacity_approach"] = STAFF_WORDING
    files = build_texts(data, tmp_path)
    for_participants = [k for k in participant(files)
                        if "consultee-information" not in k]
    assert any("short-version" in k for k in for_participants)
    assert any("consent-form" in k for k in for_participants)
    for path in for_participants:
        text = flat(re.sub(r"<[^>]+>", " ", files[path]))
        for staff_word in ("two-stage", "assess capacity", "section 32"):
            assert staff_word not in text, (path, staff_word)
        if "consent-form" not in path and "easy-read" not in path:
            assert "someone who knows you well" in text, path
    consultee = flat(files[FOLDER + "consultee-information.txt"])
    assert STAFF_WORDING in consultee  # as typed: not rewritten to 'you', the consultee


def test_short_version_for_people_who_may_lack_capacity(built: dict[str, dict[str, str]]) -> None:
    files = built["capacity"]
    for method in ("focus-group", "interview"):
        for fmt in ("txt", "html", "md"):
            assert FOLDER + f"short-version-{method}.{fmt}" in files
        text = files[FOLDER + f"short-version-{method}.txt"]
        full = files[FOLDER + f"{method}.txt"]
        s = readability.score("short_version", text)
        assert s.meets_target and s.within_word_limit, (method, s)
        assert s.result.long_sentences == () and s.result.fragments == ()
        summary = flat(data_of("capacity")["project"]["summary"])
        own = [x for x in readability.sentences(text) if x not in summary]  # summary: as typed
        assert max(readability.word_count(x) for x in own) <= 15
        assert s.result.words < readability.measure(full).words / 2
        assert s.result.ease > readability.measure(full).ease
        flat_text = flat(text)
        for needed in ("You do not have to take part.", "You can stop at any time.",
                       "someone who knows you well", "We do not put your name in our report.",
                       "If you have a question, contact Tom Okafor at Healthwatch Northtown."):
            assert needed in flat_text, (method, needed)
    assert "The group talk takes about 60 minutes." in flat(files[FOLDER + "short-version-focus-group.txt"])
    assert ("You can leave the group at any time. You can ask us not to use what you said. "
            "The last day to ask is 1 July 2026.") in flat(files[FOLDER + "short-version-focus-group.txt"])
    assert "14pt" in files[FOLDER + "short-version-interview.html"]
    for name in ("contract", "telephone"):  # nobody is expected to lack capacity
        assert not any("short-version" in k for k in built[name])
    # The start page lists each as a short version, with what to do with it.
    from texts_helpers import project_from

    from dpia.render import index
    known = index._known(project_from(data_of("capacity")))
    assert known[FOLDER + "short-version-interview"] == ("short_version", "interview")


def test_readability_targets_hold_for_every_participant_text(built: dict[str, dict[str, str]]) -> None:
    kinds = {"survey-introduction": "survey_introduction", "short-version-focus-group": "short_version",
             "short-version-interview": "short_version"}
    for name, files in built.items():
        for path, text in participant(files).items():
            if not path.endswith(".txt"):
                continue
            stem = Path(path).stem
            kind = kinds.get(stem, "information_sheet")
            if name == "telephone" and stem == "survey-introduction":
                kind = "telephone_script"
            s = readability.score(kind, text)
            assert s.meets_target and s.within_word_limit, (name, path, s)


def test_country_names_read_in_a_sentence() -> None:
    assert country_name("United States") == "the United States"
    assert country_name("France") == "France"


def table_rows(html: str, caption: str) -> list[str]:
    table = html.split(f"<caption>{caption}</caption>", 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[^>]*>(.*?)</tr>", table)[1:]  # after the header row


def test_consent_forms_one_statement_a_line_with_a_box_to_initial(
    built: dict[str, dict[str, str]], tmp_path: Path,
) -> None:
    files = built["contract"]
    assert {k for k in files if "consent-form" in k} == {
        FOLDER + f"consent-form-{m}.{x}" for m in ("focus-group", "interview") for x in ("html", "md")}
    html = files[FOLDER + "consent-form-focus-group.html"]
    rows = table_rows(html, "Please initial each box")
    statements = [re.sub(r"<[^>]+>", "", r.split("</th>")[0]) for r in rows]
    for needed in ("I have read the information sheet", "I take part because I want to",
                   "is recorded and typed up", "quote my words", "I agree that you use what I tell you",
                   "I know how to withdraw", "may contact me again"):
        assert sum(needed in s for s in statements) == 1, needed
    assert all(r.endswith("<td></td>") for r in rows)  # an empty box beside each statement
    for who in ("The participant fills this in", "The person taking consent fills this in"):
        assert [re.sub(r"<[^>]+>", "", r) for r in table_rows(html, who)][-2:] == ["Signature", "Date"]
    assert "consultee" not in html.lower()  # nobody lacks capacity here
    assert "I know how to withdraw" in files[FOLDER + "consent-form-interview.md"]
    # No recording: no recording statement. A survey gets a form only under consent.
    assert "<caption>The personal consultee fills this in</caption>" in built["capacity"][
        FOLDER + "consent-form-interview.html"]
    assert not any("consent-form" in k for k in built["telephone"])  # consent is in the script
    data = data_of("contract")
    data["processing"]["lawful_basis"] = "consent"
    data["processing"]["special_category_condition"] = "explicit_consent"
    data["processing"].pop("schedule1_condition")
    data["processing"].pop("legitimate_interests")
    names = build_texts(data, tmp_path)
    assert FOLDER + "consent-form-online-survey.html" in names


def test_consultee_information_only_when_capacity_may_be_lacking(built: dict[str, dict[str, str]]) -> None:
    assert not any("consultee-information" in k for k in built["contract"])
    text = flat(built["capacity"][FOLDER + "consultee-information.txt"])
    for needed in ("It is called the Mental Capacity Act 2005.",
                   "If you think they would not want to take part, we will not include them.",
                   "A trained researcher checks before each session",  # from capacity_approach
                   "We stop at once if the person seems upset",
                   "They may take part in a group discussion. It takes about 60 minutes."):
        assert needed in text, needed
    s = readability.score("information_sheet", built["capacity"][FOLDER + "consultee-information.txt"])
    assert s.meets_target


def test_consultee_sheet_says_what_the_law_requires_not_that_the_project_was_approved(
    built: dict[str, dict[str, str]], tmp_path: Path,
) -> None:
    # The capacity DPIA says the section 31 approval is not in the answers: the sheet must be
    # true whatever its status, and the build tells the reader to check it.
    from conftest import TODAY
    from texts_helpers import project_from

    from dpia.assessment.assess import assess
    from dpia.render import Job, participant

    text = flat(built["capacity"][FOLDER + "consultee-information.txt"])
    assert "The law lets us ask" not in text
    assert re.search(r"\b(is|was|has been|have been) approved\b", text) is None
    for needed in (
        "First, a research ethics committee, or another body the law recognises, must approve "
        "the project. We must not ask for your advice before that.",
        # section 32(2): caring, not for pay; 32(3): failing that, a nominated consultee with
        # no connection with the project
        "A personal consultee looks after the person, or cares about how they are. It must not "
        "be their paid job to care for them.",
        "If nobody like this can be found, the law lets us ask someone who has no connection "
        "with the project instead.",
    ):
        assert needed in text, needed
    project = project_from(data_of("capacity"))
    outputs = participant.write(Job(project, assess(project, TODAY), tmp_path))
    (sheet,) = [o for o in outputs if o.path.name == "consultee-information.txt"]
    assert participant.APPROVAL_NOTE in sheet.notes and "section 31" in participant.APPROVAL_NOTE


def test_consultee_sheet_gives_the_data_protection_contact_and_rights(
    built: dict[str, dict[str, str]],
) -> None:
    text = flat(built["capacity"][FOLDER + "consultee-information.txt"])
    sheet = flat(built["capacity"][FOLDER + "interview.txt"])
    same_as_sheet = (  # the information sheet's own sentences, from the same macros
        "To ask, contact Priya Shah at Healthwatch Northtown: email dpo@hwnorthtown.example or "
        "phone 01632 960123. It is free.",
        "For questions about your information, contact the Data Protection Officer at "
        "Healthwatch Northtown: email dpo@hwnorthtown.example or phone 01632 960123.",
        "You can also complain to the Information Commissioner's Office (ICO).",
        "You can read more about how we use your information at "
        "https://example.org/healthwatch-northtown/privacy",
    )
    for needed in same_as_sheet:
        assert needed in text and needed in sheet, needed
    assert "Your rights ----------- These rights are about what we record about you." in text
    assert "- ask us for a copy of what we hold about you" in built["capacity"][
        FOLDER + "consultee-information.txt"]
    assert ("We write down your name, how you know the person, and the advice you give us."
            in text)
    assert "We do not ask for your name" not in text  # a consultee's name is recorded


def test_privacy_notice_says_what_is_recorded_about_a_consultee(
    built: dict[str, dict[str, str]],
) -> None:
    from dpia.render.notice import CONSULTEE_NOTE

    notice = flat(built["capacity"]["privacy-notice.txt"])
    for needed in ("This person is called a personal consultee.",
                   "We record the consultee's name, how they know the person, and their advice.",
                   "We use this to show that we asked for their advice first, and followed it.",
                   "What we record about a personal consultee comes from the consultee."):
        assert needed in notice, needed
    assert "consultee" not in built["contract"]["privacy-notice.txt"]
    assert "lawful basis" in CONSULTEE_NOTE


@pytest.mark.parametrize("name", ["contract", "capacity", "telephone"])
def test_easy_read_is_easy_and_has_a_picture_beside_each_point(name: str, tmp_path: Path) -> None:
    from dpia.render import easyread, pictograms

    files = build_texts(data_of(name), tmp_path)
    html = files[FOLDER + "easy-read.html"]
    items = re.findall(r"<li>(.*?)</li>", html, re.S)
    assert len(items) >= 8
    lines = []
    for item in items:
        assert item.startswith('<svg class="pictogram"') and 'aria-hidden="true"' in item
        lines += [re.sub(r"<[^>]+>", "", x) for x in re.findall(r"<p>(.*?)</p>", item)]
    for line in lines:  # one idea a line, at most 12 words
        if not line.startswith(("Email:", "Phone:")):
            assert len(line.split()) <= 12, line
    s = readability.score("easy_read", easyread.plain(
        [easyread.Point("form", [x]) for x in lines], easyread.TITLE))
    assert s.result.ease >= 80 and s.result.grade <= 4, s
    assert "font-size: 16pt" in html and "size: A4" in html  # 14 pt or larger in print
    assert "http" not in html.split("<main>")[1]  # no picture or font fetched
    pdf = (tmp_path / FOLDER / "easy-read.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert set(pictograms.PICTOGRAMS) >= {"asking", "form", "lock", "speech", "bin", "telephone",
                                         "calendar"}


def test_easy_read_pdf_is_a4_with_text_of_14_pt_or_more(tmp_path: Path) -> None:
    import shutil
    import subprocess

    build_texts(data_of("capacity"), tmp_path)
    pdf = tmp_path / FOLDER / "easy-read.pdf"
    assert shutil.which("pdfinfo"), "poppler-utils is needed (apt-get install poppler-utils)"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    box = r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"'
    heights = [float(b) - float(a) for a, b in re.findall(box, boxes)]
    assert len(heights) > 50
    # poppler gives each word's box the height of its font size.
    assert min(heights) >= 14, min(heights)
    assert max(heights) >= 16
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "If deciding is hard, we may ask someone who knows you." in " ".join(text.split())


def test_fragments_are_flagged_and_the_texts_have_none(built: dict[str, dict[str, str]],
                                                       tmp_path: Path) -> None:
    assert readability.is_fragment("To find out how carers manage.")
    assert readability.is_fragment("By emailing us until 1 July.")
    assert readability.is_fragment("and then we publish it.")
    assert not readability.is_fragment("To withdraw, email us.")
    assert not readability.is_fragment("We want to find out how carers manage.")
    for name, files in built.items():
        for path, text in participant(files).items():
            if path.endswith(".txt"):
                assert readability.measure(text).fragments == (), (name, path)
    data = data_of("contract")
    data["project"]["summary"] = "To find out how carers manage."
    build = build_texts(data, tmp_path)
    fragments = readability.measure(build[FOLDER + "focus-group.txt"]).fragments
    assert fragments == ("To find out how carers manage.",)
    assert any(n.startswith("not a sentence") for n in readability.describe(
        readability.score("information_sheet", build[FOLDER + "focus-group.txt"])))


# Answers typed as notes, not sentences, and printed where a text expects a sentence.
TYPED_FRAGMENTS = {
    ("project", "summary"): "To find out how discharge went.",
    ("processing", "withdrawal"): "By emailing us until 1 July.",
    ("processing", "anonymisation"): "Our information line, weekdays 9 to 5.",
}


def test_sentences_without_a_main_verb_are_flagged(tmp_path: Path) -> None:
    from dpia.render.verbs import has_main_verb

    assert not has_main_verb("Our information line, weekdays 9 to 5.")
    assert not has_main_verb("By emailing us until 1 July.")
    assert not has_main_verb("Weekdays from 9 to 5 at the Carers Centre, Mill Lane.")
    for sentence in ("Ask us if anything is not clear.", "We anonymise the answers.",
                     "FormsCo Ltd keeps its copy on computers in the United States.",
                     "Published tables suppress any count under 5.", "This means we stop.",
                     "To withdraw, email us.", "What happens to them then: Securely deleted."):
        assert has_main_verb(sentence), sentence
    # A heading, a list item or a field has no end punctuation: never a sentence to flag.
    assert readability.verbless("Your rights\n-----------\n\n- a copy of your data\n") == ()
    data = data_of("contract")
    for (section, key), typed in TYPED_FRAGMENTS.items():
        data[section][key] = typed
    build = build_texts(data, tmp_path)
    # The focus-group sheet prints no withdrawal answer (a group talk cannot be taken back).
    for path, left_out in (("focus-group.txt", {"By emailing us until 1 July."}), ("interview.txt", set())):
        flagged = readability.measure(build[FOLDER + path]).fragments
        assert set(TYPED_FRAGMENTS.values()) - left_out <= set(flagged), (path, flagged)
    notes = readability.describe(readability.score("information_sheet", build[FOLDER + "focus-group.txt"]))
    assert ("not a sentence (no main verb, or starts in lower case): "
            "Our information line, weekdays 9 to 5.") in notes


def every_example() -> list[Path]:
    from conftest import EMBEDDED_EXAMPLE, SHARED_EXAMPLE

    shared = sorted(SHARED_EXAMPLE.parent.glob("*.yaml")) if SHARED_EXAMPLE.exists() else []
    return [*sorted(DATA.glob("*.yaml")), EMBEDDED_EXAMPLE, *shared]


@pytest.mark.parametrize("path", every_example(), ids=lambda p: p.stem)
def test_no_sentence_of_a_built_text_is_flagged_as_a_fragment(path: Path, tmp_path: Path) -> None:
    """Zero false positives: every sentence of every measured text (participant texts and the
    privacy-notice section) built from every example has a main verb and starts as a sentence."""
    data, _ = parse(path.read_text(encoding="utf-8"))
    texts = {k: v for k, v in build_texts(data, tmp_path).items() if k.endswith(".txt")}
    assert len(texts) >= 2
    for name, text in texts.items():
        assert readability.measure(text).fragments == (), (path.name, name)


def easy_read_lines(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", x) for x in re.findall(r"<p>(.*?)</p>", html.split("<ol", 1)[1])]


def test_easy_read_time_is_true_for_every_method(tmp_path: Path) -> None:
    """'It takes about N minutes' only when every method takes N: a method with no time
    recorded is never given another method's time."""
    data = data_of("contract")
    data["project"]["methods"] = ["online_survey", "focus_group", "interview"]
    data["project"]["participation_minutes"] = {"online_survey": 10}
    lines = easy_read_lines(build_texts(data, tmp_path / "some")[FOLDER + "easy-read.html"])
    assert not any(line.startswith("It takes about") for line in lines)
    said = [line for line in lines if "how long" in line or "takes about" in line]
    assert said == ["The survey online takes about 10 minutes.",  # one line would be too long
                    "Ask us how long a group talk takes.",
                    "Ask us how long a talk with one of us takes."]
    data["project"]["participation_minutes"] = {"online_survey": 30, "focus_group": 30,
                                                "interview": 30}
    lines = easy_read_lines(build_texts(data, tmp_path / "same")[FOLDER + "easy-read.html"])
    assert "It takes about 30 minutes." in lines
    data["project"].pop("participation_minutes")
    lines = easy_read_lines(build_texts(data, tmp_path / "none")[FOLDER + "easy-read.html"])
    assert not any("takes" in line for line in lines)
    data["project"]["methods"] = ["interview", "focus_group", "telephone_survey"]
    data["project"]["participation_minutes"] = {"interview": 45}
    lines = easy_read_lines(build_texts(data, tmp_path / "short")[FOLDER + "easy-read.html"])
    assert "A talk with one of us takes about 45 minutes." in lines
    assert "Ask us how long a group talk or the phone call takes." in lines


# --- where to get support -------------------------------------------------------------------

def support_texts(files: dict[str, str]) -> dict[str, str]:
    """Each participant text a person reads or hears, flattened: the plain-text files, and
    the Easy Read page's lines."""
    out = {k: flat(re.sub(r"^[-=]+$", "", v, flags=re.M))  # no heading underlines
           for k, v in participant(files).items() if k.endswith(".txt")}
    if FOLDER + "easy-read.html" in files:
        out[FOLDER + "easy-read.html"] = " ".join(easy_read_lines(files[FOLDER + "easy-read.html"]))
    return out


def kinds(names: list[str]) -> set[str]:
    """Which text types these files are."""
    found = set()
    for n in names:
        stem = n.removeprefix(FOLDER).split(".")[0]
        found.add("short-version" if stem.startswith("short-version") else stem)
    return found


def test_every_participant_text_says_where_to_get_support(built: dict[str, dict[str, str]]) -> None:
    # A local Healthwatch takes part in all three examples: its statutory information and
    # signposting role, said in every text; "also" after a contact at the Healthwatch.
    seen: list[str] = []
    for name in ("contract", "capacity", "telephone"):
        for path, text in support_texts(built[name]).items():
            seen.append(path if name != "telephone" else FOLDER + "telephone-script")
            if path.endswith("easy-read.html"):
                assert ("Do you need help with health or care? "
                        "Healthwatch Northtown can tell you where to go.") in text, (name, path)
            elif "survey-introduction" in path or "short-version" in path:
                # after "contact Tom Okafor at Healthwatch Northtown. You can email ..."
                assert "Healthwatch Northtown can also tell you where to find care and support." in text
            else:  # a section of its own, with how to reach the Healthwatch
                assert ("Getting support Healthwatch Northtown can tell you where to find care and "
                        "support. Contact Tom Okafor at Healthwatch Northtown. You can email "
                        "research@hwnorthtown.example.") in text, (name, path)
    assert kinds(seen) >= {"survey-introduction", "telephone-script", "focus-group", "interview",
                           "short-version", "consultee-information", "easy-read"}


def test_support_without_a_local_healthwatch_promises_no_service(tmp_path: Path) -> None:
    # No local Healthwatch (Healthwatch England has no local signposting role): people are
    # asked to tell the named contact; nothing says anyone can find them care or support.
    seen: list[str] = []
    for name in ("contract", "capacity"):
        data = data_of(name)
        for org in data["organisations"]:
            if org["type"] == "healthwatch":
                org["name"] = "Healthwatch England"
        for path, text in support_texts(build_texts(data, tmp_path / name)).items():
            seen.append(path)
            assert "where to find care and support" not in text and "where to go" not in text
            if path.endswith("easy-read.html"):
                assert "Do you need help after taking part? Please tell us." in text
            elif "survey-introduction" in path or "short-version" in path:
                assert "If you need support after taking part, please tell Tom Okafor." in text
            else:
                assert ("Getting support If taking part brings up anything you need support "
                        "with, please tell us. Contact Tom Okafor at Healthwatch England.") in text
    assert kinds(seen) >= {"survey-introduction", "focus-group", "short-version", "easy-read"}


def test_support_from_a_healthwatch_that_is_not_the_contact(tmp_path: Path) -> None:
    # The Healthwatch is a partner, not the organisation people contact: it is named with its
    # own contact from the answers, and no "also".
    data = data_of("contract")
    for org in data["organisations"]:
        if org["id"] == "hwn":
            org["type"] = "voluntary"
            org["name"] = "Northtown Voices"
        elif org["id"] == "ncc":
            org["type"] = "healthwatch"
            org["name"] = "Healthwatch Carers Northtown"
            org["contact"] = {"name": "Ada Obi", "email": "help@hwcarers.example"}
    files = support_texts(build_texts(data, tmp_path))
    intro = files[FOLDER + "survey-introduction.txt"]
    assert ("contact Tom Okafor at Northtown Voices. You can email research@hwnorthtown.example. "
            "Healthwatch Carers Northtown can tell you where to find care and support. "
            "You can email help@hwcarers.example.") in intro
    assert ("Healthwatch Carers Northtown can tell you where to find care and support. Contact "
            "Ada Obi at Healthwatch Carers Northtown. You can email help@hwcarers.example.") in files[
        FOLDER + "focus-group.txt"]


# --- pronouns and the small-number rule -----------------------------------------------------

def test_organisations_working_for_it_or_them(tmp_path: Path) -> None:
    one = flat(build_texts(data_of("capacity"), tmp_path / "one")[FOLDER + "focus-group.txt"])
    assert "Only Healthwatch Northtown, and organisations working for it, will keep" in one
    data = data_of("capacity")  # Northtown Carers Centre receives the answers too: two keep them
    data["sharing"].append({**data["sharing"][0], "id": "answers-to-ncc", "from": "hwn", "to": "ncc",
                            "purpose": "Joint analysis"})
    files = build_texts(data, tmp_path / "two")
    for path in ("focus-group.txt", "consultee-information.txt"):
        text = flat(files[FOLDER + path])
        assert ("Only Healthwatch Northtown and Northtown Carers Centre, and organisations working "
                "for them, will keep") in text, path


@pytest.mark.parametrize("typed", ["Published tables suppress any count under 5.",
                                   "Counts of fewer than five people are suppressed."])
def test_the_small_number_rule_is_said_once(typed: str, tmp_path: Path) -> None:
    data = data_of("contract")
    data["processing"]["anonymisation"] = "Names are removed before analysis. " + typed
    data["processing"]["small_number_threshold"] = 5
    files = participant(build_texts(data, tmp_path / "typed"))
    for path, text in files.items():
        assert "If fewer than 5 people gave an answer" not in text, path
    assert flat(files[FOLDER + "focus-group.txt"]).count(typed) == 1
    # the same rule in digits or in words: no advice that the answers state two rules
    from conftest import TODAY
    from texts_helpers import project_from

    from dpia.assessment.assess import assess
    assert "small-number-two-rules" not in {g.id for g in assess(project_from(data), TODAY).gaps}
    # Typed text without the rule: the sheet states the template's rule, once.
    data["processing"]["anonymisation"] = "Names are removed before analysis."
    sheet = flat(build_texts(data, tmp_path / "own")[FOLDER + "focus-group.txt"])
    assert sheet.count("If fewer than 5 people gave an answer, we do not publish the number.") == 1


