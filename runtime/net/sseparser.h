#pragma once

#include "net/sseevent.h"

#include <QList>

namespace ktx {

// Incremental text/event-stream parser for HTTP clients (the LLM backends read
// Anthropic and OpenAI streams with it). Feed bytes exactly as they arrive,
// split anywhere, and take the completed events; it follows the WHATWG rules:
// CRLF, LF or CR line ends (also split between two feeds), a leading UTF-8 BOM,
// comments, fields without a colon, multi-line data, "id" persisting across
// events, "retry", and no event for a block without data.
class SseParser
{
public:
    // A line or event longer than this is an error rather than memory growth.
    static constexpr qsizetype DefaultMaxEventBytes = 16 * 1024 * 1024;

    explicit SseParser(qsizetype maxEventBytes = DefaultMaxEventBytes);

    QList<SseEvent> feed(QByteArrayView bytes);
    // The stream ended. An event without its terminating blank line is
    // dropped, as the standard says; the parser is ready for a new stream.
    void finish();

    QByteArray lastEventId() const { return m_lastEventId; }
    // The reconnection time the server asked for with "retry:", or -1.
    int retryMs() const { return m_retryMs; }
    // Set when an event went over the size limit; feed() then returns nothing.
    bool hasError() const { return m_error; }

private:
    void processLine(QList<SseEvent> &out);
    void dispatch(QList<SseEvent> &out);

    qsizetype m_maxEventBytes;
    QByteArray m_line;
    QByteArray m_data;
    QByteArray m_eventType;
    QByteArray m_lastEventId;
    int m_retryMs = -1;
    int m_bomMatched = 0;
    bool m_atStart = true;
    bool m_pendingCR = false;
    bool m_error = false;
};

} // namespace ktx
