"""The message catalog: every text a user sees, by key. English first; ru and zh will follow.

Texts are HTML (Telegram parse mode); values are escaped by `t`, so a product name or an
Ozon message can never break the markup."""

from __future__ import annotations

import html
from typing import Any

EN: dict[str, str] = {
    # Start and help
    "start": (
        "I watch your Ozon FBS and rFBS postings and warn you here before each packing "
        "deadline (<i>ship by</i>) and when one is overdue, so no order is lost to a missed "
        "deadline.\n\n"
        "To begin, connect a store: send /connect and follow two steps (Client-Id, then an API "
        "key from Seller Center). Want to look first? /connect demo connects a sample store."
    ),
    "help": (
        "<b>Commands</b>\n"
        "/connect — connect an Ozon store (or <code>/connect demo</code> for a sample store)\n"
        "/stores — your stores, their state, disconnect\n"
        "/status — postings watched and the next deadlines\n"
        "/timezone — show or change the time zone, e.g. <code>/timezone Europe/Moscow</code>\n"
        "/history — the last actions on your postings (<code>/history csv</code> for a file)\n"
        "/cancel — stop the current step\n"
        "/help — this list"
    ),
    "cmd.start": "What this bot does",
    "cmd.connect": "Connect an Ozon store",
    "cmd.stores": "Your stores",
    "cmd.status": "Postings watched and next deadlines",
    "cmd.timezone": "Show or change the time zone",
    "cmd.cancel": "Stop the current step",
    "cmd.help": "All commands",
    # Connect
    "connect.private_only": (
        "Connect stores in a private chat with me, so your API key stays private: "
        "open @{bot_username} and send /connect."
    ),
    "connect.ask_client_id": (
        "Step 1 of 2. Send your <b>Client-Id</b>: Seller Center → Settings → Seller API. "
        "It is a number. (/cancel stops.)"
    ),
    "connect.bad_client_id": "A Client-Id is a number, like 123456. Send it again, or /cancel.",
    "connect.ask_api_key": (
        "Step 2 of 2. Send the <b>API key</b> for Client-Id {client_id}. I delete your message "
        "at once and keep the key encrypted."
    ),
    "connect.bad_key": (
        "That does not look like an Ozon API key (one long word of Latin letters, digits and "
        "dashes). Copy it again from Seller Center and send /connect."
    ),
    "stats.body": (
        "<b>Bot statistics</b>\n"
        "Stores: {stores} ({active} watched, {failing} with Ozon failing)\n"
        "Chats: {private} private, {groups} groups; {paused} paused subscriptions\n"
        "Outbox: {outbox} owed, the oldest since {oldest}\n"
        "Last scan: {last_scan}; the stalest watched store: {stalest_scan}"
    ),
    "stats.never": "—",
    "stats.ago": "{moment} ({ago} ago)",
    "throttled": "Too many requests at once: wait a few seconds, then try again.",
    "operators.key_guessing": (
        "⚠️ User {user_id} sent {count} wrong Ozon API keys in a row to /connect; their next "
        "tries are slowed down."
    ),
    "connect.too_many": (
        "Too many wrong keys in a row. To keep stores safe from guessing, the next try is possible "
        "in {wait}."
    ),
    "key_in_group.deleted": (
        "That looked like an Ozon API key, so I deleted it: keys belong only in a private chat "
        "with me."
    ),
    "key_in_group.kept": (
        "That looked like an Ozon API key, but I may not delete messages here: delete it now."
    ),
    "key_in_group.revoke": (
        "Anyone in this group may have seen it: revoke that key in Seller Center → Settings → "
        "Seller API."
    ),
    "key_in_group.private": (
        "You posted what looks like an Ozon API key in «{group}». I never use a key sent in a "
        "group, and others may have seen it: revoke it in Seller Center → Settings → Seller API, "
        "make a new one, and send it here with /connect."
    ),
    "key_like_text": (
        "That looks like an API key, so I deleted it from the chat. To connect a store, "
        "send /connect first."
    ),
    "unknown_text": "I did not understand that: /help lists what I can do.",
    "connect.checking": "Checking the key with Ozon…",
    "connect.usage": "Send /connect to be guided, or <code>/connect CLIENT_ID API_KEY</code>.",
    "connect.invalid_key": (
        "Ozon did not accept this Client-Id and API key ({reason}). Nothing was saved: check both "
        "in Seller Center → Settings → Seller API and send /connect again."
    ),
    "connect.ozon_unavailable": (
        "Ozon is not answering right now, so I could not check the key. Nothing was saved: "
        "try /connect again in a few minutes."
    ),
    "connect.failed": "Ozon refused the check: {reason}. Nothing was saved.",
    "connect.done": (
        "Connected <b>{store}</b> (Client-Id {client_id}). I check it every {interval} and will "
        "warn you here {lead_times} before each deadline and when one is overdue. "
        "Deadlines are shown in {timezone} (/timezone to change)."
    ),
    "connect.missing_roles": (
        "⚠️ The key lacks roles for: {methods}. Deadline alerts will not work until you add "
        "the role «Posting FBS» to the key in Seller Center and /connect again."
    ),
    "connect.demo_done": (
        "Connected the <b>sample store</b>. Its postings are made up, with deadlines counted "
        "from now: the first alerts arrive within a minute. Nothing here touches Ozon."
    ),
    "connect.key_deleted_failed": (
        "I could not delete the message with your key: please delete it yourself."
    ),
    "cancelled": "Stopped. Nothing was changed.",
    "nothing_to_cancel": "There is nothing to stop.",
    # Groups
    "group.start": (
        "Hello! I warn this chat before Ozon shipment deadlines. A store owner sends /subscribe "
        "here to choose which stores' alerts come to this chat (or to this topic)."
    ),
    "group.anonymous": (
        "Send /subscribe as yourself, not anonymously: I link only stores you connected."
    ),
    "group.no_stores": (
        "You have no stores to link: connect one first in a private chat with me "
        "(@{bot_username}, /connect)."
    ),
    "group.pick_link": "Which stores should send their alerts here{topic}?",
    "group.pick_unlink": "Which stores should stop sending alerts here?",
    "group.topic": " (to this topic)",
    "group.nothing_linked": "None of your stores sends alerts here.",
    "group.all_linked": "All your stores send their alerts here already (/unsubscribe to stop).",
    "group.linked": "Linked <b>{store}</b>: its alerts now come here{topic}.",
    "group.unlinked": "<b>{store}</b> no longer sends alerts here.",
    "group.not_owner": "Only the owner of this store can link or unlink it.",
    "group.private_command": (
        "That command shows your own stores, so it works only in a private chat with me: "
        "open @{bot_username}."
    ),
    "group.add_button": "➕ Add me to a group",
    "cmd.subscribe": "Send a store's alerts to this group",
    "cmd.unsubscribe": "Stop a store's alerts in this group",
    # Settings
    "settings.title": "<b>Settings of this chat</b> — tap to change",
    "settings.body": (
        "Time zone: <b>{timezone}</b>\nWarnings before the deadline: <b>{leads}</b>\n"
        "Quiet hours: <b>{quiet}</b>\nGroup alerts when more than <b>{threshold}</b> postings "
        "reach a stage together\nEscalate after <b>{escalation}</b> without a reaction to "
        "<b>{contacts}</b>\nRepeat overdue postings every <b>{repeat}</b>\n"
        "Stores here: {stores}\n\nOr type: <code>/settings timezone Asia/Shanghai</code>, "
        "<code>/settings leads 24h,4h,1h</code>, <code>/settings quiet 23:00-08:00</code>, "
        "<code>/settings contacts @alice @bob</code>, <code>/settings escalation 15</code>, "
        "<code>/settings repeat 60</code>, <code>/settings threshold 5</code>, "
        "<code>/settings permissions cancel owner</code>."
    ),
    "settings.off": "off",
    "settings.nobody": "nobody (the store owner is told in private)",
    "settings.none": "none (/subscribe links one)",
    "settings.minutes": "{minutes} min",
    "settings.button.leads": "⏰ {value}",
    "settings.button.quiet": "🌙 Quiet: {value}",
    "settings.button.threshold": "🗂 Group above {value}",
    "settings.button.escalation": "🚨 Escalate after {value} min",
    "settings.button.repeat": "🔁 Repeat every {value} min",
    "settings.button.permission": "🔐 {action}: {role}",
    "settings.role.member": "everyone",
    "settings.role.admin": "admins",
    "settings.role.owner": "owner only",
    "settings.action.cancel": "Cancel",
    "settings.action.extend": "Extend",
    "settings.action.message": "Message buyer",
    "settings.action.claim": "Claim",
    "settings.action.snooze": "Snooze",
    "settings.invalid": "That setting was not changed: {reason}.",
    "settings.saved": "Saved.",
    "settings.not_allowed.member": "Only members of this chat can see its settings.",
    "settings.not_allowed.admin": (
        "Only this chat's admins and the owners of its stores can change its settings."
    ),
    "settings.not_allowed.owner": (
        "Only the owner of a store linked to this chat can change who may do what."
    ),
    "cmd.settings": "Settings of this chat",
    # Stores
    "stores.none": "No stores yet. Send /connect to connect one.",
    "stores.header": "<b>Your stores</b>",
    "stores.line": "• <b>{store}</b> (Client-Id {client_id}) — {state}",
    "stores.state.watching": "watching",
    "stores.state.key_invalid": "key invalid: send /connect with a new key",
    "stores.state.key_refused": (
        "paused: Ozon refuses this key (a missing role or an IP restriction); fix it in "
        "Seller Center and send /connect again"
    ),
    "stores.state.expires": "watching; key expires in {days} d",
    "stores.state.expired": "key expired: send /connect with a new key",
    "stores.state.missing_roles": "watching; key lacks roles for {methods}",
    "stores.disconnect_button": "Disconnect {store}",
    "stores.store_button": "{store}",
    "stores.confirm": (
        "Disconnect <b>{store}</b>? I will stop watching it and forget its key. "
        "Alerts already sent stay in the chat."
    ),
    "stores.confirm_yes": "Yes, disconnect",
    "stores.confirm_no": "No, keep it",
    "stores.disconnected": "Disconnected <b>{store}</b>. Its key is deleted.",
    "stores.kept": "Kept <b>{store}</b>.",
    "stores.gone": "This store is no longer connected.",
    # Status
    "status.none": "No stores yet. Send /connect to connect one.",
    "status.store": "<b>{store}</b>: {count} postings to pack or hand over{scanned}",
    "status.scanned": " (checked {ago} ago)",
    "status.not_scanned": " (first check pending)",
    "status.deadline_line": "  {number} — {deadline} ({left})",
    "status.paused": "<b>{store}</b>: paused — {state}",
    # Time zone
    "timezone.current": (
        "Deadlines are shown in <b>{timezone}</b> (now {now}). To change: "
        "<code>/timezone Europe/Moscow</code>, <code>/timezone Asia/Shanghai</code>, …"
    ),
    "timezone.set": "Done: deadlines are now shown in <b>{timezone}</b> (now {now}).",
    "timezone.unknown": (
        "I don't know the time zone «{value}». Use an IANA name such as Europe/Moscow, "
        "Asia/Shanghai or Asia/Yekaterinburg."
    ),
    # Alerts
    "alert.stage.overdue": "🔴 <b>Overdue</b> — {store}",
    "alert.stage.lead": "⏰ <b>Less than {lead} to the deadline</b> — {store}",
    "alert.state.awaiting_packaging": "not packed",
    "alert.state.awaiting_deliver": "packed, not handed over",
    "alert.posting": "<b>{number}</b> · {state}{express}",
    "alert.express": " · Express",
    "alert.product": "• {name} × {quantity} ({offer_id})",
    "alert.more_products": "• … and {count} more products",
    "alert.warehouse": "Warehouse: {warehouse}",
    "alert.deadline": "Ship by: <b>{deadline}</b> — {left}",
    "alert.deadline_passed": "Ship by: {deadline}",
    "alert.left": "{duration} left",
    "alert.overdue_by": "overdue by {duration}",
    "alert.late_after": "Counts as late after: {moment}",
    "alert.next_rate": "Logistics rate changes by {rate} ({kind}) from {moment}",
    "alert.open_button": "Open in Seller Center",
    "group.header.overdue": "🔴 <b>{count} postings overdue</b> — {store}",
    "group.header.lead": "⏰ <b>{count} postings due within {lead}</b> — {store}",
    "group.line": "<code>{number}</code> · {deadline} · {product}{more}",
    "group.more": " +{count}",
    "group.open_button": "Open postings in Seller Center",
    # What happened to a posting after its alert
    "outcome.handed_over": "✅ <b>Handed over</b> — nothing more to do.",
    "outcome.cancelled": "❌ <b>Cancelled</b> by {initiator}{reason}.{rating}",
    "outcome.cancelled.reason": ": {reason}",
    "outcome.rating.counts": " It counts against your rating.",
    "outcome.rating.free": " It does not count against your rating.",
    "outcome.arbitration": "⚖️ <b>In arbitration</b>.",
    "outcome.not_accepted": "⚠️ <b>Not accepted at the sorting centre</b>.",
    "outcome.left": "ℹ️ Status now: {status}.",
    "outcome.gone": "ℹ️ Ozon no longer knows this posting.",
    "outcome.expired": "ℹ️ No longer watched: the deadline passed over 30 days ago.",
    "outcome.short.gone": "ℹ️ unknown to Ozon",
    "outcome.short.expired": "ℹ️ no longer watched",
    "outcome.moved": "🕒 <b>Deadline moved</b> to {deadline} (was {previous}).",
    "outcome.short.handed_over": "✅ handed over",
    "outcome.short.cancelled": "❌ cancelled",
    "outcome.short.arbitration": "⚖️ arbitration",
    "outcome.short.not_accepted": "⚠️ not accepted",
    "outcome.short.left": "ℹ️ {status}",
    "outcome.short.moved": "🕒 moved to {deadline}",
    "initiator.seller": "you (the seller)",
    "initiator.buyer": "the buyer",
    "initiator.ozon": "Ozon",
    "initiator.delivery": "the delivery service",
    "initiator.unknown": "someone",
    "ozon_cancelled": (
        "❌ <b>Ozon cancelled posting {number}</b> — {store}{reason}.{rating}\n"
        "If this is unfair, appeal in Seller Center → Support."
    ),
    # Escalation and repeats
    "escalation.group": "🚨 <b>Nobody has taken these for {delay}</b> — {store}{mentions}\n{lines}",
    "escalation.owner": (
        "🚨 Nobody in your team chat has reacted for {delay} to these postings of "
        "<b>{store}</b>:\n{lines}"
    ),
    "escalation.line": "<code>{number}</code> · {deadline} · {left}",
    "list.more": "… and {count} more",
    "summary.title": "🔴 <b>Still overdue, nobody has taken them ({count})</b> — {store}",
    "summary.line": "<code>{number}</code> · {deadline} · {left}",
    "summary.done": "✅ Every overdue posting of {store} from this list is handled.",
    "repeat.superseded": "⏳ The list of overdue postings was updated below.",
    # Store problems found during a scan
    "store.key_invalid": (
        "⚠️ Ozon refuses the API key of <b>{store}</b>: {reason}. I stopped watching it: fix the "
        "key in Seller Center → Settings → Seller API (or create a new one) and send /connect "
        "again."
    ),
    # Alert buttons and what was done about a posting
    "button.cancel": "❌ Cancel order",
    "button.message_buyer": "💬 Message buyer",
    "button.extend": "📅 Extend",
    "button.ask_ozon": "🙋 Ask Ozon for time",
    "button.back": "« Back",
    "button.confirm_cancel": "Yes, cancel it",
    "button.send": "Send to the buyer",
    "button.confirm_date": "Yes, set this date",
    "button.support": "Open Seller Center support",
    "button.open": "⚙️ {number}",
    "button.claim": "🙋 I'll handle it",
    "button.release": "↩️ Release",
    "button.snooze_30": "💤 30 min",
    "button.snooze_120": "💤 2 h",
    "note.claimed": "🙋 Handled by {name}",
    "note.snoozed": "💤 Snoozed until {until} by {name}",
    "note.cancelled": "❌ Cancelled by {name} at {when}: {reason}",
    "note.messaged": "💬 Buyer messaged by {name} ({template})",
    "note.extended": "📅 Shipping date set to {date} by {name}",
    "note.timeslot": "📅 Delivery moved to {date} by {name}",
    "template.date": "a new shipping date",
    "template.compensation": "a compensation offer",
    "template.choice": "wait or cancel",
    "template.own": "own text",
    "cause.stock": "Out of stock",
    "cause.supplier": "Supplier delay",
    "cause.logistics": "Logistics problem",
    "cause.mistake": "Our mistake",
    "cause.system": "System failure",
    "cause.force": "Force majeure",
    # Action steps, shown under the alert they concern
    "action.cancel.reasons": "<b>Cancel {number}?</b> Pick the reason Ozon accepts for it:",
    "action.cancel.no_reasons": "Ozon offers no cancellation reason for {number} right now.",
    "action.cancel.explain": (
        "Ozon needs an explanation for «{reason}»: type it in one message (/cancel stops)."
    ),
    "action.cancel.confirm": (
        "<b>Cancel {number}</b> with the reason «{reason}»{message}?\n"
        "A cancellation by the seller counts against your error index{price}. It cannot be undone."
    ),
    "action.cancel.message": " («{message}»)",
    "action.cancel.price": "; {amount} of sales is at stake",
    "action.cancel.failed": "⚠️ Ozon did not cancel {number}: {reason}. Nothing changed.",
    "action.buyer.templates": "<b>Message the buyer of {number}</b>: what do you offer?",
    "action.buyer.cause": "What caused the delay? (The buyer reads it in Russian.)",
    "action.buyer.days": "Which new shipping date do you promise?",
    "action.buyer.own": (
        "Type your message to the buyer in Russian, at most 1,000 characters (/cancel stops)."
    ),
    "action.buyer.too_long": (
        "Ozon accepts at most 1,000 characters and your text has {length}: send a shorter one."
    ),
    "action.buyer.preview": (
        "<b>The buyer of {number} will get, in Russian:</b>\n"
        "<blockquote>{text}</blockquote>\n{meaning}"
    ),
    "meaning.date": (
        "It says: we apologise, the order is late ({cause}), we will ship it by {date} — does "
        "that suit you?"
    ),
    "meaning.compensation": (
        "It says: we apologise, the order is late ({cause}), we offer a small compensation for "
        "the wait — do you agree to wait?"
    ),
    "meaning.choice": (
        "It says: we apologise, the order is late ({cause}); you may wait, or cancel with a full "
        "refund — which do you prefer?"
    ),
    "meaning.own": "Your own text, sent as written.",
    "action.buyer.no_premium": (
        "Ozon lets sellers write to buyers only with a Premium Plus or Premium Pro subscription, "
        "and {store} has neither. Cancel with the right reason, or ask Ozon support for time."
    ),
    "action.buyer.failed": "⚠️ Ozon did not deliver the message: {reason}.",
    "action.buyer.refused": (
        "⚠️ Ozon refused to open a chat with the buyer: {reason}. Ozon allows buyer chats only "
        "with Premium Plus or Premium Pro, and only for a limited time after the order."
    ),
    "action.unknown": (
        "⚠️ Ozon did not answer in time, so it may or may not have done it: check the posting in "
        "Seller Center before trying again."
    ),
    "action.extend.pick": (
        "<b>New shipping date for {number}</b> (now {deadline}). Ozon accepts it only before "
        "the current deadline passes:"
    ),
    "action.extend.too_late": (
        "The deadline of {number} has passed, so Ozon no longer lets you change the shipping "
        "date. Ask Ozon support for time, message the buyer, or cancel."
    ),
    "action.extend.confirm": "Set the shipping date of {number} to <b>{date}</b>?",
    "action.extend.failed": "⚠️ Ozon did not change the date: {reason}.",
    "action.timeslot.pick": (
        "<b>Move the delivery date of {number}</b>: Ozon allows {begin} – {end}, "
        "{count} change(s) left."
    ),
    "action.timeslot.none": "Ozon allows no more changes to the delivery date of {number}.",
    "action.timeslot.confirm": "Move the delivery of {number} to <b>{date}</b>?",
    "action.ask.cause": "<b>Ask Ozon for time</b> for {number}: what caused the delay?",
    "action.ask.text": (
        "Ozon has no API to extend this posting's deadline, but its support can help. Send this "
        "in Seller Center → Support («Поддержка»):\n<pre>{text}</pre>"
    ),
    "action.reply_here": "{mention}, type it as a reply to this message.",
    "action.ozon_busy": "⚠️ Ozon is not answering right now: try again in a minute.",
    "answer.no_longer_needed": "No longer needed: this posting is {state}.",
    "answer.not_allowed.member": "Only members of this chat can {action}.",
    "answer.not_allowed.admin": "Only admins can {action} here.",
    "answer.not_allowed.owner": "Only the store's owner can {action} here.",
    "permission.open": "act on alerts",
    "permission.cancel": "cancel orders",
    "permission.message": "message buyers",
    "permission.extend": "extend deadlines",
    "permission.timeslot": "move delivery dates",
    "permission.support": "ask Ozon for time",
    "permission.claim": "claim postings",
    "permission.snooze": "snooze alerts",
    "answer.invalid": "This button is no longer valid.",
    "answer.in_progress": "Already in progress.",
    "answer.done": "Already done.",
    "answer.step_over": "This step is over: use the buttons on the alert.",
    "answer.opened": "Its own alert is already in this chat.",
    "answer.not_typing": "Nothing is waiting for a text now: use the buttons on the alert.",
    "buyer.answered": "💬 <b>The buyer of {number} answered:</b>\n<blockquote>{text}</blockquote>",
    # History
    "history.none": "No actions yet.",
    "history.header": "<b>Last actions</b>",
    "history.line": "{when} · {store} · {number} · {action} by {name} — {result}",
    "history.kind.cancel": "cancel",
    "history.kind.message": "message to buyer",
    "history.kind.extend": "new shipping date",
    "history.kind.timeslot": "new delivery date",
    "history.kind.support": "support request",
    "history.kind.claim": "claim",
    "history.kind.release": "release",
    "history.kind.snooze": "snooze",
    "history.kind.escalate": "escalation",
    "history.kind.repeat": "overdue list repeated",
    "history.state.done": "done",
    "history.state.failed": "failed: {error}",
    "history.state.requested": "in progress",
    "cmd.history": "Actions taken on your postings",
    "chat.unreachable": (
        "⚠️ I can no longer write to a chat that received the alerts of {stores} (I was "
        "removed or blocked there), so its alerts are paused. Unblock me, or add me back and send "
        "/subscribe there; this chat still gets them."
    ),
    "store.needs_role": " The key needs a role that allows {methods}.",
    "store.ozon_down": (
        "⚠️ Ozon has not been answering for <b>{store}</b> since {since}: alerts may be late. "
        "I keep trying and will say when it is back."
    ),
    "store.ozon_back": "✅ Ozon answers again for <b>{store}</b>: alerts are on time again.",
    "store.key_expires": (
        "🔑 The API key of <b>{store}</b> expires in {when}. Create a new key in Seller Center → "
        "Settings → Seller API and send /connect with it, or alerts will stop."
    ),
    # Durations
    "duration.days": "{days} d {hours} h",
    "duration.hours": "{hours} h {minutes} min",
    "duration.minutes": "{minutes} min",
}


