"""Special and compressed files in the input: each is one input, read only if it is a regular file, and read
no further than the size limit after decompression (issue 21)."""
import gzip
import resource

from apache_beam import pvalue
from apache_beam.io import fileio
from apache_beam.io.filesystem import FileMetadata

from tests.bad_inputs import gzip_bomb, make_special_files
from wirestream.transforms.read import ExpandStoryFile, file_extension, file_stem, input_matches, match_local
from wirestream.transforms.wire.story import NINJS, TEXT, RawInput

LIMIT = 1000


def expand(path, limit: int = LIMIT) -> list:
    metadata = match_local(str(path))
    assert len(metadata) == 1, metadata
    return list(ExpandStoryFile(limit).process(fileio.ReadableFile(metadata[0])))


def test_the_glob_matches_broken_and_special_files_and_each_is_one_dead_letter(tmp_path):
    reasons = make_special_files(tmp_path)
    matched = {m.path.rsplit("/", 1)[-1] for m in match_local(str(tmp_path / "*"))}
    assert matched == set(reasons)
    assert input_matches(str(tmp_path / "loop-a.txt"))
    for name, reason in reasons.items():
        outputs = expand(tmp_path / name)
        assert len(outputs) == 1, name
        [out] = outputs
        if isinstance(out, pvalue.TaggedOutput):
            assert out.value["stage"] == "read" and out.value["reason"].startswith(reason), (name, out.value)
        else:  # empty .jsonl: one empty input, which the parse stage rejects as such
            assert reason == "empty input" and out.payload == b"" and out.source.endswith(name)


def test_a_gzip_bomb_is_read_no_further_than_the_limit(tmp_path):
    bomb = tmp_path / "bomb.json.gz"
    bomb.write_bytes(gzip_bomb(1 << 30))  # 1 MiB on disk, 1 GiB unpacked
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    [out] = expand(bomb)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # KiB: far below the 1 GiB
    assert out.value["reason"] == f"over the size limit: more than {LIMIT} bytes uncompressed (--max_story_bytes)"
    assert len(out.value["payload"]) == LIMIT


def test_compressed_files_are_read_by_suffix_and_jsonl_gz_line_by_line(tmp_path):
    lines = b"".join(b'{"uri": "u%d", "body_text": "GENEVA (Reuters) - Talks resumed."}\n' % n for n in range(3))
    (tmp_path / "three.jsonl.gz").write_bytes(gzip.compress(lines))
    (tmp_path / "one.TXT.GZ").write_bytes(gzip.compress(b"Wire copy."))
    (tmp_path / "big.txt.gz").write_bytes(gzip.compress(b"x" * (LIMIT + 1)))
    three = expand(tmp_path / "three.jsonl.gz")
    assert [(r.default_id, r.content_type, r.source.rsplit("/", 1)[-1]) for r in three] == [
        ("three-1", NINJS, "three.jsonl.gz:1"), ("three-2", NINJS, "three.jsonl.gz:2"),
        ("three-3", NINJS, "three.jsonl.gz:3")]
    assert [r.payload for r in three] == lines.splitlines()
    [one] = expand(tmp_path / "one.TXT.GZ")
    assert (one.payload, one.default_id, one.content_type) == (b"Wire copy.", "one", TEXT)
    [big] = expand(tmp_path / "big.txt.gz")
    assert big.value["reason"].startswith("over the size limit") and big.value["payload"] == b"x" * LIMIT
    assert (file_stem("gs://b/a.jsonl.gz"), file_extension("gs://b/a.jsonl.gz")) == ("a", ".jsonl")


def test_a_long_jsonl_line_is_read_to_the_limit_and_keeps_its_real_size(tmp_path):
    long_line = b'{"body_text": "' + b"x" * 5000 + b'"}'
    (tmp_path / "long.jsonl").write_bytes(b'{"uri": "a"}\n' + long_line + b'\r\n{"uri": "c"}')
    first, long, last = expand(tmp_path / "long.jsonl")
    assert (first.payload, last.payload, last.default_id) == (b'{"uri": "a"}', b'{"uri": "c"}', "long-3")
    assert isinstance(long, RawInput) and long.payload == long_line[:LIMIT] and long.payload_size == len(long_line)


def test_an_uncompressed_file_is_read_to_the_limit_even_if_stat_says_less(tmp_path):
    path = tmp_path / "grows.txt"
    path.write_bytes(b"y" * (LIMIT * 3))
    [out] = list(ExpandStoryFile(LIMIT).process(fileio.ReadableFile(FileMetadata(str(path), 10))))
    assert len(out.payload) == LIMIT and out.payload_size == LIMIT + 1


def test_publish_reads_compressed_files_as_the_pipeline_does(tmp_path):
    from wirestream.pipeline.publish import story_messages

    (tmp_path / "two.jsonl.gz").write_bytes(gzip.compress(b'{"uri": "a"}\n\n{"uri": "b"}\n'))
    messages = list(story_messages(tmp_path / "two.jsonl.gz"))
    assert [(data, attributes["story_id"]) for data, attributes in messages] == [
        (b'{"uri": "a"}', "two-1"), (b'{"uri": "b"}', "two-3")]
