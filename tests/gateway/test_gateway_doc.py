"""GATEWAY.md's examples are what the real code answers."""

from tests.gateway.doc_examples import documented, normal, run_examples


async def test_every_documented_example_gets_its_documented_response(tmp_path):
    examples = documented()
    assert len(examples) >= 8
    results = await run_examples(examples, tmp_path)
    for ex, (status, text) in zip(examples, results):
        assert status == int(ex["status"]), (ex["name"], text)
        assert normal(text) == normal(ex["response"]), ex["name"]
