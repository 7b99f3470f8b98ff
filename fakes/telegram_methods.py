"""The Bot API methods FakeTelegram answers that change or read its chats: sending (text,
photos, documents, replies), editing, deleting, answering presses, a group's administrators,
the bot's commands and descriptions. Built on the chats' state (fakes/telegram_chats.py)."""

from __future__ import annotations

from typing import Any

from fakes.telegram_chats import TelegramChats
from fakes.telegram_markup import BadRequest
from fakes.telegram_spec import Json


class TelegramMethods(TelegramChats):
    def _set_commands(self, params: Json) -> bool:
        self.commands[params.get("language_code", "")] = params["commands"]
        return True

    def _set_description(self, params: Json) -> bool:
        self.descriptions[params.get("language_code", "")] = params.get("description", "")
        return True

    def _send_message(self, params: Json) -> Json:
        return self._send(params, params["text"])

    def _send_photo(self, params: Json) -> Json:
        result = self._send(params, params.get("caption", ""))
        result["photo"] = [{"file_id": "photo", "file_unique_id": "photo", "width": 1, "height": 1}]
        # The uploaded picture (filename, content), for tests to look at.
        self.messages[params["chat_id"]][result["message_id"]]["photo"] = params["photo"]
        return result

    def _send_document(self, params: Json) -> Json:
        document = params["document"]
        if not isinstance(document, dict):  # a file_id or URL: the fake keeps no such files
            raise BadRequest("wrong file identifier/HTTP URL specified")
        return self._send(params, params.get("caption", ""), document=document)

    def _send(self, params: Json, text: str, document: Json | None = None) -> Json:
        chat_id = params["chat_id"]
        message = self._store(
            chat_id,
            text,
            params.get("reply_markup"),
            params.get("message_thread_id"),
            parse_mode=params.get("parse_mode"),
            reply_to=self._reply_target(params),
            document=document,
        )
        return self._message_object(chat_id, message)

    def _reply_target(self, params: Json) -> int | None:
        # reply_to_message_id and allow_sending_without_reply only pass validation where the
        # spec still declares them; reply_parameters supersedes both.
        reply = params.get("reply_parameters") or {}
        message_id = reply.get("message_id", params.get("reply_to_message_id"))
        if message_id is None:
            return None
        target = self.messages.get(reply.get("chat_id", params["chat_id"]), {}).get(message_id)
        if target is None or target["deleted"]:
            if reply.get("allow_sending_without_reply", params.get("allow_sending_without_reply")):
                return None
            raise BadRequest("message to be replied not found")
        return int(message_id)

    def _editable(self, params: Json) -> Json:
        message = self.messages.get(params.get("chat_id", ""), {}).get(params.get("message_id", 0))
        if message is None or message["deleted"]:
            raise BadRequest("message to edit not found")
        if message["from_user"]:
            raise BadRequest("message can't be edited")
        return message

    def _edit_text(self, params: Json) -> Json:
        if self._editable(params)["document"] is not None:
            raise BadRequest("there is no text in the message to edit")
        # Telegram drops the keyboard when an edit does not repeat it.
        return self._edit(
            params,
            text=params.get("text", ""),
            parse_mode=params.get("parse_mode"),
            reply_markup=params.get("reply_markup"),
        )

    def _edit_markup(self, params: Json) -> Json:
        return self._edit(params, reply_markup=params.get("reply_markup"))

    def _edit(self, params: Json, **new: Any) -> Json:
        message = self._editable(params)
        if all(message[key] == value for key, value in new.items() if key != "parse_mode"):
            raise BadRequest(
                "message is not modified: specified new message content and reply markup are"
                " exactly the same as a current content and reply markup of the message"
            )
        message.update(new, edits=message["edits"] + 1)
        return self._message_object(params["chat_id"], message)

    def _delete_message(self, params: Json) -> bool:
        message = self.messages.get(params["chat_id"], {}).get(params["message_id"])
        if message is None or message["deleted"]:
            raise BadRequest("message to delete not found")
        message["deleted"] = True
        return True

    def _answer_callback(self, params: Json) -> bool:
        query_id = params["callback_query_id"]
        if query_id not in self._open_queries:  # never issued, or answered already
            raise BadRequest("query is too old and response timeout expired or query ID is invalid")
        self._open_queries.remove(query_id)
        self.callback_answers[query_id] = params
        return True

    def _administrators(self, params: Json) -> list[Json]:
        chat_id = params["chat_id"]
        return [
            self._member(chat, user)
            for (chat, user), status in self.chat_members.items()
            if chat == chat_id and status in ("creator", "administrator")
        ]
