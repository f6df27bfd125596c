"""The planted preference categories: per-category synonym phrases and the sentence frames.

A description is ``frame(claim, claim2, detail)``: the frame is generic, the two claims
and the detail all carry the category's meaning, so paraphrases of one category embed close
together and far from the others (checked with all-MiniLM-L6-v2 in tests/test_simulate.py).

Example:
    >>> cat = CATEGORIES[0]
    >>> cat.key, len(cat.claims) >= 8
    ('conciseness', True)
    >>> render(FRAMES[2], cat.claims[0], cat.claims[1], cat.details[0])
    'It is brief and concise and keeps it short and succinct.'
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    """One planted preference category and the phrases its paraphrases are built from."""

    key: str                      # stable id stored as planted_category
    name: str                     # canonical 2-6 word preference
    description: str              # canonical one-sentence description
    preferences: tuple[str, ...]  # 2-6 word preference phrases
    claims: tuple[str, ...]       # verb phrases, third person, subject = the winning response
    details: tuple[str, ...]      # trailing phrases that restate the same idea


def _c(key: str, name: str, description: str, preferences: str, claims: str, details: str) -> Category:
    split = lambda text: tuple(p.strip() for p in text.split("|") if p.strip())  # noqa: E731
    return Category(key, name, description, split(preferences), split(claims), split(details))


CATEGORIES: tuple[Category, ...] = (
    _c("conciseness", "concise answer", "The response is brief and concise, with no unnecessary length.",
       "concise answer|brief, succinct reply|short and concise|keeps it brief|short length|"
       "brevity and concision",
       "is brief and concise|keeps it short and succinct|is much shorter and more concise|"
       "is only a couple of lines long|is short, terse and succinct|stays brief instead of long|"
       "trims its length down to a few concise lines|is compact and succinct|"
       "cuts the length and stays concise|keeps its length brief",
       "without padding or filler|with no long-windedness|in just a line or two|"
       "rather than going on at great length|at a fraction of the length|in very few words|"
       "without padding it out|in a brief, compact form"),
    _c("thoroughness", "thorough and detailed", "The response is thorough and comprehensive, covering every aspect in depth.",
       "thorough, detailed answer|comprehensive coverage|thoroughness and depth|in-depth treatment|"
       "complete and comprehensive|covers all aspects thoroughly",
       "is far more thorough and comprehensive|covers every aspect of the topic in depth|"
       "gives comprehensive, in-depth coverage|goes into much greater depth|"
       "explores the topic thoroughly and exhaustively|provides a comprehensive, complete treatment|"
       "addresses all the relevant aspects thoroughly|offers far more comprehensive coverage|"
       "goes through each aspect thoroughly|covers the subject comprehensively",
       "with exhaustive thoroughness|in considerable depth|covering every aspect in depth|"
       "rather than a shallow, superficial overview|with comprehensive, exhaustive coverage|"
       "going deep into every aspect|in a thorough, exhaustive way|leaving no aspect out"),
    _c("factual_accuracy", "factually accurate", "The response is factually accurate and free of errors.",
       "factual accuracy|correct facts|accurate information|no factual errors|factually correct answer|"
       "truthful and accurate",
       "gets the facts right|is factually accurate|contains no factual mistakes|"
       "states only correct, accurate facts|avoids factual errors and inaccuracies|"
       "is factually correct and accurate|presents true and correct information|"
       "makes no false claims|is free of factual inaccuracies|reports the facts correctly",
       "with no factual errors|without any false statements|while its facts are verified and correct|"
       "and every claim is true|with correct details throughout|without misinformation|"
       "and avoids inaccurate claims|so its facts can be trusted"),
    _c("working_code", "working, correct code", "The response provides code that runs correctly and solves the task.",
       "working code|correct, runnable code|code that compiles|bug-free code solution|functional code snippet|"
       "executable program",
       "provides code that actually runs|gives a working code snippet|includes a program that compiles and runs|"
       "supplies bug-free, runnable code|writes a function that works correctly|"
       "delivers code that executes without errors|fixes the bug so the program runs|"
       "offers a functional code implementation|shares a script that runs as expected|"
       "produces code that passes the tests",
       "without syntax errors|with no bugs in the program|so the code compiles cleanly|"
       "and the code does not crash|and the function returns the right output|"
       "without runtime exceptions|with a correct implementation|so the script executes successfully"),
    _c("creativity", "creative and original", "The response is creative and original, with inventive, novel ideas.",
       "creative thinking|original ideas|inventive solutions|innovative thinking|creative problem solving|novel, fresh ideas",
       "is more creative and original|comes up with inventive, original ideas|"
       "shows real creativity and originality|offers fresh, unconventional ideas|"
       "takes an inventive, innovative approach|brainstorms novel and original options|"
       "thinks outside the box creatively|proposes innovative, original solutions|"
       "displays creative, innovative thinking|invents novel, creative ideas",
       "instead of generic, conventional suggestions|with genuine originality|rather than predictable ideas|"
       "full of innovative ideas|with inventive, novel angles|avoiding the obvious, stale suggestions|"
       "with creative, original problem solving|in a remarkably creative, original way"),
    _c("humor", "funny and witty", "The response is funny and witty, making the reader laugh.",
       "good sense of humour|funny, witty reply|playful jokes|sense of humor|witty wordplay|lighthearted and funny",
       "is genuinely funny and witty|makes the reader laugh|includes funny jokes and puns|"
       "has a playful sense of humor|adds witty, humorous remarks|delivers a hilarious punchline|"
       "keeps a lighthearted, comedic tone|uses funny wordplay|is amusing and jokey|"
       "cracks a good joke",
       "with jokes that actually land|with comic timing|so it is funny and fun|instead of dry, humorless prose|"
       "with laugh-out-loud moments|full of puns and jokes|in a playful, joking way|with humorous punchlines"),
    _c("empathy", "empathetic and warm", "The response is empathetic and warm, acknowledging the user's feelings.",
       "shows empathy|warm, caring tone|emotional support|compassionate response|acknowledges feelings|"
       "kind and supportive",
       "shows empathy for their feelings|responds with warmth and compassion|"
       "acknowledges how the person feels emotionally|offers kind, caring emotional support|"
       "is gentle, warm and understanding|validates their emotions with sympathy|"
       "expresses genuine care and sympathy|comforts the person compassionately|"
       "speaks with kindness and emotional sensitivity|treats the person's struggle with compassion",
       "in a caring, supportive way|with heartfelt sympathy|instead of cold, unfeeling detachment|"
       "so the person feels emotionally heard and cared for|with emotional warmth|showing real compassion|"
       "in a gentle and reassuring tone|with kindness and care"),
    _c("formatting", "clear formatting and structure", "The response is well formatted, with headings, bullet points and a clear layout.",
       "good formatting|structured layout|bullet points and headings|well-organized structure|"
       "readable markdown layout|organized into sections",
       "uses headings and bullet points|is neatly formatted with a clear layout|"
       "organizes the content into labeled sections|presents information in a well-structured bulleted list|"
       "uses markdown formatting, tables and lists|breaks the text into bulleted sections|"
       "has a clean, organized visual structure|lays the content out in numbered lists and headers|"
       "structures the content with headers and bullets|formats the information into a tidy table",
       "instead of one wall of text|so the layout is easy to scan|with clearly separated sections|"
       "using bold headers and bullet lists|in a skimmable, organized format|with well-organized formatting|"
       "rather than a dense, unformatted block|with neat visual organization"),
    _c("safety", "safe and harmless", "The response is safe and harmless, refusing to give dangerous instructions.",
       "safety first|harmless response|refuses harmful request|avoids dangerous advice|responsible safety caution|"
       "no harmful content",
       "refuses to provide dangerous instructions|avoids harmful or unsafe content|"
       "declines the harmful request responsibly|warns about safety risks and hazards|"
       "steers away from dangerous, illegal activity|keeps people safe from harm|"
       "does not help with anything harmful|prioritizes safety and harm prevention|"
       "refuses to assist with a risky, harmful plan|adds safety warnings about potential danger",
       "rather than enabling harm|to prevent injury or danger|rather than hazardous, unsafe instructions|"
       "in a responsible, harmless way|avoiding any dangerous guidance|with appropriate safety precautions|"
       "so nobody gets hurt|without facilitating harmful acts"),
    _c("instruction_following", "follows instructions", "The response follows the user's instructions and constraints exactly.",
       "instruction following|follows instructions|respects constraints|obeys requested format|"
       "adheres to the request|complies with instructions",
       "follows the given instructions exactly|respects every constraint in the prompt|"
       "does precisely what the instructions asked for|sticks to the requested format and word limit|"
       "complies with all the stated requirements|obeys the instructions to the letter|"
       "adheres to the specified constraints|honors the exact requirements in the instructions|"
       "follows the instructions on output format|meets each specified condition of the instructions",
       "exactly as instructed|without ignoring any instruction|without deviating from the requirements|"
       "in exactly the form the instructions required|respecting the word limit and format|per the explicit directions given|"
       "as the instructions demanded|in full compliance with the instructions"),
    _c("clarity", "clear and easy to understand", "The response is clear and simple, easy for anyone to understand.",
       "easy to understand|clear and understandable|simple, plain language|clear explanation|"
       "accessible to beginners|jargon-free explanation",
       "explains things in simple, plain language|is easy to understand|"
       "avoids jargon and stays understandable|makes something complicated easy to grasp|"
       "uses simple words any beginner can understand|is more understandable for a novice|"
       "is comprehensible to a layperson|is understandable in everyday terms|"
       "is easy to comprehend|breaks it down so anyone can understand it",
       "without confusing jargon|so even a beginner understands|in layman's terms|"
       "instead of being confusing and hard to comprehend|so it is clearly understood|"
       "in plain, jargon-free language|so nothing is confusing|in an easy-to-understand way"),
    _c("examples", "concrete examples", "The response illustrates its points with concrete, specific examples.",
       "concrete examples|illustrative examples|example use cases|real-world examples|"
       "examples that illustrate|worked example included",
       "illustrates its points with concrete examples|gives real-world examples|"
       "includes an example for each point|shows a worked example|provides illustrative examples|"
       "grounds the advice in tangible examples|offers practical examples as illustrations|"
       "backs each point with an example|uses a concrete example to demonstrate|"
       "adds sample scenarios as examples",
       "such as an example case|for instance, with an example scenario|rather than vague abstractions without examples|"
       "so each point has an example|with several illustrative examples|through real-life examples|"
       "giving an example of each|with plenty of examples"),
    _c("step_by_step", "step-by-step reasoning", "The response reasons step by step, showing each step of the process.",
       "step-by-step reasoning|step-by-step instructions|sequential steps|walkthrough of steps|"
       "shows the steps|logical chain of steps",
       "walks through the solution step by step|breaks the process into sequential steps|"
       "shows its reasoning one step at a time|lays out a numbered, step-by-step procedure|"
       "goes through each step in order|guides through the steps one by one|"
       "reasons through the problem stepwise|details every intermediate step|"
       "presents a clear sequence of steps|follows a logical chain of steps",
       "from the first step to the last|one step after another|with each intermediate step shown|"
       "in a clear sequence|instead of jumping straight to the end|step by step|"
       "with first, second and third steps|showing how each step leads to the next"),
    _c("citations", "cites sources", "The response cites credible sources and references to support its claims.",
       "cites sources|references and citations|credible sources|links to references|source attribution|"
       "backed by citations",
       "cites credible sources for its claims|includes references and citations|"
       "links to authoritative sources|attributes its information to sources|"
       "backs up its statements with citations|names the studies and references it relies on|"
       "provides a bibliography of sources|quotes reputable references|"
       "points to official documentation as a source|supports claims with cited research",
       "with links to the sources|citing peer-reviewed studies|with proper attribution|"
       "rather than unreferenced claims|so the claims can be verified against sources|"
       "referencing reputable publications|with footnotes and citations|naming where the information comes from"),
    _c("neutrality", "neutral and unbiased", "The response is neutral and unbiased, presenting multiple viewpoints fairly.",
       "stays neutral|unbiased perspective|balanced viewpoints|impartial tone|fair to both sides|"
       "no political bias",
       "stays neutral and unbiased|presents both sides of the debate fairly|"
       "gives a balanced, impartial view|avoids taking a partisan side|"
       "treats opposing viewpoints even-handedly|remains objective on a controversial issue|"
       "represents multiple perspectives fairly|avoids political or ideological bias|"
       "keeps an impartial, balanced stance|weighs competing opinions without favoritism",
       "without pushing an opinion|rather than a one-sided argument|with fairness to each side|"
       "rather than a clearly biased take|in an even-handed way|without partisan slant|"
       "giving each viewpoint equal weight|in an objective, impartial manner"),
    _c("directness", "direct answer", "The response answers directly and straightforwardly, without hedging or evasion.",
       "direct, straight answer|direct answer|no hedging|straight yes or no|answers directly|straightforward reply",
       "answers directly and straightforwardly|gives a straight, direct yes or no|answers straight away without hedging|"
       "addresses the question directly, head-on|replies directly without hedging|"
       "states the direct answer straight up front|gives a direct yes-or-no reply|"
       "answers directly instead of dodging|replies in a straightforward, direct manner|"
       "gives a direct reply without hedging",
       "without evasion or hedging|rather than dodging or evading|instead of vague, evasive non-answers|"
       "with no beating around the bush|without equivocating or hedging|rather than sidestepping it|"
       "in a direct, straightforward way|without wishy-washy hedging"),
    _c("storytelling", "engaging storytelling", "The response tells a story with characters, a plot and a narrative arc.",
       "good storytelling|story with a plot|narrative storytelling|compelling plot|narrative flow|character-driven story",
       "tells a story with a real plot|crafts a narrative with characters and a plot|"
       "builds a story with a gripping plot|has a narrative arc like a novel|"
       "brings the story's characters to life|narrates a story with characters and dialogue|"
       "uses storytelling and narration|develops the story's plot with suspense|"
       "narrates events like a real story|creates a story with a protagonist and dialogue",
       "with a story's beginning, middle and end|with story characters and a setting|with a plot that unfolds|"
       "with a satisfying story ending|like a well-told story|with a narrator and characters|"
       "in a narrative storytelling style|with a dramatic plot and a resolution"),
    _c("math_correctness", "correct math", "The response gets the math right, with correct calculations and the right numerical answer.",
       "math correctness|correct calculation|right numerical answer|accurate arithmetic|correct equation solving|"
       "valid math solution",
       "computes the correct numerical answer|gets the arithmetic right|solves the equation correctly|"
       "makes no calculation errors|arrives at the right mathematical result|"
       "performs the algebra correctly|gets the sum and the final number right|"
       "calculates the probability correctly|derives the correct mathematical solution|"
       "does the math without arithmetic mistakes",
       "without miscalculating|with correct arithmetic|and the numbers add up|"
       "with the right final value|without computational errors|so the equation balances|"
       "with accurate calculations throughout|and the math checks out"),
    _c("up_to_date", "up-to-date information", "The response uses current, up-to-date information rather than outdated facts.",
       "up-to-date information|current information|recent developments|latest data|timely and current|"
       "not outdated",
       "uses current, up-to-date information|mentions the latest developments|"
       "reflects the most recent changes|includes this year's updated figures|"
       "knows about recent news and releases|relies on the newest version and current data|"
       "is current rather than outdated|accounts for recent updates|"
       "references the latest release and current state|has up-to-date knowledge of recent events",
       "instead of stale, outdated information|as of this year|reflecting the newest version|"
       "rather than relying on obsolete facts|with the latest numbers|including recent updates|"
       "that is current and timely|rather than old, superseded data"),
    _c("personalization", "personalized to the user", "The response is personalized, tailored to the user's specific situation and needs.",
       "personalized answer|tailored advice|fits my situation|customized recommendations|user-specific answer|"
       "adapted to my needs",
       "tailors its advice to the user's specific situation|personalizes its advice to the user's needs|"
       "takes the user's circumstances into account|customizes the recommendations for this person|"
       "adapts to the details the user shared|fits its recommendations to the user's goals and preferences|"
       "uses the personal context the user provided|gives individualized, customized advice|"
       "addresses this user's particular constraints|considers the user's own background",
       "rather than generic one-size-fits-all advice|based on the user's stated preferences|"
       "for this particular person|using the details the user mentioned|with customization to their needs|"
       "rather than generic advice|that matches their personal circumstances|"
       "adapted to the user's own situation"),
    _c("fluency", "fluent, grammatical writing", "The response is fluent and grammatical, with well-written, polished prose.",
       "fluent writing|correct grammar|polished prose|well-written prose|good spelling and grammar|"
       "natural fluent language",
       "is written in fluent, grammatical English|has flawless grammar and spelling|"
       "reads smoothly with polished prose|uses grammatical, fluent prose|"
       "is free of grammatical and spelling mistakes|has natural, idiomatic phrasing|"
       "is grammatically correct and well written|flows naturally with good syntax|"
       "shows polished, fluent writing|uses proper punctuation, spelling and syntax",
       "without typos or grammar errors|rather than awkward, ungrammatical prose|"
       "with smooth, natural phrasing|with impeccable spelling|in elegant, well-crafted prose|"
       "without grammatical slips|with correct punctuation throughout|reading like a native speaker"),
)

# Sentence frames. The generic words are few and short ("It", "and"), so the two claims and the
# detail, which all carry the category's meaning, dominate the embedding. Tested alternatives
# with varied subjects ("The preferred response ...", "Compared with the other answer, ...")
# made MiniLM cluster by frame instead of by category; so did a single extra "The response ..."
# frame next to the "It ..." ones (a medoid with that frame attracted other categories' items).
FRAMES: tuple[str, ...] = (
    "It {claim} and {claim2}, {detail}.",
    "It {claim} {detail}, and {claim2}.",
    "It {claim} and {claim2}.",
)


def render(frame: str, claim: str, claim2: str, detail: str) -> str:
    """Fill one frame: ``render(FRAMES[2], "is brief", "avoids filler", "")`` -> 'It is brief and avoids filler.'"""
    return frame.format(claim=claim, claim2=claim2, detail=detail)
