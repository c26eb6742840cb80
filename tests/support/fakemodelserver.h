#pragma once

#include "net/httprequest.h"

#include <QJsonObject>
#include <QMutex>
#include <QThread>
#include <QUrl>

#include <functional>
#include <memory>

namespace ktx {
class HttpServer;
class HttpResponder;
} // namespace ktx

namespace ktx::test {

// A scripted model provider on 127.0.0.1:0 for tests: the Anthropic Messages API
// (streaming and not, /v1/messages and count_tokens), OpenAI chat completions,
// and the OpenAI Responses API that Codex speaks. It runs on a thread of its own,
// so a test can block in an agent loop (or wait for a CLI) while it answers.
// Every request is recorded for assertions.
class FakeModelServer
{
public:
    struct Request
    {
        QByteArray method;
        QString path;
        HttpHeaders headers;
        QJsonObject body;
        QByteArray rawBody;

        QString lastUserText() const; // the most recent user text, whatever the API
        // The tool result text of the latest turn (tool_result, tool message or
        // function_call_output), empty when the request carries none.
        QString lastToolResult() const;
        bool hasToolResult() const { return !lastToolResult().isNull(); }
        // The full name under which the client offered tool `shortName`
        // (e.g. "mcp__ktx__echo"), or empty.
        QString toolName(const QString &shortName) const;
        QStringList toolNames() const;
        int toolResultCount() const;
    };

    struct Reply
    {
        enum class Kind {
            Text, // a final answer
            ToolCall, // call `tool` with `arguments`
            HttpError, // `status` with an API error body, optional retry-after
            CutStream, // start streaming, then drop the connection
            InStreamError, // HTTP 200, then an error event
            Malformed, // HTTP 200 with garbage in the stream
            Stall, // start streaming and then say nothing
        };
        Kind kind = Kind::Text;
        QString text = QStringLiteral("Hello from the fake model.");
        QString tool; // short name; resolved against the request's tools
        QJsonObject arguments;
        int status = 500;
        QString errorType = QStringLiteral("api_error");
        int retryAfterSeconds = -1;
        int inputTokens = 11;
        int outputTokens = 7;

        static Reply say(QString text);
        static Reply call(QString tool, QJsonObject arguments);
        static Reply httpError(int status, QString errorType, int retryAfterSeconds = -1);
        static Reply of(Kind kind);
    };

    // Decides the reply from the request and its 1-based index among model
    // requests (HEAD probes and count_tokens are answered without the script).
    using Script = std::function<Reply(const Request &request, int index)>;

    FakeModelServer();
    ~FakeModelServer();

    QUrl baseUrl() const; // http://127.0.0.1:<port>
    void setScript(Script script);
    QList<Request> requests() const; // model requests only
    int requestCount() const;

private:
    void handle(const HttpRequest &request, HttpResponder *responder);

    QThread m_thread;
    QObject *m_context = nullptr;
    HttpServer *m_server = nullptr;
    quint16 m_port = 0;
    mutable QMutex m_mutex;
    Script m_script;
    QList<Request> m_requests;
};

} // namespace ktx::test
