"""Does a sentence have a main verb? A compact, offline heuristic for the build's readability
notes: answers typed as notes ("Our information line, weekdays 9 to 5.") and pasted into a
text read as sentences without a verb, and the build flags them as it flags long sentences.

No tagger is used (no download, no start-up cost). A word is a *finite verb candidate* when

* it is an auxiliary or modal ("is", "will", "can't"), or an irregular past ("went", "kept");
* it is a verb of the lexicon below in its -s form ("keeps") or any word in -ed ("removed");
* it is a verb of the lexicon in its base form, unless "to", a determiner or a preposition
  comes just before it ("to find", "our support", "for help"): an imperative ("Ask us") or a
  verb after its subject ("We keep") counts;
* it follows a subject pronoun ("we anonymise", "they analyse"), so a verb the lexicon lacks
  still counts after "I", "you", "we", "they", "he", "she" or "it".

A sentence with no candidate has no main verb. The heuristic errs towards finding a verb: a
fragment with a noun that can be a verb ("Support for carers.") passes, but a sentence the
templates or a careful writer produce is not flagged. A sentence of a -ing or "to" phrase only
("By emailing us.", "To find out how it went.") is caught by readability.is_fragment.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Auxiliaries, modals and their contractions: finite wherever they stand.
_AUXILIARIES = _words("""
am is are was were do does did have has had will would shall should can could may might must
ought dare isn't aren't wasn't weren't don't doesn't didn't haven't hasn't hadn't won't wouldn't
shan't shouldn't can't cannot couldn't mightn't mustn't needn't let's i'm you're we're they're
he's she's it's that's there's here's what's who's i've you've we've they've i'll you'll we'll
they'll he'll she'll it'll i'd you'd we'd they'd he'd she'd
""")

# Irregular past tenses (finite; their participles alone make no main verb).
_PASTS = _words("""
went said got made knew thought took saw came gave found told became left felt brought began
kept held wrote stood heard meant met ran paid sat spoke lay led grew lost fell sent built
understood drew broke spent rose drove bought wore chose sought threw caught dealt won forgot
sold fought taught ate slept withdrew undertook forbade overcame arose woke bore beat bit blew
fed fled flew forgave froze hid hung rang rode sang sank shook shone shot slid spun stole stuck
struck swore swept swam swung tore wept wound
""")

# Common verbs in their base form. Their -s forms are derived; any word in -ed counts anyway.
_VERBS = _words("""
accept access act add adapt address admit advise affect agree aim allow analyse analyze answer
apologise appeal appear apply appoint approve archive arise arrange arrive ask assess assist
assume attach attend avoid base be bear beat become begin believe belong benefit bring build
buy call care carry catch change charge check choose claim clean close code collect combine
come comment compare complain complete comply concern confirm connect consent consider consult
contact contain continue contribute control copy correct cost count cover create cut deal
decide declare delete deliver depend describe design destroy determine develop die disagree
discuss display do draw drive drop earn email emphasise enable encourage end engage enjoy
ensure enter erase establish evaluate examine exist expect experience explain express face fail
fall feel fill find finish fit focus follow forget forward fund gather get give go grow
guarantee handle happen hate have hear help hide hold hope host identify ignore improve include
increase inform initial intend interview introduce invite involve join judge keep know last
lead learn leave let lie like limit link listen live look lose love make manage mark matter
mean measure meet mention mind miss move need note notice notify object obtain offer open
operate order own pass pay perform phone pick place plan play point post prefer prepare present
print process produce protect provide publish pull purchase put raise reach read realise
receive recognise recommend record recover recruit reduce refer reflect refuse register reject
relate rely remain remember remind remove repeat replace reply report represent request
require research reserve respect respond rest restrict result retain return review ring rise
run save say search see seek select sell send serve set settle share show sign sit sleep speak
spend stand start stay stop store struggle study submit suggest suit summarise supply support
suppose suspend take talk teach tell tend text thank think throw tick train transcribe transfer
treat trust try turn type understand undertake use value verify visit wait walk want warn
wash watch wear welcome win wish withdraw wonder work worry write
adjust affirm alert allocate amend announce anonymise appreciate approach argue assure
attract borrow break brief capture cause cease check clarify commit communicate complete
compile conduct contest convert cook cope coordinate cry date decline define delay depart
derive detect differ direct disclose dispose drink eat edit elect eliminate employ encrypt
enrol enrich escalate estimate exclude exercise expand explore extend fear fetch fix flag
fly forgive form frame gain generate grant greet guide hand hang hire hurt imagine implement
import indicate insist install invest issue keep laugh lend listen load locate lock log
maintain marry merge migrate monitor name negotiate nominate observe occur oppose organise
outline overcome owe parse participate pause permit persuade plead pray prevent proceed
promise promote prompt propose prove pursue qualify question quote rate react recall
reassure redact refund regret reinforce release remind render rent repair resolve retire
reveal ring rotate rule schedule score secure seem shape shop shout sit smile solve sort
specify spread state submit succeed suffer supervise surround survey sustain swim tackle
target test tidy track trigger unlock update upload urge validate vary view volunteer vote
""")

# Words after which a verb form is a noun or an infinitive: "to find", "our support",
# "for help", "the records". A demonstrative may be a subject ("This means"), so it only
# rules out a base form ("this support").
_NOT_BEFORE_VERB = _words("""
to the a an our your their its my his her each every any no some of for with in on at by
from about into onto without within through during after before under over than per via
""")
_DEMONSTRATIVES = {"this", "these", "those", "that"}

# A subject pronoun: the word after it is taken as its verb, unless it is one of these.
_SUBJECTS = {"i", "you", "we", "they", "he", "she", "it"}
_NOT_A_VERB_AFTER_SUBJECT = _words("""
and or but nor so as if than then too also only just all both not never often usually always
still already each either neither who whom whose which that to for of in on at by from with
about more most less least very really
""")

# Endings of verbs the lexicon lacks ("anonymise", "clarify"); "-ate" only in its -s form
# ("evaluates"), as many nouns and adjectives end in "-ate".
_VERB_ENDINGS = ("ise", "ize", "ify", "ate")

_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?|[,;:()\[\]]")


def _s_form_stem(word: str) -> str | None:
    """'keeps' -> 'keep', 'carries' -> 'carry', 'watches' -> 'watch'; None if not an -s form."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh", "o")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return None


def _finite(word: str, before: str | None) -> bool:
    """Whether ``word`` is a finite verb candidate, given the word before it (None at the
    start of the sentence or after a comma or bracket)."""
    if word in _AUXILIARIES or word in _PASTS:
        return True
    if len(word) > 4 and word.endswith("ed") and word not in ("hundred", "indeed"):
        return True
    stem = _s_form_stem(word)
    if stem is not None and (stem in _VERBS or stem + "e" in _VERBS or stem.endswith(_VERB_ENDINGS)):
        return before not in _NOT_BEFORE_VERB
    if ((word in _VERBS or word.endswith(_VERB_ENDINGS[:3]))
            and before not in _NOT_BEFORE_VERB and before not in _DEMONSTRATIVES):
        return True
    return before in _SUBJECTS and word not in _NOT_A_VERB_AFTER_SUBJECT


def has_main_verb(sentence: str) -> bool:
    """Whether a sentence has a finite verb candidate (see the module's notes)."""
    before: str | None = None
    for token in _TOKEN.findall(sentence.replace("’", "'")):
        if not token[0].isalpha():
            before = None  # a clause may start after a comma or a bracket
            continue
        word = token.lower()
        if _finite(word, before):
            return True
        before = word
    return False