def t(key: str, **values: Any) -> str:
    """The catalog text for `key` with HTML-escaped values filled in."""
    template = EN[key]
    if not values:
        return template
    return template.format(**{name: _escape(value) for name, value in values.items()})


def button_text(key: str, **values: Any) -> str:
    """Button labels are plain text, not HTML: nothing is escaped."""
    return EN[key].format(**values)


class Markup(str):
    """Text that is already HTML (e.g. another catalog text) and must not be escaped again."""


def _escape(value: Any) -> str:
    return value if isinstance(value, Markup) else html.escape(str(value), quote=False)


# Texts to buyers and to Ozon support: always Russian, whatever the seller's language. Formal
# «Вы», the apology first, one sentence of cause, one proposal, an easy question, the shop's name.
BUYER_RU: dict[str, str] = {
    "date": (
        "Здравствуйте! Приносим извинения: отправка Вашего заказа {number} ({product}) "
        "задерживается {cause}. Мы отправим его не позднее {date}. Подойдёт ли Вам такой срок?\n"
        "С уважением, {shop}"
    ),
    "compensation": (
        "Здравствуйте! Приносим извинения: отправка Вашего заказа {number} ({product}) "
        "задерживается {cause}. За ожидание мы хотели бы предложить Вам небольшую компенсацию. "
        "Согласны ли Вы немного подождать?\nС уважением, {shop}"
    ),
    "choice": (
        "Здравствуйте! Приносим извинения: отправка Вашего заказа {number} ({product}) "
        "задерживается {cause}. Вы можете подождать, и мы отправим заказ как можно скорее, "
        "или отменить его с полным возвратом средств. Как Вам удобнее?\nС уважением, {shop}"
    ),
    "support": (
        "Здравствуйте! Просим продлить срок сборки отправления {number}: сейчас его нужно собрать "
        "до {deadline} (МСК). Причина задержки: {cause}. Мы сможем отгрузить отправление до "
        "{date}. Если продлить срок нельзя, подскажите, пожалуйста, как поступить без штрафа.\n"
        "С уважением, {shop} (Client-Id {client_id})"
    ),
    # "задерживается …": why, for the buyer
    "cause.stock": "из-за временного отсутствия товара на складе",
    "cause.supplier": "из-за задержки у нашего поставщика",
    "cause.logistics": "из-за проблем с доставкой товара на наш склад",
    "cause.mistake": "по нашей вине",
    "cause.system": "из-за технического сбоя",
    "cause.force": "из-за форс-мажорных обстоятельств",
    # "Причина задержки: …": the same, as a noun, for Ozon support
    "reason.stock": "временное отсутствие товара на складе",
    "reason.supplier": "задержка у поставщика",
    "reason.logistics": "проблемы с доставкой товара на склад",
    "reason.mistake": "ошибка с нашей стороны",
    "reason.system": "технический сбой",
    "reason.force": "форс-мажорные обстоятельства",
}
RU_MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip


def buyer_text(key: str, **values: Any) -> str:
    """A Russian text for the buyer or Ozon support: plain text, nothing escaped."""
    return BUYER_RU[key].format(**values)
