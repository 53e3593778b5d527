"""Pure rules of alert intake (no Django, no I/O; time passed in).

Every payload format becomes a list of `Signal`s: one normalised alert each, with its
fingerprint (the sender's dedup key, or a SHA-256 of the sorted labels), severity mapped
to critical/error/warning/info, and the labels the system is found by. Duplicates inside
one request are folded (`aggregate`) so the store writes each fingerprint once per batch.

Catalog: C07, A2-PERF-CAP-2 (token bucket), A2-PERF-CAP-3 (storms), A2-OPS-MON-1
(heartbeats), A2-HW-2, A2-RESP-4.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

from antei.core.domain import Violation

SEVERITIES = ("critical", "error", "warning", "info")
_SEVERITY_WORDS = {
    "critical": "critical", "crit": "critical", "page": "critical", "fatal": "critical",
    "emergency": "critical", "emerg": "critical", "alert": "critical", "disaster": "critical",
    "p1": "critical", "sev1": "critical",
    "error": "error", "err": "error", "major": "error", "high": "error", "p2": "error",
    "sev2": "error",
    "warning": "warning", "warn": "warning", "minor": "warning", "medium": "warning",
    "average": "warning", "p3": "warning", "sev3": "warning",
    "info": "info", "information": "info", "informational": "info", "notice": "info",
    "low": "info", "none": "info", "debug": "info", "ok": "info", "p4": "info", "p5": "info",
}
MATCH_OPS = ("=", "!=", "=~", "!~")
MAX_ALERTS = 10_000  # per request: larger floods are split by the sender or refused
MAX_MESSAGES = 100_000
_ZERO_TIME_YEAR = 1  # Go's zero time "0001-01-01T00:00:00Z" means "not set"
_FRACTION = re.compile(r"(\.\d{6})\d+")


def map_severity(value: object, default: str = "warning") -> str:
    """Map a tool's severity word to antei's four levels (unknown words keep the default)."""
    if not isinstance(value, str) or not value:
        return default
    return _SEVERITY_WORDS.get(value.strip().lower(), default)


def severity_at_least(severity: str, threshold: str) -> bool:
    if threshold not in SEVERITIES:
        return False
    order = SEVERITIES.index
    return order(severity if severity in SEVERITIES else "info") <= order(threshold)


def canonical_labels(labels: Mapping[str, str]) -> str:
    return json.dumps(labels, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def fingerprint_labels(labels: Mapping[str, str], canonical: str | None = None) -> str:
    """A stable hash of the label set: the same labels in any order give the same value."""
    text = canonical if canonical is not None else canonical_labels(labels)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def fingerprint_key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def hash_key(key: str) -> str:
    """Integration keys are stored as this hash only."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_time(value: object) -> datetime | None:
    """RFC 3339 (nanoseconds cut to microseconds); Go's zero time is 'not set'.
    Raises ValueError for text that is no time."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(value)
    text = _FRACTION.sub(r"\1", value.strip())
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if parsed.year <= _ZERO_TIME_YEAR:
        return None
    return parsed.astimezone(UTC)


@dataclass(slots=True)
class Signal:
    """One normalised alert of a request."""

    fingerprint: str
    status: str  # firing | resolved | acknowledged
    labels: dict[str, str]
    annotations: dict[str, str]
    summary: str
    severity: str
    starts_at: datetime
    ends_at: datetime | None = None
    generator_url: str = ""
    count: int = 1
    last_start_at: datetime | None = None
    system_code: str | None = None
    labels_json: str = ""  # the canonical JSON the fingerprint was taken of
    annotations_json: str = ""
    # Each delivery is a new report (console messages, event triggers): `count` always adds.
    # Otherwise only a start time later than the last one seen adds (Alertmanager re-sends).
    additive: bool = False


@dataclass
class Parsed:
    signals: list[Signal] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    dedup_key: str = ""


def _str_map(value: object, fld: str, out: list[Violation]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        out.append(Violation(fld, "payload_object"))
        return {}
    for k, v in value.items():
        if not isinstance(v, str):
            out.append(Violation(f"{fld}.{k}", "payload_string"))
            return {}
    return value


def _time(value: object, fld: str, out: list[Violation],
          memo: dict[object, datetime | None] | None = None) -> datetime | None:
    if memo is not None and isinstance(value, str) and value in memo:
        return memo[value]
    try:
        found = parse_time(value)
    except (ValueError, TypeError):
        out.append(Violation(fld, "payload_datetime", {"value": str(value)[:40]}))
        return None
    if memo is not None and isinstance(value, str):
        memo[value] = found
    return found


def parse_alert_list(body: object, now: datetime) -> Parsed:
    """Alertmanager webhook v4 and Grafana unified alerting (the same `alerts[]` shape):
    each alert has status, labels, annotations, startsAt, endsAt, generatorURL."""
    result = Parsed()
    out = result.violations
    if not isinstance(body, dict):
        out.append(Violation("body", "payload_object"))
        return result
    alerts = body.get("alerts")
    if not isinstance(alerts, list):
        out.append(Violation("alerts", "payload_array" if alerts is not None else "required"))
        return result
    if len(alerts) > MAX_ALERTS:
        out.append(Violation("alerts", "too_many", {"max": MAX_ALERTS}))
        return result
    default_status = body.get("status") if body.get("status") in ("firing", "resolved") else None
    times: dict[object, datetime | None] = {}  # a batch shares few distinct times
    notes: dict[tuple[tuple[str, str], ...], str] = {}
    for i, item in enumerate(alerts):
        where = f"alerts[{i}]"
        if not isinstance(item, dict):
            out.append(Violation(where, "payload_object"))
            continue
        status = item.get("status", default_status)
        if status not in ("firing", "resolved"):
            out.append(Violation(f"{where}.status", "choice",
                                 {"value": status, "choices": "firing, resolved"}))
            continue
        raw_labels = item.get("labels")
        if raw_labels is None or raw_labels == {}:
            out.append(Violation(f"{where}.labels", "required"))
            continue
        labels = _str_map(raw_labels, f"{where}.labels", out)
        annotations = _str_map(item.get("annotations"), f"{where}.annotations", out)
        starts = _time(item.get("startsAt"), f"{where}.startsAt", out, times)
        ends = _time(item.get("endsAt"), f"{where}.endsAt", out, times)
        url = item.get("generatorURL") or ""
        if not labels or out:
            continue
        summary = (annotations.get("summary") or annotations.get("description")
                   or annotations.get("message") or labels.get("alertname", ""))
        canonical = canonical_labels(labels)
        note_key = tuple(annotations.items())
        note = notes.get(note_key)
        # Text no database can store (lone surrogates from "\ud800" escapes) is refused.
        try:
            raw = canonical.encode("utf-8")
        except UnicodeEncodeError:
            out.append(Violation(f"{where}.labels", "payload_string"))
            continue
        if note is None:
            note = json.dumps(annotations, ensure_ascii=False, separators=(",", ":"))
            try:
                note.encode("utf-8")
            except UnicodeEncodeError:
                out.append(Violation(f"{where}.annotations", "payload_string"))
                continue
            notes[note_key] = note
        result.signals.append(Signal(
            fingerprint=hashlib.sha256(raw).hexdigest(), status=status, labels=labels,
            labels_json=canonical, annotations_json=note,
            annotations=annotations, summary=summary[:2000],
            severity=map_severity(labels.get("severity")), starts_at=starts or now,
            ends_at=ends if status == "resolved" else None,
            generator_url=url if isinstance(url, str) else ""))
    return result


EVENT_ACTIONS = {"trigger": "firing", "resolve": "resolved", "acknowledge": "acknowledged"}


def parse_event(body: object, now: datetime) -> Parsed:
    """A PagerDuty Events API v2 event: event_action trigger|acknowledge|resolve, dedup_key,
    payload{summary, source, severity, component, group, class, custom_details}."""
    result = Parsed()
    out = result.violations
    if not isinstance(body, dict):
        out.append(Violation("body", "payload_object"))
        return result
    action = body.get("event_action")
    if action not in EVENT_ACTIONS:
        out.append(Violation("event_action", "choice" if action else "required",
                             {"value": action, "choices": ", ".join(EVENT_ACTIONS)}))
        return result
    dedup = body.get("dedup_key")
    if dedup is not None and not isinstance(dedup, str):
        out.append(Violation("dedup_key", "payload_string"))
        return result
    payload = body.get("payload")
    labels: dict[str, str] = {}
    summary, severity, starts = "", "warning", now
    if action == "trigger":
        if not isinstance(payload, dict):
            out.append(Violation("payload", "required" if payload is None else "payload_object"))
            return result
        for name in ("summary", "source", "severity"):
            if not isinstance(payload.get(name), str) or not payload.get(name):
                out.append(Violation(f"payload.{name}", "required"))
        if payload.get("severity") not in (None, *SEVERITIES) and not out:
            out.append(Violation("payload.severity", "choice", {
                "value": payload.get("severity"), "choices": ", ".join(SEVERITIES)}))
        if out:
            return result
        summary, severity = payload["summary"], payload["severity"]
        for name in ("source", "component", "group", "class"):
            if isinstance(payload.get(name), str) and payload[name]:
                labels[name] = payload[name]
        details = payload.get("custom_details")
        if isinstance(details, dict):
            labels.update({k: v for k, v in details.items()
                           if isinstance(v, str) and k not in labels})
        stamp = payload.get("timestamp")
        if stamp is not None:
            starts = _time(stamp, "payload.timestamp", out) or now
            if out:
                return result
        # Each trigger is a new report of the problem: it counts, at its receipt time.
        starts = max(starts, now)
    elif not dedup:
        out.append(Violation("dedup_key", "required"))
        return result
    key = dedup or fingerprint_labels({"summary": summary, **labels})
    result.dedup_key = key
    result.signals.append(Signal(
        fingerprint=fingerprint_key("event", key), status=EVENT_ACTIONS[action], labels=labels,
        annotations={"summary": summary, "dedup_key": key} if summary else {"dedup_key": key},
        summary=summary[:2000], severity=severity, starts_at=starts,
        ends_at=now if action == "resolve" else None, additive=True))
    return result


@dataclass(slots=True)
class Message:
    message_id: str
    text: str
    severity: str = "warning"
    host: str = ""
    system: str = ""
    count: int = 1


def parse_messages_json(body: object) -> tuple[list[Message], list[Violation]]:
    """{"messages": [{"id", "text", "severity"?, "host"?, "system"?}]}."""
    out: list[Violation] = []
    if not isinstance(body, dict):
        return [], [Violation("body", "payload_object")]
    items = body.get("messages")
    if not isinstance(items, list):
        return [], [Violation("messages", "payload_array" if items is not None else "required")]
    if len(items) > MAX_MESSAGES:
        return [], [Violation("messages", "too_many", {"max": MAX_MESSAGES})]
    found: list[Message] = []
    for i, item in enumerate(items):
        where = f"messages[{i}]"
        if not isinstance(item, dict):
            out.append(Violation(where, "payload_object"))
            continue
        for name in ("id", "text"):
            if not isinstance(item.get(name), str) or not item.get(name):
                out.append(Violation(f"{where}.{name}", "required"))
        if out:
            continue
        found.append(Message(
            message_id=item["id"][:100], text=item["text"][:4000],
            severity=map_severity(item.get("severity")),
            host=str(item.get("host") or "")[:100], system=str(item.get("system") or "")[:32]))
    return found, out


def parse_message_lines(text: str) -> tuple[list[Message], list[Violation]]:
    """Console/syslog-style lines "MSGID text" (blank lines are skipped)."""
    found: list[Message] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        head, _, rest = line.partition(" ")
        if not rest.strip():
            return [], [Violation(f"line {number}", "required")]
        found.append(Message(message_id=head[:100], text=rest.strip()[:4000]))
    if len(found) > MAX_MESSAGES:
        return [], [Violation("body", "too_many", {"max": MAX_MESSAGES})]
    return found, []


@dataclass(slots=True)
class MessageTally:
    """Identical messages (same id and text) of one request, counted once each."""

    message_id: str
    text: str
    text_hash: str
    count: int
    severity: str
    host: str
    system: str


def tally_messages(messages: Iterable[Message]) -> list[MessageTally]:
    """Fold identical (id, text) pairs: memory grows with distinct messages, not with
    repeats (A2-PERF-CAP-3)."""
    found: dict[tuple[str, str, str, str], MessageTally] = {}
    for m in messages:
        key = (m.message_id, m.text, m.host, m.system)
        tally = found.get(key)
        if tally is None:
            found[key] = MessageTally(m.message_id, m.text, text_hash(m.text), m.count,
                                      m.severity, m.host, m.system)
        else:
            tally.count += m.count
            if severity_at_least(m.severity, tally.severity):
                tally.severity = m.severity
    return list(found.values())


def message_signals(tallies: Iterable[MessageTally], now: datetime) -> list[Signal]:
    """One alert per message id and host: count = messages received."""
    out: dict[str, Signal] = {}
    for t in tallies:
        fp = fingerprint_key("message", t.message_id, t.host, t.system)
        signal = out.get(fp)
        if signal is None:
            labels = {"alertname": t.message_id, "message_id": t.message_id}
            if t.host:
                labels["host"] = t.host
            if t.system:
                labels["system"] = t.system
            out[fp] = Signal(fingerprint=fp, status="firing", labels=labels, annotations={},
                             summary=f"{t.message_id} {t.text}"[:2000], severity=t.severity,
                             starts_at=now, count=t.count, additive=True)
        else:
            signal.count += t.count
            if severity_at_least(t.severity, signal.severity):
                signal.severity = t.severity
    return list(out.values())


def storm_summary(message_id: str, count: int, since_local: datetime) -> str:
    """The storm line in both languages: '… repeated 12,345 times since 02:13'."""
    return (f"{message_id}: {count:,} 回繰り返し ({since_local:%H:%M} 以降) / "
            f"repeated {count:,} times since {since_local:%H:%M}")


def storm_signal(message_id: str, total: int, delta: int, since: datetime,
                 since_local: datetime, now: datetime) -> Signal:
    """The one storm alert of a message id: raised once, then its count grows."""
    return Signal(
        fingerprint=fingerprint_key("storm", message_id), status="firing",
        labels={"alertname": "MessageStorm", "message_id": message_id},
        annotations={"since": since.isoformat()},
        summary=storm_summary(message_id, total, since_local), severity="error",
        starts_at=now, count=delta, additive=True)


def aggregate(signals: Iterable[Signal]) -> tuple[list[Signal], list[Signal], list[Signal]]:
    """Fold one request's signals per fingerprint: (firing, resolved, acknowledged).

    A repeat with a start time already seen (Alertmanager re-sends firing alerts by design)
    adds nothing to the count; a new start time is a new reported occurrence.
    """
    firing: dict[str, Signal] = {}
    resolved: dict[str, Signal] = {}
    acked: dict[str, Signal] = {}
    starts_seen: dict[str, set[datetime]] = {}
    merged: dict[str, Signal] = {}
    for s in signals:
        if s.status == "resolved":
            resolved[s.fingerprint] = s
            continue
        if s.status == "acknowledged":
            acked[s.fingerprint] = s
            continue
        current = firing.get(s.fingerprint)
        if current is None:
            s.last_start_at = s.starts_at
            firing[s.fingerprint] = s
            starts_seen[s.fingerprint] = {s.starts_at}
            continue
        if current is not merged.get(s.fingerprint):
            # Merge into a copy: the caller's signals stay as parsed (a retried
            # transaction folds them again).
            current = firing[s.fingerprint] = merged[s.fingerprint] = dataclasses.replace(
                current)
        seen = starts_seen[s.fingerprint]
        if s.additive or s.starts_at not in seen:
            seen.add(s.starts_at)
            current.count += s.count
        current.starts_at = min(current.starts_at, s.starts_at)
        current.last_start_at = max(current.last_start_at or s.starts_at, s.starts_at)
        current.labels, current.annotations = s.labels, s.annotations
        current.labels_json, current.annotations_json = s.labels_json, s.annotations_json
        current.summary, current.severity = s.summary, s.severity
    return list(firing.values()), list(resolved.values()), list(acked.values())


def resolve_system(labels: Mapping[str, str], mapping: Mapping[str, Any],
                   default: str | None) -> str | None:
    """The system code an alert belongs to: the label the integration's mapping names
    (default "system"), through its aliases; else the integration's only system."""
    label = mapping.get("system") if isinstance(mapping.get("system"), str) else "system"
    value = labels.get(str(label)) or labels.get("system")
    if value:
        aliases = mapping.get("aliases")
        if isinstance(aliases, dict) and isinstance(aliases.get(value), str):
            return str(aliases[value])
        return value
    return default


