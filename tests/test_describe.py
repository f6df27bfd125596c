"""The description stage: reference styles, verdicts, claims, content-free statements, evidence."""
from __future__ import annotations

import pytest

from prefbasis.annotate.describe import FAILURE_REASONS, EvaluativeVocabulary, describe_rationale
from prefbasis.annotate.describe.references import bare_labels, find_references, reference_noun, winner_position
from prefbasis.annotate.describe.verdict import find_verdict, is_verdict_only

# The same judgement in every common reference style: (first response's name, second response's name)
STYLES = [
    ("Assistant 1", "Assistant 2"), ("Assistant A", "Assistant B"), ("Response A", "Response B"),
    ("Response 1", "Response 2"), ("Output (a)", "Output (b)"), ("Answer A", "Answer B"), ("Answer 1", "Answer 2"),
    ("Model A", "Model B"), ("the first response", "the second response"), ("Candidate 1", "Candidate 2"),
    ("Submission A", "Submission B"),
]


@pytest.mark.parametrize("first,second", STYLES)
def test_every_reference_style_gives_the_same_statements(first, second):
    text = (f"{second} is vague and repeats the question. {first[0].upper() + first[1:]} is more concise and gives "
            f"concrete examples. Therefore, {first} is better.")
    found = [r.position for r in find_references(text)]
    assert found == [2, 1, 1]
    out = describe_rationale(text, winner=1)
    assert out.failure is None
    descs = [p["description"] for p in out.preferences]
    assert descs[:2] == ["The preferred response is more concise.", "The preferred response gives concrete examples."]
    assert all(first.lower() not in d.lower() and second.lower() not in d.lower() for d in descs)
    assert all(p["evidence"] in text for p in out.preferences)


@pytest.mark.parametrize("text,position", [
    ("Output (a) is vague. Therefore, Output (b) is better.", 2),
    ("Both are fine, but I prefer Response 1.", 1),
    ("Assistant A is clearer.\n\nMy final verdict is: [[A]]", 1),
    ("Assistant A is clearer.\n\n[[B]]", 2),
    ("They tie in quality. [[C]]", 0),
    ("My final verdict is Assistant B is slightly better: [[B>A]]", 2),
    ("My final verdict is tie: [[A=B]]", 0),
    ("8 6\nAssistant 1 gave more steps.", 1),
    ("Assistant 1 gave more steps.\nAssistant 1: 6/10\nAssistant 2: 9/10", 2),
    ("Assistant 2 is more detailed.\n\n2", 2),
    ("Response A is not better than Response B; Response B is better.", 2),
    ("The better answer is Answer 2.", 2),
])
def test_verdicts_in_every_form(text, position):
    v = find_verdict(text)
    assert v is not None and v.position == position


def test_no_verdict_and_verdict_only():
    assert find_verdict("Output (a) gives more detail than Output (b).") is None
    assert is_verdict_only("Therefore, Output (a) is better.") and is_verdict_only("[[B]]")
    assert not is_verdict_only("Output (a) is better because it cites sources.")


@pytest.mark.parametrize("text,winner,expected", [
    ("Response 1 is better because it is concise.", 1, ["The preferred response is concise."]),
    ("Output (b) is the better answer since it cites its sources.", 2, ["The preferred response cites its sources."]),
    ("Response 1 is shorter than Response 2.", 1, ["The preferred response is shorter."]),
    ("Bot B is funnier than Bot A.", 2, ["The preferred response is funnier."]),
    ("Response A is correct.", 1, ["The preferred response is correct."]),
    ("Response A is much better and more concise.", 1, ["The preferred response is more concise."]),
    ("Response A is clearly better and gives examples.", 1, ["The preferred response gives examples."]),
])
def test_a_short_verdict_that_gives_its_reason_states_one(text, winner, expected):
    """One-line reasons (human raters, terse judges): a verdict with "because"/"since", or a bare
    comparative, is a reason, not "no reason stated"."""
    out = describe_rationale(text, winner)
    assert out.failure is None and [p["description"] for p in out.preferences] == expected


@pytest.mark.parametrize("text", ["Therefore, Output (a) is better.", "Response A is good.", "Assistant 1 wins.",
                                  "[End of Response A]", "I would choose Response A.", "I'd choose Response A.",
                                  "Response A is way better than Response B.", "Response A beats Response B.",
                                  "Therefore, Output (a) is better overall."])
def test_a_verdict_alone_states_no_reason(text):
    assert is_verdict_only(text) and describe_rationale(text, 1).failure == "no reason stated"


