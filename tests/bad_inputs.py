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


def gzip_bomb(uncompressed: int) -> bytes:
    """A .gz whose content is `uncompressed` zero bytes, made in 1 MiB steps (never held whole)."""
    import zlib

    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    parts = [compressor.compress(chunk) for _ in range(uncompressed >> 20)]
    return b"".join(parts) + compressor.flush()


def make_special_files(directory) -> dict[str, str]:
    """Files no feed should send and the glob still matches, made in `directory`: name -> the dead letter's
    reason (each must be one dead letter, never opened for reading when it is not a regular file)."""
    import os
    import socket

    directory.mkdir(parents=True, exist_ok=True)
    os.mkfifo(directory / "fifo.txt")
    (directory / "zero.txt").symlink_to("/dev/zero")
    (directory / "loop-a.txt").symlink_to(directory / "loop-b.txt")
    (directory / "loop-b.txt").symlink_to(directory / "loop-a.txt")
    (directory / "dangling.json").symlink_to(directory / "gone.json")
    (directory / "empty.jsonl").write_bytes(b"")
    (directory / "blank.jsonl").write_bytes(b"\n  \n")
    (directory / "bomb.txt.gz").write_bytes(gzip_bomb(64 << 20))
    reasons = {
        "fifo.txt": "not a regular file: FIFO",
        "zero.txt": "not a regular file: character device",
        "loop-a.txt": "symlink loop",
        "loop-b.txt": "symlink loop",
        "dangling.json": "dangling symlink",
        "empty.jsonl": "empty input",
        "blank.jsonl": "empty input",
        "bomb.txt.gz": "over the size limit",
    }
    sock = socket.socket(socket.AF_UNIX)
    try:  # a socket path must be short
        sock.bind(str(directory / "s.txt"))
        reasons["s.txt"] = "not a regular file: socket"
    except OSError:
        pass
    finally:
        sock.close()
    return reasons
