"""Chat models for the agents: ``PROVIDER:MODEL`` on any OpenAI-compatible endpoint, and the
run directory's record of which models a run used (``models.json``, for ``resume``)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, TypedDict, runtime_checkable

from simcoder.simulator.errors import UserError


class Reply(Protocol):
    """What a chat model answers: a message whose ``content`` the agents read as text (a
    LangChain ``AIMessage``; ``usage_metadata`` is read where present)."""

    @property
    def content(self) -> object: ...


@runtime_checkable
class ChatModel(Protocol):
    """The chat-model seam: the one method the planner and the coders call.

    A Protocol rather than LangChain's ``BaseChatModel``: every ``BaseChatModel`` conforms
    (its ``invoke`` takes these messages, with optional extras, and returns an ``AIMessage``),
    and so does a scripted test model that is not a LangChain class. Runtime-checkable, so the
    pydantic ``WorkflowConfig`` can hold one and check it has ``invoke``."""

    def invoke(self, input: Sequence[tuple[str, str]], /) -> Reply: ...


# a module's coder model (None: the library coder)
ModelFor = Callable[[str], ChatModel | None]

PROVIDERS = {  # provider -> default base URL of its OpenAI-compatible endpoint
    "openai": None,
    "deepseek": "https://api.deepseek.com/v1",
    "vllm": "http://localhost:8000/v1",
    "ollama": "http://localhost:11434/v1",
    "llamacpp": "http://localhost:8080/v1",
}


HOSTED = {"openai": "api.openai.com", "deepseek": "api.deepseek.com"}  # these need a key


def make_model(
    spec: str,
    base_url: str | None,
    temperature: float = 0.3,
    max_retries: int = 3,
    timeout_s: float = 120,
    cache: bool | None = None,
) -> ChatModel:
    """``PROVIDER:MODEL`` -> a LangChain chat model talking to an OpenAI-compatible endpoint."""
    provider, sep, name = spec.partition(":")
    if not sep or provider not in PROVIDERS or not name:
        raise UserError(
            f"{spec!r}: write PROVIDER:MODEL with PROVIDER one of "
            f"{', '.join(PROVIDERS)} (e.g. openai:gpt-4o, deepseek:deepseek-chat)"
        )
    from langchain_openai import ChatOpenAI

    key = os.environ.get(f"{provider.upper()}_API_KEY") or os.environ.get("OPENAI_API_KEY")
    if key is None and base_url is None and provider in HOSTED:
        raise UserError(
            f"{spec!r} talks to {HOSTED[provider]}, which needs an API key: set "
            f"{provider.upper()}_API_KEY (or give a local OpenAI-compatible endpoint with "
            "--base-url URL, e.g. vllm:MODEL, ollama:MODEL or llamacpp:MODEL)"
        )
    from pydantic import SecretStr

    return ChatOpenAI(
        model=name,
        base_url=base_url or PROVIDERS[provider],
        api_key=SecretStr(key or "not-needed"),
        temperature=temperature,
        max_retries=max_retries,
        timeout=timeout_s,
        cache=cache,
    )


MODELS_FILE = "models.json"  # the command line's model choices: resume asks the same models


class ModelsChoice(TypedDict):
    """``--model``, ``--model-for`` and ``--base-url`` as given (``models.json``)."""

    model: str | None
    model_for: list[str]
    base_url: str | None


def configure_models(
    choice: ModelsChoice, run_dir: Path
) -> tuple[ChatModel | None, dict[str, ChatModel], dict[str, ChatModel]]:
    """``--model``, ``--model-for`` and ``--base-url`` -> (model for every module, per-module
    models, per-module models of the second version: ``--model-for storage=A,B``); saved in the
    run directory (names and URLs only, never a key) for ``resume``."""
    model = make_model(choice["model"], choice["base_url"]) if choice["model"] else None
    models: dict[str, ChatModel] = {}
    alternates: dict[str, ChatModel] = {}
    for item in choice["model_for"]:
        module, sep, target = item.partition("=")
        if not sep:
            raise UserError(f"--model-for {item!r}: write MODULE=PROVIDER:MODEL[,PROVIDER:MODEL]")
        first, _, second = target.partition(",")
        models[module] = make_model(first, choice["base_url"])
        if second:  # the second, independent version's model (--versions 2)
            alternates[module] = make_model(second, choice["base_url"])
    if model is not None or models:
        from langchain_community.cache import SQLiteCache
        from langchain_core.globals import set_llm_cache

        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / MODELS_FILE).write_text(json.dumps(choice, indent=2))
        set_llm_cache(SQLiteCache(database_path=str(run_dir / "llm_cache.sqlite")))
    return model, models, alternates


def endpoint_failed(exc: BaseException) -> bool:
    """The model's endpoint refused, timed out or answered with an error status."""
    import openai

    return isinstance(exc, openai.APIError)
