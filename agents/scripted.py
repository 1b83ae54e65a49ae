"""A scripted chat model: the whole workflow tested without an LLM (mini-swe-agent ships its
``DeterministicModel`` for the same reason).

``ScriptedChatModel(replies=[...])`` answers its calls with the replies in order, never from a
cache (a cached answer would skip a reply), keeps every prompt it was sent, and raises
:class:`ScriptExhausted` when a call finds no reply left, so a test that asks more than it
scripted fails saying so instead of on a bare ``StopIteration``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field, PrivateAttr


class ScriptExhausted(RuntimeError):
    """A scripted chat model was called once more than it has replies."""


class ScriptedChatModel(BaseChatModel):
    replies: Sequence[str]
    cache: bool | None = False  # each call takes the next reply, whatever global cache is set
    # every call's messages, in order (what the test's model was asked)
    prompts: list[list[BaseMessage]] = Field(default_factory=list)
    _used: int = PrivateAttr(default=0)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    @property
    def remaining(self) -> int:
        """Replies not yet given."""
        return len(self.replies) - self._used

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.prompts.append(list(messages))
        if self._used >= len(self.replies):
            raise ScriptExhausted(
                f"the scripted chat model was called {len(self.prompts)} times but has "
                f"{len(self.replies)} replies; script one more reply for this call"
            )
        reply = self.replies[self._used]
        self._used += 1
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=reply))])


def scripted(*replies: str) -> ScriptedChatModel:
    """``ScriptedChatModel(replies=replies)``: the replies to give, in order."""
    return ScriptedChatModel(replies=replies)