def group_key(labels: Mapping[str, str], group_by: Sequence[str],
              system_code: str | None) -> tuple[str, dict[str, str]]:
    names = list(group_by) or ["alertname"]
    chosen = {n: labels.get(n, "") for n in names}
    chosen["system"] = system_code or ""
    return fingerprint_labels(chosen), chosen


# --- silences --------------------------------------------------------------------------


def check_matchers(matchers: object) -> list[Violation]:
    if not isinstance(matchers, list) or not matchers:
        return [Violation("matchers", "required")]
    out: list[Violation] = []
    for i, m in enumerate(matchers):
        where = f"matchers[{i}]"
        if not isinstance(m, dict):
            out.append(Violation(where, "payload_object"))
            continue
        if not isinstance(m.get("label"), str) or not m.get("label"):
            out.append(Violation(f"{where}.label", "required"))
        if m.get("op", "=") not in MATCH_OPS:
            out.append(Violation(f"{where}.op", "matcher_op", {"value": m.get("op")}))
        if not isinstance(m.get("value", ""), str):
            out.append(Violation(f"{where}.value", "payload_string"))
        elif m.get("op") in ("=~", "!~"):
            try:
                re.compile(m.get("value", ""))
            except re.error:
                out.append(Violation(f"{where}.value", "regex", {"value": m.get("value")}))
    return out