@pytest.mark.parametrize("first,second", [("Text A", "Text B"), ("Translation 1", "Translation 2"),
                                          ("Solution (a)", "Solution (b)"), ("Story #1", "Story #2")])
def test_a_judges_own_noun_for_the_responses_is_read(first, second):
    """A judge that names the responses with a noun of its own ("Text A", "Translation 2") is read like
    "Response A"; the evidence keeps the judge's words."""
    text = (f"{first} is more fluent than {second}. {second} has grammatical errors, while the first "
            f"{first.split()[0].lower()} keeps the tense.")
    out = describe_rationale(text, 1, ("Translate into French: I was there.", "x", "y"))
    assert out.failure is None
    assert [p["description"] for p in out.preferences][:2] == [
        "The preferred response is more fluent.", "The preferred response keeps the tense."]
    assert all(p["evidence"] in text for p in out.preferences)
    lost = describe_rationale(text, 2, ("Translate into French: I was there.", "x", "y"))
    assert "The preferred response is more fluent." not in [p["description"] for p in lost.preferences]


@pytest.mark.parametrize("text", [
    "Correctly shows that f(x) equals 2 when x equals 1, and is more thorough.",   # a verb before the numbers
    "Correctly says that Influenza A causes pandemics while Influenza B does not.",  # things of the subject
    "Project A has a higher NPV than Project B.", "The correct answer is choice B, not choice A.",
    "Variant A is the control and Variant B is the treatment.",
])
def test_only_a_noun_for_a_piece_of_writing_names_the_responses(text):
    assert reference_noun(text) is None and describe_rationale(text, 1).failure == "unparseable"


def test_the_judges_words_come_back_exactly_as_written():
    text = ("TEXT A is more fluent than TEXT B, which has 2 errors. The second Text also drops the tense, "
            "while Text A keeps the first text message intact.")
    assert reference_noun(text) == "text"
    out = describe_rationale(text, 1)
    assert out.failure is None and all(p["evidence"] in text for p in out.preferences)
    assert "The preferred response keeps the first text message intact." in [p["description"] for p in out.preferences]
    # one side labelled, the other "the second text"
    one = describe_rationale("Text A is more fluent. The second text has grammatical errors.", 1)
    assert [p["evidence"] for p in one.preferences] == ["Text A is more fluent.", "The second text has grammatical errors."]


@pytest.mark.parametrize("text,winner,expected", [
    ("A is more concise than B.", 1, ["The preferred response is more concise."]),
    ("B rambles; A gets to the point.", 1, ["The preferred response gets to the point."]),
    ("A lacks detail, B explains each step.", 2, ["The preferred response explains each step.",
                                                  "The preferred response has detail."]),
    ("B is better. A is too long.", 2, ["The preferred response is less long."]),
])
def test_bare_letters_name_the_responses(text, winner, expected):
    """A product's raters write "A is more concise than B": the bare letters are the responses when
    both are used so, "A" is not the article ("A good answer …") and the task has no options A/B."""
    out = describe_rationale(text, winner)
    assert [p["description"] for p in out.preferences] == expected
    assert all(p["evidence"] in text for p in out.preferences)


def test_bare_letters_are_not_the_responses_when_they_mean_something_else():
    assert bare_labels("A good answer is short; B is not.") == []          # "A" the article: no A label
    assert bare_labels("Plan B is better than Plan A.") == []               # after a content word
    mcq = ("Which is right? A) 4 B) 5", "B", "A")
    assert describe_rationale("B is correct, A is wrong.", 2, mcq).failure == "unparseable"


@pytest.mark.parametrize("text,winner,expected", [
    ("Response B is accurate, while the other is vague and lacks examples.", 2,
     ["The preferred response is accurate.", "The preferred response is less vague.", "The preferred response has examples."]),
    ("Response B is more accurate. The other one contains errors.", 2,
     ["The preferred response is more accurate.", "The preferred response does not contain errors."]),
    ("Response A gives a worked example, Response B does not.", 1, ["The preferred response gives a worked example."]),
    ("Output (a) is more accurate, Output (b)'s answer contains errors.", 1,
     ["The preferred response is more accurate.", "The preferred response does not contain errors."]),
    ("Response B more closely follows the instruction.", 2, ["The preferred response more closely follows the instruction."]),
])
def test_the_other_response_and_comma_splices(text, winner, expected):
    """"the other (response)" is the response the paragraph was not talking about; a comma before a
    reference that starts its own clause splits two claims."""
    assert [p["description"] for p in describe_rationale(text, winner).preferences] == expected


