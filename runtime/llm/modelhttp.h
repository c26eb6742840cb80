#pragma once

#include "llm/llmtypes.h"
#include "net/httprequest.h"
#include "net/sseparser.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QUrl>

#include <optional>

namespace ktx {

class RequestGovernor;

// What went wrong inside a 200 response (a stream cut short, an in-stream error
// event, a body we could not read).
struct StreamFailure
{
    QString message;
    bool retryable = false;
};

// Turns the bytes of one response into a result. reset() is called before every
// attempt, so a retried request starts from a clean state.
class ResponseConsumer
{
public:
    virtual ~ResponseConsumer() = default;
    virtual void reset() = 0;
    virtual void feed(const QByteArray &bytes) = 0;
    // Called when the response ended; nullopt means a complete, valid answer.
    virtual std::optional<StreamFailure> finish() = 0;
};

// A model response that is either a server-sent event stream or one JSON body.
// Subclasses say what the API's events and body mean; buffering, SSE framing and
// the reset between attempts are done here once.
class StreamOrJsonConsumer : public ResponseConsumer
{
public:
    explicit StreamOrJsonConsumer(bool streaming)
        : m_streaming(streaming)
    { }

    void reset() final
    {
        m_parser = SseParser();
        m_body.clear();
        clear();
    }
    void feed(const QByteArray &bytes) final
    {
        if (!m_streaming) {
            m_body += bytes;
            return;
        }
        for (const SseEvent &event : m_parser.feed(bytes))
            onEvent(event);
    }
    std::optional<StreamFailure> finish() final
    {
        if (!m_streaming)
            return onWholeBody(m_body);
        m_parser.finish();
        return onStreamEnd();
    }

protected:
    virtual void clear() = 0;
    virtual void onEvent(const SseEvent &event) = 0;
    virtual std::optional<StreamFailure> onStreamEnd() = 0;
    virtual std::optional<StreamFailure> onWholeBody(const QByteArray &body) = 0;

private:
    bool m_streaming;
    SseParser m_parser;
    QByteArray m_body;
};

struct ModelHttpRequest
{
    QUrl url;
    HttpHeaders headers;
    QByteArray body;
    QString provider; // for messages: "Anthropic", "OpenAI-compatible server", ...
    int idleTimeoutMs = 5 * 60 * 1000;
    int totalTimeoutMs = 10 * 60 * 1000;
};

// POSTs one model request on the calling thread (a worker with no event loop of
// its own: a local one runs for the duration), with the governor's concurrency
// slot, retries and waits. Errors carry the provider's own message, never a key.
class ModelHttp
{
public:
    static Result<void> post(const ModelHttpRequest &request, ResponseConsumer &consumer,
                             RequestGovernor &governor, const CancellationToken &cancel,
                             const AgentEventSink &events);

    // The human part of an API error body ({"error":{"message":...}} in both
    // Anthropic and OpenAI shapes), or the raw text cut to a sensible length.
    static QString errorMessageFromBody(const QByteArray &body);
};

} // namespace ktx
