"""The planted prompt topics: topic phrases (paraphrases), plausible prompts, answer points.

Each topic also names the preference categories its prompts make more likely (``affinity``),
e.g. coding help → working code and step-by-step reasoning.

Example:
    >>> TOPICS[0].key, TOPICS[0].phrases[0]
    ('coding', 'coding help')
    >>> len(MODEL_NAMES)
    12
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """One planted topic: 2-6 word topic phrases, prompts, short answer points, category affinity."""

    key: str
    phrases: tuple[str, ...]
    prompts: tuple[str, ...]
    points: tuple[str, ...]       # lower-case clauses a response is assembled from
    affinity: tuple[str, ...]     # category keys favoured on this topic


def _t(key: str, phrases: str, prompts: str, points: str, affinity: str) -> Topic:
    split = lambda text: tuple(p.strip() for p in text.split("|") if p.strip())  # noqa: E731
    return Topic(key, split(phrases), split(prompts), split(points), split(affinity))


TOPICS: tuple[Topic, ...] = (
    _t("coding", "coding help|Python programming help|debugging a program|fixing code errors|"
       "software development question|writing a Python function",
       "Why does my Python loop never stop?|Write a function that reverses a linked list.|"
       "How do I read a CSV file in Python?|My JavaScript fetch call returns undefined, why?|"
       "How can I remove duplicates from a list while keeping the order?",
       "check the loop condition and make sure the counter changes|use the csv module or pandas.read_csv|"
       "keep a set of seen items and append only new ones|await the promise before reading its value|"
       "walk the list once and flip each next pointer", "working_code|step_by_step"),
    _t("travel", "travel planning|trip itinerary|vacation planning|planning a holiday trip|"
       "travel destination advice|booking a journey",
       "Plan a three-day trip to Rome for me.|What should I pack for a week in Iceland?|"
       "Is it better to take the train or fly from Paris to Amsterdam?|"
       "What are good things to do in Tokyo with kids?|How can I travel cheaply in Southeast Asia?",
       "book the main museums in advance to skip the queues|pack waterproof layers and sturdy boots|"
       "the train is city centre to city centre and often faster overall|"
       "stay in guesthouses and travel by overnight bus|visit the parks and interactive science museums",
       "personalization|formatting"),
    _t("cooking", "cooking and recipes|recipe request|meal preparation|baking question|"
       "kitchen cooking tips|what to cook for dinner",
       "How do I make a simple tomato pasta sauce?|Why did my bread not rise?|"
       "Give me a quick vegetarian dinner idea.|How long should I roast a chicken?|"
       "Can I substitute butter with oil in a cake?",
       "simmer the tomatoes with garlic and olive oil for twenty minutes|check that the yeast is fresh and the water lukewarm|"
       "roast about twenty minutes per pound at a moderate heat|use about three quarters as much oil as butter|"
       "stir-fry vegetables with tofu and soy sauce", "creativity|conciseness"),
    _t("finance", "personal finance|budgeting and saving money|investing advice|retirement savings question|"
       "managing debt|money management",
       "How should I start investing with little money?|Should I pay off debt or save first?|"
       "How does compound interest work?|What is a good monthly budget method?|Is a Roth IRA worth it?",
       "build an emergency fund before investing|pay off high-interest debt first|"
       "low-cost index funds spread the risk|use the fifty thirty twenty budgeting rule|"
       "compound interest earns interest on past interest", "math_correctness|personalization"),
    _t("health", "health and fitness|exercise routine advice|workout planning|medical symptom question|"
       "nutrition and diet|staying physically healthy",
       "What is a good beginner workout plan?|How much protein do I need per day?|"
       "Is it bad to run every day?|What can help with lower back pain?|How many hours of sleep do adults need?",
       "start with three full-body sessions a week|aim for about 0.8 grams of protein per kilogram|"
       "rest days help muscles recover|gentle stretching and core work often help|adults need seven to nine hours of sleep",
       "safety|factual_accuracy"),
    _t("relationships", "relationship advice|dating advice|dealing with a breakup|conflict with a partner|"
       "friendship problems|family relationship issues",
       "My partner and I keep arguing about chores, what should we do?|How do I get over a breakup?|"
       "My best friend stopped talking to me, how do I fix it?|How do I tell my parents I am moving out?|"
       "How can I make new friends as an adult?",
       "talk calmly about how each of you feels|give yourself time to grieve the relationship|"
       "reach out with an honest and open message|plan the conversation and explain your reasons|"
       "join clubs or classes that match your interests", "empathy|directness"),
    _t("creative_writing", "creative writing|writing a poem|short story request|fiction writing help|"
       "composing song lyrics|writing a fantasy tale",
       "Write a short poem about the sea.|Tell me a story about a dragon who is afraid of fire.|"
       "Write song lyrics about summer love.|Give me an opening line for a mystery novel.|"
       "Write a bedtime story about a brave mouse.",
       "the waves whisper secrets to the shore|the dragon learns that courage means facing fear|"
       "the summer night glows with fireflies|the letter arrived twenty years too late|"
       "the little mouse crosses the dark kitchen to save a friend", "storytelling|creativity"),
    _t("math", "math homework|solving an equation|algebra problem|probability question|"
       "arithmetic calculation|geometry homework help",
       "Solve 3x + 5 = 20.|What is the probability of rolling two sixes?|What is 17 times 23?|"
       "How do I find the area of a circle with radius 4?|What is the derivative of x squared?",
       "subtract five and divide by three to get x equals five|the probability is one in thirty-six|"
       "seventeen times twenty-three is three hundred ninety-one|the area is pi times sixteen|"
       "the derivative of x squared is two x", "math_correctness|step_by_step"),
    _t("history", "history question|historical events|world war history|ancient civilizations|"
       "history of an empire|historical figure question",
       "Why did the Roman Empire fall?|What caused World War I?|Who was Cleopatra?|"
       "When did the Berlin Wall fall?|What was the Industrial Revolution?",
       "economic decline, political instability and invasions weakened Rome|"
       "the assassination of Archduke Franz Ferdinand triggered the war|Cleopatra was the last ruler of Ptolemaic Egypt|"
       "the Berlin Wall fell in November 1989|industrialization began in Britain in the late eighteenth century",
       "factual_accuracy|citations"),
    _t("science", "science explanation|physics question|how nature works|biology question|"
       "chemistry concept|explaining a scientific phenomenon",
       "Why is the sky blue?|How do vaccines work?|What is a black hole?|Why do we have seasons?|"
       "How does photosynthesis work?",
       "air molecules scatter blue light more than red light|vaccines train the immune system to recognize a germ|"
       "a black hole's gravity is so strong that light cannot escape|the tilt of Earth's axis causes the seasons|"
       "plants turn light, water and carbon dioxide into sugar", "clarity|examples"),
    _t("career", "career advice|job search help|job interview preparation|resume writing tips|"
       "asking for a raise|changing careers",
       "How do I prepare for a job interview?|Should I quit my job to change careers?|"
       "How can I improve my resume?|How do I ask my boss for a raise?|How do I negotiate a job offer?",
       "research the company and practise common questions|quantify achievements on your resume|"
       "bring evidence of your results when asking for a raise|test the new field with a side project first|"
       "negotiate with a specific number backed by market data", "examples|thoroughness"),
    _t("language_learning", "language learning|learning Spanish|grammar of a foreign language|"
       "translation request|vocabulary practice|learning a new language",
       "What is the best way to learn Spanish quickly?|Translate 'good morning' into French.|"
       "When do I use ser versus estar?|How many words do I need to be fluent?|How can I practise speaking Japanese alone?",
       "practise a little every day with spaced repetition|good morning in French is bonjour|"
       "ser is for permanent traits and estar for states|a few thousand common words cover most conversation|"
       "shadow native audio and record yourself", "fluency|clarity"),
    _t("shopping", "product recommendations|buying a laptop|choosing a phone|shopping advice|"
       "comparing gadgets|which product to buy",
       "Which laptop should I buy for programming?|Is an iPhone or an Android phone better?|"
       "What is a good budget vacuum cleaner?|Which running shoes are good for beginners?|"
       "Should I buy an e-reader or a tablet?",
       "sixteen gigabytes of memory and a good keyboard matter most|choose the phone whose ecosystem you already use|"
       "a bagless cordless model is convenient|get fitted shoes with enough cushioning|an e-reader is easier on the eyes",
       "conciseness|directness"),
    _t("legal", "legal question|tenant rights|contract law question|legal advice request|"
       "understanding the law|consumer rights issue",
       "Can my landlord keep my deposit?|Is a verbal agreement legally binding?|"
       "What should I do after a car accident?|Can I get a refund for a faulty product?|Do I need a will?",
       "landlords usually must itemize deductions from a deposit|verbal contracts can be binding but are hard to prove|"
       "exchange insurance details and document the scene|consumers are generally entitled to a refund for faulty goods|"
       "a will makes sure your wishes are followed", "neutrality|instruction_following"),
    _t("mental_health", "mental health support|coping with anxiety|feeling stressed|dealing with loneliness|"
       "emotional wellbeing|managing depression",
       "I feel anxious all the time, what can I do?|I am so stressed about exams.|I feel lonely lately.|"
       "How do I stop overthinking at night?|I have no motivation to do anything.",
       "slow breathing exercises can calm the body|break revision into small manageable sessions|"
       "reaching out to one person can help with loneliness|write your worries down before bed|"
       "start with one tiny task to rebuild momentum", "empathy|safety"),
    _t("diy", "home repair|DIY project|fixing things at home|plumbing problem|home improvement|"
       "household maintenance task",
       "How do I fix a leaking tap?|How do I hang a heavy mirror?|How can I unclog a drain?|"
       "How do I paint a room properly?|Why does my circuit breaker keep tripping?",
       "turn off the water and replace the washer|use wall anchors rated for the weight|"
       "try a plunger and then a drain snake|prepare the walls and apply two thin coats|"
       "an overloaded circuit often trips the breaker", "formatting|thoroughness"),
    _t("pets", "pet care|dog training|cat behavior question|caring for a puppy|pet health|animal care advice",
       "How do I stop my dog from barking at night?|Why does my cat scratch the furniture?|"
       "How often should I feed a puppy?|Is chocolate dangerous for dogs?|How do I introduce a new cat to my home?",
       "give the dog more exercise and a calm bedtime routine|provide a scratching post near the furniture|"
       "puppies usually eat three to four small meals a day|chocolate is toxic to dogs|"
       "keep the new cat in a separate room at first", "humor|storytelling"),
    _t("philosophy", "philosophy question|ethics debate|meaning of life|moral dilemma|"
       "philosophical argument|free will discussion",
       "What is the meaning of life?|Is it ever right to lie?|Do we have free will?|"
       "Is capital punishment ethical?|What did Kant mean by the categorical imperative?",
       "many philosophers say meaning is something we create|some ethicists allow lying to prevent harm|"
       "compatibilists argue free will fits with determinism|people disagree sharply about capital punishment|"
       "act only on rules you could will to be universal", "neutrality|fluency"),
    _t("business", "business strategy|marketing plan|startup advice|small business question|"
       "growing a company|sales and marketing",
       "How do I market my small bakery?|Write a pitch for my startup.|How do I price my consulting services?|"
       "How can I get my first customers?|What should a business plan include?",
       "post photos on local social media and offer tastings|lead the pitch with the problem you solve|"
       "price by the value delivered rather than the hours|ask your network for the first referrals|"
       "a business plan covers the market, costs and revenue", "instruction_following|humor"),
    _t("tech_support", "tech support|computer troubleshooting|wifi problem|smartphone issue|"
       "software installation help|fixing a slow computer",
       "My laptop is very slow, how can I speed it up?|My wifi keeps disconnecting.|"
       "How do I back up my phone?|Why won't my printer connect?|How do I update my graphics drivers?",
       "remove startup programs and free up disk space|restart the router and update its firmware|"
       "turn on cloud backup in the settings|reconnect the printer to the same network|"
       "download the driver from the manufacturer's website", "working_code|up_to_date"),
    _t("news", "current events|recent news question|latest technology news|politics today|"
       "recent election results|what happened this week",
       "What are the latest developments in AI?|Who won the most recent World Cup?|"
       "What is the current inflation rate?|What is new in the latest iPhone?|What happened at the last climate summit?",
       "new language models are released every few months|the answer depends on the latest tournament|"
       "inflation figures are published monthly by statistics offices|each new phone improves the camera and chip|"
       "climate summits negotiate emission targets", "up_to_date|citations"),
)

# Real-looking model names (n_models beyond this list get "model-13", "model-14", ...).
MODEL_NAMES: tuple[str, ...] = (
    "gpt-4o-2024-05-13", "claude-3-5-sonnet-20240620", "gemini-1.5-pro", "llama-3.1-70b-instruct",
    "mistral-large-2407", "qwen2-72b-instruct", "command-r-plus", "deepseek-v2.5", "gemma-2-27b-it",
    "phi-3-medium-4k-instruct", "yi-large", "mixtral-8x22b-instruct",
)


def model_names(n: int) -> list[str]:
    """The first n model names: ``model_names(2)`` -> ['gpt-4o-2024-05-13', 'claude-3-5-sonnet-20240620']."""
    return list(MODEL_NAMES[:n]) + [f"model-{i + 1}" for i in range(len(MODEL_NAMES), n)]