def test_a_labelled_noun_is_not_a_response_when_the_task_uses_it_or_a_known_style_is_there():
    word_problem = ("Train A leaves at 9 and Train B at 10.", "Train A arrives first.", "Train B arrives first.")
    assert reference_noun("Pipe A fills faster than Pipe B.", ["Pipe A fills a tank in 3 h; Pipe B in 4 h."]) is None
    assert reference_noun("Step 1 is clear but Step 2 is not.") is None            # inside an answer
    assert reference_noun("Essay A is clear; Essay B is not.", word_problem) == "essay"
    assert reference_noun("Text A is clear; Poem 1 and Poem 2 differ; Text B is not.") is None   # ambiguous
    assert describe_rationale("Train A is faster than Train B.", 1, word_problem).failure == "unparseable"
    known = "Response A quotes Article 1 and Article 2 correctly, while Response B does not."
    assert [r.text for r in find_references(known)] == ["Response A", "Response B"]
    assert describe_rationale(known, 1).preferences[0]["evidence"] == known


def test_presented_order_maps_the_judges_view_to_the_stored_winner():
    assert winner_position("a", None) == 1 and winner_position("b", "a_first") == 2
    assert winner_position("a", "b_first") == 2 and winner_position("b", "b_first") == 1
    assert winner_position("tie", "b_first") == 0
    # the judge saw b first: its "Output (a)" is the stored response_b, the stored winner
    text = "Output (a) is more accurate. Output (b) contains errors. Therefore, Output (a) is better."
    ok = describe_rationale(text, winner=winner_position("b", "b_first"))
    assert ok.failure is None and ok.preferences[0]["description"] == "The preferred response is more accurate."
    bad = describe_rationale(text, winner=winner_position("b", None))
    assert bad.failure == "verdict contradicts winner" and "position 1" in bad.detail


def test_failure_reasons_are_accounted_for():
    assert describe_rationale("", 1).failure == "no reason stated"
    assert describe_rationale("2", 2).failure == "no reason stated"
    assert describe_rationale("It is a good poem with vivid imagery.", 1).failure == "unparseable"
    # praise of both (a rubric echo) and of the loser say nothing about why the winner won
    echo = ("Both Assistant 1 and Assistant 2 were helpful, relevant and accurate. Assistant 2 is also "
            "detailed.\n1")
    assert describe_rationale(echo, 1).failure == "no discriminative claim"
    assert set(FAILURE_REASONS) == {"no reason stated", "verdict contradicts winner", "unparseable",
                                    "no discriminative claim"}


@pytest.mark.parametrize("loser_claim,statement", [
    ("does not follow the instruction", "follows the instruction"),
    ("fails to answer the question", "answers the question"),
    ("is less accurate", "is more accurate"),
    ("is not as clear", "is more clear"),
    ("is incomplete", "is complete"),
    ("is vague", "is less vague"),
    ("is too verbose", "is less verbose"),
    ("lacks specific examples", "has specific examples"),
    ("only lists the steps", "does more than list the steps"),
    ("contains factual errors", "does not contain factual errors"),
])
def test_the_losers_failings_are_turned_around(loser_claim, statement):
    out = describe_rationale(f"Response A is fine. Response B {loser_claim}.", winner=1)
    assert f"The preferred response {statement}." in [p["description"] for p in out.preferences]


def test_subject_matter_is_masked_and_evidence_kept():
    prompt = "Explain how the Roman aqueducts carried water into Rome."
    responses = ["The aqueducts used gravity and arches.", "Rome had water."]
    text = ("Assistant 1 gives a more detailed explanation of the Roman aqueducts and their arches, while "
            "Assistant 2 is vague about how water reached Rome.\n1")
    out = describe_rationale(text, 1, [prompt, *responses])
    descs = [p["description"] for p in out.preferences]
    assert descs == ["The preferred response is more detailed.", "The preferred response is less vague."]
    for d in descs:
        assert not {"roman", "aqueducts", "rome", "arches", "water"} & set(d.lower().rstrip(".").split())
    assert out.preferences[0]["evidence"].startswith("Assistant 1 gives a more detailed explanation")


def test_a_claim_about_the_prompts_own_task_reads_as_compliance():
    prompt = "Write a haiku about autumn leaves."
    text = "Output (b) writes a haiku about autumn leaves, while Output (a) writes a limerick. Output (b) is better."
    out = describe_rationale(text, 2, [prompt, "Leaves fall...", "There once was a leaf..."])
    assert out.preferences[0]["description"] == "The preferred response does what the prompt asks."


