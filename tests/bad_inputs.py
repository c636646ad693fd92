"""Bad inputs of every kind the pipeline must dead-letter, written by the tests themselves."""
import json

BIG_BYTES = 3_000_000

BAD_INPUTS = {
    "empty.txt": (b"", "empty input"),
    "blank.txt": (b" \n\t \n\n   ", "no text: only whitespace"),
    "latin1.txt": ("BERLIN, May 2 (dpa) - Die Bürger wählen.".encode("latin-1"), "not valid UTF-8"),
    "cut.json": (b'{"uri": "urn:cut", "body_text": "PARIS (AFP) - The sto', "invalid JSON"),
    "nobody.json": (json.dumps({"uri": "urn:nobody", "headline": "Only a headline"}).encode(), "no story body"),
    "noise.txt": (bytes(range(256)) * 10, "binary, not text"),
    "dateline.txt": (b"ROME, June 4 (ANSA) - \n", "no story body: nothing follows the dateline"),
    "nested.json": (b'{"a": ' * 2_500 + b"1" + b"}" * 2_500, "JSON nested too deeply"),
    "nul.txt": (b"GENEVA (Reuters) - Talks\x00 resumed on Monday.", "binary, not text"),
    "surrogate.json": (rb'{"body_text": "GENEVA (Reuters) - Talks \ud800 resumed."}', "invalid Unicode"),
    "table.txt": ((b"LONDON, March 3 (Reuters) - RESULTS 1-0 2-1 " * 70_000)[:BIG_BYTES], "over the size limit"),
}
