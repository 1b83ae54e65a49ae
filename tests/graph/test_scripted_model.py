"""The scripted chat model every test that needs a model uses (simcoder.agents.scripted):
replies in order, never from a cache, the prompts kept, and a clear error when it runs out."""

from __future__ import annotations

import pytest
from langchain_core.caches import InMemoryCache
from langchain_core.globals import set_llm_cache
from langchain_core.messages import HumanMessage

from simcoder.agents.scripted import ScriptedChatModel, ScriptExhausted, scripted


def test_replies_come_in_order_and_the_prompts_are_kept() -> None:
    model = scripted("one", "two")
    assert isinstance(model, ScriptedChatModel) and model.remaining == 2
    assert model.invoke("first?").content == "one"
    assert model.invoke([HumanMessage("second?")]).content == "two"
    assert [[m.content for m in p] for p in model.prompts] == [["first?"], ["second?"]]
    assert model.remaining == 0


def test_a_global_cache_never_answers_for_it() -> None:
    set_llm_cache(InMemoryCache())  # what an in-process `generate --model` leaves set
    model = scripted("one", "two")
    assert [model.invoke("same").content for _ in range(2)] == ["one", "two"]


def test_a_call_past_the_script_says_so() -> None:
    model = scripted("only")
    model.invoke("a")
    with pytest.raises(ScriptExhausted, match="called 2 times but has 1 replies"):
        model.invoke("b")