def matches(matchers: Sequence[Mapping[str, str]], labels: Mapping[str, str]) -> bool:
    """Alertmanager semantics: all matchers must hold; a missing label is the empty
    string; regular expressions are anchored."""
    for m in matchers:
        value = labels.get(m["label"], "")
        op, want = m.get("op", "="), m.get("value", "")
        if op == "=" and value != want:
            return False
        if op == "!=" and value == want:
            return False
        if op == "=~" and not re.fullmatch(want, value):
            return False
        if op == "!~" and re.fullmatch(want, value):
            return False
    return True


@dataclass(frozen=True)
class SilenceRule:
    matchers: tuple[Mapping[str, str], ...]
    starts_at: datetime
    ends_at: datetime | None
    weekdays: tuple[int, ...] = ()
    window_start: time | None = None
    window_end: time | None = None


def is_active(rule: SilenceRule, now: datetime, zone: tzinfo) -> bool:
    """In force now? A recurring window (weekdays + local times, may cross midnight)
    is in force only inside the window, between starts_at and ends_at."""
    if now < rule.starts_at or (rule.ends_at is not None and now >= rule.ends_at):
        return False
    if not rule.weekdays and rule.window_start is None:
        return True
    local = now.astimezone(zone)
    days = set(rule.weekdays) or set(range(7))
    if rule.window_start is None or rule.window_end is None:
        return local.weekday() in days
    t = local.time().replace(tzinfo=None)
    start, end = rule.window_start, rule.window_end
    if start <= end:
        return local.weekday() in days and start <= t < end
    yesterday = (local - timedelta(days=1)).weekday()
    return (local.weekday() in days and t >= start) or (yesterday in days and t < end)


