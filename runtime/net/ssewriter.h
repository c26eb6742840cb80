#pragma once

#include "net/httprequest.h"
#include "net/sseevent.h"

namespace ktx {

// Encodes server-sent events for a streamed HTTP response
// (HttpResponder::beginStream(200, SseWriter::streamHeaders()) then
// write(SseWriter::encode(event))). Data with newlines becomes several data:
// lines, so any payload round-trips through SseParser.
class SseWriter
{
public:
    static QByteArray encode(const SseEvent &event);
    static QByteArray encode(QByteArrayView eventType, QByteArrayView data);
    // A comment line: ignored by clients, useful as a keep-alive.
    static QByteArray comment(QByteArrayView text);
    // Content-Type: text/event-stream and Cache-Control: no-cache.
    static HttpHeaders streamHeaders();
};

} // namespace ktx
