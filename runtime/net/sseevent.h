#pragma once

#include <QByteArray>

namespace ktx {

// One server-sent event (text/event-stream), as SseParser delivers it and
// SseWriter encodes it. Fields are UTF-8.
struct SseEvent
{
    QByteArray event; // the event type; empty means the default type "message"
    QByteArray data; // lines joined with '\n', without a trailing newline
    QByteArray id; // parser: the last event id in effect; writer: sent when non-empty
    int retryMs = -1; // writer only: a "retry:" field when >= 0 (see SseParser::retryMs())

    bool operator==(const SseEvent &other) const = default;
};

} // namespace ktx
