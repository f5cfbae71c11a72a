"""The may-I, reporting and facts conversation: the engine's answers, with clarification state."""

from __future__ import annotations

from handlers.context import Context
from handlers.render import answer_text
from handlers.texts import text
from handlers.types import Button, Reply
from knowledge.answer import Answer
from knowledge.engine import Pending
from knowledge.evaluate import info_answer, more_answer, quote_answer
from knowledge.grounds import MORE, QUOTE
from knowledge.normalize import MAX_TEXT, clean, normalize
from knowledge.phrases import phrase
from knowledge.shape import question_shape


def reply_for(ctx: Context, answer: Answer) -> Reply:
    """A reply carrying the answer, its text and its follow-up buttons."""
    org = ctx.services.kb.org(ctx.msg.org)
    return Reply(to=ctx.msg.address, text=answer_text(answer, org.name), answer=answer,
                 buttons=[Button(o.id, o.label) for o in answer.options])


class AskHandler:
    """Answers questions from the knowledge base; keeps the pending clarification in state."""

    def handle(self, ctx: Context) -> list[Reply] | None:
        early = _check_input(ctx)
        if early is not None:
            return early
        replies = self._answer(ctx)
        if replies and len(ctx.msg.text) > MAX_TEXT:
            return [Reply(to=ctx.msg.address, text=text("too_long", ctx.lang)), *replies]
        return replies

    def _answer(self, ctx: Context) -> list[Reply] | None:
        kb = ctx.services.kb
        pending = Pending.from_dict(ctx.state.pending)
        if ctx.msg.action and ctx.msg.action.split(":", 1)[0] in (QUOTE, MORE):
            return [self._follow_up_button(ctx, ctx.msg.action)]
        if ctx.msg.action:
            result = kb.apply_action(ctx.msg.org, ctx.msg.action, pending)
            if result is None:
                return None
        else:
            result = kb.answer(ctx.msg.org, ctx.msg.text, pending)
            result[0].shape = result[0].shape or question_shape(normalize(ctx.msg.text))
        answer, new_pending = result
        ctx.state.pending = new_pending.to_dict() if new_pending else None
        ctx.lang = ctx.state.lang = answer.lang
        if answer.intent == "confide":
            return self._confide_contacts(ctx, answer)
        return [reply_for(ctx, answer)]

    def _follow_up_button(self, ctx: Context, action: str) -> Reply:
        """'Toon de tekst' and 'Meer…': answered from the id alone; the pending question stays."""
        kb = ctx.services.kb
        org = kb.org(ctx.msg.org)
        lang = ctx.state.lang or ctx.lang
        if action.startswith(f"{QUOTE}:"):
            found = quote_answer(org, kb.national, action.split(":", 1)[1], lang)
        else:
            found = more_answer(org, kb.national, action, lang)
        if found is None:
            return Reply(to=ctx.msg.address, text=phrase("quote_gone", lang))
        return reply_for(ctx, found)

    def _confide_contacts(self, ctx: Context, answer: Answer) -> list[Reply]:
        """Without a confidential-conversation flow: how to reach the trusted person directly."""
        org = ctx.services.kb.org(ctx.msg.org)
        info = next((i for i in org.info if i.topic == "trusted_person"), None)
        found = info_answer(org, ctx.services.kb.national, info.id, answer.lang) if info else None
        if found is None:
            found = Answer(intent="info", topic="trusted_person", lang=answer.lang)
        found.intent = "confide"
        reply = reply_for(ctx, found)
        reply.text = f"{text('confide_soon', answer.lang)}\n{reply.text}"
        return [reply]


def _check_input(ctx: Context) -> list[Reply] | None:
    """Empty or wordless messages get a kind explanation instead of a guess.

    This runs here, in the question answerer, not before all handlers: in a confidential
    conversation an emoji is a message for the trusted person like any other.
    """
    if ctx.msg.action:
        return None
    cleaned = clean(ctx.msg.text)
    if not cleaned:
        return [Reply(to=ctx.msg.address, text=text("empty", ctx.lang))]
    if not any(ch.isalnum() for ch in cleaned):
        return [Reply(to=ctx.msg.address, text=text("no_words", ctx.lang))]
    return None