def is_silenced(rules: Iterable[SilenceRule], labels: Mapping[str, str], now: datetime,
                zone: tzinfo) -> bool:
    return any(is_active(r, now, zone) and matches(r.matchers, labels) for r in rules)


def check_window(weekdays: object, start: time | None, end: time | None) -> list[Violation]:
    out: list[Violation] = []
    if not isinstance(weekdays, list) or any(
            not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6 for d in weekdays):
        out.append(Violation("weekdays", "weekdays"))
    if (start is None) != (end is None):
        out.append(Violation("window_start", "time_window"))
    return out


# --- heartbeats -------------------------------------------------------------------------


def heartbeat_is_late(last_check_in: datetime | None, created_at: datetime, interval: int,
                      grace: int, now: datetime) -> bool:
    """Missed: no check-in within interval + grace of the last one (or of registration)."""
    since = last_check_in or created_at
    return now > since + timedelta(minutes=interval + grace)


# --- flow control -----------------------------------------------------------------------


@dataclass
class TokenBucket:
    """`rate` tokens a second up to `burst`; each request takes one (A2-PERF-CAP-2)."""

    rate: float
    burst: float
    tokens: float = -1.0
    stamp: float = 0.0

    def take(self, now: float) -> float:
        """0 if a token was taken, else the seconds until one will be there."""
        if self.tokens < 0:
            self.tokens, self.stamp = self.burst, now
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate if self.rate > 0 else 60.0


def outside_hours(local: datetime, business_day: bool, online_start: time | None,
                  online_end: time | None) -> bool:
    """Nobody watches the console (routing by business hours): a day the bank calendar
    closes, or a business day outside the system's online hours in local time (a window
    whose end is not after its start crosses midnight). A system with no online hours is
    watched for the whole business day."""
    if not business_day:
        return True
    if online_start is None or online_end is None:
        return False
    t = local.time()
    if online_start < online_end:
        return not (online_start <= t < online_end)
    return online_end <= t < online_start