def test_vocabulary_learns_evaluative_words_from_many_prompts():
    rationales = [f"Assistant 1 is more vivid about topic {i}." for i in range(40)]
    prompts = [f"prompt {i}" for i in range(40)]
    contexts = [f"Tell me about the aqueducts of city {i}" for i in range(40)]
    vocab = EvaluativeVocabulary().fit(rationales + ["Assistant 1 explains the aqueducts."], prompts + ["p"],
                                       contexts + ["aqueducts"])
    from prefbasis.words import root
    assert vocab.is_evaluative(root("vivid")) and not vocab.is_evaluative(root("aqueducts"))
    assert vocab.fingerprint() == EvaluativeVocabulary().fit(rationales + ["Assistant 1 explains the aqueducts."],
                                                             prompts + ["p"], contexts + ["aqueducts"]).fingerprint()


@pytest.mark.parametrize("text, statement", [
    # the judgement comes before the reason clause: what follows "because" / "in stating" is content
    ("Response A is correct because Lucie and Lin do not have any bread.", "The preferred response is correct."),
    ("Response A is correct in stating that the film is inappropriate for children.",
     "The preferred response is correct."),
    # fixing a failing is a merit
    ("Response A corrected the errors and followed proper grammar.",
     "The preferred response corrects the errors and follows proper grammar."),
])
def test_negation_is_judged_before_the_reason_clause(text, statement):
    result = describe_rationale(text, 1)
    assert result.failure is None and result.preferences[0]["description"] == statement


def test_a_rationale_that_only_finds_fault_with_the_stored_winner_contradicts_it():
    result = describe_rationale("Response B is incorrect because 'school' is not an adjective.", 2)
    assert result.failure == "verdict contradicts winner" and "only finds fault" in result.detail
    # the same sentence about the loser is a reason for the winner
    assert describe_rationale("Response B is incorrect because 'school' is not an adjective.", 1).failure is None


@pytest.mark.parametrize("text, statement", [
    ("Assistant 2's answer was helpful but provided fewer details than Assistant 1.",
     "The preferred response provides more details."),
    ("Assistant 1 has a slight edge due to its better structure.", "The preferred response has better structure."),
    # the loser "does not provide as much X (as the winner)": the winner provides more X
    ("Response B is more general and does not provide as much detail on how the queue is used.",
     "The preferred response provides more detail."),
    ("Response B does not provide as much information as Response A.", "The preferred response provides more information."),
    ("Assistant 2 didn't go into as many details as Assistant 1.", "The preferred response goes into more details."),
    ("Response B did not execute the instruction as precisely as Response A did.",
     "The preferred response executes the instruction more precisely."),
    ("Output (b) doesn't provide as much explanation.", "The preferred response provides more explanation."),
    ("Response B does not provide as much context or as many examples as Response A.",
     "The preferred response provides more context or more examples."),
    # not a comparison of degree: an adjective in -ly, a name
    ("Assistant 2 does not respond as kindly as Assistant 1.", "The preferred response responds as kindly."),
    ("Assistant 2 does not address the user as Sally.", "The preferred response addresses the user."),
])
def test_a_loser_giving_fewer_or_not_as_much_and_an_edge_due_to_something_read_as_reasons(text, statement):
    result = describe_rationale(text, 1)
    assert result.failure is None and [p["description"] for p in result.preferences] == [statement]


def test_a_losers_negated_fault_is_praise_unless_the_prompt_asks_for_the_fault():
    # "is not wrong" of the loser is no reason for the winner (it was read as "is wrong")
    praise = describe_rationale("Assistant 2 is not wrong, but it is less detailed.", 1)
    assert [p["description"] for p in praise.preferences] == ["The preferred response is more detailed."]
    # LLMBar's adversarial prompts ask for the fault: then "is not unhelpful" is the loser's failing
    prompt = "Write an unhelpful reply to a customer asking for a refund."
    asked = describe_rationale("Output (a) is a correct answer, but it is not unhelpful. Output (b) is unhelpful.", 2,
                               (prompt, "Sure, here is how to get your refund.", "No."))
    assert "The preferred response is unhelpful." in [p["description"] for p in asked.preferences]


def test_the_prompts_own_words_in_an_as_comparison_stay_masked():
    prompt = "Why don't animals have wheels? Answer as briefly as possible."
    result = describe_rationale("Output (b) does not directly answer the question as briefly as possible.", 1,
                                (prompt, "a", "b"))
    assert [p["description"] for p in result.preferences] == ["The preferred response directly answers the question."]


def test_participles_after_and_keep_their_part_of_speech():
    adjectives = {   # a participle coordinated with an adjective is an adjective: not "… and organizes"
        "Assistant 1's answer was slightly more detailed and organized.":
            "The preferred response is slightly more detailed and organized.",
        "Assistant 1's answer was more precise, detailed, and organized.":
            "The preferred response is more precise, detailed, and organized.",
        "Assistant 1 was well written and organized, with clear steps.":
            "The preferred response is well written and organized, with clear steps.",
        # a bare comparative gets "is", not a noun: not "is more comprehensive answer"
        "This level of detail makes Assistant 1's answer more comprehensive.":
            "The preferred response is more comprehensive.",
    }
    for text, statement in adjectives.items():
        assert [p["description"] for p in describe_rationale(text, 1).preferences] == [statement], text
    # with an object after it, it is a verb (its own claim, in the present like the rest)
    verb = describe_rationale("Assistant 1 was accurate and provided examples.", 1)
    assert [p["description"] for p in verb.preferences] == ["The preferred response is accurate.",
                                                            "The preferred response provides examples."]
    # before a preposition it is a verb too ("responded to"), and after a noun, object or not
    prep = describe_rationale("Assistant 1 was accurate and responded to the user's question.", 1)
    assert prep.preferences[0]["description"] == "The preferred response is accurate and responds to the user's question."
    noun = describe_rationale("Assistant 1 mentions my garden shed and referred to my spare bedroom.", 1)
    assert noun.preferences[0]["description"].endswith("and refers to my spare bedroom.")


def test_a_wh_clause_whose_subject_matter_is_masked_ends_the_statement():
    """"explains the reasons why [this number is so high]": the judgement is "explains the reasons"."""
    ctx = ("How many text messages are sent each minute? Why is the number so high?", "x", "y")
    out = describe_rationale("Assistant 1 explains the reasons why this number is so high.", 1, ctx)
    assert [p["description"] for p in out.preferences] == ["The preferred response explains the reasons."]
    kept = describe_rationale("Assistant 1 explains why it chose this approach.", 1, ("Sort a list.", "x", "y"))
    assert [p["description"] for p in kept.preferences] == ["The preferred response explains why it chose this approach."]


@pytest.mark.parametrize("ending,position", [("\nFinal verdict: B", 2), ("\nWinner: A", 1),
                                             ("\n**Preferred response:** 2", 2), (" [RESULT] A", 1),
                                             ("\nResponse B", 2), ("\n**Response A**", 1),
                                             ("\nSo, the final decision is Response B.", 2)])
def test_a_labelled_final_verdict_line_is_read(ending, position):
    """Judge templates end with a labelled verdict ("Final verdict: B", Prometheus's "[RESULT] A"):
    it is the verdict, and a verdict against the stored winner fails the comparison."""
    won, lost = "AB"[position - 1], "AB"[2 - position]
    text = f"Feedback: Response {won} is concise, while Response {lost} contains factual errors.{ending}"
    assert find_verdict(text).position == position
    assert describe_rationale(text, 3 - position).failure == "verdict contradicts winner"
    kept = describe_rationale(text, position)
    assert [p["description"] for p in kept.preferences] == [
        "The preferred response is concise.", "The preferred response does not contain factual errors."]
    assert is_verdict_only(ending.strip()) or "decision" in ending


def test_a_structured_answer_is_read_as_its_reasons_and_its_verdict():
    """A judge run with structured outputs: {"reasoning": …, "winner": …} is its reasons, in its own
    words (no JSON in the evidence), and its verdict."""
    answer = '{"reasoning": ["Response 1 is concise.", "Response 2 misses the question."], "winner": "model_a", "score": 7}'
    out = describe_rationale(answer, 1)
    assert [p["evidence"] for p in out.preferences] == ["Response 1 is concise.", "Response 2 misses the question."]
    assert describe_rationale(answer, 2).failure == "verdict contradicts winner"
    assert describe_rationale('{"explanation": "Both are fine.", "winner": "tie"}', 1).failure == "verdict contradicts winner"
    assert describe_rationale('{"not json', 1).failure == "unparseable"


@pytest.mark.parametrize("text", ["Response A adds 1 and 1 correctly.\nResult: 2", "Response A is right.\nChoice: B",
                                  '{"explanation": "Response A adds 1 and 1 correctly.", "answer": "2"}'])
def test_the_tasks_own_answer_is_not_a_verdict(text):
    assert find_verdict(text) is None and describe_rationale(text, 1).failure is None
